use crate::blocks::images::{builds, files, image_os, FILE_KEYS};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::{did_you_mean, Diagnostic};

declare_codes! {
    /// ## What it does
    /// Checks each entry of a build's `files`: its keys are `source`,
    /// `destination` and `sha256` (optional); `source` is an `http(s)://` URL;
    /// `destination` is a file's full path, under `/tmp/` on Linux (the only
    /// place Image Builder can write there) and a drive path such as
    /// `C:\web\index.html` on Windows; `sha256` is 64 hexadecimal digits.
    ///
    /// ## Why it matters
    /// Image Builder downloads the files on the build machine: a bad URL, a path
    /// it cannot write or a malformed checksum fails the build after the
    /// deployment, once the machine has been created.
    ///
    /// ## Example
    /// ```ashlar
    /// build {
    ///   files = [{ source = "conf/nginx.conf"  destination = "/etc/nginx/nginx.conf" }]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the file's URL as `source`, download Linux files to `/tmp/` and move
    /// them with `shell` (`sudo mv /tmp/nginx.conf /etc/nginx/`).
    pub BUILD_FILE = ("ASH443", "build-file", Error);
}

pub const CHECK: Check = Check { code: &BUILD_FILE, run };

/// What is wrong with a `source` URL, if anything.
fn source_problem(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else {
        return Some(format!("`{url}` is not an http(s) URL; Image Builder downloads files, it cannot read them from the plan's folder"));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || url.chars().any(char::is_whitespace) {
        return Some(format!("`{url}` is not a URL: it has no host, or white space"));
    }
    None
}

/// What is wrong with a `destination` on `os`, if anything.
fn destination_problem(path: &str, os: &str) -> Option<String> {
    if path.ends_with(['/', '\\']) {
        return Some(format!("`{path}` is a folder; the destination is the file's full path, name included"));
    }
    if os == "linux" {
        if !path.starts_with("/tmp/") {
            return Some(format!("`{path}` is not under /tmp/, the only place Image Builder can write files on Linux"));
        }
    } else {
        let bytes = path.as_bytes();
        let drive = bytes.len() > 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'\\';
        if !drive {
            return Some(format!("`{path}` is not a full Windows path such as `C:\\web\\index.html`"));
        }
    }
    None
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, _) in model.of_kind("image") {
        let os = image_os(model, id).unwrap_or("linux");
        for build in builds(model, id) {
            for (n, file) in files(model.node(build)).into_iter().enumerate() {
                let whose = format!("file {} of the build of {}", n + 1, model.describe(id));
                let mut report = |span, message: String, help: String| out.push(Diagnostic::new(&BUILD_FILE, span, message).with_help(help));
                for (key, value) in file.value {
                    if !FILE_KEYS.contains(&key.as_str()) {
                        let hint = did_you_mean(key, FILE_KEYS.iter().copied()).map(|h| format!("{h} ")).unwrap_or_default();
                        report(value.span, format!("{whose} has no key `{key}`"), format!("{hint}a file has `source`, `destination` and `sha256`"));
                    }
                }
                for key in ["source", "destination"] {
                    if !file.value.contains_key(key) {
                        report(file.span, format!("{whose} has no `{key}`"), format!("add `{key} = \"...\"`"));
                    }
                }
                if let Some(source) = file.value.get("source") {
                    if let Some(problem) = source_problem(&source.value) {
                        report(
                            source.span,
                            format!("the source of {whose}: {problem}"),
                            "give the URL Image Builder downloads the file from: GitHub, Azure Storage, ...".into(),
                        );
                    }
                }
                if let Some(destination) = file.value.get("destination") {
                    if let Some(problem) = destination_problem(&destination.value, os) {
                        let help = if os == "linux" {
                            "download to /tmp/ and move the file with `shell`, e.g. `sudo mv /tmp/app.conf /etc/app/`"
                        } else {
                            "write the full path of the file, from the drive: `destination = \"C:\\\\web\\\\index.html\"`"
                        };
                        report(destination.span, format!("the destination of {whose}: {problem}"), help.into());
                    }
                }
                if let Some(sha) = file.value.get("sha256") {
                    if sha.value.len() != 64 || !sha.value.chars().all(|c| c.is_ascii_hexdigit()) {
                        report(
                            sha.span,
                            format!("the sha256 of {whose} is not 64 hexadecimal digits"),
                            "give the file's SHA-256, as `sha256sum FILE` prints it".into(),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{destination_problem, source_problem};
    use crate::check::test_support::messages;

    #[test]
    fn sources_are_urls() {
        assert_eq!(source_problem("https://example.com/a.conf"), None);
        assert_eq!(source_problem("http://10.0.0.4/a"), None);
        assert!(source_problem("conf/a.conf").is_some());
        assert!(source_problem("https:///a").is_some());
        assert!(source_problem("https://example.com/a b").is_some());
    }

    #[test]
    fn destinations_follow_the_os() {
        assert_eq!(destination_problem("/tmp/a.conf", "linux"), None);
        assert!(destination_problem("/etc/a.conf", "linux").is_some());
        assert!(destination_problem("/tmp/", "linux").is_some());
        assert_eq!(destination_problem("C:\\web\\index.html", "windows"), None);
        assert!(destination_problem("web\\index.html", "windows").is_some());
        assert!(destination_problem("C:\\web\\", "windows").is_some());
    }

    #[test]
    fn every_problem_of_an_entry_is_reported() {
        let plan = "settings { location = uksouth }\ngallery corp { resource_group = \"rg\" }\nimage web {\n gallery = corp\n os = linux\n source = ubuntu_2404\n build { files = [{ sourc = \"https://x.example/a\"  destination = \"/etc/a\"  sha256 = \"abc\" }] }\n}\n";
        assert_eq!(
            messages(plan, "ASH443"),
            [
                "file 1 of the build of image `web` has no `source`",
                "file 1 of the build of image `web` has no key `sourc`",
                "the destination of file 1 of the build of image `web`: `/etc/a` is not under /tmp/, the only place Image Builder can write files on Linux",
                "the sha256 of file 1 of the build of image `web` is not 64 hexadecimal digits"
            ]
        );
    }
}
