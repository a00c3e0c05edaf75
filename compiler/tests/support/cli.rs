//! Running the `ashlar` binary as a user would, and the plans the command-line
//! tests run it on: one home for the helpers those tests share.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's root folder.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// `ashlar ARGS` from the repository's root, without colour.
pub fn ashlar(args: &[&str]) -> Output {
    ashlar_in(&workspace(), args, &[("NO_COLOR", "1")])
}

/// `ashlar ARGS` in `folder`, with `env` set and `NO_COLOR` unset unless `env` sets it.
pub fn ashlar_in(folder: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ashlar"));
    command.current_dir(folder).args(args).env_remove("NO_COLOR");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("ashlar runs")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The path of an example, as text for an argument.
pub fn example(name: &str) -> String {
    workspace().join("examples").join(name).to_string_lossy().into_owned()
}

/// A temporary folder holding `files`, each a name and its text.
pub fn plan_files(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// A temporary folder holding one plan file, `plan.ashlar`.
pub fn plan_with(text: &str) -> tempfile::TempDir {
    plan_files(&[("plan.ashlar", text)])
}

/// A plan with an error: two subnets that overlap.
pub const OVERLAP: &str = "settings { location = uksouth }\n\
hub core {\n  resource_group = \"rg\"\n  address_space = [10.0.0.0/24]\n  subnet a 10.0.0.0/25\n  subnet b 10.0.0.64/26\n}\n";
