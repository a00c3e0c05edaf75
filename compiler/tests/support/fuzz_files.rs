//! The `lock` and `config` fuzz targets: bytes as a plan's `ashlar.lock` or
//! `ashlar.toml`, beside a fixed plan, through [`ashlar::analyze`] and, when
//! the plan is clean, emission.
//!
//! Included with `#[path]`, beside `fuzzing.rs`, by `tests/fuzz_regressions.rs`
//! and by `fuzz/fuzz_targets/{lock,config}.rs`.
#![allow(dead_code)]

use crate::fuzzing;
use ashlar::load::PlanInput;
use std::path::{Path, PathBuf};

/// The plan the lock is read beside: `auto` prefixes of subnets, of address
/// spaces taken from a pool, and of both; clean without a lock.
pub const LOCK_PLAN: &str = r#"settings {
  location = westeurope
}

hub core {
  resource_group = "rg-network"
  address_space  = [10.0.0.0/22]
  subnet shared        auto /24
  subnet GatewaySubnet auto /27
  subnet mgmt          10.0.3.0/26
}

address_pool spokes {
  address_space = [10.1.0.0/16, 10.9.0.0/20]
}

spoke app1 {
  hub            = core
  resource_group = "rg-app1"
  address_pool   = spokes
  address_space  = [auto /24]
  subnet web auto /26
  subnet app auto /26
}

spoke app2 {
  hub            = core
  resource_group = "rg-app2"
  address_pool   = spokes
  address_space  = [auto /23, auto /25]
  subnet data  auto /25
  subnet cache auto /28
}

spoke app3 {
  hub            = core
  resource_group = "rg-app3"
  address_space  = [10.3.0.0/24]
  subnet web 10.3.0.0/26
  subnet app auto /26
}
"#;

/// The plan the project file is read beside: warnings (overlapping networks
/// not peered, a public address space, an unattached NSG), policy findings by
/// name, a standard library module, and no error: it builds when the project
/// file is right.
pub const CONFIG_PLAN: &str = r#"use std.security

settings {
  location = uksouth
  tags {
    owner = "platform@contoso.com"
  }
}

hub core {
  resource_group = "rg-core"
  address_space  = [10.0.0.0/22]
  subnet shared 10.0.0.0/24 { nsg = web }
}

vnet lab {
  resource_group = "rg-lab"
  address_space  = [10.0.0.0/24]
  subnet web 10.0.0.0/26
}

spoke edge {
  hub            = core
  resource_group = "rg-edge"
  address_space  = [20.1.0.0/24]
  subnet dmz auto /26
}

nsg web {
  rule https { inbound allow tcp 443 from Internet to core.shared priority 100 }
}

nsg spare {
  resource_group = "rg-core"
  rule ssh { inbound deny tcp 22 from Internet to any priority 200 }
}

policy networks_have_owners {
  about = "Every network names who runs it"
  for net in networks {
    require net.tags.owner message "{net.name} has no owner"
  }
}

policy no_lab_networks {
  about    = "Warns about lab networks"
  severity = warning
  for net in networks {
    require net.name != "lab" message "{net.name} is a lab"
  }
}
"#;

/// A second file for [`CONFIG_PLAN`] with an error of ashlar's own, which no
/// project file may lower.
pub const CONFIG_PLAN_ERROR: &str = r#"vnet clash {
  resource_group = "rg-lab"
  address_space  = [10.5.0.0/24]
  subnet a 10.5.0.0/25
  subnet b 10.5.0.64/26
}
"#;

/// The code of the error in [`CONFIG_PLAN_ERROR`].
pub const OWN_ERROR: &str = "ASH202";

fn plan(text: &str) -> PlanInput {
    fuzzing::plan_input(&fuzzing::nowhere(), text.as_bytes().to_vec())
}

fn emitted(input: &PlanInput) -> (ashlar::Analysis, Option<Vec<(String, String)>>) {
    let analysis = ashlar::analyze(input);
    let files = analysis.azure.as_ref().map(|azure| ashlar::emit::emit(azure).into_iter().map(|f| (f.path, f.contents)).collect::<Vec<_>>());
    (analysis, files)
}

/// `bytes` as the `ashlar.lock` of [`LOCK_PLAN`]. When the plan is clean and
/// the lock ashlar would write differs, that lock must read back cleanly,
/// unchanged, to the same templates: a lock ashlar writes keeps every prefix.
pub fn check_lock(bytes: Vec<u8>) -> fuzzing::Outcome {
    let mut input = plan(LOCK_PLAN);
    input.lock = Some(bytes);
    let (analysis, files) = emitted(&input);
    if let (Some(files), Some(written)) = (&files, &analysis.lock) {
        input.lock = Some(written.clone().into_bytes());
        let (again, files_again) = emitted(&input);
        let codes: Vec<&str> = again.diagnostics.iter().map(|d| d.code.code).collect();
        assert!(files_again.is_some(), "the lock ashlar wrote does not read back cleanly ({codes:?}):\n{written}");
        assert!(again.lock.is_none(), "the lock ashlar wrote changes when read back:\n{written}\n---\n{}", again.lock.unwrap());
        assert!(files_again.as_ref() == Some(files), "the lock ashlar wrote gives other templates:\n{written}");
    }
    fuzzing::Outcome { diagnostics: analysis.diagnostics.len(), emitted: files.map(|f| f.len()) }
}

/// `bytes` as the `ashlar.toml` of [`CONFIG_PLAN`], and of it with
/// [`CONFIG_PLAN_ERROR`] beside it, whose error must stay an error.
pub fn check_config(bytes: Vec<u8>) -> fuzzing::Outcome {
    let mut input = plan(CONFIG_PLAN);
    input.config = Some(bytes.clone());
    let (analysis, files) = emitted(&input);

    let mut with_error = plan(&format!("{CONFIG_PLAN}{}{CONFIG_PLAN_ERROR}", String::from_utf8_lossy(fuzzing::FILE_BREAK)));
    with_error.config = Some(bytes);
    let broken = ashlar::analyze(&with_error);
    assert!(
        broken.diagnostics.iter().any(|d| d.code.code == OWN_ERROR && d.is_error()),
        "a project file lowered {OWN_ERROR}, an error of ashlar's own: {:?}",
        broken.diagnostics.iter().map(|d| (d.code.code, d.severity)).collect::<Vec<_>>()
    );
    assert!(broken.azure.is_none(), "a plan with an error was lowered for emission");
    fuzzing::Outcome { diagnostics: analysis.diagnostics.len(), emitted: files.map(|f| f.len()) }
}

/// Every file of the regression subfolder `name` of `tests/fixtures/fuzz`,
/// sorted; an error when it is missing, so that a test cannot pass on nothing.
pub fn regression_folder(repo: &Path, name: &str) -> std::io::Result<Vec<PathBuf>> {
    fuzzing::files_in(&repo.join(fuzzing::REGRESSIONS).join(name))
}
