use crate::blocks::desktops::{is_pooled, scaling_of, PERSONAL_ONLY, POOLED_ONLY};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports settings of a `desktop_pool` that do not fit its `type`:
    /// `load_balancing`, `max_sessions` and `scaling` on a personal pool,
    /// `assignment` on a pooled one, and a pooled pool without `max_sessions`.
    ///
    /// ## Why it matters
    /// A personal pool gives each user a host of their own (load balancing
    /// `Persistent`), so how sessions spread over hosts means nothing there; a
    /// pooled pool shares its hosts, so it assigns no host to anyone. Such a
    /// setting would be dropped without a word, and the pool would not behave
    /// as the plan reads. A pooled pool without a session limit lets one host
    /// take sessions until its users run out of memory, which `depth_first`
    /// makes certain; ashlar asks for the limit rather than guess one.
    ///
    /// ## Example
    /// ```ashlar
    /// desktop_pool devs {
    ///   type           = personal
    ///   load_balancing = depth_first
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove the setting, or change the pool's `type`; give a pooled pool
    /// `max_sessions`, the sessions one host of its `size` can take.
    pub DESKTOP_POOL_TYPE = ("ASH620", "desktop-pool-type", Error);
}

pub const CHECK: Check = Check { code: &DESKTOP_POOL_TYPE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (pool, node) in model.of_kind("desktop_pool") {
        let what = model.describe(pool);
        let pooled = is_pooled(node);
        let (foreign, kind, other) = if pooled { (PERSONAL_ONLY, "pooled", "personal") } else { (POOLED_ONLY, "personal", "pooled") };
        for &attr in foreign {
            let Some(written) = node.get(attr) else { continue };
            out.push(
                Diagnostic::new(&DESKTOP_POOL_TYPE, written.key, format!("`{attr}` applies to {other} pools, but {what} is {kind}"))
                    .with_help(format!("remove `{attr}`, or make the pool `type = {other}`")),
            );
        }
        if let Some(scaling) = scaling_of(model, pool).filter(|_| !pooled) {
            out.push(
                Diagnostic::new(&DESKTOP_POOL_TYPE, model.node(scaling).head, format!("`scaling` schedules pooled pools, but {what} is personal"))
                    .with_help("remove `scaling`: ashlar makes scaling plans for pooled pools only"),
            );
        }
        if pooled && node.get("max_sessions").is_none() {
            out.push(
                Diagnostic::new(&DESKTOP_POOL_TYPE, node.head, format!("{what} is pooled and has no `max_sessions`"))
                    .with_help("add `max_sessions = N`: the most sessions one host of the pool's `size` takes"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::blocks::desktops::test_support::{personal, plan, pooled};
    use crate::check::test_support::messages;

    #[test]
    fn settings_of_the_other_type_are_reported() {
        assert!(messages(&plan(&pooled("finance", "load_balancing = depth_first")), "ASH620").is_empty());
        assert!(messages(&plan(&personal("devs", "assignment = direct")), "ASH620").is_empty());
        assert_eq!(
            messages(&plan(&pooled("finance", "assignment = direct")), "ASH620"),
            ["`assignment` applies to personal pools, but desktop_pool `finance` is pooled"]
        );
        assert_eq!(
            messages(&plan(&personal("devs", "load_balancing = depth_first\n max_sessions = 4")), "ASH620"),
            [
                "`load_balancing` applies to pooled pools, but desktop_pool `devs` is personal",
                "`max_sessions` applies to pooled pools, but desktop_pool `devs` is personal"
            ]
        );
        let scaling = "scaling { ramp_up = 07:00  peak = 09:00  ramp_down = 17:00  off_peak = 19:00  timezone = \"UTC\" }";
        assert!(messages(&plan(&pooled("finance", scaling)), "ASH620").is_empty());
        assert_eq!(messages(&plan(&personal("devs", scaling)), "ASH620"), ["`scaling` schedules pooled pools, but desktop_pool `devs` is personal"]);
    }

    #[test]
    fn a_pooled_pool_needs_its_session_limit() {
        let plan = plan(&pooled("finance", "").replace(" max_sessions = 10\n", ""));
        assert_eq!(messages(&plan, "ASH620"), ["desktop_pool `finance` is pooled and has no `max_sessions`"]);
    }
}
