//! Galleries, image definitions and Image Builder: regions, generations, sources, build inputs.

pub(super) mod build_customizer_os;
pub(super) mod build_file;
pub(super) mod build_timeout;
pub(super) mod duplicate_image_identifier;
pub(super) mod image_build_inputs;
pub(super) mod image_build_state;
pub(super) mod image_builder_region;
pub(super) mod image_end_of_life;
pub(super) mod image_identifier;
pub(super) mod image_recommended_range;
pub(super) mod image_region;
pub(super) mod image_replication_region;
pub(super) mod image_source_generation;
pub(super) mod image_source_os;
pub(super) mod image_source_region;
pub(super) mod image_version_source;
pub(super) mod trusted_launch_generation;
