//! Reports over an analysed plan for people: the address plan and the patch
//! calendar that `ashlar plan` prints and the editor shows in part on hover.
//! They read the model; nothing in the pipeline reads them.

pub mod address_plan;
pub mod graph;
pub mod update_plan;
