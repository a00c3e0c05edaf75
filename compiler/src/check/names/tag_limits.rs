use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId, Spanned};
use crate::schema::attrs;
use indexmap::IndexMap;
use std::collections::hash_map::{Entry, HashMap};

declare_codes! {
    /// ## What it does
    /// Checks tags against Azure's limits: at most 50 tags on a resource (the
    /// plan's tags and a block's own, merged), tag names of at most 512 characters
    /// without `<`, `>`, `%`, `&`, `\`, `?`, `/` or control characters, values of
    /// at most 256 characters, and no two names that differ only by case.
    ///
    /// ## Why it matters
    /// Azure rejects a resource whose tags break a limit when it reaches it, after
    /// the resources before it have been deployed. Tag names ignore case in Azure:
    /// `Environment` and `environment` are one tag, and a block's `Environment`
    /// would not replace the plan's `environment` as intended.
    ///
    /// ## Example
    /// ```ashlar
    /// settings {
    ///   location = uksouth
    ///   tags {
    ///     environment = "prod"
    ///     Environment = "test"
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Keep one spelling of each tag name, shorten long names and values, and
    /// keep to 50 tags per resource.
    pub TAG_LIMITS = ("ASH302", "tag-limits", Error);
}

pub const CHECK: Check = Check { code: &TAG_LIMITS, run };

/// Tags Azure allows on one resource or resource group.
pub const MAX_TAGS: usize = 50;
/// Characters in a tag name.
pub const MAX_NAME: usize = 512;
/// Characters in a tag value.
pub const MAX_VALUE: usize = 256;
/// Characters a tag name may not hold.
pub const FORBIDDEN_IN_NAME: &[char] = &['<', '>', '%', '&', '\\', '?', '/'];

type Tags = IndexMap<String, Spanned<String>>;

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let settings = model.of_kind("settings").next();
    let plan_tags = settings.and_then(|(_, s)| s.map(attrs::TAGS));
    // The plan's tag names by their lower case, each list in the plan's order.
    let mut plan_spellings: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, key) in plan_tags.into_iter().flat_map(|t| t.keys()).enumerate() {
        plan_spellings.entry(key.to_lowercase()).or_default().push(i);
    }
    for (id, node) in model.nodes_with_ids() {
        let Some(tags) = node.map(attrs::TAGS) else {
            continue;
        };
        // The first name of each lower case in this map.
        let mut firsts: HashMap<String, usize> = HashMap::new();
        for (i, (key, entry)) in tags.iter().enumerate() {
            entry_limits(model, id, key, entry, out);
            let first = match firsts.entry(key.to_lowercase()) {
                Entry::Occupied(first) => tags.get_index(*first.get()),
                Entry::Vacant(slot) => {
                    slot.insert(i);
                    None
                }
            };
            if let Some((first, first_entry)) = first {
                out.push(
                    Diagnostic::new(
                        &TAG_LIMITS,
                        entry.span,
                        format!("the tags of {} name `{first}` twice: `{key}` differs from it only by case", owner(model, id)),
                    )
                    .with_label(first_entry.span, format!("`{first}` is here"))
                    .with_help(format!("keep one of `{first}` and `{key}`; Azure tag names ignore case")),
                );
            }
        }
        if Some(id) != settings.map(|(s, _)| s) {
            if let Some(plan_tags) = plan_tags {
                // A block's tag replaces the plan's only when spelt the same.
                for (key, entry) in tags {
                    let spellings = plan_spellings.get(&key.to_lowercase()).map_or(&[][..], Vec::as_slice);
                    let other = spellings.iter().filter_map(|&i| plan_tags.get_index(i)).find(|(k, _)| *k != key);
                    let Some((plan_key, plan_entry)) = other else {
                        continue;
                    };
                    if tags.contains_key(plan_key) {
                        continue;
                    }
                    out.push(
                        Diagnostic::new(
                            &TAG_LIMITS,
                            entry.span,
                            format!(
                                "tag `{key}` of {} differs only by case from the plan's tag `{plan_key}`, so both would be set",
                                owner(model, id)
                            ),
                        )
                        .with_label(plan_entry.span, format!("the plan's `{plan_key}` is here"))
                        .with_help(format!("spell it `{plan_key}`, so that this block's value replaces the plan's")),
                    );
                }
            }
        }
        count(model, id, Some(tags), plan_tags, out);
    }
}

/// How messages name the block whose tags they are about.
fn owner(model: &Model, id: NodeId) -> String {
    if model.node(id).is("settings") {
        "`settings`".to_string()
    } else {
        model.describe(id)
    }
}

/// The limits on one entry: its name's length and characters, its value's length.
fn entry_limits(model: &Model, id: NodeId, key: &str, entry: &Spanned<String>, out: &mut Vec<Diagnostic>) {
    let whose = owner(model, id);
    let name_len = key.chars().count();
    if name_len > MAX_NAME {
        out.push(
            Diagnostic::new(&TAG_LIMITS, entry.span, format!("a tag name of {whose} has {name_len} characters; Azure allows at most {MAX_NAME}"))
                .with_help(format!("shorten the tag name to {MAX_NAME} characters or fewer")),
        );
    }
    let mut bad: Vec<String> = key
        .chars()
        .filter(|c| FORBIDDEN_IN_NAME.contains(c) || c.is_control())
        .map(|c| if c.is_control() { format!("U+{:04X}", c as u32) } else { format!("`{c}`") })
        .collect();
    bad.sort();
    bad.dedup();
    if !bad.is_empty() {
        out.push(
            Diagnostic::new(
                &TAG_LIMITS,
                entry.span,
                format!("tag name `{}` of {whose} contains {}, which Azure does not allow in tag names", key.escape_debug(), bad.join(", ")),
            )
            .with_help("leave `<`, `>`, `%`, `&`, `\\`, `?`, `/` and control characters out of tag names"),
        );
    }
    let value_len = entry.value.chars().count();
    if value_len > MAX_VALUE {
        out.push(
            Diagnostic::new(
                &TAG_LIMITS,
                entry.span,
                format!("tag `{key}` of {whose} has a value of {value_len} characters; Azure allows at most {MAX_VALUE}"),
            )
            .with_help(format!("shorten the value to {MAX_VALUE} characters or fewer, or move the text into a document and tag a link to it")),
        );
    }
}

/// At most [`MAX_TAGS`] tags on the resources of a block: for `settings`, its own;
/// for a block that carries tags, the plan's merged with its own. A block is not
/// reported when the plan's tags alone are already too many.
fn count(model: &Model, id: NodeId, own: Option<&Tags>, plan_tags: Option<&Tags>, out: &mut Vec<Diagnostic>) {
    let node = model.node(id);
    let is_settings = node.is("settings");
    if !is_settings && node.kind.attribute(attrs::TAGS).is_none() {
        return;
    }
    let plan_count = plan_tags.map_or(0, |t| t.len());
    if !is_settings && plan_count > MAX_TAGS {
        return;
    }
    let total = if is_settings { own.map_or(0, |t| t.len()) } else { model.tags(id).len() };
    if total <= MAX_TAGS {
        return;
    }
    let span = node.get(attrs::TAGS).map_or(node.head, |a| a.key);
    let message = if is_settings {
        format!("the plan's tags number {total}; Azure allows at most {MAX_TAGS} on a resource")
    } else {
        let own = own.map_or(0, |t| t.len());
        format!(
            "{} would carry {total} tags ({plan_count} from the plan, {own} of its own); Azure allows at most {MAX_TAGS} on a resource",
            owner(model, id)
        )
    };
    let mut d =
        Diagnostic::new(&TAG_LIMITS, span, message).with_help(format!("keep to {MAX_TAGS} tags, counting the plan's and the block's own together"));
    if !is_settings {
        if let Some(attr) = model.unique("settings").and_then(|s| s.get(attrs::TAGS)) {
            d = d.with_label(attr.key, "the plan's tags are here");
        }
    }
    out.push(d);
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn tags(n: usize, prefix: &str) -> String {
        (0..n).map(|i| format!("{prefix}{i} = \"v\"\n")).collect()
    }

    fn plan(settings_tags: &str, hub_tags: &str) -> String {
        format!(
            "settings {{\n location = uksouth\n tags {{\n{settings_tags} }}\n}}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/16]\n tags {{\n{hub_tags} }}\n}}\n"
        )
    }

    #[test]
    fn fifty_merged_tags_are_fine_and_fifty_one_are_not() {
        assert!(messages(&plan(&tags(40, "p"), &tags(10, "h")), "ASH302").is_empty());
        // A block tag that replaces a plan tag does not add one.
        assert!(messages(&plan(&tags(50, "p"), "p0 = \"x\"\n"), "ASH302").is_empty());
        assert_eq!(
            messages(&plan(&tags(40, "p"), &tags(11, "h")), "ASH302"),
            ["hub `core` would carry 51 tags (40 from the plan, 11 of its own); Azure allows at most 50 on a resource"]
        );
    }

    #[test]
    fn too_many_plan_tags_are_reported_once() {
        assert_eq!(messages(&plan(&tags(51, "p"), ""), "ASH302"), ["the plan's tags number 51; Azure allows at most 50 on a resource"]);
    }

    #[test]
    fn long_names_and_values_are_counted_in_characters() {
        let name = "n".repeat(513);
        let value = "é".repeat(256);
        let found = messages(&plan(&format!("{name} = \"v\"\nok = \"{value}\"\nlong = \"{value}é\"\n"), ""), "ASH302");
        assert_eq!(
            found,
            [
                "a tag name of `settings` has 513 characters; Azure allows at most 512",
                "tag `long` of `settings` has a value of 257 characters; Azure allows at most 256",
            ]
        );
    }

    #[test]
    fn case_twins_are_found_in_one_map_and_against_the_plan() {
        let found = messages(&plan("Environment = \"prod\"\n", "environment = \"test\"\nOwner = \"a\"\nowner = \"b\"\n"), "ASH302");
        assert_eq!(
            found,
            [
                "tag `environment` of hub `core` differs only by case from the plan's tag `Environment`, so both would be set",
                "the tags of hub `core` name `Owner` twice: `owner` differs from it only by case",
            ]
        );
    }
}
