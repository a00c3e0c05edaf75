//! Emitters: the IR written as ARM JSON and as Bicep.
//!
//! [`emit`] turns an [`AzurePlan`] into the files of a build, in memory;
//! [`write_atomically`] puts them on disk. One concern a file:
//!
//! - [`escape`]: user data made safe for ARM JSON and Bicep, the heart of it;
//! - [`arm`]: `main.json` and `main.parameters.json`;
//! - [`bicep`]: `main.bicep` and `modules/*.bicep`, from the handlebars
//!   templates in `templates/`;
//! - `write`: the atomic swap of the output folder.
//!
//! Output is deterministic (the same plan gives the same bytes) and every file
//! ends with a newline.

pub mod arm;
pub mod bicep;
pub mod escape;
mod write;

pub use write::write_atomically;

use crate::lower::ir::AzurePlan;

/// One output file: path relative to the output folder, and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative, with `/` separators.
    pub path: String,
    pub contents: String,
}

/// All files of a build: `main.json`, `main.parameters.json`, `main.bicep`,
/// and `modules/<file_stem>.bicep` for each deployment, in that order.
pub fn emit(plan: &AzurePlan) -> Vec<OutputFile> {
    let mut files = vec![
        OutputFile { path: "main.json".into(), contents: json_text(&arm::main_template(plan)) },
        OutputFile { path: "main.parameters.json".into(), contents: json_text(&arm::parameters()) },
        OutputFile { path: "main.bicep".into(), contents: bicep::main(plan) },
    ];
    for (id, deployment) in plan.deployments.iter().enumerate() {
        files.push(OutputFile { path: format!("modules/{}.bicep", deployment.file_stem), contents: bicep::module(plan, id) });
    }
    files
}

/// JSON pretty-printed with two-space indentation, ending with a newline.
fn json_text(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("a JSON value always serialises");
    text.push('\n');
    text
}
