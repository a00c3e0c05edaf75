//! The parser: every literal of the language, and syntax errors users can read.

use ashlar::ast::{Item, Term, ValueKind};
use ashlar::diagnostic::render::{render_terminal, Style};
use ashlar::source::{FileId, SourceFile, SourceMap};
use ashlar::syntax::parse;

fn attribute_value(text: &str) -> ValueKind {
    let (file, errors) = parse(FileId(0), text);
    assert!(errors.is_empty(), "{text}: {errors:?}");
    match &file.items[..] {
        [Item::Attribute(a)] => a.value.kind.clone(),
        other => panic!("{text}: expected one attribute, got {other:?}"),
    }
}

fn error_report(text: &str) -> String {
    let (_, errors) = parse(FileId(0), text);
    assert_eq!(errors.len(), 1, "{text}: {errors:?}");
    let mut sources = SourceMap::default();
    sources.add(SourceFile::new("plan.ashlar", None, text.to_string()));
    render_terminal(&sources, &errors, Style::Plain)
}

#[test]
fn literals_parse_to_their_values() {
    assert_eq!(attribute_value("a = \"x\\ty\\n\\\"q\\\" \\u{e9} \\{ \\\\\""), ValueKind::Str("x\ty\n\"q\" é { \\".into()));
    assert_eq!(attribute_value("a = 65515"), ValueKind::Int(65515));
    assert_eq!(attribute_value("a = true"), ValueKind::Bool(true));
    assert_eq!(attribute_value("a = 10.0.1.4"), ValueKind::Ipv4("10.0.1.4".parse().unwrap()));
    assert_eq!(attribute_value("a = fd00::1"), ValueKind::Ipv6("fd00::1".parse().unwrap()));
    assert_eq!(attribute_value("a = 10.0.0.0/16"), ValueKind::Cidr("10.0.0.0/16".parse().unwrap()));
    assert_eq!(attribute_value("a = 2001:db8::/32"), ValueKind::Cidr("2001:db8::/32".parse().unwrap()));
    assert_eq!(attribute_value("a = 3h30m"), ValueKind::Duration(3 * 3600 + 30 * 60));
    assert_eq!(attribute_value("a = 30d"), ValueKind::Duration(30 * 86400));
    assert_eq!(attribute_value("a = 02:00"), ValueKind::TimeOfDay(120));
    assert_eq!(attribute_value("a = 70%"), ValueKind::Percent(70));
    assert_eq!(attribute_value("a = 1.2.0"), ValueKind::Version(1, 2, 0));
    assert_eq!(attribute_value("a = auto /26"), ValueKind::Auto(26));
    assert!(matches!(attribute_value("a = app1.web"), ValueKind::Path(p) if p.len() == 2 && p[1].name == "web"));
    assert!(matches!(attribute_value("a = Standard_D2s_v5"), ValueKind::Path(p) if p[0].name == "Standard_D2s_v5"));
    assert!(matches!(attribute_value("a = secret(kv_core, \"pw\")"), ValueKind::Call(n, args) if n.name == "secret" && args.len() == 2));
    assert!(matches!(attribute_value("a = [\n  1,\n  2, // two\n  3,\n]"), ValueKind::List(items) if items.len() == 3));
    assert!(matches!(attribute_value("a = { x = \"1\"  y = \"2\" }"), ValueKind::Map(e) if e.len() == 2));
}

#[test]
fn blocks_hold_terms_bodies_and_phrases() {
    let text = "use std.naming.caf\n\
        hub core {\n  subnet web 10.1.0.0/26 { nsg = web_nsg }\n  firewall { sku = Standard  threat_intel = deny }\n}\n\
        nsg web_nsg {\n  rule https { inbound allow tcp 443 from Internet to \"10.1.0.0/26\" priority 100 }\n}\n\
        policy p {\n  deny when rule.source == Internet and (22 in rule.ports or 3389 in rule.ports)\n}\n\
        autoscale { out when cpu > 70% by 2; in when cpu < 30% by 1 }\r\n";
    let (file, errors) = parse(FileId(0), text);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(file.uses[0].dotted(), "std.naming.caf");
    assert_eq!(file.items.len(), 4);
    let Item::Block(policy) = &file.items[2] else { panic!() };
    let Some(body) = &policy.body else { panic!() };
    let Item::Block(deny) = &body.items[0] else { panic!() };
    assert_eq!(deny.head.name, "deny");
    assert!(deny.terms.iter().any(|t| matches!(t, Term::Operator(op, _) if op == "==")));
    assert!(deny.terms.iter().any(|t| matches!(t, Term::Group(inner, _) if inner.len() == 7)));
    let Item::Block(autoscale) = &file.items[3] else { panic!() };
    assert_eq!(autoscale.body.as_ref().unwrap().items.len(), 2);
}

#[test]
fn spans_are_byte_offsets_into_the_file() {
    let text = "// é\nhub core { address_space = [10.0.0.0/16] }";
    let (file, _) = parse(FileId(0), text);
    let Item::Block(hub) = &file.items[0] else { panic!() };
    assert_eq!(&text[hub.head.span.range()], "hub");
    let Item::Attribute(attr) = &hub.body.as_ref().unwrap().items[0] else { panic!() };
    assert_eq!(&text[attr.value.span.range()], "[10.0.0.0/16]");
}

#[test]
fn a_syntax_error_names_what_was_expected_in_words() {
    let report = error_report("hub core {\n  address_space: [10.0.0.0/16]\n}\n");
    insta::assert_snapshot!("colon_instead_of_equals", report);
    assert!(!report.contains("Rule::"), "{report}");
    let report = error_report("settings {\n  location = uksouth\n");
    insta::assert_snapshot!("missing_closing_brace", report);
    let report = error_report("settings { owner = 'me' }");
    assert!(report.contains("double quotes"), "{report}");
}

#[test]
fn an_unquoted_port_range_is_told_to_take_quotes() {
    let help = |text: &str| {
        let (_, errors) = parse(FileId(0), text);
        assert_eq!(errors.len(), 1, "{text}: {errors:?}");
        errors[0].help.clone()
    };
    let quoted = Some("write a range of ports in quotes: \"5000-5010\"".to_string());
    assert_eq!(help("rule r { inbound allow tcp 5000-5010 from any priority 100 }"), quoted);
    assert_eq!(help("rule r { inbound allow tcp [80, 5000..5010] from any priority 100 }"), quoted);
    assert_eq!(help("rule r { inbound allow tcp [5000-5010] from any priority 100 }"), quoted);
    // A date, or an address with a dash, is no range of ports.
    assert_eq!(help("a = 2024-01-01"), None);
    assert_eq!(help("a = 10.0.0.5-10"), None);
}

#[test]
fn impossible_literals_are_reported_with_their_span() {
    for (text, needle) in [
        ("a = 10.0.0.5/24", "write `10.0.0.0/24`"),
        ("a = 300.1.1.1", "not an IPv4 address"),
        ("a = 10.0.0.0/33", "prefix length"),
        ("a = 99999999999999999999999", "too large"),
        ("a = 25:00", "not a time of day"),
        ("a = \"\\q\"", "unknown escape"),
        ("a = 120%", "percentage"),
        ("a = fd00:::1", "IPv6"),
    ] {
        let (_, errors) = parse(FileId(0), text);
        let all: String = errors.iter().map(|e| format!("{} {}", e.message, e.help.clone().unwrap_or_default())).collect();
        assert!(all.contains(needle), "{text}: {all}");
        assert!(errors.iter().all(|e| e.span.is_some_and(|s| s.start >= 4)), "{text}: {errors:?}");
    }
}
