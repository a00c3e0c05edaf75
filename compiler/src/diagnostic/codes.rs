//! The codes of the pipeline itself: reading, parsing, resolution, the graph,
//! and `ashlar build`'s output folder. Each check declares its own code in its
//! file under [`crate::check`], policies theirs in [`crate::policy`]; the one
//! table of every code is [`crate::registry::all`].
//!
//! This module sits at the bottom with the diagnostic type, so that every
//! stage can report with these codes without depending on the stages above.

use crate::declare_codes;

declare_codes! {
    /// ## What it does
    /// Reports text that does not follow the ashlar grammar.
    ///
    /// ## Why it matters
    /// Nothing else can be checked in a file that does not parse.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core {
    ///   address_space: [10.0.0.0/16]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Write what the message says was expected: here `address_space = [10.0.0.0/16]`.
    pub SYNTAX_ERROR = ("ASH001", "syntax-error", Error);

    /// ## What it does
    /// Reports a file whose bytes are not valid UTF-8.
    ///
    /// ## Why it matters
    /// Names and tags reach Azure as Unicode; a file in another encoding would
    /// change them silently.
    ///
    /// ## Example
    /// A plan saved as Latin-1 with `owner = "Müller"`.
    ///
    /// ## Fix
    /// Save the file as UTF-8.
    pub INVALID_ENCODING = ("ASH002", "invalid-encoding", Error);

    /// ## What it does
    /// Reports brackets or braces nested more than 64 levels deep.
    ///
    /// ## Why it matters
    /// No building block needs such depth; the limit keeps the parser safe on any input.
    ///
    /// ## Example
    /// ```ashlar
    /// settings { tags = [[[[[[[[ ... ]]]]]]]] }
    /// ```
    ///
    /// ## Fix
    /// Flatten the structure.
    pub NESTING_TOO_DEEP = ("ASH003", "nesting-too-deep", Error);

    /// ## What it does
    /// Reports a literal that has the right shape but an impossible value: an
    /// address with a part over 255, a prefix with host bits set, a number too
    /// large, a time of day past 23:59, an unknown string escape.
    ///
    /// ## Why it matters
    /// Azure rejects such values in the middle of a deployment
    /// (`10.0.0.5/24` fails with `InvalidAddressPrefixFormat`).
    ///
    /// ## Example
    /// ```ashlar
    /// hub core {
    ///   address_space = [10.0.0.5/24]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Write the value the help suggests: here `10.0.0.0/24`.
    pub INVALID_LITERAL = ("ASH004", "invalid-literal", Error);

    /// ## What it does
    /// Reports a plan folder or file that cannot be read, a folder with no `.ashlar` file, or
    /// a file argument whose name does not end in `.ashlar` (`ashlar check README.md`). The
    /// command line exits 2, as for any other usage error.
    ///
    /// ## Why it matters
    /// A plan that is only partly read would deploy only part of the infrastructure.
    ///
    /// ## Example
    /// `ashlar check plans/missing`
    ///
    /// ## Fix
    /// Point ashlar at a folder holding `.ashlar` files, or at one `.ashlar` file.
    pub UNREADABLE_PLAN = ("ASH010", "unreadable-plan", Error);

    /// ## What it does
    /// Reports `use` of a module the standard library does not have.
    ///
    /// ## Why it matters
    /// A misspelt `use` would otherwise drop the conventions or policies the plan relies on.
    ///
    /// ## Example
    /// ```ashlar
    /// use std.naming.cfa
    /// ```
    ///
    /// ## Fix
    /// Use a module that `ashlar explain ASH011` lists, e.g. `use std.naming.caf`.
    pub UNKNOWN_MODULE = ("ASH011", "unknown-module", Error);

    /// ## What it does
    /// Reports a `file(...)` whose path leaves the plan's folder, or does not exist.
    ///
    /// ## Why it matters
    /// A plan must build the same on every machine: it may read only what is in its folder.
    ///
    /// ## Example
    /// ```ashlar
    /// cloud_init = file("../../etc/passwd")
    /// ```
    ///
    /// ## Fix
    /// Move the file into the plan's folder and give a path relative to it.
    pub FILE_OUTSIDE_PLAN = ("ASH012", "file-outside-plan", Error);

    /// ## What it does
    /// Reports an `ashlar.lock` that cannot be read (not JSON, another version,
    /// a prefix that is not a prefix) or that fails the checks plan text gets: a
    /// prefix with host bits set, a key written twice, two entries that overlap,
    /// a prefix outside its pool or its network's address space. Each at its
    /// line in the lock; an entry that fails is not used.
    ///
    /// ## Why it matters
    /// The lock keeps `auto` prefixes from moving. Allocating anew without it
    /// could move the address space of a network that is already deployed, and
    /// a hand-edited entry would otherwise reach the template as it is
    /// (`172.16.0.5/24` fails with `InvalidAddressPrefixFormat` mid-deployment).
    ///
    /// ## Example
    /// An `ashlar.lock` left with a merge conflict:
    /// ```text
    /// <<<<<<< HEAD
    ///     "app1.app": "10.1.0.64/26",
    /// ```
    ///
    /// ## Fix
    /// Restore the file from version control, or resolve the conflict by hand.
    /// Delete it only if nothing of the plan is deployed yet.
    pub INVALID_LOCK_FILE = ("ASH013", "invalid-lock-file", Error);

    /// ## What it does
    /// Refuses `ashlar build -o OUT` when replacing OUT would destroy what is not
    /// the output: OUT is the plan's folder, lies inside or above it, is the
    /// working folder or above it, the home folder or above it, or `/`.
    ///
    /// ## Why it matters
    /// A build replaces its output folder as a whole. Pointed at the plan, it
    /// would replace the plan's `.ashlar` files and `ashlar.lock` with ARM JSON;
    /// pointed at a parent folder, every sibling plan would go with it.
    /// `--force` does not override this refusal.
    ///
    /// ## Example
    /// `ashlar build plans/app -o plans` or `ashlar build . -o .`
    ///
    /// ## Fix
    /// Give a folder of its own beside the plan: `ashlar build plans/app -o out/app`.
    pub UNSAFE_OUTPUT_FOLDER = ("ASH015", "unsafe-output-folder", Error);

    /// ## What it does
    /// Refuses `ashlar build -o OUT` when OUT holds files that ashlar did not
    /// write: a folder that is neither empty nor an earlier build's output
    /// (whose files are listed in `OUT/.ashlar-output`), or one with files
    /// added since.
    ///
    /// ## Why it matters
    /// A build replaces its output folder as a whole, so every file in it that
    /// ashlar did not write would be deleted.
    ///
    /// ## Example
    /// `ashlar build plans/app -o docs` where `docs/` holds notes.
    ///
    /// ## Fix
    /// Choose an empty or new folder, or move the other files out. If OUT was
    /// written by an ashlar older than the `.ashlar-output` list, or the extra
    /// files may go, `--force` replaces the folder once.
    pub FOREIGN_OUTPUT_FILES = ("ASH016", "foreign-output-files", Error);

    /// ## What it does
    /// Warns about what the walk of a plan folder leaves out: a link to nothing
    /// (an editor's lock file such as `.#plan.ashlar`), a link to a file or
    /// folder outside the plan's folder (never followed), a hidden `.ashlar`
    /// file, a folder link that loops.
    ///
    /// ## Why it matters
    /// A plan is every `.ashlar` file in its folder; a file that is quietly
    /// left out would deploy only part of the infrastructure.
    ///
    /// ## Example
    /// `ln -s /usr/share/plans plan/shared` makes a link out of the plan folder.
    ///
    /// ## Fix
    /// Copy what the plan needs into its folder, or remove the link. Editor
    /// lock files go away when the editor saves or closes the file.
    pub SKIPPED_PLAN_ENTRY = ("ASH017", "skipped-plan-entry", Warning);

    /// ## What it does
    /// Reports that a clean plan's output could not be written: the output
    /// folder's parent is a file, the disk is full, permission was denied.
    ///
    /// ## Why it matters
    /// Nothing was deployed-ready: a CI job must fail, in every report format,
    /// instead of passing with an empty report.
    ///
    /// ## Example
    /// `ashlar build plan -o README.md/out`
    ///
    /// ## Fix
    /// Choose an output folder that can be written; an earlier build in it is
    /// left as it was.
    pub OUTPUT_NOT_WRITTEN = ("ASH018", "output-not-written", Error);

    /// ## What it does
    /// Notes, beside the errors that caused it, that the tag policy and the
    /// policies over `resources` and `resource_groups` did not run: they read the
    /// Azure resources, and a plan with an error of reading or resolving (a
    /// syntax error, a reference to nothing, a wrong attribute), a circle, or a
    /// naming pattern that does not expand is not made into resources. An error
    /// of any other check leaves them to run.
    ///
    /// ## Why it matters
    /// Without it, fixing the last such error reveals findings that were there
    /// all along, and the plan seems to get worse as it is repaired.
    ///
    /// ## Example
    /// ```ashlar
    /// spoke app { hub = cor }   // no hub `cor`: the plan does not resolve
    /// tags { require owner }    // not run
    /// ```
    ///
    /// ## Fix
    /// Fix the errors reported with it; the skipped policies then run.
    pub STAGES_SKIPPED = ("ASH019", "stages-skipped", Info);

    /// ## What it does
    /// Reports a block whose kind does not exist, or is not allowed where it stands.
    ///
    /// ## Why it matters
    /// A misspelt kind would silently leave infrastructure out of the deployment.
    ///
    /// ## Example
    /// ```ashlar
    /// hubb core { }
    /// ```
    ///
    /// ## Fix
    /// Use one of the kinds the message lists; "did you mean" names the closest.
    pub UNKNOWN_KIND = ("ASH101", "unknown-kind", Error);

    /// ## What it does
    /// Reports an attribute that the block's kind does not have.
    ///
    /// ## Why it matters
    /// A misspelt attribute is a setting that never reaches Azure.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core { adress_space = [10.0.0.0/16] }
    /// ```
    ///
    /// ## Fix
    /// Use the attribute "did you mean" suggests, or remove it.
    pub UNKNOWN_ATTRIBUTE = ("ASH102", "unknown-attribute", Error);

    /// ## What it does
    /// Reports a block that lacks an attribute its kind requires.
    ///
    /// ## Why it matters
    /// Azure would reject the resource, or ashlar could not derive it.
    ///
    /// ## Example
    /// ```ashlar
    /// spoke app1 { resource_group = "rg-app1"  address_space = [10.1.0.0/24] }
    /// ```
    ///
    /// ## Fix
    /// Add the attribute: here `hub = core`.
    pub MISSING_ATTRIBUTE = ("ASH103", "missing-attribute", Error);

    /// ## What it does
    /// Reports a value of the wrong type: a string where an address prefix is
    /// expected, a number out of range, a word not in the allowed set.
    ///
    /// ## Why it matters
    /// Azure would reject the value, or read it as something else.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core { address_space = "10.0.0.0/16" }
    /// ```
    ///
    /// ## Fix
    /// Write a value of the type the message names: here `[10.0.0.0/16]`.
    pub TYPE_MISMATCH = ("ASH104", "type-mismatch", Error);

    /// ## What it does
    /// Reports two blocks with the same name where names must be unique: two
    /// top-level blocks of the plan, two subnets of one network, two `settings`.
    ///
    /// ## Why it matters
    /// References to the name would be ambiguous, and Azure would merge or reject
    /// the two resources.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core { ... }
    /// spoke core { ... }
    /// ```
    ///
    /// ## Fix
    /// Rename one of them.
    pub DUPLICATE_NAME = ("ASH105", "duplicate-name", Error);

    /// ## What it does
    /// Reports a reference to a block that does not exist.
    ///
    /// ## Why it matters
    /// The resource it points at would not be deployed, and the deployment would fail.
    ///
    /// ## Example
    /// ```ashlar
    /// spoke app1 { hub = croe ... }
    /// ```
    ///
    /// ## Fix
    /// Use the name "did you mean" suggests, or declare the block.
    pub UNRESOLVED_REFERENCE = ("ASH106", "unresolved-reference", Error);

    /// ## What it does
    /// Reports a reference to a block of the wrong kind.
    ///
    /// ## Why it matters
    /// A spoke peered to another spoke instead of a hub breaks the topology.
    ///
    /// ## Example
    /// ```ashlar
    /// spoke app2 { hub = app1 ... }
    /// ```
    ///
    /// ## Fix
    /// Reference a block of the kind the message names.
    pub WRONG_REFERENCE_KIND = ("ASH107", "wrong-reference-kind", Error);

    /// ## What it does
    /// Reports an attribute given twice in one block.
    ///
    /// ## Why it matters
    /// Only one value can win; ashlar does not guess which one you meant.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core { resource_group = "a"  resource_group = "b" }
    /// ```
    ///
    /// ## Fix
    /// Keep one of them.
    pub DUPLICATE_ATTRIBUTE = ("ASH108", "duplicate-attribute", Error);

    /// ## What it does
    /// Reports a block written with the wrong shape: a name where none is taken,
    /// no name where one is needed, or extra words after it.
    ///
    /// ## Why it matters
    /// Words ashlar cannot place would be settings silently dropped.
    ///
    /// ## Example
    /// ```ashlar
    /// subnet web 10.1.0.0/26 10.1.0.64/26
    /// ```
    ///
    /// ## Fix
    /// Write the block as `kind name [value] { ... }`, as the help shows.
    pub MALFORMED_BLOCK = ("ASH109", "malformed-block", Error);

    /// ## What it does
    /// Reports blocks that depend on each other in a circle, through references
    /// or `depends_on`.
    ///
    /// ## Why it matters
    /// No order can deploy them; ARM would fail with `InvalidTemplate` (circular dependency).
    ///
    /// ## Example
    /// ```ashlar
    /// hub a { depends_on = [b] ... }
    /// hub b { depends_on = [a] ... }
    /// ```
    ///
    /// ## Fix
    /// Remove one of the dependencies in the circle.
    pub DEPENDENCY_CYCLE = ("ASH120", "dependency-cycle", Error);
}
