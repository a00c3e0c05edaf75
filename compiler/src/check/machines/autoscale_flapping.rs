use crate::blocks::scale_set::autoscale_rules;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a scale-in rule of an `autoscale` block whose threshold is at or
    /// above the threshold of a scale-out rule on the same metric:
    /// `in when cpu < 70%` with `out when cpu > 60%`.
    ///
    /// ## Why it matters
    /// Between the two thresholds both rules hold: the scale set adds
    /// instances, the average falls, it removes them, the average rises, and so
    /// on (flapping). Azure then holds back the scale-in, so the scale set
    /// never shrinks. With equal thresholds, one instance more or less moves
    /// the average across the line.
    ///
    /// ## Example
    /// ```ashlar
    /// autoscale {
    ///   out when cpu > 60% by 2
    ///   in when cpu < 70% by 1
    /// }
    /// ```
    ///
    /// ## Fix
    /// Leave a wide gap between the thresholds: scale in well below the
    /// scale-out threshold, such as `in when cpu < 30%` with `out when cpu > 70%`.
    pub AUTOSCALE_FLAPPING = ("ASH410", "autoscale-flapping", Warning);
}

pub const CHECK: Check = Check { code: &AUTOSCALE_FLAPPING, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (autoscale, node) in model.of_kind("autoscale") {
        let rules = autoscale_rules(model, autoscale);
        let owner = node.parent.map_or_else(|| "the scale set".to_string(), |p| model.describe(p));
        for scale_in in rules.iter().filter(|r| !r.out) {
            // The scale-out rule that fires lowest is the one it overlaps most.
            let Some(scale_out) = rules.iter().filter(|r| r.out && r.metric == scale_in.metric).min_by_key(|r| r.threshold) else { continue };
            if scale_in.threshold < scale_out.threshold {
                continue;
            }
            let message = if scale_in.threshold == scale_out.threshold {
                format!(
                    "{owner} scales in below {}% and out above the same {}% of {}: one instance more or less moves the average across it, and the scale set flaps",
                    scale_in.threshold, scale_out.threshold, scale_in.metric
                )
            } else {
                format!(
                    "{owner} scales in below {}% and out above {}% of {}: between the two both rules hold, and the scale set flaps",
                    scale_in.threshold, scale_out.threshold, scale_in.metric
                )
            };
            let suggested = (scale_out.threshold / 2).max(1);
            out.push(
                Diagnostic::new(&AUTOSCALE_FLAPPING, scale_in.threshold_span, message)
                    .with_label(scale_out.threshold_span, "the scale-out threshold is here")
                    .with_help(format!("scale in well below the scale-out threshold, such as `in when {} < {suggested}%`", scale_in.metric)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    fn with(rules: &str) -> Vec<String> {
        messages(&machines(&linux("scale_set", "w", &format!("capacity {{ min = 1  default = 2  max = 6 }}\n autoscale {{\n{rules}\n }}"))), "ASH410")
    }

    #[test]
    fn thresholds_must_leave_a_gap() {
        assert!(with("out when cpu > 70% by 2\nin when cpu < 30% by 1").is_empty());
        assert!(with("out when cpu > 70% by 2\nin when cpu <= 69% by 1").is_empty());
        assert_eq!(
            with("out when cpu > 60% by 2\nin when cpu < 70% by 1"),
            ["scale_set `w` scales in below 70% and out above 60% of cpu: between the two both rules hold, and the scale set flaps"]
        );
        assert_eq!(with("out when cpu >= 50% by 2\nin when cpu < 50% by 1").len(), 1);
        // The lowest scale-out rule counts.
        assert_eq!(with("out when cpu > 90% by 4\nout when cpu > 40% by 1\nin when cpu < 45% by 1").len(), 1);
        // Rules of one direction cannot flap.
        assert!(with("out when cpu > 70% by 2").is_empty());
    }
}
