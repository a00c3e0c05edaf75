//! An analysis is a function of its input (`PlanInput`): the plan's files, the
//! texts `file(...)` names and today's date all come with it, so an editor can
//! hand it unsaved texts and a test a fixed date, with no disk and no clock.

use ashlar::calendar::{Date, TodaySource};
use ashlar::load::{InputFile, PlanInput};

const PLAN: &str = r#"settings { location = uksouth }

hub core {
  resource_group = "rg-core"
  address_space  = [10.0.0.0/16]
  subnet app 10.0.1.0/24
}

compute api {
  resource_group = "rg-app"
  subnet         = core.app
  image          = ubuntu_2404
  size           = Standard_D2s_v5
  admin_user     = "azureadmin"
  ssh_key        = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl azureadmin"
  cloud_init     = file("cloud-init/api.yaml")
}

update_group sundays {
  resource_group = "rg-updates"
  weekly sunday at 02:00 for 3h
  expires        = "2026-09-01"
}
"#;

/// The plan in a folder that does not exist, with what it reads given.
fn input(today: Option<&str>, texts: &[(&str, &str)]) -> PlanInput {
    let root = std::path::PathBuf::from("/nowhere/plan");
    PlanInput {
        files: vec![InputFile { name: "plan.ashlar".into(), path: root.join("plan.ashlar"), bytes: PLAN.as_bytes().to_vec() }],
        root,
        texts: texts.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        today: today.map(|d| (Date::parse(d).unwrap(), TodaySource::Fixed)),
        ..PlanInput::default()
    }
}

fn codes(input: &PlanInput) -> Vec<&'static str> {
    ashlar::analyze(input).diagnostics.iter().map(|d| d.code.code).collect()
}

#[test]
fn file_reads_the_text_the_input_holds() {
    // Nothing fetched from the Internet: the plan's subnet has no way out (ASH261).
    let text = "#cloud-config\nruncmd:\n  - [touch, /var/tmp/ready]\n";
    let analysis = ashlar::analyze(&input(Some("2026-08-15"), &[("cloud-init/api.yaml", text)]));
    assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>());
    let azure = analysis.azure.expect("the plan builds");
    let arm: String = ashlar::emit::emit(&azure).into_iter().map(|f| f.contents).collect();
    let encoded = ashlar::azure::compute::base64(text.as_bytes());
    assert!(arm.contains(&encoded), "the custom data is the text the input holds");
    // Without the text, the file is looked for in the (missing) folder.
    assert!(codes(&input(Some("2026-08-15"), &[])).contains(&"ASH012"));
}

#[test]
fn today_is_the_inputs() {
    let texts = [("cloud-init/api.yaml", "#cloud-config\n")];
    assert!(!codes(&input(Some("2026-08-15"), &texts)).contains(&"ASH603"));
    assert!(codes(&input(Some("2026-09-02"), &texts)).contains(&"ASH603"));
    // The same input gives the same analysis, whatever the clock says.
    let first: Vec<String> = ashlar::analyze(&input(Some("2026-09-02"), &texts)).diagnostics.iter().map(|d| d.message.clone()).collect();
    let again: Vec<String> = ashlar::analyze(&input(Some("2026-09-02"), &texts)).diagnostics.iter().map(|d| d.message.clone()).collect();
    assert_eq!(first, again);
}

#[test]
fn a_schedule_is_read_once_into_the_model() {
    let analysis = ashlar::analyze(&input(Some("2026-08-15"), &[("cloud-init/api.yaml", "#cloud-config\n")]));
    let group = analysis.model.names["sundays"];
    let schedule = ashlar::blocks::updates::schedule(&analysis.model, group).expect("the group's schedule is kept");
    assert_eq!(
        (schedule.at_text(), schedule.duration_text(), schedule.time_zone_id()),
        ("02:00".to_string(), "03:00".to_string(), "UTC".to_string())
    );
    assert_eq!(analysis.model.schedules.len(), 1);
}
