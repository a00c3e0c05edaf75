//! Facts about Azure virtual machines that several stages share: what a VM size
//! name says and what the catalogue of sizes ([`super::vm_sizes`]) says of it, the names and credentials Azure accepts, and the encodings ARM
//! wants for custom data and inline scripts.

/// What a VM size's name says, after the naming convention of Microsoft Learn's
/// "Azure virtual machine sizes naming conventions": `Standard_D2ads_v5` is
/// family `D`, 2 vCPUs, additive features `ads` (AMD, local disk, premium
/// storage), version 5.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmSize<'a> {
    /// `Basic` or `Standard`.
    pub tier: &'a str,
    /// Upper-case letters: `D`, `DS`, `NC`, `B`.
    pub family: &'a str,
    pub vcpus: u32,
    /// Lower-case letters after the vCPUs: `s` is premium storage capable.
    pub features: &'a str,
    /// The `_vN` suffix; `None` for a first version.
    pub version: Option<u32>,
}

/// Reads a size name such as `Standard_D2s_v5`; `None` when it does not follow
/// the convention (ashlar then checks nothing about the size).
pub fn parse_size(size: &str) -> Option<VmSize<'_>> {
    let (tier, rest) = size.split_once('_')?;
    if tier != "Standard" && tier != "Basic" {
        return None;
    }
    let family_end = rest.find(|c: char| !c.is_ascii_uppercase())?;
    let family = &rest[..family_end];
    let rest = &rest[family_end..];
    let digits_end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    if family.is_empty() || digits_end == 0 {
        return None;
    }
    let vcpus: u32 = rest[..digits_end].parse().ok()?;
    let mut rest = &rest[digits_end..];
    // A constrained-vCPU size: `E32-16ds_v4` has 16 active vCPUs of 32.
    if let Some(constrained) = rest.strip_prefix('-') {
        let end = constrained.find(|c: char| !c.is_ascii_digit()).unwrap_or(constrained.len());
        rest = &constrained[end..];
    }
    let features_end = rest.find(|c: char| !c.is_ascii_lowercase()).unwrap_or(rest.len());
    let features = &rest[..features_end];
    let rest = &rest[features_end..];
    if !rest.is_empty() && !rest.starts_with('_') {
        return None;
    }
    // `_A100_v4`, `_v5`, `_Promo`: the version is the last `_vN`.
    let version = rest.split('_').rev().find_map(|part| part.strip_prefix('v').and_then(|n| n.parse().ok()));
    Some(VmSize { tier, family, vcpus, features, version })
}

/// Whether a size can use premium SSDs, as the catalogue of VM sizes
/// ([`super::vm_sizes`]) has it from the size's Microsoft Learn page
/// ("Premium Storage: Supported"). `None` for a size the catalogue lacks or
/// does not know this of.
pub fn supports_premium_storage(size: &str) -> Option<bool> {
    super::vm_sizes::lookup(size)?.premium_storage
}

/// Why a size is known not to support accelerated networking, or `None`.
///
/// From the catalogue of VM sizes ([`super::vm_sizes`]): the size's Microsoft
/// Learn page says "Accelerated Networking: Not Supported" (the Av2-series),
/// or narrows it to named sizes ("Accelerated Networking is only supported for
/// Standard_B12ms, Standard_B16ms and Standard_B20ms", the B-series v1). A size
/// the catalogue lacks or does not know this of is not claimed.
pub fn accelerated_networking_unsupported(size: &str) -> Option<String> {
    let entry = super::vm_sizes::lookup(size)?;
    if entry.accelerated_networking != Some(super::vm_sizes::Accelerated::Unsupported) {
        return None;
    }
    let series = entry.series_name();
    let with: Vec<String> = super::vm_sizes::series(entry.series)
        .filter(|s| matches!(s.accelerated_networking, Some(super::vm_sizes::Accelerated::Supported | super::vm_sizes::Accelerated::Required)))
        .map(|s| s.name.to_string())
        .collect();
    Some(if with.is_empty() {
        format!("the {series}-series does not support accelerated networking")
    } else {
        format!("of the {series}-series, only {} support accelerated networking", join(&with))
    })
}

/// The series of a size that boots only generation 1 images, as its Microsoft
/// Learn page says ("VM Generation Support: Generation 1", the Av2-series);
/// `None` for other sizes and for sizes the catalogue does not know this of.
pub fn generation_1_only(size: &str) -> Option<String> {
    let entry = super::vm_sizes::lookup(size)?;
    let generations = entry.generations?;
    (generations.gen1 && !generations.gen2).then(|| entry.series_name())
}

/// Whether a size is known to have no local storage (no temporary, cache or
/// NVMe disk), which an ephemeral OS disk needs ("VM sizes supported: All VM
/// sizes with local storage",
/// <https://learn.microsoft.com/azure/virtual-machines/ephemeral-os-disks>).
/// From the size's name: in Microsoft's naming conventions `d` means "diskful
/// (that is, a local temp disk is present); this feature is for newer Azure
/// VMs" (<https://learn.microsoft.com/azure/virtual-machines/vm-naming-conventions>),
/// and from version 4 on a size without it has none
/// (<https://learn.microsoft.com/azure/virtual-machines/azure-vms-no-temp-disk>).
/// Older sizes (`Standard_DS2_v2`) have a temporary disk without the letter, so
/// nothing is claimed of them.
pub fn without_local_storage(size: &str) -> bool {
    parse_size(size).is_some_and(|s| s.version.is_some_and(|v| v >= 4) && !s.features.contains('d'))
}

/// The largest ephemeral OS disk, in GiB: "Cache, temp, or NVMe disk size for
/// the VM size or 2,040 GiB, whichever is smaller"
/// (<https://learn.microsoft.com/azure/virtual-machines/ephemeral-os-disks>).
pub const EPHEMERAL_OS_DISK_MAX_GB: i64 = 2040;

/// A size that accepts every feature ashlar checks, for help texts.
pub const SUGGESTED_SIZE: &str = "Standard_D2s_v5";

/// The longest Windows computer name: 15 characters (NetBIOS).
pub const WINDOWS_COMPUTER_NAME_MAX: usize = 15;
/// The longest Linux computer name (host name).
pub const LINUX_COMPUTER_NAME_MAX: usize = 64;
/// Characters Azure appends to a scale set's computer name prefix for each
/// instance, so that a Windows prefix has at most 9 characters: Azure refuses
/// a longer one ("Windows computer name prefix cannot be more than 9
/// characters long", quoted in Azure/azure-xplat-cli#2761).
pub const SCALE_SET_NAME_SUFFIX: usize = 6;

/// What is wrong with the characters of a computer name (a host name) that
/// Azure would refuse, after the rules of Microsoft Learn's "Naming rules and
/// restrictions" for virtual machines: no spaces, no
/// `` ~ ! @ # $ % ^ & * ( ) = + _ [ ] { } \ | ; : . ' " , < > / ? `` (Linux
/// allows `.`), Windows names not only digits and not ending with `-`, Linux
/// names starting with a letter or digit and not ending with `.` or `-`.
/// Lengths are the caller's: [`WINDOWS_COMPUTER_NAME_MAX`], [`LINUX_COMPUTER_NAME_MAX`].
pub fn computer_name_problems(name: &str, windows: bool) -> Vec<String> {
    let mut found = Vec::new();
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || (!windows && c == '.');
    let mut bad: Vec<char> = name.chars().filter(|&c| !allowed(c)).collect();
    bad.sort_unstable();
    bad.dedup();
    if !bad.is_empty() {
        let shown: Vec<String> = bad.iter().map(|c| if *c == ' ' { "a space".to_string() } else { format!("`{c}`") }).collect();
        let holds = if windows { "letters, digits and `-`" } else { "letters, digits, `-` and `.`" };
        found.push(format!("contains {} (a {} computer name holds only {holds})", join(&shown), if windows { "Windows" } else { "Linux" }));
    }
    if windows && !name.is_empty() && name.chars().all(|c| c.is_ascii_digit()) {
        found.push("is only digits, which Windows refuses".to_string());
    }
    if !windows && name.starts_with(['-', '.']) {
        found.push("does not start with a letter or digit".to_string());
    }
    match name.chars().last() {
        Some('-') => found.push("ends with `-`".to_string()),
        Some('.') if !windows => found.push("ends with `.`".to_string()),
        _ => {}
    }
    found
}

/// Joins clauses: "a", "a and b", "a, b and c".
pub fn join(clauses: &[String]) -> String {
    match clauses {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Administrator names Azure refuses on every virtual machine (the
/// `adminUsername` documentation of the Compute API, azure-facts 5.5).
pub const DISALLOWED_ADMIN_USERNAMES: &[&str] = &[
    "administrator",
    "admin",
    "user",
    "user1",
    "test",
    "user2",
    "test1",
    "user3",
    "admin1",
    "1",
    "123",
    "a",
    "actuser",
    "adm",
    "admin2",
    "aspnet",
    "backup",
    "console",
    "david",
    "guest",
    "john",
    "owner",
    "root",
    "server",
    "sql",
    "support",
    "support_388945a0",
    "sys",
    "test2",
    "test3",
    "user4",
    "user5",
];

/// What is wrong with an administrator name, if anything.
///
/// Azure's API refuses the listed names (in any case), Windows names over 20
/// characters or ending with `.`, and Linux names over 64. Windows account
/// names cannot hold `\ / " [ ] : | < > + = ; , ? * @`; a Linux name with an
/// upper-case letter or one of `\ / " [ ] : | < > + = ; , ? * @ # ( ) !`, or
/// starting with `$` or `-`, deploys but nobody can log in with it (the rule
/// the portal states; Azure/pcs-cli#128).
pub fn admin_username_problem(name: &str, windows: bool) -> Option<String> {
    if DISALLOWED_ADMIN_USERNAMES.iter().any(|d| d.eq_ignore_ascii_case(name)) {
        return Some("is one of the names Azure keeps from administrators".to_string());
    }
    let len = name.chars().count();
    let max = if windows { 20 } else { 64 };
    if len == 0 || len > max {
        return Some(format!("has {len} characters; a {} administrator name has 1 to {max}", if windows { "Windows" } else { "Linux" }));
    }
    if windows {
        if let Some(c) = name.chars().find(|c| "\\/\"[]:|<>+=;,?*@".contains(*c) || c.is_control()) {
            return Some(format!("contains `{c}`, which a Windows account name cannot hold"));
        }
        if name.ends_with('.') {
            return Some("ends with `.`, which Azure refuses for Windows".into());
        }
    } else {
        if let Some(c) = name.chars().find(|c| c.is_ascii_uppercase()) {
            return Some(format!("contains the upper-case `{c}`: Linux accepts the machine but nobody can log in as this user"));
        }
        if let Some(c) = name.chars().find(|c| "\\/\"[]:|<>+=;,?*@#()!".contains(*c) || c.is_whitespace() || c.is_control()) {
            let shown = if c == ' ' { "a space".to_string() } else { format!("`{c}`") };
            return Some(format!("contains {shown}, which a Linux user name cannot hold"));
        }
        if name.starts_with(['$', '-']) {
            return Some("starts with `$` or `-`, which a Linux user name cannot".into());
        }
    }
    None
}

/// The most custom data (`osProfile.customData`, decoded) Azure takes: 65535
/// bytes (the Compute API's `customData` documentation).
pub const CUSTOM_DATA_MAX_BYTES: usize = 65535;

/// The longest command `cmd.exe` runs: 8191 characters (Microsoft Learn,
/// "Command prompt (Cmd.exe) command-line string limitation"). The Custom
/// Script Extension for Windows runs `commandToExecute` as a command line.
pub const WINDOWS_COMMAND_LINE_MAX: usize = 8191;
/// The longest command line Windows can start a process with (`CreateProcess`):
/// 32767 characters.
pub const WINDOWS_PROCESS_COMMAND_LINE_MAX: usize = 32767;

/// The `commandToExecute` that runs a PowerShell script given inline: the
/// script as UTF-16LE, base64-encoded, for `-EncodedCommand`.
pub fn powershell_command(script: &str) -> String {
    let utf16: Vec<u8> = script.encode_utf16().flat_map(|unit| unit.to_le_bytes()).collect();
    format!("powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Unrestricted -EncodedCommand {}", base64(&utf16))
}

/// The PowerShell script a [`powershell_command`] runs, read back; `None` for
/// any other command line.
pub fn powershell_script(command: &str) -> Option<String> {
    let encoded = command.strip_prefix("powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Unrestricted -EncodedCommand ")?;
    let bytes = unbase64(encoded.trim())?;
    if bytes.len() % 2 != 0 {
        return None;
    }
    let units: Vec<u16> = bytes.chunks(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    String::from_utf16(&units).ok()
}

/// [`base64`] read back; `None` for text that is not standard base64.
pub fn unbase64(text: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let text = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= digit(*c)? << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

/// Standard base64 (RFC 4648, section 4) with padding: what ARM wants for
/// `customData` and for the Linux Custom Script Extension's `script`.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16) | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8) | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Key types Azure takes for a Linux machine's SSH public key: RSA and Ed25519
/// (Microsoft Learn, "Supported SSH key formats").
pub const SSH_KEY_TYPES: &[&str] = &["ssh-rsa", "ssh-ed25519"];

/// What is wrong with an SSH public key as written, with help; `None` when it
/// looks like an `ssh-rsa` or `ssh-ed25519` public key in OpenSSH's one-line form.
pub fn ssh_key_problem(key: &str) -> Option<(String, String)> {
    let key = key.trim();
    if key.contains("PRIVATE KEY") {
        return Some((
            "this is a private key, which must never leave your machine; Azure takes the public one".into(),
            "give the `.pub` file next to it, e.g. `file(\"keys/id_ed25519.pub\")`, and keep the private key out of the plan's folder".into(),
        ));
    }
    let help = "give the one-line public key, `ssh-ed25519 AAAA... comment` or `ssh-rsa AAAA... comment`, e.g. `file(\"keys/id_ed25519.pub\")`";
    if key.starts_with("---- BEGIN SSH2 PUBLIC KEY") {
        return Some((
            "this key is in the SSH2 (RFC 4716) format; Azure takes OpenSSH's one-line format".into(),
            format!("convert it with `ssh-keygen -i -f KEY`, then {help}"),
        ));
    }
    if key.lines().count() > 1 {
        return Some(("the key spans several lines; Azure takes one key on one line".into(), help.into()));
    }
    let mut parts = key.split_whitespace();
    let kind = parts.next().unwrap_or_default();
    let data = parts.next().unwrap_or_default();
    if !SSH_KEY_TYPES.contains(&kind) {
        let message = if kind.starts_with("ecdsa-") || kind == "ssh-dss" {
            format!("Azure does not take `{kind}` keys: only RSA and Ed25519")
        } else {
            "this is not an SSH public key".to_string()
        };
        return Some((message, help.into()));
    }
    let base64_ok = data.len() >= 16 && data.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='));
    if !base64_ok {
        return Some((format!("the `{kind}` key has no key data after its type"), help.into()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_names_split_into_their_parts() {
        let d = parse_size("Standard_D2ads_v5").unwrap();
        assert_eq!((d.tier, d.family, d.vcpus, d.features, d.version), ("Standard", "D", 2, "ads", Some(5)));
        let e = parse_size("Standard_E32-16ds_v4").unwrap();
        assert_eq!((e.family, e.vcpus, e.features, e.version), ("E", 32, "ds", Some(4)));
        let nc = parse_size("Standard_NC24ads_A100_v4").unwrap();
        assert_eq!((nc.family, nc.vcpus, nc.features, nc.version), ("NC", 24, "ads", Some(4)));
        assert_eq!(parse_size("Standard_DS1_v2").map(|s| (s.family, s.vcpus, s.version)), Some(("DS", 1, Some(2))));
        assert_eq!(parse_size("Basic_A1").map(|s| (s.tier, s.family)), Some(("Basic", "A")));
        assert_eq!(parse_size("Standard_B1ls").map(|s| (s.features, s.version)), Some(("ls", None)));
        for odd in ["D2s_v5", "Standard_", "Standard_2", "Premium_D2", "Standard_D", "Standard_D2s-v5"] {
            assert_eq!(parse_size(odd), None, "{odd}");
        }
    }

    #[test]
    fn premium_storage_comes_from_the_catalogue() {
        assert_eq!(supports_premium_storage("Standard_D2s_v5"), Some(true));
        assert_eq!(supports_premium_storage("Standard_D2ds_v5"), Some(true));
        assert_eq!(supports_premium_storage("Standard_D2_v5"), Some(false));
        assert_eq!(supports_premium_storage("Standard_D16d_v5"), Some(false));
        assert_eq!(supports_premium_storage("Standard_A2_v2"), Some(false));
        // The Dsv2 page says "Not Supported", the `S` of its name says otherwise: unknown.
        assert_eq!(supports_premium_storage("Standard_DS2_v2"), None);
        assert_eq!(supports_premium_storage("Custom_Size"), None);
        assert_eq!(supports_premium_storage("Standard_D2s_v9"), None);
    }

    #[test]
    fn the_accelerated_networking_table() {
        for no in ["Standard_A2_v2", "Standard_A1_v2", "Standard_B2ms", "Standard_B1s"] {
            assert!(accelerated_networking_unsupported(no).is_some(), "{no}");
        }
        assert_eq!(
            accelerated_networking_unsupported("Standard_B2ms").unwrap(),
            "of the Bv1-series, only Standard_B12ms, Standard_B16ms and Standard_B20ms support accelerated networking"
        );
        assert_eq!(accelerated_networking_unsupported("Standard_A2_v2").unwrap(), "the Av2-series does not support accelerated networking");
        // Supported, required, unknown (one vCPU on a page that says "Supported"), or not in the catalogue.
        for yes in [
            "Standard_D2s_v5",
            "Standard_B12ms",
            "Standard_B2s_v2",
            "Standard_B2ats_v2",
            "Standard_DS2_v2",
            "Standard_E4as_v5",
            "Standard_DS1_v2",
            "Odd_Size",
        ] {
            assert_eq!(accelerated_networking_unsupported(yes), None, "{yes}");
        }
    }

    #[test]
    fn generation_1_only_sizes() {
        assert_eq!(generation_1_only("Standard_A2_v2").as_deref(), Some("Av2"));
        assert_eq!(generation_1_only("Standard_D2s_v5"), None);
        assert_eq!(generation_1_only("Standard_D2s_v6"), None);
        // The Dv2 page says generation 1, generation-2.md says the D-family boots 2: unknown.
        assert_eq!(generation_1_only("Standard_D2_v2"), None);
        assert_eq!(generation_1_only("Basic_A1"), None);
    }

    #[test]
    fn computer_names_follow_the_os() {
        assert!(computer_name_problems("web-01", true).is_empty());
        assert!(computer_name_problems("web.internal", false).is_empty());
        assert_eq!(computer_name_problems("web_1.a", true), ["contains `.` and `_` (a Windows computer name holds only letters, digits and `-`)"]);
        assert_eq!(computer_name_problems("1234", true), ["is only digits, which Windows refuses"]);
        assert!(computer_name_problems("1234", false).is_empty());
        assert_eq!(computer_name_problems("web-", false), ["ends with `-`"]);
        assert_eq!(computer_name_problems("web.", false), ["ends with `.`"]);
        assert_eq!(computer_name_problems("web.", true), ["contains `.` (a Windows computer name holds only letters, digits and `-`)"]);
        assert_eq!(computer_name_problems("-web", false), ["does not start with a letter or digit"]);
    }

    #[test]
    fn admin_usernames() {
        assert_eq!(admin_username_problem("azureadmin", true), None);
        assert_eq!(admin_username_problem("ops_admin", false), None);
        assert_eq!(admin_username_problem("Administrator", true).unwrap(), "is one of the names Azure keeps from administrators");
        assert!(admin_username_problem("root", false).is_some());
        assert!(admin_username_problem("averyveryverylongname", true).unwrap().starts_with("has 21 characters"));
        assert!(admin_username_problem("averyveryverylongname", false).is_none());
        assert!(admin_username_problem("ops.", true).unwrap().contains("ends with `.`"));
        assert!(admin_username_problem("ops@corp", true).unwrap().contains("`@`"));
        assert!(admin_username_problem("Ops", false).unwrap().contains("upper-case `O`"));
        assert!(admin_username_problem("-ops", false).unwrap().contains("starts with"));
        assert!(admin_username_problem("", false).unwrap().starts_with("has 0 characters"));
    }

    #[test]
    fn base64_matches_rfc_4648() {
        let cases = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded);
            assert_eq!(unbase64(encoded).as_deref(), Some(plain.as_bytes()));
        }
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
        assert_eq!(unbase64("//4A").as_deref(), Some(&[0xff, 0xfe, 0x00][..]));
        assert_eq!(unbase64("Zm9v!"), None);
    }

    #[test]
    fn an_inline_powershell_command_reads_back() {
        let script = "Write-Output 'héllo'\nexit 0";
        assert_eq!(powershell_script(&powershell_command(script)).as_deref(), Some(script));
        assert_eq!(powershell_script("powershell -File setup.ps1"), None);
    }

    #[test]
    fn powershell_gets_utf16_little_endian() {
        // `ls` as UTF-16LE is 6c 00 73 00.
        assert!(powershell_command("ls").ends_with("-EncodedCommand bABzAA=="));
    }

    #[test]
    fn ssh_keys() {
        assert_eq!(ssh_key_problem("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG0p ops@laptop\n"), None);
        assert_eq!(ssh_key_problem("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7"), None);
        assert!(ssh_key_problem("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----")
            .unwrap()
            .0
            .starts_with("this is a private key"));
        assert!(ssh_key_problem("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAI").unwrap().0.contains("`ecdsa-sha2-nistp256`"));
        assert_eq!(ssh_key_problem("hello").unwrap().0, "this is not an SSH public key");
        assert!(ssh_key_problem("ssh-rsa").unwrap().0.contains("no key data"));
        assert!(ssh_key_problem("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7\nssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC8")
            .unwrap()
            .0
            .contains("several lines"));
    }
}
