//! Lowering: the typed model becomes Azure resources ([`ir::AzurePlan`]).
//!
//! Each building block derives what it can, in its file under
//! [`crate::blocks`]; [`crate::blocks::lower`] runs their passes over the
//! state they share ([`crate::blocks::lowering::Lowering`]) in an order where
//! every resource a pass refers to exists already. This module holds what
//! lowering makes: the resources ([`ir`]) and their order and grouping into
//! deployments ([`deployments`]). It knows nothing of the blocks.
//! Dependencies between resources come from the passes.

pub mod deployments;
pub mod ir;
