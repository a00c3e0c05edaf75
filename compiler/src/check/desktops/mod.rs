//! Azure Virtual Desktop: host pools, session hosts, application groups, workspaces, scaling.

pub(super) mod desktop_app_groups;
pub(super) mod desktop_join;
pub(super) mod desktop_pool_type;
pub(super) mod desktop_user_id;
pub(super) mod desktop_workspace_region;
pub(super) mod multi_session_image;
pub(super) mod preferred_app_group;
pub(super) mod remote_app_personal;
pub(super) mod scaling_schedule;
pub(super) mod session_host_name;
pub(super) mod session_host_os;
pub(super) mod unused_desktop_workspace;
