//! Time zones of update windows: the Windows time zone IDs Azure's maintenance
//! configurations take (`timeZone`), with their display names, and the IANA
//! names (`Europe/London`) people write instead.
//!
//! The table is the territory-"001" entries of CLDR's `windowsZones.xml`
//! (unicode-org/cldr, `common/supplemental/windowsZones.xml`), which maps every
//! current Windows time zone ID to the IANA zone of its main city; the display
//! names are the comments of that file. Azure reads the ID as .NET's
//! `TimeZoneInfo` does ("List of timezones can be obtained by executing
//! [System.TimeZoneInfo]::GetSystemTimeZones() in PowerShell", schema of
//! `Microsoft.Maintenance/maintenanceConfigurations` 2023-04-01).

/// A Windows time zone: its ID, its display name, and the IANA zone of its main city.
pub struct TimeZone {
    pub id: &'static str,
    pub display: &'static str,
    pub iana: &'static str,
}

impl TimeZone {
    /// The zone's standard offset from UTC in minutes, as its display name
    /// gives it: `(UTC+05:30)` is 330, `(UTC)` 0. Summer time is not counted.
    pub fn standard_offset_minutes(&self) -> i32 {
        let Some(rest) = self.display.strip_prefix("(UTC") else { return 0 };
        let offset = rest.split(')').next().unwrap_or_default();
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let mut parts = offset.trim_start_matches(['+', '-']).split(':').map(|n| n.parse::<i32>().unwrap_or(0));
        let (hours, minutes) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
        sign * (hours * 60 + minutes)
    }
}

const fn tz(id: &'static str, display: &'static str, iana: &'static str) -> TimeZone {
    TimeZone { id, display, iana }
}

/// Every Windows time zone ID, west to east.
#[rustfmt::skip]
pub const TIME_ZONES: &[TimeZone] = &[
    tz("Dateline Standard Time", "(UTC-12:00) International Date Line West", "Etc/GMT+12"),
    tz("UTC-11", "(UTC-11:00) Coordinated Universal Time-11", "Etc/GMT+11"),
    tz("Aleutian Standard Time", "(UTC-10:00) Aleutian Islands", "America/Adak"),
    tz("Hawaiian Standard Time", "(UTC-10:00) Hawaii", "Pacific/Honolulu"),
    tz("Marquesas Standard Time", "(UTC-09:30) Marquesas Islands", "Pacific/Marquesas"),
    tz("Alaskan Standard Time", "(UTC-09:00) Alaska", "America/Anchorage"),
    tz("UTC-09", "(UTC-09:00) Coordinated Universal Time-09", "Etc/GMT+9"),
    tz("Pacific Standard Time (Mexico)", "(UTC-08:00) Baja California", "America/Tijuana"),
    tz("UTC-08", "(UTC-08:00) Coordinated Universal Time-08", "Etc/GMT+8"),
    tz("Pacific Standard Time", "(UTC-08:00) Pacific Time (US & Canada)", "America/Los_Angeles"),
    tz("US Mountain Standard Time", "(UTC-07:00) Arizona", "America/Phoenix"),
    tz("Mountain Standard Time (Mexico)", "(UTC-07:00) Chihuahua, La Paz, Mazatlan", "America/Mazatlan"),
    tz("Mountain Standard Time", "(UTC-07:00) Mountain Time (US & Canada)", "America/Denver"),
    tz("Yukon Standard Time", "(UTC-07:00) Yukon", "America/Whitehorse"),
    tz("Central America Standard Time", "(UTC-06:00) Central America", "America/Guatemala"),
    tz("Central Standard Time", "(UTC-06:00) Central Time (US & Canada)", "America/Chicago"),
    tz("Easter Island Standard Time", "(UTC-06:00) Easter Island", "Pacific/Easter"),
    tz("Central Standard Time (Mexico)", "(UTC-06:00) Guadalajara, Mexico City, Monterrey", "America/Mexico_City"),
    tz("Canada Central Standard Time", "(UTC-06:00) Saskatchewan", "America/Regina"),
    tz("SA Pacific Standard Time", "(UTC-05:00) Bogota, Lima, Quito, Rio Branco", "America/Bogota"),
    tz("Eastern Standard Time (Mexico)", "(UTC-05:00) Chetumal", "America/Cancun"),
    tz("Eastern Standard Time", "(UTC-05:00) Eastern Time (US & Canada)", "America/New_York"),
    tz("Haiti Standard Time", "(UTC-05:00) Haiti", "America/Port-au-Prince"),
    tz("Cuba Standard Time", "(UTC-05:00) Havana", "America/Havana"),
    tz("US Eastern Standard Time", "(UTC-05:00) Indiana (East)", "America/Indianapolis"),
    tz("Turks And Caicos Standard Time", "(UTC-05:00) Turks and Caicos", "America/Grand_Turk"),
    tz("Paraguay Standard Time", "(UTC-04:00) Asuncion", "America/Asuncion"),
    tz("Atlantic Standard Time", "(UTC-04:00) Atlantic Time (Canada)", "America/Halifax"),
    tz("Venezuela Standard Time", "(UTC-04:00) Caracas", "America/Caracas"),
    tz("Central Brazilian Standard Time", "(UTC-04:00) Cuiaba", "America/Cuiaba"),
    tz("SA Western Standard Time", "(UTC-04:00) Georgetown, La Paz, Manaus, San Juan", "America/La_Paz"),
    tz("Pacific SA Standard Time", "(UTC-04:00) Santiago", "America/Santiago"),
    tz("Newfoundland Standard Time", "(UTC-03:30) Newfoundland", "America/St_Johns"),
    tz("Tocantins Standard Time", "(UTC-03:00) Araguaina", "America/Araguaina"),
    tz("E. South America Standard Time", "(UTC-03:00) Brasilia", "America/Sao_Paulo"),
    tz("SA Eastern Standard Time", "(UTC-03:00) Cayenne, Fortaleza", "America/Cayenne"),
    tz("Argentina Standard Time", "(UTC-03:00) City of Buenos Aires", "America/Buenos_Aires"),
    tz("Greenland Standard Time", "(UTC-03:00) Greenland", "America/Godthab"),
    tz("Montevideo Standard Time", "(UTC-03:00) Montevideo", "America/Montevideo"),
    tz("Magallanes Standard Time", "(UTC-03:00) Punta Arenas", "America/Punta_Arenas"),
    tz("Saint Pierre Standard Time", "(UTC-03:00) Saint Pierre and Miquelon", "America/Miquelon"),
    tz("Bahia Standard Time", "(UTC-03:00) Salvador", "America/Bahia"),
    tz("UTC-02", "(UTC-02:00) Coordinated Universal Time-02", "Etc/GMT+2"),
    tz("Azores Standard Time", "(UTC-01:00) Azores", "Atlantic/Azores"),
    tz("Cape Verde Standard Time", "(UTC-01:00) Cabo Verde Is.", "Atlantic/Cape_Verde"),
    tz("UTC", "(UTC) Coordinated Universal Time", "Etc/UTC"),
    tz("GMT Standard Time", "(UTC+00:00) Dublin, Edinburgh, Lisbon, London", "Europe/London"),
    tz("Greenwich Standard Time", "(UTC+00:00) Monrovia, Reykjavik", "Atlantic/Reykjavik"),
    tz("Sao Tome Standard Time", "(UTC+00:00) Sao Tome", "Africa/Sao_Tome"),
    tz("Morocco Standard Time", "(UTC+01:00) Casablanca", "Africa/Casablanca"),
    tz("W. Europe Standard Time", "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Europe/Berlin"),
    tz("Central Europe Standard Time", "(UTC+01:00) Belgrade, Bratislava, Budapest, Ljubljana, Prague", "Europe/Budapest"),
    tz("Romance Standard Time", "(UTC+01:00) Brussels, Copenhagen, Madrid, Paris", "Europe/Paris"),
    tz("Central European Standard Time", "(UTC+01:00) Sarajevo, Skopje, Warsaw, Zagreb", "Europe/Warsaw"),
    tz("W. Central Africa Standard Time", "(UTC+01:00) West Central Africa", "Africa/Lagos"),
    tz("Jordan Standard Time", "(UTC+02:00) Amman", "Asia/Amman"),
    tz("GTB Standard Time", "(UTC+02:00) Athens, Bucharest", "Europe/Bucharest"),
    tz("Middle East Standard Time", "(UTC+02:00) Beirut", "Asia/Beirut"),
    tz("Egypt Standard Time", "(UTC+02:00) Cairo", "Africa/Cairo"),
    tz("E. Europe Standard Time", "(UTC+02:00) Chisinau", "Europe/Chisinau"),
    tz("Syria Standard Time", "(UTC+02:00) Damascus", "Asia/Damascus"),
    tz("West Bank Standard Time", "(UTC+02:00) Gaza, Hebron", "Asia/Hebron"),
    tz("South Africa Standard Time", "(UTC+02:00) Harare, Pretoria", "Africa/Johannesburg"),
    tz("FLE Standard Time", "(UTC+02:00) Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius", "Europe/Kiev"),
    tz("Israel Standard Time", "(UTC+02:00) Jerusalem", "Asia/Jerusalem"),
    tz("South Sudan Standard Time", "(UTC+02:00) Juba", "Africa/Juba"),
    tz("Kaliningrad Standard Time", "(UTC+02:00) Kaliningrad", "Europe/Kaliningrad"),
    tz("Sudan Standard Time", "(UTC+02:00) Khartoum", "Africa/Khartoum"),
    tz("Libya Standard Time", "(UTC+02:00) Tripoli", "Africa/Tripoli"),
    tz("Namibia Standard Time", "(UTC+02:00) Windhoek", "Africa/Windhoek"),
    tz("Arabic Standard Time", "(UTC+03:00) Baghdad", "Asia/Baghdad"),
    tz("Turkey Standard Time", "(UTC+03:00) Istanbul", "Europe/Istanbul"),
    tz("Arab Standard Time", "(UTC+03:00) Kuwait, Riyadh", "Asia/Riyadh"),
    tz("Belarus Standard Time", "(UTC+03:00) Minsk", "Europe/Minsk"),
    tz("Russian Standard Time", "(UTC+03:00) Moscow, St. Petersburg", "Europe/Moscow"),
    tz("E. Africa Standard Time", "(UTC+03:00) Nairobi", "Africa/Nairobi"),
    tz("Iran Standard Time", "(UTC+03:30) Tehran", "Asia/Tehran"),
    tz("Arabian Standard Time", "(UTC+04:00) Abu Dhabi, Muscat", "Asia/Dubai"),
    tz("Astrakhan Standard Time", "(UTC+04:00) Astrakhan, Ulyanovsk", "Europe/Astrakhan"),
    tz("Azerbaijan Standard Time", "(UTC+04:00) Baku", "Asia/Baku"),
    tz("Russia Time Zone 3", "(UTC+04:00) Izhevsk, Samara", "Europe/Samara"),
    tz("Mauritius Standard Time", "(UTC+04:00) Port Louis", "Indian/Mauritius"),
    tz("Saratov Standard Time", "(UTC+04:00) Saratov", "Europe/Saratov"),
    tz("Georgian Standard Time", "(UTC+04:00) Tbilisi", "Asia/Tbilisi"),
    tz("Volgograd Standard Time", "(UTC+04:00) Volgograd", "Europe/Volgograd"),
    tz("Caucasus Standard Time", "(UTC+04:00) Yerevan", "Asia/Yerevan"),
    tz("Afghanistan Standard Time", "(UTC+04:30) Kabul", "Asia/Kabul"),
    tz("West Asia Standard Time", "(UTC+05:00) Ashgabat, Tashkent", "Asia/Tashkent"),
    tz("Ekaterinburg Standard Time", "(UTC+05:00) Ekaterinburg", "Asia/Yekaterinburg"),
    tz("Pakistan Standard Time", "(UTC+05:00) Islamabad, Karachi", "Asia/Karachi"),
    tz("Qyzylorda Standard Time", "(UTC+05:00) Qyzylorda", "Asia/Qyzylorda"),
    tz("India Standard Time", "(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi", "Asia/Calcutta"),
    tz("Sri Lanka Standard Time", "(UTC+05:30) Sri Jayawardenepura", "Asia/Colombo"),
    tz("Nepal Standard Time", "(UTC+05:45) Kathmandu", "Asia/Katmandu"),
    tz("Central Asia Standard Time", "(UTC+06:00) Astana", "Asia/Bishkek"),
    tz("Bangladesh Standard Time", "(UTC+06:00) Dhaka", "Asia/Dhaka"),
    tz("Omsk Standard Time", "(UTC+06:00) Omsk", "Asia/Omsk"),
    tz("Myanmar Standard Time", "(UTC+06:30) Yangon (Rangoon)", "Asia/Rangoon"),
    tz("SE Asia Standard Time", "(UTC+07:00) Bangkok, Hanoi, Jakarta", "Asia/Bangkok"),
    tz("Altai Standard Time", "(UTC+07:00) Barnaul, Gorno-Altaysk", "Asia/Barnaul"),
    tz("W. Mongolia Standard Time", "(UTC+07:00) Hovd", "Asia/Hovd"),
    tz("North Asia Standard Time", "(UTC+07:00) Krasnoyarsk", "Asia/Krasnoyarsk"),
    tz("N. Central Asia Standard Time", "(UTC+07:00) Novosibirsk", "Asia/Novosibirsk"),
    tz("Tomsk Standard Time", "(UTC+07:00) Tomsk", "Asia/Tomsk"),
    tz("China Standard Time", "(UTC+08:00) Beijing, Chongqing, Hong Kong, Urumqi", "Asia/Shanghai"),
    tz("North Asia East Standard Time", "(UTC+08:00) Irkutsk", "Asia/Irkutsk"),
    tz("Singapore Standard Time", "(UTC+08:00) Kuala Lumpur, Singapore", "Asia/Singapore"),
    tz("W. Australia Standard Time", "(UTC+08:00) Perth", "Australia/Perth"),
    tz("Taipei Standard Time", "(UTC+08:00) Taipei", "Asia/Taipei"),
    tz("Ulaanbaatar Standard Time", "(UTC+08:00) Ulaanbaatar", "Asia/Ulaanbaatar"),
    tz("Aus Central W. Standard Time", "(UTC+08:45) Eucla", "Australia/Eucla"),
    tz("Transbaikal Standard Time", "(UTC+09:00) Chita", "Asia/Chita"),
    tz("Tokyo Standard Time", "(UTC+09:00) Osaka, Sapporo, Tokyo", "Asia/Tokyo"),
    tz("North Korea Standard Time", "(UTC+09:00) Pyongyang", "Asia/Pyongyang"),
    tz("Korea Standard Time", "(UTC+09:00) Seoul", "Asia/Seoul"),
    tz("Yakutsk Standard Time", "(UTC+09:00) Yakutsk", "Asia/Yakutsk"),
    tz("Cen. Australia Standard Time", "(UTC+09:30) Adelaide", "Australia/Adelaide"),
    tz("AUS Central Standard Time", "(UTC+09:30) Darwin", "Australia/Darwin"),
    tz("E. Australia Standard Time", "(UTC+10:00) Brisbane", "Australia/Brisbane"),
    tz("AUS Eastern Standard Time", "(UTC+10:00) Canberra, Melbourne, Sydney", "Australia/Sydney"),
    tz("West Pacific Standard Time", "(UTC+10:00) Guam, Port Moresby", "Pacific/Port_Moresby"),
    tz("Tasmania Standard Time", "(UTC+10:00) Hobart", "Australia/Hobart"),
    tz("Vladivostok Standard Time", "(UTC+10:00) Vladivostok", "Asia/Vladivostok"),
    tz("Lord Howe Standard Time", "(UTC+10:30) Lord Howe Island", "Australia/Lord_Howe"),
    tz("Bougainville Standard Time", "(UTC+11:00) Bougainville Island", "Pacific/Bougainville"),
    tz("Russia Time Zone 10", "(UTC+11:00) Chokurdakh", "Asia/Srednekolymsk"),
    tz("Magadan Standard Time", "(UTC+11:00) Magadan", "Asia/Magadan"),
    tz("Norfolk Standard Time", "(UTC+11:00) Norfolk Island", "Pacific/Norfolk"),
    tz("Sakhalin Standard Time", "(UTC+11:00) Sakhalin", "Asia/Sakhalin"),
    tz("Central Pacific Standard Time", "(UTC+11:00) Solomon Is., New Caledonia", "Pacific/Guadalcanal"),
    tz("Russia Time Zone 11", "(UTC+12:00) Anadyr, Petropavlovsk-Kamchatsky", "Asia/Kamchatka"),
    tz("New Zealand Standard Time", "(UTC+12:00) Auckland, Wellington", "Pacific/Auckland"),
    tz("UTC+12", "(UTC+12:00) Coordinated Universal Time+12", "Etc/GMT-12"),
    tz("Fiji Standard Time", "(UTC+12:00) Fiji", "Pacific/Fiji"),
    tz("Chatham Islands Standard Time", "(UTC+12:45) Chatham Islands", "Pacific/Chatham"),
    tz("UTC+13", "(UTC+13:00) Coordinated Universal Time+13", "Etc/GMT-13"),
    tz("Tonga Standard Time", "(UTC+13:00) Nuku'alofa", "Pacific/Tongatapu"),
    tz("Samoa Standard Time", "(UTC+13:00) Samoa", "Pacific/Apia"),
    tz("Line Islands Standard Time", "(UTC+14:00) Kiritimati Island", "Pacific/Kiritimati"),
];

/// Other names of zones, IANA names and common abbreviations, with the Windows ID Azure wants.
#[rustfmt::skip]
pub const ALIASES: &[(&str, &str)] = &[
    ("Europe/Dublin", "GMT Standard Time"),
    ("Europe/Lisbon", "GMT Standard Time"),
    ("Europe/Amsterdam", "W. Europe Standard Time"),
    ("Europe/Rome", "W. Europe Standard Time"),
    ("Europe/Stockholm", "W. Europe Standard Time"),
    ("Europe/Vienna", "W. Europe Standard Time"),
    ("Europe/Zurich", "W. Europe Standard Time"),
    ("Europe/Oslo", "W. Europe Standard Time"),
    ("Europe/Luxembourg", "W. Europe Standard Time"),
    ("Europe/Prague", "Central Europe Standard Time"),
    ("Europe/Bratislava", "Central Europe Standard Time"),
    ("Europe/Belgrade", "Central Europe Standard Time"),
    ("Europe/Brussels", "Romance Standard Time"),
    ("Europe/Copenhagen", "Romance Standard Time"),
    ("Europe/Madrid", "Romance Standard Time"),
    ("Europe/Zagreb", "Central European Standard Time"),
    ("Europe/Athens", "GTB Standard Time"),
    ("Europe/Helsinki", "FLE Standard Time"),
    ("Europe/Kyiv", "FLE Standard Time"),
    ("Europe/Riga", "FLE Standard Time"),
    ("Europe/Sofia", "FLE Standard Time"),
    ("Europe/Tallinn", "FLE Standard Time"),
    ("Europe/Vilnius", "FLE Standard Time"),
    ("Asia/Kolkata", "India Standard Time"),
    ("Asia/Kathmandu", "Nepal Standard Time"),
    ("Asia/Yangon", "Myanmar Standard Time"),
    ("Asia/Ho_Chi_Minh", "SE Asia Standard Time"),
    ("Asia/Jakarta", "SE Asia Standard Time"),
    ("Asia/Hong_Kong", "China Standard Time"),
    ("Asia/Kuala_Lumpur", "Singapore Standard Time"),
    ("Asia/Manila", "Singapore Standard Time"),
    ("Australia/Melbourne", "AUS Eastern Standard Time"),
    ("Australia/Canberra", "AUS Eastern Standard Time"),
    ("America/Toronto", "Eastern Standard Time"),
    ("America/Vancouver", "Pacific Standard Time"),
    ("America/Edmonton", "Mountain Standard Time"),
    ("America/Winnipeg", "Central Standard Time"),
    ("America/Argentina/Buenos_Aires", "Argentina Standard Time"),
    ("America/Nuuk", "Greenland Standard Time"),
    ("Etc/GMT", "UTC"),
    ("Etc/Universal", "UTC"),
    ("Etc/Zulu", "UTC"),
    ("EST", "Eastern Standard Time"),
    ("CST", "Central Standard Time"),
    ("MST", "Mountain Standard Time"),
    ("PST", "Pacific Standard Time"),
    ("CET", "W. Europe Standard Time"),
    ("JST", "Tokyo Standard Time"),
    ("AEST", "AUS Eastern Standard Time"),
];

/// The zone a Windows ID names, in any case.
pub fn find(id: &str) -> Option<&'static TimeZone> {
    TIME_ZONES.iter().find(|z| z.id.eq_ignore_ascii_case(id))
}

/// The Windows zone an IANA name stands for (`Europe/London`): the zones of
/// the table and the aliases written `Area/City`, never an abbreviation such
/// as `PST`, which names no single zone.
pub fn for_iana(name: &str) -> Option<&'static TimeZone> {
    if !name.contains('/') {
        return None;
    }
    windows_id_for(name)
}

/// The Windows zone another name stands for: `Europe/London`, `PST`.
pub fn windows_id_for(name: &str) -> Option<&'static TimeZone> {
    let id = TIME_ZONES
        .iter()
        .find(|z| z.iana.eq_ignore_ascii_case(name))
        .map(|z| z.id)
        .or_else(|| ALIASES.iter().find(|(alias, _)| alias.eq_ignore_ascii_case(name)).map(|(_, id)| *id))?;
    find(id)
}

/// The zone someone most likely means by a name that is no Windows ID: the
/// zone of an IANA name or abbreviation, the zone of a city its display name
/// lists (`London`), or the ID closest in spelling, reading `W.`, `E.`, `N.`,
/// `Cen.` and `AUS` as the words they shorten ("West Europe Standard Time"
/// means "W. Europe Standard Time").
pub fn suggest(name: &str) -> Option<&'static TimeZone> {
    use crate::diagnostic::near;
    if let Some(zone) = windows_id_for(name) {
        return Some(zone);
    }
    let wanted = name.trim().to_ascii_lowercase();
    let city = TIME_ZONES.iter().find(|z| {
        let places = z.display.split_once(") ").map_or("", |(_, places)| places);
        places.split(',').any(|p| p.trim().to_ascii_lowercase() == wanted)
    });
    if city.is_some() {
        return city;
    }
    let expand = |id: &str| {
        let words: Vec<&str> = id
            .split_whitespace()
            .map(|word| match word.to_ascii_lowercase().as_str() {
                "w." => "west",
                "e." => "east",
                "n." => "north",
                "cen." => "central",
                "aus" => "australia",
                _ => word,
            })
            .collect();
        words.join(" ").to_ascii_lowercase()
    };
    let expanded = expand(&wanted);
    let (wanted_chars, expanded_chars) = (wanted.chars().count(), expanded.chars().count());
    TIME_ZONES
        .iter()
        .filter_map(|z| {
            let id = z.id.to_ascii_lowercase();
            let scores = [near(&wanted, wanted_chars, &id), near(&expanded, expanded_chars, &expand(&id))];
            let score = scores.into_iter().flatten().max_by(f64::total_cmp)?;
            Some((score, z))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, z)| z)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_aliases_name_real_zones() {
        for (i, zone) in TIME_ZONES.iter().enumerate() {
            assert!(TIME_ZONES[..i].iter().all(|z| !z.id.eq_ignore_ascii_case(zone.id)), "{} twice", zone.id);
        }
        for (alias, id) in ALIASES {
            assert!(find(id).is_some(), "{alias} stands for {id}, which is no zone");
        }
        assert_eq!(find("gmt standard time").map(|z| z.id), Some("GMT Standard Time"));
        assert_eq!(windows_id_for("Europe/London").map(|z| z.id), Some("GMT Standard Time"));
        assert_eq!(windows_id_for("Europe/Amsterdam").map(|z| z.id), Some("W. Europe Standard Time"));
        assert!(windows_id_for("Mars/Olympus_Mons").is_none());
        let suggested = |name: &str| suggest(name).map(|z| z.id);
        assert_eq!(suggested("West Europe Standard Time"), Some("W. Europe Standard Time"));
        assert_eq!(suggested("Central Australia Standard Time"), Some("Cen. Australia Standard Time"));
        assert_eq!(suggested("london"), Some("GMT Standard Time"));
        assert_eq!(suggested("Pacific Standard Tim"), Some("Pacific Standard Time"));
        assert_eq!(suggested("Olympus Mons"), None);
    }
}
