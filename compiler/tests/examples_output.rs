//! Every example builds to exactly the files committed under
//! `tests/expected/<example>/`: a change to any byte of what users deploy is a
//! change to those files, seen in review.
//!
//! After a change that is meant to alter the output, write the files anew with
//! `ASHLAR_UPDATE_EXPECTED=1 cargo test --test examples_output` and read the diff.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The committed files of one example's output, by path relative to its folder.
fn committed(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                files.insert(rel, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    files
}

#[test]
fn every_example_builds_to_its_committed_output() {
    let update = std::env::var_os("ASHLAR_UPDATE_EXPECTED").is_some();
    let mut examples: Vec<PathBuf> =
        std::fs::read_dir(workspace().join("examples")).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    examples.sort();
    assert!(examples.len() >= 10, "examples/ holds {} examples", examples.len());
    let mut failures = Vec::new();
    for example in &examples {
        let name = example.file_name().unwrap().to_string_lossy().into_owned();
        let input = ashlar::load::read_plan(example).expect("the example reads");
        let analysis = ashlar::analyze(&input);
        let Some(azure) = analysis.azure.as_ref() else {
            failures.push(format!("{name}: does not build: {:?}", analysis.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()));
            continue;
        };
        let built: BTreeMap<String, String> = ashlar::emit::emit(azure).into_iter().map(|f| (f.path, f.contents)).collect();
        let expected_dir = workspace().join("tests/expected").join(&name);
        if update {
            let _ = std::fs::remove_dir_all(&expected_dir);
            for (path, contents) in &built {
                let target = expected_dir.join(path);
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::write(target, contents).unwrap();
            }
            continue;
        }
        let expected = committed(&expected_dir);
        if expected.is_empty() {
            failures.push(format!("{name}: nothing committed under tests/expected/{name}"));
            continue;
        }
        for (path, contents) in &built {
            match expected.get(path) {
                None => failures.push(format!("{name}: {path} is new")),
                Some(want) if want != contents => {
                    let line = want.lines().zip(contents.lines()).position(|(a, b)| a != b).map_or(0, |n| n + 1);
                    failures.push(format!("{name}: {path} differs (first at line {line})"));
                }
                Some(_) => {}
            }
        }
        for path in expected.keys().filter(|p| !built.contains_key(*p)) {
            failures.push(format!("{name}: {path} is no longer written"));
        }
    }
    assert!(
        failures.is_empty(),
        "the examples' output changed; if that is meant, run ASHLAR_UPDATE_EXPECTED=1 cargo test --test examples_output:\n{}",
        failures.join("\n")
    );
}
