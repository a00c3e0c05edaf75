//! ashlar: a policy-as-code compiler for Azure infrastructure.
//!
//! A *plan* is a folder of `.ashlar` files that describe Azure IaaS building
//! blocks: hubs, spokes and their subnets. ashlar compiles a plan into ARM JSON
//! and Bicep that `az deployment sub create` deploys as they are, and refuses at
//! compile time, at the right line, what Azure would refuse halfway through.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`load`] reads the plan's files as bytes; [`stdlib`] supplies the modules
//!    that `use std.x` names.
//! 2. [`syntax`] parses each file with the pest grammar in `grammar/ashlar.pest`
//!    into an [`ast`], with byte spans, never panicking on any input.
//! 3. [`resolve`] types every block against its kind's [`schema`] and resolves
//!    references into one [`model`]; [`address`] allocates `auto` prefixes.
//! 4. [`check`] runs Azure's hard rules and the plan's conventions, one check per
//!    file, each with a stable code in the [`registry`].
//! 5. [`graph`] finds circles among blocks; after lowering it orders resources
//!    and groups them into nested deployments.
//! 6. [`policy`] runs the plan's policies over the model, and [`lower`] derives
//!    Azure resources (an [`lower::ir`]) from it; the checks of resources
//!    ([`check::PLAN_CHECKS`]: Azure's name rules), the policies over
//!    resources and the tag policy run on those.
//! 7. [`emit`] writes the IR as ARM JSON and as Bicep.
//!
//! [`analyze`] runs stages 2 to 6 and is the one entry point of the CLI's
//! `check`, `build` and `graph` and of the language server: nothing is computed
//! twice. It is a function of one input, [`load::PlanInput`]: the plan's files,
//! its lock and project file, the texts `file(...)` names and today's date all
//! reach it there. Every problem is a [`diagnostic::Diagnostic`] with a code and
//! a span, rendered only at the edges ([`diagnostic::render`]).
//! `docs/architecture.md` maps the layers and says where a change goes.

pub mod address;
pub mod ast;
pub mod azure;
pub mod azure_policy;
pub mod blocks;
pub mod calendar;
pub mod check;
pub mod config;
pub mod diagnostic;
pub mod emit;
pub mod fixes;
pub mod format;
pub mod graph;
pub mod ide;
pub mod import;
pub mod kinds;
pub mod load;
pub mod lockfile;
pub mod lower;
pub mod lsp;
pub mod model;
pub mod parallel;
pub mod phrases;
pub mod policy;
pub mod prefixes;
pub mod registry;
pub mod report;
pub mod resolve;
pub mod schedule;
pub mod schema;
pub mod source;
pub mod stdlib;
pub mod syntax;
pub mod timezones;

use diagnostic::codes::UNKNOWN_MODULE;
use diagnostic::Diagnostic;
use load::PlanInput;
use lower::ir::AzurePlan;
use model::Model;
use source::{FileId, SourceFile, SourceMap};

/// Everything ashlar knows about a plan.
pub struct Analysis {
    pub sources: SourceMap,
    /// The parsed files, plan files first, then the stdlib modules they use.
    pub files: Vec<(FileId, std::sync::Arc<ast::File>)>,
    pub model: Model,
    /// The Azure resources; `None` when the plan has errors.
    pub azure: Option<AzurePlan>,
    /// Sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The new text of `ashlar.lock`, when the prefixes chosen for `auto` changed.
    pub lock: Option<String>,
    /// How long each stage took, for `--verbose`.
    pub timings: Timings,
    /// The date the analysis counted from, and where it came from.
    pub today: (calendar::Date, calendar::TodaySource),
    /// The plan's policies and tag policy, compiled once.
    pub policies: policy::Policies,
}

/// The time each stage of a run took, in the order they ran.
#[derive(Debug, Clone)]
pub struct Timings {
    pub stages: Vec<(&'static str, std::time::Duration)>,
    /// The process's peak memory (resident, in KiB) when each stage ended,
    /// where the system tells it (Linux).
    pub peak_kib: Vec<Option<u64>>,
    since: std::time::Instant,
    /// Told of each stage as it ends: the command line's progress line.
    observer: Option<fn(&'static str)>,
}

impl Timings {
    pub fn start() -> Self {
        Timings { stages: Vec::new(), peak_kib: Vec::new(), since: std::time::Instant::now(), observer: None }
    }

    /// Timings that tell `observer` the name of each stage as it ends.
    pub fn observed(observer: fn(&'static str)) -> Self {
        Timings { observer: Some(observer), ..Timings::start() }
    }

    /// Records the time since the last stage ended as `stage`'s.
    pub fn lap(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        self.stages.push((stage, now - self.since));
        self.peak_kib.push(peak_memory_kib());
        self.since = now;
        if let Some(observer) = self.observer {
            observer(stage);
        }
    }

    /// Stops telling the observer: the stages it showed are over.
    pub fn stop_observing(&mut self) {
        self.observer = None;
    }

    pub fn total(&self) -> std::time::Duration {
        self.stages.iter().map(|(_, d)| *d).sum()
    }
}

/// The process's peak resident memory so far, from `/proc/self/status`.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Analyses a plan: parse, resolve, check, graph and lower.
pub fn analyze(input: &PlanInput) -> Analysis {
    analyze_with(input, &mut ParseCache::single())
}

/// The syntax trees of the files last analysed, for the language server,
/// which analyses the same plan on every change: a file whose place in the
/// plan and text are unchanged is not parsed again, and an edit of a file
/// that parsed without a diagnostic parses again only the top-level blocks
/// it touches ([`syntax::reparse`]).
pub struct ParseCache {
    /// Whether to keep what is parsed: not for a single analysis.
    keep: bool,
    files: std::collections::HashMap<FileId, Parsed>,
}

/// One file as last parsed.
struct Parsed {
    text: String,
    /// Shared with the analyses made from it, not copied.
    tree: std::sync::Arc<ast::File>,
    diagnostics: Vec<Diagnostic>,
    /// Its top-level pieces, when it parsed without a diagnostic.
    pieces: Option<syntax::Pieces>,
}

impl Default for ParseCache {
    fn default() -> Self {
        ParseCache { keep: true, files: Default::default() }
    }
}

impl ParseCache {
    /// A cache for one analysis, which keeps nothing.
    pub fn single() -> Self {
        ParseCache { keep: false, files: Default::default() }
    }

    /// Parses `text` as file `id`, or gives the tree of the same text parsed
    /// before, or parses again only what an edit of it touched.
    fn parse(&mut self, id: FileId, text: &str) -> (std::sync::Arc<ast::File>, Vec<Diagnostic>) {
        let before = self.files.get(&id);
        if let Some(before) = before.filter(|before| before.text == text) {
            return (std::sync::Arc::clone(&before.tree), before.diagnostics.clone());
        }
        let edited = before.and_then(|before| syntax::reparse(id, &before.text, &before.tree, before.pieces.as_ref()?, text));
        let (tree, diagnostics, pieces) = match edited {
            Some((tree, diagnostics, pieces)) => (tree, diagnostics, Some(pieces)),
            None => {
                let (tree, diagnostics) = syntax::parse(id, text);
                let pieces = if self.keep && diagnostics.is_empty() { syntax::Pieces::of(&tree, text) } else { None };
                (tree, diagnostics, pieces)
            }
        };
        let tree = std::sync::Arc::new(tree);
        if self.keep {
            let pieces = pieces.filter(|_| diagnostics.is_empty());
            self.files.insert(id, Parsed { text: text.to_string(), tree: tree.clone(), diagnostics: diagnostics.clone(), pieces });
        }
        (tree, diagnostics)
    }
}

/// [`analyze`], with the trees of unchanged files taken from `cache`.
pub fn analyze_with(input: &PlanInput, cache: &mut ParseCache) -> Analysis {
    analyze_timed(input, cache, Timings::start())
}

/// [`analyze`], recording each stage's time in `timings`, which may report
/// each stage as it ends.
pub fn analyze_timed(input: &PlanInput, cache: &mut ParseCache, timings: Timings) -> Analysis {
    match analyze_stages(input, cache, timings, &|| false) {
        Some(analysis) => analysis,
        None => unreachable!("an analysis that nothing supersedes runs to its end"),
    }
}

/// [`analyze_with`], given up between two stages once `superseded` says so:
/// the language server asks whether a newer text of the plan waits, which
/// makes this analysis's result useless. `None` when it was given up.
pub fn analyze_unless(input: &PlanInput, cache: &mut ParseCache, superseded: &dyn Fn() -> bool) -> Option<Analysis> {
    analyze_stages(input, cache, Timings::start(), superseded)
}

fn analyze_stages(input: &PlanInput, cache: &mut ParseCache, mut timings: Timings, superseded: &dyn Fn() -> bool) -> Option<Analysis> {
    // Between two stages: the stage just ended is timed, and the analysis given up if it is superseded.
    macro_rules! lap {
        ($stage:expr) => {{
            timings.lap($stage);
            if superseded() {
                return None;
            }
        }};
    }
    let mut sources = SourceMap::default();
    let mut files = Vec::new();
    let mut diagnostics = input.skipped.clone();
    // Today comes with the input, or is read once, here, for every stage and thread that needs it.
    let today = input.today.unwrap_or_else(calendar::today_with_source);

    for input_file in &input.files {
        let id = sources.add(SourceFile::new(input_file.name.clone(), Some(input_file.path.clone()), String::new()));
        match syntax::decode(id, input_file.bytes.clone()) {
            Ok(text) => {
                let (tree, errors) = cache.parse(id, &text);
                sources.replace_text(id, text);
                diagnostics.extend(errors);
                files.push((id, tree));
            }
            Err(error) => {
                // Keep the readable prefix so the diagnostic can show where the bad byte is.
                let valid = String::from_utf8_lossy(&input_file.bytes).into_owned();
                sources.replace_text(id, valid);
                diagnostics.push(error);
            }
        }
    }
    let library = load_stdlib(&mut sources, &mut files, &mut diagnostics, cache);
    let locked = read_lock(input, &mut sources, &mut diagnostics);
    let azure_policy = azure_policy::read(input, &mut sources, &mut diagnostics);
    lap!("parse");

    let trees: Vec<&ast::File> = files.iter().map(|(_, f)| &**f).collect();
    let (model, errors) = resolve::resolve(&trees, &library, Some(input), &locked);
    diagnostics.extend(errors.into_iter().filter(|d| !unknown_while_text_does_not_parse(d, &files, &sources)));
    lap!("resolve");
    // Whether the plan read and resolved without an error: then the model is
    // whole, and lowering it is sound even when a check below finds an error.
    let resolved = !diagnostics.iter().any(Diagnostic::is_error);
    diagnostics.extend(check::run(&model, today));
    lap!("check");
    let cycles = graph::check_cycles(&model);
    let lowerable = resolved && cycles.is_empty() && !diagnostics.iter().any(check::stops_lowering);
    diagnostics.extend(cycles);
    let policies = policy::compile(&model, &mut diagnostics);
    diagnostics.extend(policy::evaluate_model(&policies, &model));
    lap!("policies");

    // A plan whose only errors are those of checks and policies is lowered
    // still, so that the checks and policies over its resources (the tag
    // policy among them) report too, and fixing one error does not reveal ten
    // more; it deploys nothing.
    let mut azure = None;
    if lowerable {
        match blocks::lower(&model) {
            Ok(plan) => {
                lap!("lower");
                // Names are checked as lowering made them (`ASH301`): an error there stops the output below.
                diagnostics.extend(check::run_plan(&model, &plan, today));
                lap!("check resources");
                diagnostics.extend(policy::evaluate_plan(&policies, &model, &plan));
                timings.lap("policies over resources");
                if !azure_policy.is_empty() {
                    diagnostics.extend(azure_policy::evaluate(&azure_policy, &model, &plan, &sources));
                    timings.lap("azure policy");
                }
                azure = Some(plan);
            }
            Err(errors) => diagnostics.extend(errors),
        }
    } else if let Some(note) = not_lowered(&policies) {
        diagnostics.push(note);
    }
    let codes = registry::all();
    policy::allow::apply(&model, &mut diagnostics, &codes, &azure_policy.assignment_names());
    config::apply_severities(input.config.as_deref(), &input.root, &model, &mut sources, &mut diagnostics, &codes);
    if diagnostics.iter().any(Diagnostic::is_error) {
        azure = None;
    }
    diagnostic::sort(&mut diagnostics);
    fixes::attach(&fixes::Context::new(&sources, &files, &model), &mut diagnostics);
    let lock = lock_update(input, &model);
    timings.lap("finish");
    Some(Analysis { sources, files, model, azure, diagnostics, lock, timings, today, policies })
}

/// For a plan left unlowered by its errors: which of its policies did not run
/// for want of the resources they read, so that fixing an error that hid them
/// does not reveal their findings by surprise.
fn not_lowered(policies: &policy::Policies) -> Option<Diagnostic> {
    let skipped = policy::over_resources(policies);
    if skipped.is_empty() {
        return None;
    }
    let what = match skipped.as_slice() {
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => return None,
    };
    let message = format!(
        "{what} did not run: {} the Azure resources, which are made only from a plan that reads and resolves without an error and has no circle",
        if skipped.len() == 1 { "it reads" } else { "they read" }
    );
    Some(
        Diagnostic::global(&diagnostic::codes::STAGES_SKIPPED, message)
            .with_help("fix the errors reported above it, then check again to see their findings"),
    )
}

/// The plan's `ashlar.lock`, read and checked ([`lockfile::read`]); a lock that
/// cannot be read, or an entry that fails a check, is an error, since allocating
/// anew could move prefixes that are deployed. Entries that fail are not used.
fn read_lock(input: &PlanInput, sources: &mut SourceMap, diagnostics: &mut Vec<Diagnostic>) -> lockfile::Allocations {
    let Some(bytes) = &input.lock else { return lockfile::Allocations::new() };
    let text = String::from_utf8_lossy(bytes).into_owned();
    let id = sources.add(SourceFile::new(lockfile::LOCK_FILE, Some(input.root.join(lockfile::LOCK_FILE)), text.clone()));
    let (allocations, problems) = lockfile::read(&text, id);
    diagnostics.extend(problems);
    allocations
}

/// Whether `d` is a reference to nothing that may name a block in text left out
/// because it does not parse: while a block is being typed, what refers to it
/// is not reported missing.
fn unknown_while_text_does_not_parse(d: &Diagnostic, files: &[(FileId, std::sync::Arc<ast::File>)], sources: &SourceMap) -> bool {
    let Some(span) = d.span.filter(|_| d.code.code == diagnostic::codes::UNRESOLVED_REFERENCE.code) else { return false };
    let name = sources.text(span);
    let is_word_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    files.iter().flat_map(|(_, f)| &f.left_out).any(|left_out| sources.text(*left_out).split(|c: char| !is_word_char(c)).any(|word| word == name))
}

/// The lock file's new text, when it differs from the one read.
fn lock_update(input: &PlanInput, model: &Model) -> Option<String> {
    let text = lockfile::render(&model.chosen);
    let unchanged = input.lock.as_deref() == Some(text.as_bytes());
    let nothing_to_keep = input.lock.is_none() && model.chosen.is_empty();
    (!unchanged && !nothing_to_keep).then_some(text)
}

/// Adds each stdlib module named by a `use`, once, with its own `use`s.
fn load_stdlib(
    sources: &mut SourceMap,
    files: &mut Vec<(FileId, std::sync::Arc<ast::File>)>,
    diagnostics: &mut Vec<Diagnostic>,
    cache: &mut ParseCache,
) -> Vec<FileId> {
    let mut loaded: Vec<&str> = Vec::new();
    let mut library = Vec::new();
    let plan_files = files.len();
    for module in stdlib::MODULES.iter().filter(|m| m.prelude) {
        loaded.push(module.name);
        let id = sources.add(SourceFile::new(stdlib::file_name(module), None, module.source.to_string()));
        let (tree, errors) = cache.parse(id, module.source);
        diagnostics.extend(errors);
        files.push((id, tree));
    }
    let mut next = 0;
    while next < files.len() {
        let uses: Vec<ast::Use> = files[next].1.uses.clone();
        next += 1;
        for u in uses {
            let name = u.dotted();
            match stdlib::module(&name) {
                Some(module) if !loaded.contains(&module.name) => {
                    loaded.push(module.name);
                    let id = sources.add(SourceFile::new(stdlib::file_name(module), None, module.source.to_string()));
                    let (tree, errors) = cache.parse(id, module.source);
                    diagnostics.extend(errors);
                    files.push((id, tree));
                }
                Some(_) => {}
                None => {
                    // Compare without the `std.` every module shares, or everything looks close.
                    let bare = |n: &'static str| n.strip_prefix("std.").unwrap_or(n);
                    let known = stdlib::MODULES.iter().map(|m| bare(m.name));
                    let help = diagnostic::closest(name.strip_prefix("std.").unwrap_or(&name), known)
                        .map(|c| diagnostic::Help::replace(format!("std.{c}"), format!("did you mean `std.{c}`?")))
                        .unwrap_or_else(|| {
                            format!("the standard library has: {}", stdlib::MODULES.iter().map(|m| m.name).collect::<Vec<_>>().join(", ")).into()
                        });
                    diagnostics.push(Diagnostic::new(&UNKNOWN_MODULE, u.span, format!("no module `{name}` in the standard library")).with_help(help));
                }
            }
        }
    }
    library.extend(files[plan_files..].iter().map(|(id, _)| *id));
    library
}

/// Analyses plan text held in memory, as if it were one file `main.ashlar` in `root`.
pub fn analyze_text(text: &str, root: &std::path::Path) -> Analysis {
    let input = PlanInput {
        root: root.to_path_buf(),
        files: vec![load::InputFile { name: "main.ashlar".into(), path: root.join("main.ashlar"), bytes: text.as_bytes().to_vec() }],
        ..PlanInput::default()
    };
    analyze(&input)
}
