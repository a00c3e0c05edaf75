use crate::blocks::compute::{int, nested};
use crate::blocks::scale_set::capacity;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::{Diagnostic, Severity};

declare_codes! {
    /// ## What it does
    /// Checks a scale set's `capacity`: `min` at most `default`, `default` at
    /// most `max`. A scale set with `autoscale` whose `min` equals its `max`
    /// (as without a `capacity` block) is a warning: autoscale can never
    /// change its number of instances.
    ///
    /// ## Why it matters
    /// Azure refuses an autoscale setting whose default lies outside its
    /// minimum and maximum, and a scale set deployed with `default` instances
    /// beyond `max` would be scaled straight back by autoscale.
    ///
    /// ## Example
    /// ```ashlar
    /// scale_set workers {
    ///   capacity { min = 4  default = 3  max = 20 }
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Order them: `min <= default <= max`.
    pub SCALE_SET_CAPACITY = ("ASH409", "scale-set-capacity", Error);
}

pub const CHECK: Check = Check { code: &SCALE_SET_CAPACITY, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, _) in model.of_kind("scale_set") {
        if let Some(&autoscale) = nested(model, block, "autoscale").first() {
            let range = capacity(model, block);
            if range.min == range.max {
                let where_ = nested(model, block, "capacity").first().map_or(model.node(autoscale).head, |&c| model.node(c).span);
                let mut d = Diagnostic::new(
                    &SCALE_SET_CAPACITY,
                    where_,
                    format!(
                        "autoscale can never change the number of instances of {}: its `min` and `max` are both {}",
                        model.describe(block),
                        range.min
                    ),
                )
                .with_label(model.node(autoscale).head, "the autoscale rules are here")
                .with_help(format!("give the range autoscale may use: `capacity {{ min = {}  default = {}  max = ... }}`", range.min, range.default));
                d.severity = Severity::Warning;
                out.push(d);
            }
        }
        for capacity in nested(model, block, "capacity") {
            let node = model.node(capacity);
            let Some(default) = int(node, "default") else { continue };
            let what = model.describe(block);
            if let (Some(min), Some(attr)) = (int(node, "min"), node.get("min")) {
                if min > default {
                    let mut d =
                        Diagnostic::new(&SCALE_SET_CAPACITY, attr.span, format!("`min` of {what} is {min}, more than its `default` {default}"))
                            .with_help("order them: `min <= default <= max`");
                    if let Some(default_attr) = node.get("default") {
                        d = d.with_label(default_attr.span, "the default is here");
                    }
                    out.push(d);
                }
            }
            if let (Some(max), Some(attr)) = (int(node, "max"), node.get("max")) {
                if max < default {
                    let mut d =
                        Diagnostic::new(&SCALE_SET_CAPACITY, attr.span, format!("`max` of {what} is {max}, less than its `default` {default}"))
                            .with_help("order them: `min <= default <= max`");
                    if let Some(default_attr) = node.get("default") {
                        d = d.with_label(default_attr.span, "the default is here");
                    }
                    out.push(d);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    #[test]
    fn min_default_max_in_order() {
        let with = |capacity: &str| messages(&machines(&linux("scale_set", "w", &format!("capacity {{ {capacity} }}"))), "ASH409");
        assert!(with("min = 2  default = 3  max = 20").is_empty());
        assert!(with("default = 3").is_empty());
        assert!(with("min = 3  default = 3  max = 3").is_empty());
        assert_eq!(with("min = 4  default = 3  max = 20"), ["`min` of scale_set `w` is 4, more than its `default` 3"]);
        assert_eq!(with("default = 30  max = 20"), ["`max` of scale_set `w` is 20, less than its `default` 30"]);
    }

    #[test]
    fn autoscale_needs_room_to_move() {
        let with = |body: &str| {
            crate::check::test_support::diagnostics(&machines(&linux("scale_set", "w", body)), "ASH409")
                .into_iter()
                .map(|d| (d.severity, d.message))
                .collect::<Vec<_>>()
        };
        let rules = "autoscale {\n out when cpu > 70% by 1\n in when cpu < 30% by 1\n }";
        assert!(with(&format!("capacity {{ min = 2  default = 2  max = 4 }}\n {rules}")).is_empty());
        assert_eq!(
            with(rules),
            [(
                crate::diagnostic::Severity::Warning,
                "autoscale can never change the number of instances of scale_set `w`: its `min` and `max` are both 2".to_string()
            )]
        );
        assert_eq!(with(&format!("capacity {{ default = 3 }}\n {rules}")).len(), 1);
        // Without autoscale, a fixed size is what was asked for.
        assert!(with("capacity { default = 3 }").is_empty());
    }
}
