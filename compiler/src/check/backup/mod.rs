//! Backup policies and vaults: schedules, retention, what they protect.

pub(super) mod backup_disk_limits;
pub(super) mod backup_instant_restore;
pub(super) mod backup_policy_unused;
pub(super) mod backup_retention;
pub(super) mod backup_scale_set;
pub(super) mod backup_schedule_retention;
pub(super) mod backup_time;
pub(super) mod backup_vault_conflict;
pub(super) mod backup_weekly_days;
