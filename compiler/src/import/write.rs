//! The plan's text as it is written, line by line, each line remembering the
//! bytes of the template it came from: what `ashlar check TEMPLATE.json`
//! points findings at.

use super::json::Node;

#[derive(Default)]
pub struct Writer {
    pub text: String,
    /// For each line of [`Self::text`], the template's bytes it was written from.
    pub origins: Vec<Option<(usize, usize)>>,
}

impl Writer {
    /// Writes one line; `from` is the template value it says, else the block's.
    pub fn line(&mut self, indent: usize, text: &str, from: Option<&Node>) {
        let origin = from.map(|n| (n.start, n.end)).or_else(|| self.enclosing(indent));
        self.text.push_str(&"  ".repeat(indent));
        self.text.push_str(text);
        self.text.push('\n');
        self.origins.push(origin);
    }

    /// The origin of the nearest line above written less indented: the block a line is in.
    fn enclosing(&self, indent: usize) -> Option<(usize, usize)> {
        if indent == 0 {
            return None;
        }
        let lines: Vec<&str> = self.text.lines().collect();
        lines.iter().zip(&self.origins).rev().find(|(l, _)| l.len() - l.trim_start().len() < indent * 2).and_then(|(_, o)| *o)
    }

    /// The template's bytes behind the plan's byte `offset`.
    pub fn origin_of(&self, offset: usize) -> Option<(usize, usize)> {
        let line = self.text[..offset.min(self.text.len())].matches('\n').count();
        self.origins.get(line).copied().flatten().or_else(|| self.origins[..line.min(self.origins.len())].iter().rev().find_map(|o| *o))
    }
}
