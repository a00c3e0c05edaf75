//! Update groups: windows, time zones, dates, the machines they patch.

pub(super) mod shared_update_window;
pub(super) mod update_date;
pub(super) mod update_group_os;
pub(super) mod update_group_scope;
pub(super) mod update_os_settings;
pub(super) mod update_scale_set;
pub(super) mod update_time_zone;
pub(super) mod update_window_duration;
pub(super) mod update_window_expiry;
pub(super) mod update_window_never_opens;
