//! Templates in: `ashlar import TEMPLATE.json -o PLAN/` writes a plan from an
//! ARM template, and `ashlar check TEMPLATE.json` checks a template as the
//! plan it imports to, each finding at the template's line.
//!
//! One file per concern: [`json`] reads the template keeping each value's
//! bytes, [`eval`] evaluates its expressions where their values are known,
//! [`template`] flattens its resources (copy loops, nested deployments, linked
//! templates in files beside it), `map`
//! turns resources into blocks, and `write` keeps, for each line of the
//! plan, the template's bytes it came from. `docs/import.md` says what is
//! imported and what is not.
//!
//! It sits with the edges: it runs [`crate::analyze`] on what it imports.

pub mod eval;
pub mod json;
mod map;
pub mod template;
mod write;

use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use std::path::{Path, PathBuf};

declare_codes! {
    /// ## What it does
    /// Reports a template that cannot be imported: a file that is not JSON,
    /// or JSON that is no ARM template (no `resources`); and a deployment
    /// whose linked template, a file beside the template, is missing, is not
    /// a template, or links back to a template that links to it (a cycle).
    ///
    /// ## Why it matters
    /// Nothing of such a file can be checked.
    ///
    /// ## Example
    /// ```json
    /// { "resources": [ { "type": "Microsoft.Network/virtualNetworks", } ] }
    /// ```
    ///
    /// ## Fix
    /// Give a deployment template: a JSON object with `resources`, as `az
    /// group export` or `bicep build` writes it.
    pub TEMPLATE_UNREADABLE = ("ASH020", "template-unreadable", Error);

    /// ## What it does
    /// Reports a value of a template that the plan could not take as it is:
    /// an expression whose value is only known at deployment
    /// (`resourceGroup().location`, `reference()`, `uniqueString()`), or a
    /// property a plan has no words for (a rule's source port, application
    /// security groups). The plan holds a placeholder or leaves the value out,
    /// and says so here.
    ///
    /// ## Why it matters
    /// Checks see the plan, not the template: a value left out is a value
    /// they do not check.
    ///
    /// ## Example
    /// ```json
    /// "location": "[resourceGroup().location]"
    /// ```
    ///
    /// ## Fix
    /// Give the value with `--parameters FILE`, or write it in the imported
    /// plan where the placeholder stands.
    pub TEMPLATE_VALUE_NOT_IMPORTED = ("ASH021", "template-value-not-imported", Warning);

    /// ## What it does
    /// Names each resource of a template whose type the import does not turn
    /// into a block; the plan keeps it as a comment.
    ///
    /// ## Why it matters
    /// A plan built from the import does not deploy it, and no check sees it.
    ///
    /// ## Example
    /// ```json
    /// { "type": "Microsoft.Storage/storageAccounts", "name": "logs" }
    /// ```
    ///
    /// ## Fix
    /// Keep deploying it as before, or write its block by hand;
    /// `docs/import.md` lists the types imported.
    pub RESOURCE_NOT_IMPORTED = ("ASH022", "resource-not-imported", Warning);

    /// ## What it does
    /// Names each deployment whose linked template the import does not read:
    /// one at a URL (`templateLink.uri` with `https:`), a template spec
    /// (`templateLink.id`), or a link whose place is only known at
    /// deployment. Linked templates in files beside the template
    /// (`relativePath`, or a `uri` that evaluates to a path or `file:` URL)
    /// are read; nothing is fetched over the network.
    ///
    /// ## Why it matters
    /// The resources the linked template deploys are not in the plan, and no
    /// check sees them.
    ///
    /// ## Example
    /// ```json
    /// "templateLink": { "uri": "https://example.org/templates/spoke.json" }
    /// ```
    ///
    /// ## Fix
    /// Keep the linked template beside the one linking it and link it with
    /// `relativePath`, or import and check it on its own.
    pub LINKED_TEMPLATE_NOT_READ = ("ASH023", "linked-template-not-read", Warning);
}

/// A template imported: the plan's files (formatted), and what could not be.
pub struct Imported {
    /// (file name, text), formatted as `ashlar fmt` writes them.
    pub files: Vec<(String, String)>,
    /// As the plan's text was first written, before formatting, with the
    /// template's bytes of each line: what [`check_template`] maps findings back with.
    raw: Vec<(String, write::Writer)>,
    /// About the template, in [`Self::sources`]'s file 0.
    pub diagnostics: Vec<Diagnostic>,
    /// The template, as file 0, then the linked templates read.
    pub sources: SourceMap,
    places: Places,
}

/// How to import what a template leaves to the deployment.
#[derive(Clone, Debug)]
pub struct Options {
    /// The resource group of a resource-group template's resources.
    pub resource_group: String,
}

impl Default for Options {
    fn default() -> Self {
        Options { resource_group: "rg-imported".into() }
    }
}

/// Imports a template's text. `Err`: the template is unreadable ([`TEMPLATE_UNREADABLE`]).
pub fn import(
    name: &str,
    path: Option<PathBuf>,
    text: &str,
    parameters: Option<&str>,
    options: &Options,
) -> Result<Imported, Box<(SourceMap, Diagnostic)>> {
    let mut sources = SourceMap::default();
    let id = sources.add(SourceFile::new(name, path.clone(), text.to_string()));
    let span = |start: usize, end: usize| Span::new(id, start, end);
    let root = match json::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let d = Diagnostic::new(&TEMPLATE_UNREADABLE, span(e.at, e.at), format!("not JSON: {}", e.message));
            return Err(Box::new((sources, d)));
        }
    };
    if root.get("resources").is_none() {
        let d = Diagnostic::new(&TEMPLATE_UNREADABLE, span(root.start, root.start + 1), "this JSON is no deployment template: it has no `resources`")
            .with_help("give a template, as `az group export` or `bicep build` writes it; a parameters file goes with `--parameters`");
        return Err(Box::new((sources, d)));
    }
    let parameters = match parameters.map(json::parse) {
        Some(Ok(p)) => Some(p),
        Some(Err(e)) => {
            let d = Diagnostic::global(&TEMPLATE_UNREADABLE, format!("the parameters file is not JSON: {} (byte {})", e.message, e.at));
            return Err(Box::new((sources, d)));
        }
        None => None,
    };
    let flat = template::flatten_at(&root, parameters.as_ref(), path.as_deref(), text.len());
    let mut places = Places { files: vec![(id, 0, text.len())] };
    for file in &flat.linked {
        let linked = sources.add(SourceFile::new(flat.shown(&file.path), Some(file.path.clone()), file.text.clone()));
        places.files.push((linked, file.base, file.text.len()));
    }
    let span = |start: usize, end: usize| places.span(start, end);
    let mut diagnostics = Vec::new();
    for (start, end, message) in &flat.unknown {
        diagnostics.push(Diagnostic::new(&TEMPLATE_VALUE_NOT_IMPORTED, span(*start, *end), message.clone()));
    }
    for link in &flat.links {
        let d = if link.remote {
            Diagnostic::new(&LINKED_TEMPLATE_NOT_READ, span(link.start, link.end), link.message.clone())
                .with_help("put the linked template beside this one and link it with `relativePath`, or import it on its own")
        } else {
            Diagnostic::new(&TEMPLATE_UNREADABLE, span(link.start, link.end), link.message.clone())
        };
        diagnostics.push(d);
    }
    let mapped = map::map(&map::Context { resources: &flat.resources, default_group: options.resource_group.clone(), existing: &flat.existing });
    for note in &mapped.notes {
        diagnostics.push(Diagnostic::new(&TEMPLATE_VALUE_NOT_IMPORTED, span(note.start, note.end), note.message.clone()));
    }
    let mut raw = mapped.files;
    if !mapped.unmapped.is_empty() {
        let w = &mut raw.iter_mut().find(|(n, _)| n == "settings.ashlar").expect("settings are always written").1;
        w.line(0, "", None);
        w.line(0, "// Resources of the template that this plan does not deploy:", None);
        for (start, end, ty, name) in &mapped.unmapped {
            let place = span(*start, *end);
            let file = sources.get(place.file);
            let at = file.line_col(place.start as usize).line;
            let at = if place.file == id { format!("line {at}") } else { format!("{} line {at}", file.name) };
            w.text.push_str(&format!("// not imported: {ty} {name:?} ({at})\n"));
            w.origins.push(Some((*start, *end)));
            diagnostics.push(
                Diagnostic::new(&RESOURCE_NOT_IMPORTED, span(*start, *end), format!("{ty} `{name}` is not imported: the plan keeps it as a comment"))
                    .with_help("docs/import.md lists the resource types imported"),
            );
        }
    }
    let files = raw
        .iter()
        .map(|(n, w)| {
            let mut text = crate::format::format(&w.text).unwrap_or_else(|_| w.text.clone());
            if !text.ends_with('\n') {
                text.push('\n');
            }
            (n.clone(), text)
        })
        .collect();
    crate::diagnostic::sort(&mut diagnostics);
    Ok(Imported { files, raw, diagnostics, sources, places })
}

/// Where each file read sits in the one range of offsets the import works in:
/// the template from 0, each linked file from its [`template::LinkedFile::base`].
#[derive(Clone, Debug)]
struct Places {
    /// (file, first offset, length), the template first.
    files: Vec<(FileId, usize, usize)>,
}

impl Places {
    fn span(&self, start: usize, end: usize) -> Span {
        let (file, base, len) = self.files.iter().rev().find(|(_, base, _)| *base <= start).copied().unwrap_or(self.files[0]);
        let start = (start - base).min(len);
        Span::new(file, start, end.saturating_sub(base).clamp(start, len))
    }
}

/// `ashlar check TEMPLATE.json`: the template imported in memory and
/// analysed as a plan; every finding of the checks and policies, and of the
/// import, points at the template.
pub fn check_template(
    path: &Path,
    parameters: Option<&Path>,
    today: Option<(crate::calendar::Date, crate::calendar::TodaySource)>,
) -> (SourceMap, Vec<Diagnostic>) {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let unreadable = |what: String| (SourceMap::default(), vec![Diagnostic::global(&crate::diagnostic::codes::UNREADABLE_PLAN, what)]);
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return unreadable(format!("cannot read {}: {e}", path.display())),
    };
    let params = match parameters.map(std::fs::read_to_string) {
        Some(Ok(p)) => Some(p),
        Some(Err(e)) => return unreadable(format!("cannot read the parameters file: {e}")),
        None => None,
    };
    let imported = match import(&name, Some(path.to_path_buf()), &text, params.as_deref(), &Options::default()) {
        Ok(i) => i,
        Err(e) => {
            let (sources, d) = *e;
            return (sources, vec![d]);
        }
    };
    check_imported(imported, path.parent().unwrap_or(Path::new(".")), today)
}

/// Analyses an import's plan and maps each finding back onto the template.
pub fn check_imported(
    imported: Imported,
    root: &Path,
    today: Option<(crate::calendar::Date, crate::calendar::TodaySource)>,
) -> (SourceMap, Vec<Diagnostic>) {
    let Imported { raw, mut diagnostics, mut sources, places, .. } = imported;
    let files = raw
        .iter()
        .map(|(name, w)| crate::load::InputFile { name: format!("(imported) {name}"), path: PathBuf::new(), bytes: w.text.clone().into_bytes() })
        .collect();
    let input = crate::load::PlanInput { root: root.to_path_buf(), files, today, ..Default::default() };
    let analysis = crate::analyze(&input);
    let writer_of = |id: FileId| -> Option<&write::Writer> {
        let name = &analysis.sources.get(id).name;
        raw.iter().find(|(n, _)| format!("(imported) {n}") == *name).map(|(_, w)| w)
    };
    // The standard library's files stay where they are, after the template.
    let mut moved = std::collections::HashMap::new();
    let remap = |span: Span, moved: &mut std::collections::HashMap<FileId, FileId>, sources: &mut SourceMap| -> Option<Span> {
        if let Some(w) = writer_of(span.file) {
            let (start, end) = w.origin_of(span.start as usize)?;
            return Some(places.span(start, end));
        }
        let id = *moved.entry(span.file).or_insert_with(|| sources.add(analysis.sources.get(span.file).clone()));
        Some(Span { file: id, ..span })
    };
    for mut d in analysis.diagnostics.clone() {
        d.span = d.span.and_then(|s| remap(s, &mut moved, &mut sources));
        d.labels = d
            .labels
            .into_iter()
            .filter_map(|mut l| {
                l.span = remap(l.span, &mut moved, &mut sources)?;
                Some(l)
            })
            .collect();
        // Fixes edit the plan's text, which is not the template's.
        if let Some(data) = &mut d.data {
            data.fixes.clear();
            data.added_lines.clear();
            data.replacement = None;
        }
        diagnostics.push(d);
    }
    crate::diagnostic::sort(&mut diagnostics);
    (sources, diagnostics)
}
