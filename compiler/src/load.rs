//! Reading a plan from disk: one `.ashlar` file, or the files of a plan folder.
//!
//! Which files form a plan: a plan's root is the nearest folder, from a
//! file's own folder up, that holds `ashlar.toml` or `ashlar.lock` (a marked
//! plan); else the file's own folder. A marked plan holds the `.ashlar` files
//! of its folder and of the folders below it, except those below another
//! marked folder (a nested plan); a folder without a mark holds only its own
//! files. Plans are never merged: the command line ([`find_plans`]) and the
//! language server ([`plan_root_of`]) draw the same lines.

use crate::diagnostic::codes::{SKIPPED_PLAN_ENTRY, UNREADABLE_PLAN};
use crate::diagnostic::Diagnostic;
use std::path::{Path, PathBuf};

/// One file of a plan, as bytes: decoding is the parser's job, so that a bad
/// byte gets a diagnostic with a place.
#[derive(Clone, Debug)]
pub struct InputFile {
    /// Path relative to the plan folder, with `/` separators.
    pub name: String,
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// The folder of a plan given as a folder or as one `.ashlar` file: where its
/// lock and project file are, and what `file(...)` paths start from.
pub fn plan_folder(plan: &Path) -> PathBuf {
    if plan.is_dir() {
        return plan.to_path_buf();
    }
    match plan.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Everything [`crate::analyze`] reads, the way typst's `World` is: the plan's
/// files, its lock and project file, the texts `file(...)` names, and today's
/// date. An analysis is a function of this input and of nothing else, so an
/// editor can hand it unsaved texts and a test a fixed date.
#[derive(Clone, Debug, Default)]
pub struct PlanInput {
    /// The plan's folder. `file(...)` paths resolve inside it and nowhere else.
    pub root: PathBuf,
    pub files: Vec<InputFile>,
    /// The bytes of the plan's `ashlar.lock`, when there is one.
    pub lock: Option<Vec<u8>>,
    /// The bytes of the plan's project file `ashlar.toml`, when there is one.
    pub config: Option<Vec<u8>>,
    /// What the walk of the plan folder left out, as warnings ([`read_plan`]).
    pub skipped: Vec<Diagnostic>,
    /// Texts `file(...)` reads instead of the disk's, by their path relative to
    /// [`Self::root`] (`cloud-init/web.yaml`): what an editor holds unsaved.
    pub texts: std::collections::BTreeMap<String, String>,
    /// The date checks count from and where it came from; `None` reads it
    /// when the analysis starts ([`crate::calendar::today_with_source`]).
    pub today: Option<(crate::calendar::Date, crate::calendar::TodaySource)>,
    /// Azure Policy documents given besides those `ashlar.toml` names
    /// (`ashlar check --azure-policy PATH`), read as they are: see
    /// [`crate::azure_policy`].
    pub azure_policy: Vec<InputFile>,
}

impl PlanInput {
    /// The text of `file(rel)`: the one held in [`Self::texts`], else the
    /// file's inside the plan's folder; `Err` says why it cannot be had.
    pub fn file_text(&self, rel: &str) -> Result<String, String> {
        if let Some(text) = self.texts.get(rel) {
            return Ok(text.clone());
        }
        let path = resolve_in_plan(&self.root, rel)?;
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read `{rel}` as UTF-8 text: {e}"))
    }
}

/// Files larger than this are refused rather than read into memory.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The files that mark a folder as a plan's root.
pub const PLAN_MARKERS: [&str; 2] = [crate::config::CONFIG_FILE, crate::lockfile::LOCK_FILE];

/// Whether `dir` holds `ashlar.toml` or `ashlar.lock`.
pub fn is_marked(dir: &Path) -> bool {
    PLAN_MARKERS.iter().any(|marker| dir.join(marker).is_file())
}

/// The root of the plan a `.ashlar` file belongs to: the nearest folder, from
/// its own up, that holds `ashlar.toml` or `ashlar.lock`, else its own folder.
pub fn plan_root_of(file: &Path) -> PathBuf {
    let own = plan_folder(file);
    own.ancestors().find(|dir| is_marked(dir)).map(Path::to_path_buf).unwrap_or(own)
}

/// The roots of the plans below `top` (itself included), in path order: the
/// folders that own at least one `.ashlar` file by the rule of [`plan_root_of`],
/// looking no higher than `top`. Hidden folders are not entered, and links to
/// folders only when they stay inside `top`. `top` is first when it is one.
pub fn find_plans(top: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let unreadable = |what: String| Diagnostic::global(&UNREADABLE_PLAN, what);
    let top_real = top.canonicalize().map_err(|e| unreadable(format!("cannot read {}: {}", top.display(), io_words(&e))))?;
    let mut roots = Vec::new();
    let mut open = vec![top_real.clone()];
    find_in(top, None, &top_real, &mut open, &mut roots);
    roots.sort();
    roots.dedup();
    Ok(roots)
}

/// One folder of [`find_plans`]: `owner` is the marked folder above it, if any.
fn find_in(dir: &Path, owner: Option<&Path>, top_real: &Path, open: &mut Vec<PathBuf>, roots: &mut Vec<PathBuf>) {
    let owner = if is_marked(dir) { Some(dir) } else { owner };
    let Ok(listing) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = listing.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    let mut owns_a_file = false;
    for entry in entries {
        if entry.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
            continue;
        }
        let Ok(real) = entry.canonicalize() else { continue };
        if real.is_dir() {
            if !real.starts_with(top_real) || open.contains(&real) {
                continue;
            }
            open.push(real);
            find_in(&entry, owner, top_real, open, roots);
            open.pop();
        } else if real.is_file() && is_plan_file(&entry) {
            owns_a_file = true;
        }
    }
    if owns_a_file {
        roots.push(owner.unwrap_or(dir).to_path_buf());
    }
}

/// Reads a plan: `path` is a `.ashlar` file, or the root of a plan (see the
/// module's documentation): a marked folder with the folders below it that
/// belong to no nested plan, or a folder without a mark and only its own files.
///
/// Hidden folders (`.git`) are not entered and other hidden files are not
/// read. Symbolic links are followed only when they stay inside the plan's
/// folder. What the walk leaves out that could have been part of the plan (a
/// link to nothing, such as an editor's `.#plan.ashlar`; a link out of the
/// folder; a hidden `.ashlar` file; a folder link that loops) is named in
/// [`PlanInput::skipped`], never an error: only a plan file that exists and
/// cannot be read makes the plan unreadable.
pub fn read_plan(path: &Path) -> Result<PlanInput, Diagnostic> {
    let unreadable = |what: String| Diagnostic::global(&UNREADABLE_PLAN, what);
    let meta = std::fs::metadata(path).map_err(|e| unreadable(format!("cannot read {}: {}", path.display(), io_words(&e))))?;
    if meta.is_file() {
        // `ashlar check README.md` would parse Markdown as a plan.
        if path.extension().is_none_or(|extension| extension != "ashlar") {
            return Err(unreadable(format!("{} is not a plan file: a file argument must end in `.ashlar`", path.display()))
                .with_help("name a `.ashlar` file, or the plan's folder to read every `.ashlar` file in it"));
        }
        let root = plan_folder(path);
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let bytes = read_file(path).map_err(unreadable)?;
        let lock = read_lock(&root)?;
        let config = read_optional(&root, crate::config::CONFIG_FILE)?;
        let files = vec![InputFile { name, path: path.to_path_buf(), bytes }];
        return Ok(PlanInput { root, files, lock, config, ..PlanInput::default() });
    }
    let root_real = path.canonicalize().map_err(|e| unreadable(format!("cannot read {}: {}", path.display(), io_words(&e))))?;
    let marked = is_marked(path);
    let mut walk = Walk { root: path, root_real: &root_real, marked, files: Vec::new(), skipped: Vec::new(), open: vec![root_real.clone()] };
    walk.folder(path).map_err(unreadable)?;
    let Walk { files, skipped, .. } = walk;
    if files.is_empty() {
        let mut why = format!("{} holds no .ashlar file", path.display());
        let below: Vec<PathBuf> = find_plans(path).unwrap_or_default().into_iter().filter(|r| r != path).collect();
        if !below.is_empty() {
            let names: Vec<String> = below.iter().map(|r| r.strip_prefix(path).unwrap_or(r).display().to_string()).collect();
            why = format!(
                "{} holds no plan of its own, but {} below it: {}; name one of them",
                path.display(),
                plural_plans(below.len()),
                names.join(", ")
            );
            return Err(unreadable(why));
        }
        if !skipped.is_empty() {
            why.push_str(&format!(
                " that could be read ({} left out: {})",
                skipped.len(),
                skipped.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; ")
            ));
        }
        return Err(unreadable(why));
    }
    let lock = read_lock(path)?;
    let config = read_optional(path, crate::config::CONFIG_FILE)?;
    Ok(PlanInput { root: path.to_path_buf(), files, lock, config, skipped, ..PlanInput::default() })
}

/// "1 plan", "3 plans".
pub fn plural_plans(n: usize) -> String {
    format!("{n} plan{}", if n == 1 { "" } else { "s" })
}

/// The walk of a plan folder: its files in name order, depth first, and what it left out.
struct Walk<'a> {
    root: &'a Path,
    root_real: &'a Path,
    /// Whether the root holds a mark: only then do folders below it belong to the plan.
    marked: bool,
    files: Vec<InputFile>,
    skipped: Vec<Diagnostic>,
    /// The real paths of the folders being walked, to notice a link that loops.
    open: Vec<PathBuf>,
}

impl Walk<'_> {
    fn folder(&mut self, dir: &Path) -> Result<(), String> {
        let listing = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {}", dir.display(), io_words(&e)))?;
        let mut entries = listing
            .map(|entry| entry.map(|e| e.path()))
            .collect::<std::io::Result<Vec<PathBuf>>>()
            .map_err(|e| format!("cannot read {}: {}", dir.display(), io_words(&e)))?;
        entries.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        for entry in entries {
            self.entry(&entry)?;
        }
        Ok(())
    }

    fn entry(&mut self, path: &Path) -> Result<(), String> {
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let hidden = file_name.starts_with('.');
        let plan_file = is_plan_file(path);
        let meta = std::fs::symlink_metadata(path).map_err(|e| format!("cannot read {}: {}", path.display(), io_words(&e)))?;
        let kind = if meta.file_type().is_symlink() {
            match path.canonicalize().and_then(|real| std::fs::metadata(&real).map(|m| (real, m))) {
                Err(_) => {
                    // A link to nothing: an editor's lock file (`.#plan.ashlar`) or a
                    // target since removed. Either way there is nothing to read.
                    if plan_file || !hidden {
                        self.skip(path, "a link to nothing; left out");
                    }
                    return Ok(());
                }
                Ok((real, _)) if !real.starts_with(self.root_real) => {
                    if plan_file || !hidden {
                        self.skip(path, &format!("a link out of the plan's folder (to {}); not followed", real.display()));
                    }
                    return Ok(());
                }
                Ok((real, target)) => (target.is_dir(), target.is_file(), Some(real)),
            }
        } else {
            (meta.is_dir(), meta.is_file(), None)
        };
        let (is_dir, is_file, real) = kind;
        if hidden {
            if is_file && plan_file {
                self.skip(path, "a hidden file; hidden files are not part of a plan");
            }
            return Ok(());
        }
        if is_dir {
            // A folder below a folder without a mark is a plan of its own.
            if !self.marked {
                return Ok(());
            }
            let real = match real {
                Some(real) => real,
                None => path.canonicalize().map_err(|e| format!("cannot read {}: {}", path.display(), io_words(&e)))?,
            };
            if self.open.contains(&real) {
                self.skip(path, "a link to a folder that holds it; not followed again");
                return Ok(());
            }
            // So is a marked folder below a marked one.
            if is_marked(path) {
                return Ok(());
            }
            self.open.push(real);
            let walked = self.folder(path);
            self.open.pop();
            return walked;
        }
        if is_file && plan_file {
            let rel = path.strip_prefix(self.root).unwrap_or(path);
            let name = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            let bytes = read_file(path)?;
            self.files.push(InputFile { name, path: path.to_path_buf(), bytes });
        }
        Ok(())
    }

    fn skip(&mut self, path: &Path, why: &str) {
        let rel = path.strip_prefix(self.root).unwrap_or(path);
        let help = "copy what the plan needs into its folder, or remove the entry; an editor's lock file (`.#name`) goes when the file is saved";
        self.skipped.push(Diagnostic::global(&SKIPPED_PLAN_ENTRY, format!("{}: {why}", rel.display())).with_help(help));
    }
}

fn is_plan_file(path: &Path) -> bool {
    path.extension().is_some_and(|x| x == "ashlar")
}

fn read_lock(root: &Path) -> Result<Option<Vec<u8>>, Diagnostic> {
    read_optional(root, crate::lockfile::LOCK_FILE)
}

/// A file of the plan folder that may be missing: `ashlar.lock`, `ashlar.toml`.
fn read_optional(root: &Path, file: &str) -> Result<Option<Vec<u8>>, Diagnostic> {
    let path = root.join(file);
    if !path.is_file() {
        return Ok(None);
    }
    read_file(&path).map(Some).map_err(|what| Diagnostic::global(&UNREADABLE_PLAN, what))
}

fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        return Err(format!("{} is {size} bytes; plan files may be at most {MAX_FILE_BYTES}", path.display()));
    }
    std::fs::read(path).map_err(|e| format!("cannot read {}: {}", path.display(), io_words(&e)))
}

fn io_words(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Resolves `file("rel")` inside the plan folder; `Err` says why it is refused.
pub fn resolve_in_plan(root: &Path, rel: &str) -> Result<PathBuf, String> {
    if rel.is_empty() {
        return Err("`file(\"\")` names no file; give a path relative to the plan's folder".into());
    }
    let candidate = Path::new(rel);
    if candidate.is_absolute() {
        return Err(format!("`{rel}` is an absolute path; give a path relative to the plan's folder"));
    }
    let root_real = root.canonicalize().map_err(|e| format!("cannot read the plan folder: {}", io_words(&e)))?;
    let full = root_real.join(candidate);
    let real = full.canonicalize().map_err(|e| format!("cannot read `{rel}`: {}", io_words(&e)))?;
    if !real.starts_with(&root_real) {
        return Err(format!("`{rel}` is outside the plan's folder"));
    }
    if real.is_dir() {
        return Err(format!("`{rel}` is a folder; give the path of a file in it"));
    }
    Ok(real)
}

/// Reads the Azure Policy files given on the command line (`--azure-policy
/// PATH`): a JSON file, or a folder whose `.json` files are read in name order.
pub fn read_azure_policy(paths: &[PathBuf]) -> Result<Vec<InputFile>, Diagnostic> {
    let unreadable = |what: String| {
        Diagnostic::global(&crate::azure_policy::INPUT, what).with_help("name a JSON file, or a folder of them, exported with `az policy`")
    };
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| unreadable(format!("cannot read {}: {}", path.display(), io_words(&e))))?;
        let mut found: Vec<PathBuf> = if meta.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| unreadable(format!("cannot read {}: {}", path.display(), io_words(&e))))?;
            entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json")).collect()
        } else {
            vec![path.clone()]
        };
        found.sort();
        if found.is_empty() {
            return Err(unreadable(format!("{} holds no .json file", path.display())));
        }
        for file in found {
            let bytes = read_file(&file).map_err(unreadable)?;
            files.push(InputFile { name: file.display().to_string(), path: file, bytes });
        }
    }
    Ok(files)
}
