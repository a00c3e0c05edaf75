//! Virtual machines and scale sets: names, logins, sizes, disks, placement, load balancers, capacity.

pub(super) mod accelerated_networking;
pub(super) mod admin_username;
pub(super) mod autoscale_flapping;
pub(super) mod computer_name;
pub(super) mod custom_data_size;
pub(super) mod data_disk_lun;
pub(super) mod disk_type_size;
pub(super) mod duplicate_machine_name;
pub(super) mod image_generation;
pub(super) mod image_os_mismatch;
pub(super) mod load_balancer_ports;
pub(super) mod machine_login;
pub(super) mod machine_subnet;
pub(super) mod placement_conflict;
pub(super) mod rolling_upgrade_health;
pub(super) mod scale_set_capacity;
pub(super) mod script_command_length;
pub(super) mod shared_placement;
pub(super) mod size_limits;
pub(super) mod ssh_public_key;
pub(super) mod static_ip;
pub(super) mod vm_series;
pub(super) mod vm_size;
