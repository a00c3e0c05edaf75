//! Writing a build's files so that the output folder is always either the old
//! build or the new one, never half of each.

use super::OutputFile;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `files` to the folder `out` atomically: everything goes into a fresh
/// sibling folder, which then takes `out`'s place (the old `out` is renamed
/// aside, the new one renamed in, the old one deleted). If anything fails, an
/// earlier `out` is left exactly as it was.
///
/// `out` must be a folder or not exist; a file there is refused. Each
/// [`OutputFile::path`] must be relative, with `/` separators and no `..`.
pub fn write_atomically(out: &Path, files: &[OutputFile]) -> io::Result<()> {
    let name = out.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, format!("{} does not name a folder", out.display())))?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let existing = match fs::symlink_metadata(out) {
        Ok(meta) if meta.is_dir() => true,
        Ok(_) => {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("{} exists and is not a folder", out.display())));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(e),
    };
    let relative: Vec<PathBuf> = files.iter().map(|f| relative_path(&f.path)).collect::<io::Result<_>>()?;

    let staging = fresh_sibling(&parent, name, "new")?;
    if let Err(e) = fill(&staging, files, &relative) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if !existing {
        return match fs::rename(&staging, out) {
            Ok(()) => {
                sync_dir(&parent);
                Ok(())
            }
            Err(e) => {
                let _ = fs::remove_dir_all(&staging);
                Err(e)
            }
        };
    }
    let old = match reserve_sibling(&parent, name, "old") {
        Ok(old) => old,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    if let Err(e) = fs::rename(out, &old) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if let Err(e) = fs::rename(&staging, out) {
        // Put the old build back; it is untouched.
        let _ = fs::rename(&old, out);
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    sync_dir(&parent);
    // The new build is in place; a leftover old folder is only clutter.
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

/// Writes every file below `dir`, creating folders as needed.
fn fill(dir: &Path, files: &[OutputFile], relative: &[PathBuf]) -> io::Result<()> {
    for (file, rel) in files.iter().zip(relative) {
        let path = dir.join(rel);
        if let Some(folder) = path.parent() {
            fs::create_dir_all(folder)?;
        }
        let mut f = fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
        f.write_all(file.contents.as_bytes())?;
        f.sync_all()?;
    }
    Ok(())
}

/// `path` as a relative path that stays inside the output folder.
fn relative_path(path: &str) -> io::Result<PathBuf> {
    let p = Path::new(path);
    let ok = !path.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(p.to_path_buf())
    } else {
        Err(io::Error::new(io::ErrorKind::InvalidInput, format!("output file path {path:?} must be relative and stay inside the output folder")))
    }
}

/// Creates a new, empty folder `.<name>.<tag>-<pid>-<n>` next to `out`.
fn fresh_sibling(parent: &Path, name: &std::ffi::OsStr, tag: &str) -> io::Result<PathBuf> {
    loop {
        let candidate = sibling_name(parent, name, tag);
        match fs::create_dir(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// A name next to `out` that nothing uses yet, for the old folder to move to.
fn reserve_sibling(parent: &Path, name: &std::ffi::OsStr, tag: &str) -> io::Result<PathBuf> {
    loop {
        let candidate = sibling_name(parent, name, tag);
        match fs::symlink_metadata(&candidate) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(candidate),
            Err(e) => return Err(e),
            Ok(_) => continue,
        }
    }
}

fn sibling_name(parent: &Path, name: &std::ffi::OsStr, tag: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut file_name = std::ffi::OsString::from(".");
    file_name.push(name);
    file_name.push(format!(".{tag}-{}-{n}", std::process::id()));
    parent.join(file_name)
}

/// Makes the renames durable where the platform allows it; best effort.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
