//! Bicep files parsed with tree-sitter-bicep, the tree-sitter grammar of Bicep
//! that editors use (the same grammar, version 1.1.0, as the `validate-bicep`
//! script of the CI): a file whose tree holds an `ERROR` or a `MISSING` node
//! does not parse.
#![allow(dead_code)]

/// Every place where `text` fails to parse, as `file:line:column: what, near "..."`.
pub fn bicep_problems(file: &str, text: &str) -> Vec<String> {
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&tree_sitter_bicep::LANGUAGE.into()).expect("the Bicep grammar loads");
    let Some(tree) = parser.parse(text, None) else {
        return vec![format!("{file}: the parser gave no tree")];
    };
    let mut problems = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            let at = node.start_position();
            let near: String = text[node.start_byte()..].chars().take(40).collect();
            let what = if node.is_missing() { format!("missing {}", node.kind()) } else { "syntax error".to_string() };
            problems.push(format!("{file}:{}:{}: {what}, near {near:?}", at.row + 1, at.column + 1));
        }
        if node.has_error() {
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
    }
    problems.sort();
    problems
}
