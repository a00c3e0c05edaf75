//! The Azure Policy alias catalogue of the resource types ashlar emits: what
//! each alias (`Microsoft.Network/networkInterfaces/ipConfigurations[*].publicIPAddress.id`)
//! reads of a resource's JSON. The data is `compiler/data/policy-aliases.json`,
//! in the format of `az provider list --expand resourceTypes/aliases`, built by
//! `scripts/azure-policy-aliases/build.py`; `compiler/data/README.md` says
//! where it came from and when. An alias of an emitted type that is not in it
//! is never taken as true or false: the definition reading it is reported as
//! not evaluated (`ASH704`).

/// The catalogue, as `az provider list --expand resourceTypes/aliases` writes it.
pub const CATALOGUE: &str = include_str!("../../data/policy-aliases.json");

/// The type ashlar emits that an alias (or a field path) belongs to: the
/// longest type of [`super::RESOURCE_TYPES`] whose name and a `/` begin it,
/// ignoring case. `None` for an alias of a type ashlar never emits, and for
/// the fields every resource has (`type`, `location`, `tags[x]`).
pub fn emitted_type_of(alias: &str) -> Option<&'static str> {
    let lower = alias.to_ascii_lowercase();
    super::RESOURCE_TYPES
        .iter()
        .map(|t| t.name)
        .filter(|name| lower.len() > name.len() && lower.as_bytes()[name.len()] == b'/' && lower.starts_with(&name.to_ascii_lowercase()))
        .max_by_key(|name| name.len())
}
