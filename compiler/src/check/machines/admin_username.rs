use crate::azure::compute::admin_username_problem;
use crate::blocks::compute::{machine_blocks, os};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks the administrator name of every `compute` and `scale_set` block
    /// (`admin_user`): not one of the names Azure keeps (`admin`,
    /// `administrator`, `root`, `guest`, `test`, `user`, ... in any case); on
    /// Windows at most 20 characters, not ending with `.` and without
    /// `\ / " [ ] : | < > + = ; , ? * @`; on Linux at most 64 characters, no
    /// upper-case letters, none of `\ / " [ ] : | < > + = ; , ? * @ # ( ) !`,
    /// not starting with `$` or `-`.
    ///
    /// ## Why it matters
    /// Azure refuses the kept names and the Windows ones it cannot create when
    /// it reaches the machine, halfway through the deployment. A Linux name
    /// with an upper-case letter is worse: the machine deploys, and nobody can
    /// log in. The name cannot be changed once the machine exists.
    ///
    /// ## Example
    /// ```ashlar
    /// compute web {
    ///   admin_user = "admin"
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Choose another name, such as `azureadmin` (the default).
    pub ADMIN_USERNAME = ("ASH401", "admin-username", Error);
}

pub const CHECK: Check = Check { code: &ADMIN_USERNAME, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in machine_blocks(model) {
        let (Some(os), Some(attr)) = (os(model, block), node.get("admin_user")) else { continue };
        let Some(user) = node.str("admin_user") else { continue };
        if let Some(problem) = admin_username_problem(user, os.windows()) {
            out.push(
                Diagnostic::new(
                    &ADMIN_USERNAME,
                    attr.span,
                    format!("the {} administrator name `{user}` of {} {problem}", os.word(), model.describe(block)),
                )
                .with_help("choose another name, such as `azureadmin`: the name cannot change once the machine exists"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages, windows};

    #[test]
    fn kept_and_malformed_names_are_refused() {
        assert!(messages(&machines(&windows("compute", "web", "admin_user = \"azureadmin\"")), "ASH401").is_empty());
        assert_eq!(
            messages(&machines(&windows("compute", "web", "admin_user = \"Admin\"")), "ASH401"),
            ["the Windows administrator name `Admin` of compute `web` is one of the names Azure keeps from administrators"]
        );
        assert_eq!(
            messages(&machines(&linux("scale_set", "w", "admin_user = \"Ops\"")), "ASH401"),
            ["the Linux administrator name `Ops` of scale_set `w` contains the upper-case `O`: Linux accepts the machine but nobody can log in as this user"]
        );
        // The default is fine.
        assert!(messages(&machines(&linux("compute", "api", "")), "ASH401").is_empty());
    }
}
