//! `ashlar fmt`: idempotent, keeps every comment, never changes what a plan deploys.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Every `.ashlar` file of the examples, the stdlib and the fixtures that parse.
fn plan_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["examples", "stdlib", "tests/fixtures"] {
        for entry in walkdir::WalkDir::new(workspace().join(dir)).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "ashlar") && entry.file_type().is_file() {
                files.push(entry.path().to_path_buf());
            }
        }
    }
    files
}

fn comments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_string = false;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '"' => in_string = !in_string,
            '\\' if in_string => i += 1,
            // Any line break ends a string or a comment, a lone `\r` too, as in the grammar.
            '\n' | '\r' => in_string = false,
            '/' if !in_string && chars.get(i + 1) == Some(&'/') => {
                let end = chars[i..].iter().position(|&c| matches!(c, '\n' | '\r')).map_or(chars.len(), |n| i + n);
                out.push(chars[i..end].iter().collect::<String>().trim_end().to_string());
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.sort();
    out
}

#[test]
fn formatting_is_idempotent_and_keeps_every_comment() {
    let mut formatted_files = 0;
    for path in plan_files() {
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let Ok(once) = ashlar::format::format(&text) else { continue };
        let twice = ashlar::format::format(&once).unwrap_or_else(|e| panic!("{}: formatted text does not parse: {e}\n{once}", path.display()));
        assert_eq!(once, twice, "{}: formatting twice changes it", path.display());
        assert_eq!(comments(&text), comments(&once), "{}: comments lost or changed", path.display());
        formatted_files += 1;
    }
    assert!(formatted_files > 50, "only {formatted_files} files formatted");
}

#[test]
fn the_repository_is_formatted() {
    for path in plan_files().into_iter().filter(|p| !p.starts_with(workspace().join("tests"))) {
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(ashlar::format::format(&text).unwrap(), text, "{} is not formatted: run `ashlar fmt`", path.display());
    }
}

#[test]
fn formatting_never_changes_what_a_plan_deploys() {
    for example in std::fs::read_dir(workspace().join("examples")).unwrap() {
        let dir = example.unwrap().path();
        let mut input = ashlar::load::read_plan(&dir).unwrap();
        let before = ashlar::emit::emit(ashlar::analyze(&input).azure.as_ref().expect("the example lowers"));
        for file in &mut input.files {
            let messy = String::from_utf8(file.bytes.clone()).unwrap().replace("  ", "    ").replace(" = ", "=");
            file.bytes = ashlar::format::format(&messy).unwrap().into_bytes();
        }
        let after = ashlar::emit::emit(ashlar::analyze(&input).azure.as_ref().expect("the formatted example lowers"));
        for (b, a) in before.iter().zip(&after) {
            assert_eq!(b.contents, a.contents, "{}: {} differs after formatting", dir.display(), b.path);
        }
    }
}

#[test]
fn a_messy_plan_gets_the_canonical_layout() {
    let messy = "// header\n\nuse std.naming.caf // names\nsettings{location=uksouth\ntags{owner=\"me\"   environment = \"prod\"}}\nhub core {\n\n\n    resource_group=\"rg\" // the group\n  address_space=[10.0.0.0/16,   10.1.0.0/16]\n     subnet a   10.0.0.0/24\nsubnet bee 10.0.1.0/24 { nsg = x }\n  /* a block\n     comment */\n  firewall { sku = Standard }\n}\n// the end\n";
    insta::assert_snapshot!(ashlar::format::format(messy).unwrap());
}

/// Asserts that `text` formats to `expected`, which formats to itself.
fn formats_to(text: &str, expected: &str) {
    let formatted = ashlar::format::format(text).unwrap();
    assert_eq!(formatted, expected, "{text:?}");
    assert_eq!(ashlar::format::format(&formatted).unwrap(), formatted, "formatting {text:?} twice");
}

#[test]
fn any_character_in_a_string_is_kept_beside_trailing_comments() {
    // A NUL byte once marked trailing comments inside the formatter: one in a
    // string was taken for a mark, and the string lost it.
    formats_to("a = 1 // one\nbb = \"x\u{0}y\" // two\nccc = \"\u{0}\"\n", "a = 1       // one\nbb = \"x\u{0}y\"  // two\nccc = \"\u{0}\"\n");
}

#[test]
fn a_value_with_a_comment_inside_is_kept_as_written_and_indented_once() {
    // Its lines were measured with the closing bracket, which sits less deep:
    // each run of `fmt` moved them two spaces further in.
    let text = "image web {\n  build {\n    files = [{\n      source = \"a\" // why\n        destination = \"/b\"\n    }]\n  }\n}\n";
    formats_to(text, text);
}

#[test]
fn a_carriage_return_ends_a_comment_as_the_grammar_says() {
    // The parser ends a `//` comment at a lone `\r`, as at any line break; the
    // formatter read the comment on to the `\n` and wrote what followed twice.
    formats_to("// one\r two\nsettings { location = uksouth }\n", "// one\ntwo\n\nsettings { location = uksouth }\n");
}

#[test]
fn a_comment_above_a_top_level_line_makes_no_blank_line() {
    // The gap before an item was measured to the item, over its comment's own line.
    for text in ["a = 1\n// c\nb = 2\n", "a = 1\n\n// c\nb = 2\n", "a = 1\n// c\r\nb = 2\n", "a = 1\r// c\rb = 2\n"] {
        formats_to(text, &text.replace("\r\n", "\n").replace('\r', "\n"));
    }
}

#[test]
fn a_rule_whose_list_is_wrapped_does_not_line_up_with_one_line_rules() {
    // Rules were lined up when written on one line, though a list too long for
    // one is written a line an item: the next run, no longer on one line, the
    // rule left the table and the others moved.
    let long = "a".repeat(100);
    let text = format!("x {{\n  rule smtp deny tcp 25\n  rule spokes allow any\n  rule microsoft allow https to [\"{long}\", \"b\"]\n}}\n");
    let expected = format!(
        "x {{\n  rule smtp   deny tcp 25\n  rule spokes allow any\n  rule microsoft allow https to [\n    \"{long}\",\n    \"b\",\n  ]\n}}\n"
    );
    formats_to(&text, &expected);
}

#[test]
fn a_rule_whose_short_list_is_wrapped_by_hand_lines_up_once_joined() {
    // The rule was left out of the table because it was written over two
    // lines, but written on one: the next run lined it up and moved it.
    let text = "x {\n  rule smtp deny tcp 25\n  rule ntp allow udp 123 from [10.1.0.0/16,\n0.3.0.0/16] to any\n}\n";
    formats_to(text, "x {\n  rule smtp deny tcp 25\n  rule ntp  allow udp 123 from [10.1.0.0/16, 0.3.0.0/16] to any\n}\n");
}

#[test]
fn a_comment_between_a_key_and_its_value_stays_there() {
    // It was written after the attribute, with a blank line the next run
    // took for a break in the aligned run.
    formats_to(
        "hub core {\n  resource_group = \n// why\n\"rg-core\"\n  address_space  = [10.0.0.0/22]\n}\n",
        "hub core {\n  resource_group =\n    // why\n    \"rg-core\"\n  address_space = [10.0.0.0/22]\n}\n",
    );
}

#[test]
fn fmt_check_lists_files_and_fails_and_fmt_writes_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.ashlar"), "hub core{resource_group=\"rg\"}\n").unwrap();
    std::fs::write(dir.path().join("b.ashlar"), "// fine\n").unwrap();
    let run = |args: &[&str]| std::process::Command::new(env!("CARGO_BIN_EXE_ashlar")).args(args).output().unwrap();
    let path = dir.path().to_str().unwrap();
    let check = run(&["fmt", "--check", path]);
    assert_eq!(check.status.code(), Some(1));
    let listed = String::from_utf8_lossy(&check.stdout);
    assert!(listed.contains("a.ashlar") && !listed.contains("b.ashlar"), "{listed}");
    assert_eq!(std::fs::read_to_string(dir.path().join("a.ashlar")).unwrap(), "hub core{resource_group=\"rg\"}\n", "--check writes nothing");
    assert_eq!(run(&["fmt", path]).status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(dir.path().join("a.ashlar")).unwrap(), "hub core { resource_group = \"rg\" }\n");
    assert_eq!(run(&["fmt", "--check", path]).status.code(), Some(0));
}
