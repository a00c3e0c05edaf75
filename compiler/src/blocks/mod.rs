//! The building blocks: for each, its kinds of block (schemas) and the lowering
//! passes that turn its blocks into Azure resources.

pub mod images;
pub mod network;
pub mod private_dns;
pub mod settings;
