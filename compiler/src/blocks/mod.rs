//! The building blocks: for each, its kinds of block (schemas) and the lowering
//! passes that turn its blocks into Azure resources.

pub mod bastion;
pub mod endpoints;
pub mod firewall;
pub mod gateway;
pub mod network;
pub mod settings;
