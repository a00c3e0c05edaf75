//! Writing a build's files so that the output folder is always either the old
//! build or the new one, never half of each, and so that a build never
//! deletes a file it did not write.
//!
//! A build replaces its output folder as a whole. Before it does, it makes
//! sure that the folder is not the plan, the working folder, the home folder
//! or a folder above any of them ([`check_output_folder`]), and that every file
//! in it was written by an earlier build: each build lists its files in
//! [`MANIFEST`] inside the folder, and a folder holding anything else is
//! replaced only when the user says `--force`.

use super::OutputFile;
use crate::diagnostic::codes::{FOREIGN_OUTPUT_FILES, OUTPUT_NOT_WRITTEN, UNSAFE_OUTPUT_FOLDER};
use crate::diagnostic::Diagnostic;
use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The list of what a build wrote, kept in its output folder: a folder holding
/// it and nothing it does not list may be replaced by the next build.
pub const MANIFEST: &str = ".ashlar-output";

const MANIFEST_HEADER: &str = "# Written by `ashlar build`: the files below are its output. The next build\n\
# replaces this folder as a whole, and refuses to if it holds any other file.\n";

/// Whether a build may replace an output folder that holds files it did not write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replace {
    /// Only an empty folder, or one holding an earlier build's files and nothing else.
    OwnOutputOnly,
    /// Any folder that [`check_output_folder`] allows (`--force`).
    Anything,
}

/// Checks that `out` may be a build's output folder for the plan at `plan` (a
/// plan folder or a `.ashlar` file): refuses, with [`UNSAFE_OUTPUT_FOLDER`],
/// a folder whose replacement would destroy more than an earlier build (the
/// plan's folder, one inside or above it, the working folder, the home
/// folder, `/`, or any folder above them; a file or a link), and, with
/// [`FOREIGN_OUTPUT_FILES`] unless `replace` is [`Replace::Anything`], a
/// folder holding files that no earlier build wrote.
pub fn check_output_folder(out: &Path, plan: &Path, replace: Replace) -> Result<(), Diagnostic> {
    let unsafe_folder = |why: String, help: &str| Diagnostic::global(&UNSAFE_OUTPUT_FOLDER, why).with_help(help.to_string());
    let shown = out.display();
    let real =
        real_path(out).map_err(|e| unsafe_folder(format!("cannot tell where output folder {shown} is: {e}"), "give a folder that can be written"))?;
    let beside = "give a folder of its own beside the plan, such as `-o out/app`; `--force` does not change this";
    if real.parent().is_none() {
        return Err(unsafe_folder(
            format!("the output folder {shown} is the root folder `/`; a build replaces its output folder as a whole"),
            beside,
        ));
    }
    let plan_folder = crate::load::plan_folder(plan);
    let plan_real = plan_folder.canonicalize().ok();
    let working = std::env::current_dir().and_then(|d| d.canonicalize()).ok();
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty()).and_then(|h| PathBuf::from(h).canonicalize().ok());
    let plan_shown = plan_folder.display();
    let whole = "a build replaces its output folder as a whole";
    // The most telling words first: what OUT is, then what it is inside of, then what it holds.
    let refusal = if plan_real.as_ref() == Some(&real) {
        Some(format!("the output folder {shown} is the plan's folder; the build would replace the plan with its output"))
    } else if plan_real.as_ref().is_some_and(|p| real.starts_with(p)) {
        Some(format!("the output folder {shown} is inside the plan's folder {plan_shown}"))
    } else if working.as_ref() == Some(&real) {
        Some(format!("the output folder {shown} is the working folder; {whole}"))
    } else if home.as_ref() == Some(&real) {
        Some(format!("the output folder {shown} is the home folder; {whole}"))
    } else if plan_real.as_ref().is_some_and(|p| p.starts_with(&real)) {
        Some(format!("the output folder {shown} holds the plan's folder {plan_shown}; the build would replace the plan with its output"))
    } else if working.as_ref().is_some_and(|w| w.starts_with(&real)) {
        Some(format!("the output folder {shown} holds the working folder; {whole}"))
    } else if home.as_ref().is_some_and(|h| h.starts_with(&real)) {
        Some(format!("the output folder {shown} holds the home folder; {whole}"))
    } else {
        None
    };
    if let Some(why) = refusal {
        return Err(unsafe_folder(why, beside));
    }
    match fs::symlink_metadata(out) {
        Ok(meta) if meta.file_type().is_symlink() => {
            Err(unsafe_folder(format!("the output folder {shown} is a link; ashlar replaces only a folder"), "give the folder it links to, or another folder"))
        }
        Ok(meta) if !meta.is_dir() => Err(unsafe_folder(format!("{shown} exists and is not a folder"), "give a folder, new or empty, for the output")),
        Ok(_) => match (foreign_files(out), replace) {
            (Ok(foreign), _) if foreign.is_empty() => Ok(()),
            (Ok(_), Replace::Anything) => Ok(()),
            (Ok(foreign), Replace::OwnOutputOnly) => Err(Diagnostic::global(&FOREIGN_OUTPUT_FILES, foreign_message(out, &foreign)).with_help(
                "choose a new or empty folder, or move those files out; if they may go (or OUT was written by an older ashlar), `--force` replaces the folder, deleting them",
            )),
            (Err(e), _) => Err(unsafe_folder(format!("cannot read the output folder {shown}: {e}"), "give a folder that can be read and written")),
        },
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => Ok(()),
        Err(e) => Err(unsafe_folder(format!("cannot read the output folder {shown}: {e}"), "give a folder that can be read and written")),
    }
}

fn foreign_message(out: &Path, foreign: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut names: Vec<String> = foreign.iter().take(SHOWN).map(|f| format!("`{f}`")).collect();
    if foreign.len() > SHOWN {
        names.push(format!("and {} more", foreign.len() - SHOWN));
    }
    let (what, them) = if foreign.len() == 1 { ("a file", "it") } else { ("files", "them") };
    format!("the output folder {} holds {what} that ashlar did not write: {}; a build would delete {them}", out.display(), names.join(", "))
}

/// The files and folders in `out` (a folder) that its [`MANIFEST`] does not
/// list, as paths relative to it; all of them when there is no manifest.
fn foreign_files(out: &Path) -> io::Result<Vec<String>> {
    let listed: HashSet<String> = match fs::read_to_string(out.join(MANIFEST)) {
        Ok(text) => text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string).collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => HashSet::new(),
        Err(e) => return Err(e),
    };
    // A folder is ashlar's when it holds a listed file.
    let folders: HashSet<&str> = listed.iter().flat_map(|f| f.match_indices('/').map(move |(at, _)| &f[..at])).collect();
    let mut foreign = Vec::new();
    let mut stack = vec![(out.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        let mut entries = fs::read_dir(&dir)?.map(|e| e.map(|e| e.file_name())).collect::<io::Result<Vec<_>>>()?;
        entries.sort();
        for name in entries {
            let rel = format!("{prefix}{}", name.to_string_lossy());
            let path = dir.join(&name);
            let meta = fs::symlink_metadata(&path)?;
            if meta.is_dir() {
                if folders.contains(rel.as_str()) {
                    stack.push((path, format!("{rel}/")));
                } else {
                    foreign.push(format!("{rel}/"));
                }
            } else if !(meta.is_file() && (listed.contains(&rel) || (prefix.is_empty() && rel == MANIFEST))) {
                foreign.push(rel);
            }
        }
    }
    foreign.sort();
    Ok(foreign)
}

/// `path` made absolute with every link resolved, also when its last parts do
/// not exist yet: the deepest part that exists is resolved, the rest appended.
fn real_path(path: &Path) -> io::Result<PathBuf> {
    let absolute = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir()?.join(path) };
    let mut rest = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        match existing.canonicalize() {
            Ok(real) => {
                let mut real = real;
                for part in rest.iter().rev() {
                    match part {
                        Component::ParentDir => {
                            real.pop();
                        }
                        Component::Normal(name) => real.push(name),
                        _ => {}
                    }
                }
                return Ok(real);
            }
            // A part that is a file (`README.md/out`) cannot hold anything either: the write will say so.
            Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {
                let Some(parent) = existing.parent() else { return Err(e) };
                rest.extend(existing.file_name().map(Component::Normal).or(Some(Component::ParentDir)));
                existing = parent;
            }
            Err(e) => return Err(e),
        }
    }
}

/// [`write_atomically`], with a failure said as an [`OUTPUT_NOT_WRITTEN`] diagnostic.
pub fn write_output(out: &Path, files: &[OutputFile], replace: Replace) -> Result<(), Diagnostic> {
    write_atomically(out, files, replace).map_err(|error| {
        Diagnostic::global(&OUTPUT_NOT_WRITTEN, format!("cannot write {}: {error}; an earlier build there is left as it was", out.display()))
            .with_help("choose an output folder that can be written")
    })
}

/// Writes `files` to the folder `out` atomically: everything goes into a fresh
/// sibling folder, with the [`MANIFEST`] that lists them, which then takes
/// `out`'s place (the old `out` is renamed aside, the new one renamed in, the
/// old one deleted). If anything fails, an earlier `out` is left exactly as it
/// was. Staging folders that a killed build of the same folder left beside it
/// are removed first.
///
/// `out` must be a folder or not exist; a file or a link there is refused, and
/// so is a folder holding a file that no earlier build wrote, unless `replace`
/// is [`Replace::Anything`]. Each [`OutputFile::path`] must be relative, with
/// `/` separators and no `..`. The callers of the command line also run
/// [`check_output_folder`], which refuses folders such as the plan's own.
pub fn write_atomically(out: &Path, files: &[OutputFile], replace: Replace) -> io::Result<()> {
    let name =
        out.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, format!("{} does not end in a folder name", out.display())))?;
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
    if relative.iter().any(|r| r.as_os_str() == MANIFEST) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("an output file may not be named {MANIFEST}")));
    }
    remove_stale_siblings(&parent, name);

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
    // Looked at again just before the swap: a file added since the check is kept.
    if replace == Replace::OwnOutputOnly {
        let foreign = foreign_files(out).and_then(|foreign| {
            if foreign.is_empty() {
                Ok(())
            } else {
                Err(io::Error::new(io::ErrorKind::AlreadyExists, foreign_message(out, &foreign)))
            }
        });
        if let Err(e) = foreign {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
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

/// Removes `.<name>.new-PID-N` and `.<name>.old-PID-N` folders beside the
/// output that a build killed midway left: only those whose process is gone
/// and that hold a [`MANIFEST`] or nothing, so never a file of anyone else's.
fn remove_stale_siblings(parent: &Path, name: &std::ffi::OsStr) {
    // Whether a process is alive is read from /proc; without it, nothing is removed.
    let processes = Path::new("/proc/self");
    if !processes.exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(parent) else { return };
    let name = name.to_string_lossy();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let Some(rest) = file_name.strip_prefix('.').and_then(|r| r.strip_prefix(name.as_ref())) else { continue };
        let Some(ids) = rest.strip_prefix(".new-").or_else(|| rest.strip_prefix(".old-")) else { continue };
        let Some((pid, n)) = ids.split_once('-') else { continue };
        let (Ok(pid), Ok(_)) = (pid.parse::<u32>(), n.parse::<u64>()) else { continue };
        if pid == std::process::id() || Path::new("/proc").join(pid.to_string()).exists() {
            continue;
        }
        let path = entry.path();
        let is_folder = fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        let ours = path.join(MANIFEST).is_file() || fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none());
        if is_folder && ours {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// Writes every file below `dir`, creating folders as needed.
fn fill(dir: &Path, files: &[OutputFile], relative: &[PathBuf]) -> io::Result<()> {
    // The list goes first, so that a staging folder a killed build leaves is recognisably ashlar's.
    let mut manifest = String::from(MANIFEST_HEADER);
    for file in files {
        manifest.push_str(&file.path);
        manifest.push('\n');
    }
    fs::write(dir.join(MANIFEST), manifest)?;
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
