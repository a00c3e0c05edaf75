//! Source files of a plan and byte spans into them.
//!
//! Everything in the core speaks in byte offsets. Lines, columns and UTF-16
//! positions are computed only at the edges (terminal, JSON, language server).

use std::path::{Path, PathBuf};

/// Index of a file in [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span { file, start: start as u32, end: end as u32 }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { file: self.file, start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A value with the span it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// One file of a plan, or a standard-library module.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name shown to users: relative to the plan folder, or `std/...` for the stdlib.
    pub name: String,
    /// Where it was read from, when it came from disk.
    pub path: Option<PathBuf>,
    pub text: String,
    line_starts: Vec<usize>,
}

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, path: Option<PathBuf>, text: String) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        SourceFile { name: name.into(), path, text, line_starts }
    }

    /// Line and column of a byte offset (clamped to the text, snapped to a char boundary).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let column = self.text[self.line_starts[line]..offset].chars().count() + 1;
        LineCol { line: line + 1, column }
    }

    /// Byte offset where a 0-based line starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line).copied()
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// All files of one analysis, addressed by [`FileId`].
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn text(&self, span: Span) -> &str {
        let file = self.get(span.file);
        file.text.get(span.range()).unwrap_or("")
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn find_path(&self, path: &Path) -> Option<FileId> {
        self.iter().find(|(_, f)| f.path.as_deref() == Some(path)).map(|(id, _)| id)
    }
}

impl SourceMap {
    /// The same files, each one read from disk named by its path relative to
    /// `base` (folders joined with `/`), or by its absolute path when it lies
    /// outside `base`: the names CI reports give, so that GitHub and code
    /// scanning find the file from the repository's root. Files that were not
    /// read from disk (the standard library's) keep their names. `base` is
    /// absolute and canonical, as [`std::fs::canonicalize`] gives it.
    pub fn named_from(&self, base: &Path) -> SourceMap {
        let files = self
            .files
            .iter()
            .map(|file| match &file.path {
                Some(path) => SourceFile { name: path_from(path, base), ..file.clone() },
                None => file.clone(),
            })
            .collect();
        SourceMap { files }
    }
}

/// A path as reports name it: relative to `base` with `/` between folders when
/// it lies inside `base`, else absolute. Links are followed on both sides, so
/// a plan reached through a link still lands inside the base it lies in.
pub fn path_from(path: &Path, base: &Path) -> String {
    let absolute = canonical(path);
    match absolute.strip_prefix(base) {
        Ok(inside) if !inside.as_os_str().is_empty() => inside.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"),
        _ => absolute.display().to_string(),
    }
}

/// A path made absolute and canonical; a file that does not exist (yet) is
/// its canonical folder joined with its name.
fn canonical(path: &Path) -> PathBuf {
    if let Ok(found) = std::fs::canonicalize(path) {
        return found;
    }
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map(|cwd| cwd.join(path)).unwrap_or_else(|_| path.to_path_buf())
    };
    match (absolute.parent().and_then(|p| std::fs::canonicalize(p).ok()), absolute.file_name()) {
        (Some(folder), Some(name)) => folder.join(name),
        _ => absolute,
    }
}

impl SourceMap {
    /// Sets a file's text once it is decoded.
    pub fn replace_text(&mut self, id: FileId, text: String) {
        let file = &mut self.files[id.0 as usize];
        *file = SourceFile::new(file.name.clone(), file.path.clone(), text);
    }
}

impl SourceFile {
    /// The 0-based line and UTF-16 column of a byte offset, as editors count.
    pub fn utf16_position(&self, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let column: usize = self.text[self.line_starts[line]..offset].chars().map(char::len_utf16).sum();
        (line as u32, column as u32)
    }

    /// The byte offset of a 0-based line and UTF-16 column, clamped to the line.
    pub fn offset_of_utf16(&self, line: u32, column: u32) -> usize {
        let Some(&start) = self.line_starts.get(line as usize) else { return self.text.len() };
        let end = self.line_starts.get(line as usize + 1).copied().unwrap_or(self.text.len());
        let mut units = 0u32;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= column || c == '\n' || c == '\r' {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        end
    }
}
