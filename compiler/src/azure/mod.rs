//! Facts about Azure that hold whatever the plan says: its resource types and
//! what ashlar emits them with. This layer depends on nothing of the model or
//! the stages above it; every stage reads its facts from here.

pub mod compute;
pub mod limits;
pub mod names;
pub mod network;
pub mod policy_aliases;
pub mod regions;
pub mod resource_types;
pub mod vm_sizes;

pub use resource_types::{name_rule, Naming, ResourceType, RESOURCE_TYPES};
