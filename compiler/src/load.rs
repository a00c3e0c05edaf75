//! Reading a plan from disk: one `.ashlar` file, or every one below a folder.

use crate::diagnostic::Diagnostic;
use crate::registry::UNREADABLE_PLAN;
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

/// What [`crate::analyze`] reads: the plan folder and its files.
#[derive(Clone, Debug)]
pub struct PlanInput {
    /// The plan's folder. `file(...)` paths resolve inside it and nowhere else.
    pub root: PathBuf,
    pub files: Vec<InputFile>,
    /// The bytes of the plan's `ashlar.lock`, when there is one.
    pub lock: Option<Vec<u8>>,
    /// The bytes of the plan's project file `ashlar.toml`, when there is one.
    pub config: Option<Vec<u8>>,
}

/// Files larger than this are refused rather than read into memory.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a plan: `path` is a `.ashlar` file or a folder searched recursively.
/// Hidden folders (`.git`) are skipped; symbolic links are followed only when
/// they stay inside the plan folder.
pub fn read_plan(path: &Path) -> Result<PlanInput, Diagnostic> {
    let unreadable = |what: String| Diagnostic::global(&UNREADABLE_PLAN, what);
    let meta = std::fs::metadata(path).map_err(|e| unreadable(format!("cannot read {}: {}", path.display(), io_words(&e))))?;
    if meta.is_file() {
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let root = if root.as_os_str().is_empty() { PathBuf::from(".") } else { root };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let bytes = read_file(path).map_err(unreadable)?;
        let lock = read_lock(&root)?;
        let config = read_optional(&root, crate::config::CONFIG_FILE)?;
        return Ok(PlanInput { root, files: vec![InputFile { name, path: path.to_path_buf(), bytes }], lock, config });
    }
    let root_real = path.canonicalize().map_err(|e| unreadable(format!("cannot read {}: {}", path.display(), io_words(&e))))?;
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(path)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| unreadable(format!("cannot read {}: {e}", path.display())))?;
        if !entry.file_type().is_file() || entry.path().extension().is_none_or(|x| x != "ashlar") {
            continue;
        }
        let inside = entry.path().canonicalize().map(|real| real.starts_with(&root_real)).unwrap_or(false);
        if !inside {
            continue;
        }
        let rel = entry.path().strip_prefix(path).unwrap_or(entry.path());
        let name = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        let bytes = read_file(entry.path()).map_err(unreadable)?;
        files.push(InputFile { name, path: entry.path().to_path_buf(), bytes });
    }
    if files.is_empty() {
        return Err(unreadable(format!("{} holds no .ashlar file", path.display())));
    }
    let lock = read_lock(path)?;
    let config = read_optional(path, crate::config::CONFIG_FILE)?;
    Ok(PlanInput { root: path.to_path_buf(), files, lock, config })
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
    Ok(real)
}
