//! The editor support in `editors/`, checked without an editor or `npm`: the
//! VS Code extension's JSON files parse and agree with each other, and the
//! TextMate grammar's regular expressions compile and colour sample lines as
//! intended.

use serde_json::Value;
use std::path::{Path, PathBuf};

fn editors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../editors")
}

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

#[test]
fn the_vscode_extension_is_consistent() {
    let vscode = editors().join("vscode");
    let package = json(&vscode.join("package.json"));
    let language = &package["contributes"]["languages"][0];
    assert_eq!(language["id"], "ashlar");
    assert_eq!(language["extensions"], serde_json::json!([".ashlar"]));
    let configuration = json(&vscode.join(language["configuration"].as_str().unwrap()));
    assert_eq!(configuration["comments"]["lineComment"], "//");
    assert_eq!(configuration["comments"]["blockComment"], serde_json::json!(["/*", "*/"]));
    assert_eq!(configuration["brackets"].as_array().unwrap().len(), 3);

    let grammar_entry = &package["contributes"]["grammars"][0];
    assert_eq!(grammar_entry["language"], "ashlar");
    let grammar = json(&vscode.join(grammar_entry["path"].as_str().unwrap()));
    assert_eq!(grammar["scopeName"], grammar_entry["scopeName"]);

    // The client is bundled into `main` by `npm run bundle`, which packaging runs first.
    assert_eq!(package["main"], "./dist/extension.js");
    let bundle = package["scripts"]["bundle"].as_str().unwrap();
    assert!(bundle.starts_with("esbuild extension.js --bundle --outfile=dist/extension.js --external:vscode"), "{bundle}");
    assert_eq!(package["scripts"]["vscode:prepublish"], "npm run bundle");
    let extension = std::fs::read_to_string(vscode.join("extension.js")).unwrap();
    assert!(extension.contains("require(\"vscode-languageclient/node\")"), "the extension is a language client");
    assert!(extension.contains("args: [\"lsp\"]"), "it runs `ashlar lsp`");
    assert!(package["devDependencies"]["vscode-languageclient"].is_string() && package["devDependencies"]["esbuild"].is_string());
    // What is packed: no node_modules, no unbundled source; the project's licence.
    assert_eq!(package["license"], "Apache-2.0");
    assert_eq!(package["repository"]["directory"], "editors/vscode");
    let license = std::fs::read_to_string(vscode.join("LICENSE")).unwrap();
    assert!(license.contains("Apache License") && license.contains("Version 2.0, January 2004"));
    let root_license = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml")).unwrap();
    assert!(root_license.contains("license = \"Apache-2.0\""), "the extension's licence is the project's");
    let ignored: Vec<String> = std::fs::read_to_string(vscode.join(".vscodeignore")).unwrap().lines().map(str::to_string).collect();
    for pattern in ["node_modules/**", "extension.js"] {
        assert!(ignored.iter().any(|l| l == pattern), "{pattern} is left out of the package");
    }
    // Semantic tokens' own modifiers are declared, with the scopes themes colour them by.
    let modifiers: Vec<&str> =
        package["contributes"]["semanticTokenModifiers"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    let legend = ashlar::lsp::token_legend();
    for modifier in legend.token_modifiers.iter().skip(1) {
        assert!(modifiers.contains(&modifier.as_str()), "{modifier:?}");
    }
    assert!(package["activationEvents"].as_array().unwrap().contains(&Value::from("onLanguage:ashlar")));
    assert!(vscode.join("README.md").exists() && editors().join("neovim/README.md").exists() && editors().join("neovim/ashlar.lua").exists());
}

/// Every regular expression of the grammar, with the JSON path it is at.
fn regexes(value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("match" | "begin" | "end", Value::String(re)) => out.push((format!("{at}.{key}"), re.clone())),
                    _ => regexes(v, &format!("{at}.{key}"), out),
                }
            }
        }
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| regexes(v, &format!("{at}[{i}]"), out)),
        _ => {}
    }
}

/// Look-ahead and look-behind, which Oniguruma has and the `regex` crate does not.
const LOOKAROUND: &[&str] = &["(?=", "(?!", "(?<=", "(?<!"];

/// The grammar's regex for the `regex` crate: look-arounds dropped, which
/// loosens a pattern (it may match a little more) and keeps the rest.
fn loosened(re: &str) -> String {
    let mut out = re.to_string();
    while let Some(start) = LOOKAROUND.iter().filter_map(|l| out.find(l)).min() {
        // The group ends at its matching parenthesis; groups in the grammar's look-arounds do not nest.
        let end = out[start..].find(')').map_or(out.len(), |e| start + e + 1);
        out.replace_range(start..end, "");
    }
    out
}

#[test]
fn the_grammar_regexes_compile() {
    let grammar = json(&editors().join("vscode/syntaxes/ashlar.tmLanguage.json"));
    let mut all = Vec::new();
    regexes(&grammar, "", &mut all);
    assert!(all.len() > 30, "{} regexes", all.len());
    let mut strict = 0;
    for (at, re) in &all {
        if LOOKAROUND.iter().any(|l| re.contains(l)) {
            let loose = loosened(re);
            assert!(regex::Regex::new(&loose).is_ok(), "{at}: {loose}");
        } else {
            regex::Regex::new(re).unwrap_or_else(|e| panic!("{at}: {e}"));
            strict += 1;
        }
    }
    assert!(strict * 4 > all.len() * 3, "most regexes need no look-around: {strict} of {}", all.len());

    // Every kind of block of the language is highlighted as one, at the
    // start of a line and inline after `{`.
    for rule in ["block-head", "block-head-inline"] {
        let head = grammar["repository"][rule]["match"].as_str().unwrap();
        for schema in ashlar::kinds::ALL_KINDS {
            // `existing storage_account`: the word after `existing` is highlighted as the kind.
            let kind = schema.kind.strip_prefix("existing ").unwrap_or(schema.kind);
            assert!(
                head.contains(&format!("|{kind}|")) || head.contains(&format!("({kind}|")) || head.contains(&format!("|{kind})")),
                "{rule}: {kind}"
            );
        }
    }
}

/// A pattern of the grammar, flattened from its includes, ready to scan with.
struct Pattern {
    regex: regex::Regex,
    name: Option<String>,
    captures: Vec<(usize, String)>,
    /// For a `begin`/`end` region: the end, and the patterns inside.
    end: Option<regex::Regex>,
    inside: Vec<Pattern>,
}

fn flatten(grammar: &Value, patterns: &Value, out: &mut Vec<Pattern>) {
    for p in patterns.as_array().unwrap() {
        if let Some(include) = p["include"].as_str() {
            let rule = &grammar["repository"][include.trim_start_matches('#')];
            if rule.get("patterns").is_some() && rule.get("begin").is_none() {
                flatten(grammar, &rule["patterns"], out);
            } else {
                flatten(grammar, &Value::Array(vec![rule.clone()]), out);
            }
            continue;
        }
        if p.get("patterns").is_some() && p.get("begin").is_none() && p.get("match").is_none() {
            flatten(grammar, &p["patterns"], out);
            continue;
        }
        let re = p["match"].as_str().or(p["begin"].as_str()).unwrap();
        let captures = p["captures"]
            .as_object()
            .map(|c| c.iter().map(|(n, v)| (n.parse().unwrap(), v["name"].as_str().unwrap().to_string())).collect())
            .unwrap_or_default();
        let mut inside = Vec::new();
        if p.get("begin").is_some() {
            if let Some(patterns) = p.get("patterns") {
                flatten(grammar, patterns, &mut inside);
            }
        }
        out.push(Pattern {
            regex: regex::Regex::new(&loosened(re)).unwrap(),
            name: p["name"].as_str().map(str::to_string),
            captures,
            end: p["end"].as_str().map(|e| regex::Regex::new(&loosened(e)).unwrap()),
            inside,
        });
    }
}

/// Scans one line as a TextMate engine does: at each point the pattern whose
/// match starts first wins, the earlier pattern on a tie. Gives each scoped
/// piece of text with its scope.
fn scan(patterns: &[Pattern], line: &str, from: usize, until: Option<&regex::Regex>, out: &mut Vec<(String, String)>) -> usize {
    let mut at = from;
    loop {
        let end = until.and_then(|e| e.find_at(line, at));
        let best = patterns
            .iter()
            .filter_map(|p| p.regex.captures_at(line, at).map(|c| (c, p)))
            .filter(|(c, _)| c.get(0).unwrap().end() > c.get(0).unwrap().start())
            .min_by_key(|(c, _)| c.get(0).unwrap().start());
        match (best, end) {
            (Some((c, p)), e) if e.as_ref().is_none_or(|e| c.get(0).unwrap().start() < e.start()) => {
                let whole = c.get(0).unwrap();
                if let Some(name) = &p.name {
                    out.push((whole.as_str().to_string(), name.clone()));
                }
                for (n, scope) in &p.captures {
                    if let Some(m) = c.get(*n) {
                        out.push((m.as_str().to_string(), scope.clone()));
                    }
                }
                at = whole.end();
                if let Some(end) = &p.end {
                    at = scan(&p.inside, line, at, Some(end), out);
                }
            }
            (_, Some(e)) => return e.end(),
            (None, None) => return line.len(),
            (Some(_), None) => unreachable!("handled above"),
        }
    }
}

#[test]
fn the_grammar_colours_plans() {
    let grammar = json(&editors().join("vscode/syntaxes/ashlar.tmLanguage.json"));
    let mut patterns = Vec::new();
    flatten(&grammar, &grammar["patterns"], &mut patterns);
    let scopes = |line: &str| {
        let mut out = Vec::new();
        scan(&patterns, line, 0, None, &mut out);
        out
    };
    let scope_of = |line: &str, text: &str| -> String {
        let found = scopes(line);
        found.iter().find(|(t, _)| t == text).map(|(_, s)| s.clone()).unwrap_or_else(|| panic!("{text:?} has no scope in {line:?}: {found:?}"))
    };
    let cases: &[(&str, &str, &str)] = &[
        ("hub core {", "hub", "storage.type.kind.ashlar"),
        ("hub core {", "core", "entity.name.type.block.ashlar"),
        ("rule_set baseline {", "rule_set", "storage.type.kind.ashlar"),
        ("  address_space  = [10.0.0.0/22]", "address_space", "variable.other.property.ashlar"),
        ("  address_space  = [10.0.0.0/22]", "10.0.0.0/22", "constant.numeric.address-prefix.ashlar"),
        ("  hub = core", "hub", "variable.other.property.ashlar"),
        ("  dns_servers = [10.0.1.4, fd00::4]", "10.0.1.4", "constant.numeric.ip-address.ashlar"),
        ("  dns_servers = [10.0.1.4, fd00::4]", "fd00::4", "constant.numeric.ip-address.ashlar"),
        ("  address_space = [fd00:db8::/48]", "fd00:db8::/48", "constant.numeric.address-prefix.ashlar"),
        ("  subnet app auto /26", "auto", "keyword.other.auto.ashlar"),
        ("  subnet app auto /26", "26", "constant.numeric.prefix-length.ashlar"),
        ("  version = 1.2.0", "1.2.0", "constant.numeric.version.ashlar"),
        ("  start = 02:00", "02:00", "constant.numeric.time.ashlar"),
        ("  timeout = 1h30m", "1h30m", "constant.numeric.duration.ashlar"),
        ("  out when cpu > 70% by 2", "70%", "constant.numeric.percent.ashlar"),
        ("  out when cpu > 70% by 2", ">", "keyword.operator.comparison.ashlar"),
        ("  asn = 65515", "65515", "constant.numeric.integer.ashlar"),
        ("  enabled = true", "true", "constant.language.boolean.ashlar"),
        ("  owner = \"ops \\\"team\\\" \\u{1F600}\" // who", "\\\"", "constant.character.escape.ashlar"),
        ("  owner = \"ops \\\"team\\\" \\u{1F600}\" // who", "\\u{1F600}", "constant.character.escape.ashlar"),
        ("  owner = \"ops \\\"team\\\" \\u{1F600}\" // who", "// who", "comment.line.double-slash.ashlar"),
        ("  bad = \"a\\qb\"", "\\q", "invalid.illegal.escape.ashlar"),
        ("/* a block comment */ hub", "/*", "comment.block.ashlar"),
        ("use std.naming.caf", "use", "keyword.control.import.ashlar"),
        ("use std.naming.caf", "std.naming.caf", "entity.name.namespace.ashlar"),
        ("    deny when rule.source == Internet and (22 in rule.ports)", "deny", "keyword.control.policy.ashlar"),
        ("    deny when rule.source == Internet and (22 in rule.ports)", "rule.source", "variable.other.reference.ashlar"),
        ("    deny when rule.source == Internet and (22 in rule.ports)", "==", "keyword.operator.comparison.ashlar"),
        ("    deny when rule.source == Internet and (22 in rule.ports)", "and", "keyword.operator.word.ashlar"),
        ("    deny when rule.source == Internet and (22 in rule.ports)", "in", "keyword.control.policy.ashlar"),
        ("      message \"{nsg.name} opens {{22}}\"", "{nsg.name}", "variable.other.placeholder.ashlar"),
        ("      message \"{nsg.name} opens {{22}}\"", "{{", "constant.character.escape.brace.ashlar"),
        ("  admin = secret(kv_core, \"pw\")", "secret", "support.function.ashlar"),
        ("  rule https { inbound allow tcp 443 from Internet priority 100 }", "rule", "storage.type.kind.ashlar"),
        ("  rule https { inbound allow tcp 443 from Internet priority 100 }", "inbound", "keyword.other.phrase.ashlar"),
        ("  rule https { inbound allow tcp 443 from Internet priority 100 }", "443", "constant.numeric.integer.ashlar"),
        ("  allow no_ssh because \"jump host\"", "because", "keyword.control.policy.ashlar"),
        // Kinds written inline after `{`, with or without a name; an attribute of a kind's name stays an attribute.
        ("hub core { firewall {} }", "firewall", "storage.type.kind.ashlar"),
        ("nsg web { rule https { inbound allow tcp 443 from Internet priority 100 } }", "rule", "storage.type.kind.ashlar"),
        ("nsg web { rule https { inbound allow tcp 443 from Internet priority 100 } }", "https", "entity.name.type.block.ashlar"),
        ("vnet lab { subnet only 10.0.0.0/24 }", "subnet", "storage.type.kind.ashlar"),
        ("vnet lab { subnet only 10.0.0.0/24 }", "only", "entity.name.type.block.ashlar"),
        ("  subnet web 10.1.0.0/26 { nsg = web_nsg }", "nsg", "variable.other.property.ashlar"),
        ("  a = 1; route_table rt {", "route_table", "storage.type.kind.ashlar"),
    ];
    for (line, text, scope) in cases {
        assert_eq!(&scope_of(line, text), scope, "{text:?} in {line:?}");
    }
    // A string ends at the end of its line, so an unclosed one colours no further.
    assert_eq!(scope_of("  a = \"open  // not a comment", "\""), "string.quoted.double.ashlar");
}
