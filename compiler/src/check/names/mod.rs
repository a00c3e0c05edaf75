//! Names and tags of what a plan deploys: Azure's name rules, tag limits, naming patterns.

pub(super) mod azure_name;
pub(super) mod existing_resource;
pub(super) mod naming_pattern;
pub(super) mod tag_limits;
