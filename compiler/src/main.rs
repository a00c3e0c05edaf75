//! The `ashlar` command line: check, build, explain and graph a plan.

use ashlar::diagnostic::render::{render_json, render_short, render_terminal, Style};
use ashlar::diagnostic::Diagnostic;
use ashlar::emit::Replace;
use ashlar::source::SourceMap;
use ashlar::{load, registry, Analysis};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit codes: the plan is clean, the plan has errors, or ashlar could not run.
const CLEAN: u8 = 0;
const PLAN_ERRORS: u8 = 1;
const USAGE_OR_IO: u8 = 2;

#[derive(Parser)]
#[command(
    name = "ashlar",
    version,
    about = "A policy-as-code compiler for Azure infrastructure: plans in, ARM JSON and Bicep out.",
    after_help = "Examples:
  ashlar check examples/hub-spoke
  ashlar check plans/ --format json > findings.json
  ashlar check plans/ --format sarif > ashlar.sarif --deny-warnings
  ashlar build examples/hub-spoke -o out
  az deployment sub create --location uksouth --template-file out/main.json --parameters @out/main.parameters.json
  ashlar explain ASH202
  ashlar graph examples/hub-spoke --format mermaid

Exit codes: 0 the plan is clean (warnings allowed), 1 the plan has errors, 2 usage or I/O error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// After checking or building, print how long each stage took.
    #[arg(short, long, global = true)]
    verbose: bool,
    /// Colour in reports: `auto` when standard error is a terminal and NO_COLOR is unset or empty;
    /// `always` even when piped or with NO_COLOR; `never`.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,
}

/// `--color`: when reports are coloured.
#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The run's `--color`, set once before any report is drawn.
static COLOR: std::sync::OnceLock<ColorChoice> = std::sync::OnceLock::new();

#[derive(Subcommand)]
enum Command {
    /// Checks a plan and reports every problem in it.
    #[command(
        after_help = "Examples:\n  ashlar check examples/hub-spoke\n  ashlar check plan.ashlar --format json\n  ashlar check azuredeploy.json --parameters azuredeploy.parameters.json\n\nA .json file is an ARM template: imported in memory and checked, each finding at its line (docs/import.md)."
    )]
    Check {
        /// A plan's folder, a folder of plans (each checked by itself), one .ashlar file, or an ARM template (.json).
        plan: PathBuf,
        /// With a template: a parameters file (`{ "parameters": { "name": { "value": ... } } }`) whose values win over the defaults.
        #[arg(long, value_name = "FILE")]
        parameters: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit 1 on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        /// The folder that file paths in machine formats (json, sarif, github, junit, short) are relative to; the working folder by default. Files outside it are named by their absolute paths.
        #[arg(long, value_name = "DIR")]
        base: Option<PathBuf>,
        /// Azure Policy definitions, initiatives and assignments exported as JSON (a file, or a folder of .json files), evaluated besides those `ashlar.toml` names; may be given more than once. See docs/azure-policy.md.
        #[arg(long = "azure-policy", value_name = "PATH")]
        azure_policy: Vec<PathBuf>,
    },
    /// Checks a plan, then writes ARM JSON and Bicep for `az deployment sub create`.
    #[command(
        after_help = "Writes OUT/main.json, OUT/main.parameters.json, OUT/main.bicep and OUT/modules/*.bicep,\nand OUT/.ashlar-output, the list of what it wrote.\nA plan with errors (or warnings, with --deny-warnings) writes nothing and leaves an earlier OUT as it was.\nOUT is replaced only when it is new, empty, or holds an earlier build and nothing else\n(--force: also when it holds other files). OUT may never be the plan's folder, inside or\nabove it, the working folder, the home folder, or above them: exit 2, nothing written.\n\nExample:\n  ashlar build examples/hub-spoke -o out"
    )]
    Build {
        /// A plan's folder (see `docs/language.md`, "Which files form a plan") or one .ashlar file.
        plan: PathBuf,
        /// The output folder; replaced as a whole on success. It must be new, empty or
        /// an earlier build's, and never the plan's folder, the working folder or one above them.
        #[arg(short, long, default_value = "out")]
        out: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Replace OUT even when it holds files that ashlar did not write (they are deleted).
        #[arg(long)]
        force: bool,
        /// Fail on warnings too: exit 1 and write nothing, as with errors.
        #[arg(long)]
        deny_warnings: bool,
        /// The folder that file paths in machine formats (json, sarif, github, junit, short) are relative to; the working folder by default. Files outside it are named by their absolute paths.
        #[arg(long, value_name = "DIR")]
        base: Option<PathBuf>,
        /// Azure Policy definitions, initiatives and assignments exported as JSON, evaluated as `check --azure-policy` does: a denied resource (ASH700) is an error, and nothing is written. See docs/azure-policy.md.
        #[arg(long = "azure-policy", value_name = "PATH")]
        azure_policy: Vec<PathBuf>,
    },
    /// Prints the documentation of a diagnostic code, or lists them all.
    #[command(after_help = "Examples:\n  ashlar explain ASH202\n  ashlar explain subnet-overlap\n  ashlar explain --list")]
    Explain {
        /// A code (ASH202) or its name (subnet-overlap).
        code: Option<String>,
        /// List every code with its name.
        #[arg(long, conflicts_with = "code")]
        list: bool,
    },
    /// Prints the address plan: every network and subnet, its prefix, usable addresses, what uses it, and what is free; then the patch calendar of the update groups.
    #[command(after_help = "Examples:\n  ashlar plan examples/hub-spoke\n  ashlar plan examples/hub-spoke --format json")]
    Plan {
        plan: PathBuf,
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
    /// Formats plan files in place, keeping every comment; `--check` only lists what would change.
    #[command(
        after_help = "Examples:\n  ashlar fmt examples/hub-spoke\n  ashlar fmt --check .   # in CI: exit 1 and list the files that are not formatted\n\nBelow a folder, folders named `fixtures` or `target`, hidden folders, and what a plan's\nashlar.toml excludes ([fmt] exclude = [\"legacy\"]) are left out."
    )]
    Fmt {
        /// A folder (the files of every plan below it) or one .ashlar file.
        path: PathBuf,
        /// Change nothing; exit 1 when a file would change, listing it.
        #[arg(long)]
        check: bool,
    },
    /// Runs the test cases of the plan's policies (`case` blocks) and reports like a test runner.
    #[command(
        after_help = "Examples:\n  ashlar test examples/secured-spokes\n  ashlar test examples/secured-spokes --format junit > policy-tests.xml"
    )]
    Test {
        /// A plan's folder (see `docs/language.md`, "Which files form a plan") or one .ashlar file.
        plan: PathBuf,
        #[arg(long, value_enum, default_value_t = TestFormat::Human)]
        format: TestFormat,
    },
    /// Runs the language server on standard input and output, for editors.
    Lsp,
    /// Prints the plan's dependency graph: blocks, the Azure resources they become, and their order.
    #[command(
        after_help = "Examples:\n  ashlar graph examples/hub-spoke | dot -Tsvg > plan.svg\n  ashlar graph examples/hub-spoke --format mermaid"
    )]
    Graph {
        plan: PathBuf,
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
    },
    /// Writes a plan from an ARM template: networks, subnets, NSGs, route tables, NAT gateways, firewalls and their policies, Bastion, gateways and sites, private endpoints and DNS zones, DDoS plans, workspaces, diagnostics, virtual machines (extensions, cloud-init, backup), availability sets, galleries and images, update groups; other resources as comments.
    #[command(
        after_help = "Examples:\n  ashlar import azuredeploy.json -o plan\n  ashlar import main.json --parameters main.parameters.json -o plan\n\nOUT must be new or empty. `ashlar check TEMPLATE.json` checks a template without writing a plan.\nSee docs/import.md."
    )]
    Import {
        /// The template, a .json file.
        template: PathBuf,
        /// A parameters file (`{ "parameters": { "name": { "value": ... } } }`) whose values win over the defaults.
        #[arg(long, value_name = "FILE")]
        parameters: Option<PathBuf>,
        /// The plan's folder, new or empty.
        #[arg(short, long)]
        out: PathBuf,
        /// The resource group of a resource-group template's resources.
        #[arg(long, value_name = "NAME", default_value = "rg-imported")]
        resource_group: String,
    },
}

/// How diagnostics are printed.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Reports with the source line and a caret, on standard error.
    Human,
    /// One line per diagnostic, on standard error.
    Short,
    /// A JSON array on standard output: code, severity, message, file, line, column, end_line, end_column, help.
    Json,
    /// SARIF 2.1.0 on standard output, for code scanning.
    Sarif,
    /// GitHub Actions annotations on standard output.
    Github,
    /// JUnit XML on standard output: a test case per plan file.
    Junit,
}

impl Format {
    /// Whether the report goes to standard output, so that nothing else may.
    fn is_machine(self) -> bool {
        !matches!(self, Format::Human | Format::Short)
    }
}

/// How a run reports its diagnostics: the format, and the folder that the
/// formats for machines (and `short`) name files from.
struct Reporting {
    format: Format,
    /// Absolute and canonical; `None` for the human format, which names files
    /// from the plan's folder.
    base: Option<PathBuf>,
}

impl Reporting {
    /// `base` is `--base`; without it, the working folder. A base that is not a
    /// folder is a usage error, said on standard error.
    fn new(format: Format, base: Option<&Path>) -> Result<Reporting, u8> {
        if matches!(format, Format::Human) {
            return Ok(Reporting::human());
        }
        let chosen = match base {
            Some(base) => std::fs::canonicalize(base).map_err(|error| (base.display().to_string(), error)),
            None => std::env::current_dir().and_then(std::fs::canonicalize).map_err(|error| ("the working folder".to_string(), error)),
        };
        match chosen {
            Ok(folder) if folder.is_dir() => Ok(Reporting { format, base: Some(folder) }),
            Ok(folder) => {
                stderr(&format!("error: --base {}: not a folder\n", folder.display()));
                Err(USAGE_OR_IO)
            }
            Err((what, error)) => {
                stderr(&format!("error: --base {what}: {error}\n"));
                Err(USAGE_OR_IO)
            }
        }
    }

    fn human() -> Reporting {
        Reporting { format: Format::Human, base: None }
    }
}

/// How `ashlar test` reports its cases.
#[derive(Clone, Copy, ValueEnum)]
enum TestFormat {
    /// A line per case and a count, as a test runner prints them, on standard output.
    Human,
    /// A JSON object on standard output: `cases` (name, passed, reason), `passed`, `failed`.
    Json,
    /// JUnit XML on standard output: a test case per `case`, its policy as the class.
    Junit,
}

#[derive(Clone, Copy, ValueEnum)]
enum TableFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum GraphFormat {
    Dot,
    Mermaid,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _ = COLOR.set(cli.color);
    ExitCode::from(match cli.command {
        Command::Check { plan, parameters, format, deny_warnings, base, azure_policy } => match Reporting::new(format, base.as_deref()) {
            Ok(report) => check(&plan, parameters.as_deref(), report, deny_warnings, cli.verbose, &azure_policy),
            Err(code) => code,
        },
        Command::Build { plan, out, format, force, deny_warnings, base, azure_policy } => match Reporting::new(format, base.as_deref()) {
            Ok(report) => build(&plan, &out, report, BuildOptions { force, deny_warnings, verbose: cli.verbose, azure_policy }),
            Err(code) => code,
        },
        Command::Explain { code, list } => explain(code.as_deref(), list),
        Command::Plan { plan, format } => address_plan(&plan, format),
        Command::Graph { plan, format } => graph(&plan, format),
        Command::Import { template, parameters, out, resource_group } => import(&template, parameters.as_deref(), &out, resource_group),
        Command::Fmt { path, check } => fmt(&path, check),
        Command::Test { plan, format } => test(&plan, format),
        Command::Lsp => {
            keep_freed_memory_a_while();
            match ashlar::lsp::run_stdio() {
                Ok(ashlar::lsp::Ended::Exit | ashlar::lsp::Ended::Closed) => CLEAN,
                // The protocol: `exit` before `shutdown` is exit code 1.
                Ok(ashlar::lsp::Ended::ExitWithoutShutdown) => PLAN_ERRORS,
                Err(error) => {
                    stderr(&format!("error: the language server stopped: {error}\n"));
                    USAGE_OR_IO
                }
            }
        }
    })
}

/// Writes to standard output. A reader that went away (`ashlar check x | head -1`)
/// is no reason to stop or to panic: the rest of the report is dropped, and the
/// run ends with the status it has, so that `set -o pipefail` still sees a
/// plan's errors.
fn stdout(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Writes to standard error; a closed standard error (`2>&1 | head -0`) is
/// ignored as standard output's is, where `eprint!` would panic.
fn stderr(text: &str) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// How reports on standard error are drawn: `--color`, and for `auto`,
/// NO_COLOR (<https://no-color.org>: set and not empty) and whether standard
/// error is a terminal. An explicit `--color` overrides NO_COLOR.
fn style() -> Style {
    let coloured = match COLOR.get().copied().unwrap_or(ColorChoice::Auto) {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal(),
    };
    if coloured {
        Style::Colour
    } else {
        Style::Plain
    }
}

/// Reads and analyses a plan; an unreadable plan is reported and ends the run.
fn analyse(plan: &Path, reporting: &Reporting) -> Result<Analysis, u8> {
    analyse_with_azure_policy(plan, reporting, &[])
}

/// [`analyse`], with the Azure Policy files given by `--azure-policy`.
fn analyse_with_azure_policy(plan: &Path, reporting: &Reporting, azure_policy: &[PathBuf]) -> Result<Analysis, u8> {
    let format = reporting.format;
    // A long run shows which stage it has reached, on a terminal only.
    let mut timings =
        if shows_progress(format) { ashlar::Timings::observed(|stage| stderr(&format!("\r\x1b[2K{stage} done"))) } else { ashlar::Timings::start() };
    let loaded = load::read_plan(plan).and_then(|mut input| {
        input.azure_policy = load::read_azure_policy(azure_policy)?;
        Ok(input)
    });
    timings.lap("read");
    match loaded {
        Ok(input) => {
            let mut analysis = ashlar::analyze_timed(&input, &mut ashlar::ParseCache::single(), timings);
            // The progress line is over: what follows is the report.
            analysis.timings.stop_observing();
            clear_progress(format);
            Ok(analysis)
        }
        Err(diagnostic) => {
            clear_progress(format);
            report(&SourceMap::default(), &[diagnostic], reporting);
            Err(USAGE_OR_IO)
        }
    }
}

/// Prints diagnostics in the run's format. The human format names files from
/// the plan's folder; the others from the base folder, as CI needs them.
fn report(sources: &SourceMap, diagnostics: &[Diagnostic], reporting: &Reporting) {
    use ashlar::diagnostic::reporters::{render_github, render_junit, render_sarif};
    let renamed;
    let sources = match &reporting.base {
        Some(base) => {
            renamed = sources.named_from(base);
            &renamed
        }
        None => sources,
    };
    match reporting.format {
        Format::Json => stdout(&render_json(sources, diagnostics)),
        Format::Sarif => stdout(&render_sarif(sources, diagnostics, reporting.base.as_deref(), &registry::all())),
        Format::Github => stdout(&render_github(sources, diagnostics)),
        Format::Junit => stdout(&render_junit(sources, diagnostics)),
        Format::Short => stderr(&render_short(sources, diagnostics)),
        Format::Human => stderr(&render_terminal(sources, diagnostics, style())),
    }
}

/// Whether a run shows its progress: only to a person at a terminal (standard
/// error is one) and never with a report for machines.
fn shows_progress(format: Format) -> bool {
    !format.is_machine() && std::io::stderr().is_terminal()
}

/// Erases the progress line, if [`analyse`] drew one.
fn clear_progress(format: Format) {
    if shows_progress(format) {
        stderr("\r\x1b[2K");
    }
}

/// `--verbose`: each stage's time, then the total, on standard error.
fn print_timings(timings: &ashlar::Timings) {
    let mut text = String::from("timings:                       time   peak memory\n");
    for ((stage, took), peak) in timings.stages.iter().zip(&timings.peak_kib) {
        let peak = peak.map_or(String::new(), |kib| format!("{:>8.1} MiB", kib as f64 / 1024.0));
        text.push_str(&format!("  {stage:<26} {:>8.3} s {peak}\n", took.as_secs_f64()));
    }
    text.push_str(&format!("  {:<26} {:>8.3} s\n", "total", timings.total().as_secs_f64()));
    stderr(&text);
}

fn summary(analysis: &Analysis) -> String {
    let errors = analysis.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = analysis.diagnostics.iter().filter(|d| d.severity == ashlar::diagnostic::Severity::Warning).count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"))
}

fn check(plan: &Path, parameters: Option<&Path>, reporting: Reporting, deny_warnings: bool, verbose: bool, azure_policy: &[PathBuf]) -> u8 {
    let template = plan.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) && plan.is_file();
    if parameters.is_some() && !template {
        stderr("error: --parameters goes with a template (a .json file); a plan's values are in its files\n");
        return USAGE_OR_IO;
    }
    // A folder that holds plans below its own (or instead of one): each is
    // checked by itself, never merged with another.
    if plan.is_dir() {
        if let Ok(roots) = load::find_plans(plan) {
            if roots.len() > 1 || roots.first().is_some_and(|root| root != plan) {
                return check_each(plan, &roots, &reporting, deny_warnings, verbose, azure_policy);
            }
        }
    }
    let format = reporting.format;
    if template {
        return check_template(plan, parameters, reporting, deny_warnings);
    }
    let mut analysis = match analyse_with_azure_policy(plan, &reporting, azure_policy) {
        Ok(a) => a,
        Err(code) => return code,
    };
    report(&analysis.sources, &analysis.diagnostics, &reporting);
    analysis.timings.lap("report");
    let warned = warnings_denied(deny_warnings, &analysis.diagnostics);
    if !format.is_machine() {
        let files = analysis.files.iter().filter(|(id, _)| analysis.sources.get(*id).path.is_some()).count();
        let why = if warned && !analysis.has_errors() { DENIED } else { "" };
        stderr(&format!("checked {} ({} file{}): {}{why}\n", plan.display(), files, if files == 1 { "" } else { "s" }, summary(&analysis)));
    }
    if verbose {
        print_timings(&analysis.timings);
    }
    let code = if analysis.has_errors() || warned { PLAN_ERRORS } else { CLEAN };
    exit_without_freeing(analysis);
    code
}

/// `ashlar check TEMPLATE.json`: the template imported in memory and checked,
/// each finding at the template's line.
fn check_template(template: &Path, parameters: Option<&Path>, reporting: Reporting, deny_warnings: bool) -> u8 {
    let (sources, diagnostics) = ashlar::import::check_template(template, parameters, None);
    report(&sources, &diagnostics, &reporting);
    let errors = diagnostics.iter().any(Diagnostic::is_error);
    let warned = warnings_denied(deny_warnings, &diagnostics);
    if !reporting.format.is_machine() {
        let count = |s: ashlar::diagnostic::Severity| diagnostics.iter().filter(|d| d.severity == s).count();
        stderr(&format!(
            "checked {} (imported): {} error(s), {} warning(s)\n",
            template.display(),
            count(ashlar::diagnostic::Severity::Error),
            count(ashlar::diagnostic::Severity::Warning)
        ));
    }
    if errors || warned {
        PLAN_ERRORS
    } else {
        CLEAN
    }
}

/// `ashlar import TEMPLATE -o OUT`: the plan's files written into OUT, new or
/// empty; what could not be imported reported as for `check`.
fn import(template: &Path, parameters: Option<&Path>, out: &Path, resource_group: String) -> u8 {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let (text, params) = match (read(template), parameters.map(read).transpose()) {
        (Ok(t), Ok(p)) => (t, p),
        (Err(e), _) | (_, Err(e)) => {
            stderr(&format!("error: {e}\n"));
            return USAGE_OR_IO;
        }
    };
    if std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some()) {
        stderr(&format!("error: {} is not empty: import writes into a new or empty folder\n", out.display()));
        return USAGE_OR_IO;
    }
    let name = template.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let options = ashlar::import::Options { resource_group };
    let imported = match ashlar::import::import(&name, Some(template.to_path_buf()), &text, params.as_deref(), &options) {
        Ok(i) => i,
        Err(e) => {
            let (sources, d) = *e;
            stderr(&render_terminal(&sources, &[d], style()));
            return PLAN_ERRORS;
        }
    };
    stderr(&render_terminal(&imported.sources, &imported.diagnostics, style()));
    let written = std::fs::create_dir_all(out).and_then(|()| imported.files.iter().try_for_each(|(n, t)| std::fs::write(out.join(n), t)));
    if let Err(e) = written {
        stderr(&format!("error: cannot write {}: {e}\n", out.display()));
        return USAGE_OR_IO;
    }
    stderr(&format!(
        "imported {} into {} ({} files, {} notes)\n",
        template.display(),
        out.display(),
        imported.files.len(),
        imported.diagnostics.len()
    ));
    CLEAN
}

/// `ashlar check DIR` when DIR holds several plans: each is read and checked
/// by itself, its files named relative to DIR; one report of them all in the
/// format asked for; the exit code is the worst of the plans'.
fn check_each(top: &Path, roots: &[PathBuf], reporting: &Reporting, deny_warnings: bool, verbose: bool, azure_policy: &[PathBuf]) -> u8 {
    use ashlar::diagnostic::reporters::{render_github, render_junit, render_sarif};
    let format = reporting.format;
    let mut worst = CLEAN;
    let mut json: Vec<serde_json::Value> = Vec::new();
    let mut sarif: Option<serde_json::Value> = None;
    let mut github = String::new();
    let mut junit: Vec<(String, String)> = Vec::new();
    let mut failed = 0;
    for root in roots {
        let rel = root.strip_prefix(top).unwrap_or(root);
        let shown = if rel.as_os_str().is_empty() { ".".to_string() } else { rel.display().to_string() };
        let prefix = rel.components().map(|c| format!("{}/", c.as_os_str().to_string_lossy())).collect::<String>();
        let read = load::read_plan(root).and_then(|mut input| {
            input.azure_policy = load::read_azure_policy(azure_policy)?;
            Ok(input)
        });
        let (sources, diagnostics, analysis) = match read {
            Ok(mut input) => {
                for file in &mut input.files {
                    file.name = format!("{prefix}{}", file.name);
                }
                let analysis = ashlar::analyze(&input);
                (analysis.sources.clone(), analysis.diagnostics.clone(), Some(analysis))
            }
            Err(diagnostic) => {
                worst = USAGE_OR_IO;
                (SourceMap::default(), vec![diagnostic], None)
            }
        };
        // Machine formats and `short` name files from the base folder, as CI needs them.
        let sources = match &reporting.base {
            Some(base) => sources.named_from(base),
            None => sources,
        };
        let warned = warnings_denied(deny_warnings, &diagnostics);
        let errors = analysis.as_ref().is_some_and(Analysis::has_errors);
        if errors || warned {
            worst = worst.max(PLAN_ERRORS);
        }
        if errors || warned || analysis.is_none() {
            failed += 1;
        }
        match format {
            Format::Human | Format::Short => {
                let text = match format {
                    Format::Short => render_short(&sources, &diagnostics),
                    _ => render_terminal(&sources, &diagnostics, style()),
                };
                stderr(&text);
                if let Some(analysis) = &analysis {
                    let files = analysis.files.iter().filter(|(id, _)| analysis.sources.get(*id).path.is_some()).count();
                    stderr(&format!("checked {shown} ({} file{}): {}\n", files, if files == 1 { "" } else { "s" }, summary(analysis)));
                    if verbose {
                        print_timings(&analysis.timings);
                    }
                }
            }
            Format::Json => {
                if let Ok(serde_json::Value::Array(items)) = serde_json::from_str(&render_json(&sources, &diagnostics)) {
                    json.extend(items);
                }
            }
            Format::Sarif => {
                let Ok(log) = serde_json::from_str::<serde_json::Value>(&render_sarif(
                    &sources,
                    &diagnostics,
                    reporting.base.as_deref().or(Some(top)),
                    &registry::all(),
                )) else {
                    continue;
                };
                // One run for them all: the rules are the same table, and file
                // URIs are relative to DIR in each.
                match &mut sarif {
                    None => sarif = Some(log),
                    Some(all) => {
                        let results = log["runs"][0]["results"].as_array().cloned().unwrap_or_default();
                        if let Some(list) = all["runs"][0]["results"].as_array_mut() {
                            list.extend(results);
                        }
                    }
                }
            }
            Format::Github => github.push_str(&render_github(&sources, &diagnostics)),
            Format::Junit => junit.push((shown.clone(), render_junit(&sources, &diagnostics))),
        }
        if let Some(analysis) = analysis {
            exit_without_freeing(analysis);
        }
    }
    match format {
        Format::Human | Format::Short => {
            let with_errors = if failed == 0 { String::new() } else { format!(", {failed} with errors") };
            stderr(&format!("checked {} in {}{with_errors}\n", load::plural_plans(roots.len()), top.display()));
        }
        Format::Json => stdout(&(serde_json::to_string_pretty(&json).unwrap_or_default() + "\n")),
        Format::Sarif => stdout(&(serde_json::to_string_pretty(&sarif.unwrap_or_default()).unwrap_or_default() + "\n")),
        Format::Github => stdout(&github),
        Format::Junit => stdout(&merge_junit(&junit)),
    }
    worst
}

/// JUnit reports of several plans as one: a test suite per plan.
fn merge_junit(reports: &[(String, String)]) -> String {
    let attribute = |line: &str, name: &str| -> usize {
        line.split(&format!(" {name}=\"")).nth(1).and_then(|rest| rest.split('"').next()).and_then(|n| n.parse().ok()).unwrap_or(0)
    };
    let (mut tests, mut failures) = (0, 0);
    let mut suites = String::new();
    for (plan, report) in reports {
        for line in report.lines() {
            if line.starts_with("<testsuites ") {
                tests += attribute(line, "tests");
                failures += attribute(line, "failures");
            } else if line.starts_with("  <testsuite ") {
                suites.push_str(&line.replacen("name=\"ashlar check\"", &format!("name=\"ashlar check {}\"", xml_attribute(plan)), 1));
                suites.push('\n');
            } else if line.starts_with("    ") || line == "  </testsuite>" {
                suites.push_str(line);
                suites.push('\n');
            }
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ashlar\" tests=\"{tests}\" failures=\"{failures}\">\n{suites}</testsuites>\n"
    )
}

fn xml_attribute(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Leaves a large analysis for the process's exit to free: freeing a plan of
/// thousands of machines piece by piece takes a fifth of a check's time.
fn exit_without_freeing<T>(value: T) {
    std::mem::forget(value);
}

/// What `ashlar build` was asked beside the plan, the output folder and the format.
struct BuildOptions {
    force: bool,
    deny_warnings: bool,
    verbose: bool,
    /// `--azure-policy`: files evaluated besides those `ashlar.toml` names.
    azure_policy: Vec<PathBuf>,
}

/// Whether `--deny-warnings` fails a run: it was given, and the plan has a warning.
fn warnings_denied(deny_warnings: bool, diagnostics: &[Diagnostic]) -> bool {
    deny_warnings && diagnostics.iter().any(|d| d.severity == ashlar::diagnostic::Severity::Warning)
}

/// Why a run with warnings and no error failed, for the closing line.
const DENIED: &str = " (warnings are denied by --deny-warnings)";

fn build(plan: &Path, out: &Path, reporting: Reporting, options: BuildOptions) -> u8 {
    let BuildOptions { force, deny_warnings, verbose, azure_policy } = options;
    let format = reporting.format;
    let replace = if force { Replace::Anything } else { Replace::OwnOutputOnly };
    // Refused before the plan is read: nothing about the plan can make it safe.
    if let Err(refusal) = ashlar::emit::check_output_folder(out, plan, replace) {
        report(&SourceMap::default(), &[refusal], &reporting);
        if !format.is_machine() {
            stderr(&format!("build refused: nothing was written to {}\n", out.display()));
        }
        return USAGE_OR_IO;
    }
    let mut analysis = match analyse_with_azure_policy(plan, &reporting, &azure_policy) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let denied = warnings_denied(deny_warnings, &analysis.diagnostics);
    let Some(azure) = analysis.azure.as_ref().filter(|_| !analysis.has_errors() && !denied) else {
        report(&analysis.sources, &analysis.diagnostics, &reporting);
        analysis.timings.lap("report");
        if !format.is_machine() {
            let why = if analysis.has_errors() { "" } else { DENIED };
            stderr(&format!("build failed: {}{why}; nothing was written to {}\n", summary(&analysis), out.display()));
        }
        if verbose {
            print_timings(&analysis.timings);
        }
        return PLAN_ERRORS;
    };
    let files = ashlar::emit::emit(azure);
    let mut timings = analysis.timings.clone();
    timings.lap("emit");
    let written = ashlar::emit::write_output(out, &files, replace).and_then(|()| match &analysis.lock {
        Some(lock) => write_lock(plan, lock).map_err(|error| {
            let why = format!("the output is written, but {} is not: {error}", ashlar::lockfile::LOCK_FILE);
            Diagnostic::global(&ashlar::diagnostic::codes::OUTPUT_NOT_WRITTEN, why)
                .with_help("make the plan's folder writable and build again, so that `auto` prefixes are kept")
        }),
        None => Ok(()),
    });
    timings.lap("write");
    if let Err(failure) = written {
        // Said in the report itself, so that every format (JSON, SARIF, JUnit) shows the failure.
        let mut diagnostics = analysis.diagnostics.clone();
        diagnostics.push(failure);
        report(&analysis.sources, &diagnostics, &reporting);
        return USAGE_OR_IO;
    }
    report(&analysis.sources, &analysis.diagnostics, &reporting);
    timings.lap("report");
    if !format.is_machine() {
        if analysis.lock.is_some() {
            stderr(&format!("updated {}: commit it with the plan, so that `auto` prefixes never move\n", ashlar::lockfile::LOCK_FILE));
        }
        stderr(&format!(
            "wrote {} files to {}: {} resource groups, {} resources in {} deployments ({})\n",
            files.len(),
            out.display(),
            azure.resource_groups.len(),
            azure.resources.len(),
            azure.deployments().len(),
            summary(&analysis)
        ));
    }
    if verbose {
        print_timings(&timings);
    }
    exit_without_freeing((analysis, files));
    CLEAN
}

/// Writes `ashlar.lock` into the plan's folder, whole or not at all.
fn write_lock(plan: &Path, text: &str) -> std::io::Result<()> {
    replace_file(&load::plan_folder(plan).join(ashlar::lockfile::LOCK_FILE), text)
}

fn explain(code: Option<&str>, list: bool) -> u8 {
    if list || code.is_none() {
        for c in registry::all() {
            stdout(&format!("{}  {:<28} {}\n", c.code, c.name, c.severity.as_str()));
        }
        return CLEAN;
    }
    let query = code.unwrap_or_default();
    match registry::find(query) {
        Some(c) => {
            let mut text = format!("# {} {} ({})\n\n{}", c.code, c.name, c.severity.as_str(), c.doc_text());
            if c.code == ashlar::diagnostic::codes::UNKNOWN_MODULE.code {
                text.push_str("\n## Modules\n\n");
                for m in ashlar::stdlib::MODULES {
                    text.push_str(&format!("- `{}`: {}\n", m.name, m.summary));
                }
            }
            stdout(&text);
            CLEAN
        }
        None => {
            let names = registry::all().into_iter().flat_map(|c| [c.code, c.name]);
            let hint = ashlar::diagnostic::did_you_mean(query, names).unwrap_or_else(|| "`ashlar explain --list` lists them".into());
            stderr(&format!("error: no diagnostic code `{query}`; {hint}\n"));
            USAGE_OR_IO
        }
    }
}

/// Folders that `ashlar fmt FOLDER` does not enter below FOLDER, beside hidden
/// ones: test plans kept broken or unformatted on purpose, and build output.
/// Named as FOLDER, or inside it, they are formatted as any other.
const FMT_SKIPPED_FOLDERS: &[&str] = &["fixtures", "target"];

/// Whether `ashlar fmt FOLDER` leaves a plan file out: it is below a folder of
/// [`FMT_SKIPPED_FOLDERS`] under `top`, or below (or is) a path of its plan's
/// `[fmt] exclude` (relative to the plan's folder `root`).
fn fmt_leaves_out(file: &Path, top: &Path, root: &Path, excluded: &[String]) -> bool {
    let below_top = file.strip_prefix(top).ok().and_then(Path::parent);
    let skipped_folder = below_top.is_some_and(|folders| {
        folders.components().any(|c| FMT_SKIPPED_FOLDERS.iter().any(|skipped| c.as_os_str() == std::ffi::OsStr::new(skipped)))
    });
    let relative = file.strip_prefix(root).unwrap_or(file);
    skipped_folder || excluded.iter().any(|entry| relative.starts_with(Path::new(entry)))
}

fn fmt(path: &Path, check: bool) -> u8 {
    // Every plan file below a folder, whichever plan it belongs to.
    let roots = match path.is_dir().then(|| load::find_plans(path)) {
        Some(Ok(roots)) if !roots.is_empty() => roots,
        _ => vec![path.to_path_buf()],
    };
    let mut files = Vec::new();
    for root in &roots {
        match load::read_plan(root) {
            Ok(input) => {
                let excluded = input.config.as_deref().map(ashlar::config::fmt_excluded).unwrap_or_default();
                let top = if path.is_dir() { path } else { root.as_path() };
                files.extend(input.files.into_iter().filter(|file| !fmt_leaves_out(&file.path, top, &input.root, &excluded)));
            }
            Err(diagnostic) => {
                report(&SourceMap::default(), &[diagnostic], &Reporting::human());
                return USAGE_OR_IO;
            }
        }
    }
    let mut changed = 0;
    let mut failed = false;
    for file in &files {
        let Ok(text) = std::str::from_utf8(&file.bytes) else {
            stderr(&format!("{}: not UTF-8; left as it is\n", file.path.display()));
            failed = true;
            continue;
        };
        match ashlar::format::format(text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                changed += 1;
                if check {
                    stdout(&format!("{}\n", file.path.display()));
                } else if let Err(error) = replace_file(&file.path, &formatted) {
                    stderr(&format!("error: cannot write {}: {error}; the file is as it was\n", file.path.display()));
                    return USAGE_OR_IO;
                }
            }
            Err(why) => {
                stderr(&format!("{}: {why}; left as it is (`ashlar check` shows where)\n", file.path.display()));
                failed = true;
            }
        }
    }
    if check && changed > 0 {
        stderr(&format!("{changed} file{} not formatted; run `ashlar fmt {}`\n", if changed == 1 { " is" } else { "s are" }, path.display()));
        return PLAN_ERRORS;
    }
    if failed {
        PLAN_ERRORS
    } else {
        CLEAN
    }
}

/// Writes a file of the plan's folder (a plan file, the lock) whole or not at
/// all: the new text is written beside it and renamed over it, so a failed or
/// killed write leaves the file as it was, or absent. A link is written
/// through to the file it names.
fn replace_file(path: &Path, text: &str) -> std::io::Result<()> {
    let target = if path.exists() { std::fs::canonicalize(path)? } else { path.to_path_buf() };
    let folder = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = folder.join(format!(".{name}.new-{}", std::process::id()));
    let written = std::fs::write(&temporary, text).and_then(|()| {
        if let Ok(meta) = std::fs::metadata(&target) {
            std::fs::set_permissions(&temporary, meta.permissions())?;
        }
        std::fs::rename(&temporary, &target)
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

fn test(plan: &Path, format: TestFormat) -> u8 {
    let analysis = match analyse(plan, &Reporting::human()) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let syntax_broken = analysis.diagnostics.iter().any(Diagnostic::is_syntax);
    if syntax_broken {
        report(&analysis.sources, &analysis.diagnostics, &Reporting::human());
        return PLAN_ERRORS;
    }
    let root = load::plan_folder(plan);
    let config = std::fs::read(root.join(ashlar::config::CONFIG_FILE)).ok();
    let results = ashlar::policy::cases::run(&analysis.model, &analysis.sources, &root, config.as_deref());
    let failed = results.iter().filter(|r| !r.passed).count();
    let code = if failed > 0 { PLAN_ERRORS } else { CLEAN };
    match format {
        TestFormat::Json => {
            stdout(&ashlar::policy::cases::render_json(&results));
            return code;
        }
        TestFormat::Junit => {
            stdout(&ashlar::policy::cases::render_junit(&results, &plan.display().to_string()));
            return code;
        }
        TestFormat::Human => {}
    }
    let mut text = format!("running {} policy case{}\n", results.len(), if results.len() == 1 { "" } else { "s" });
    for r in &results {
        match &r.reason {
            None => text.push_str(&format!("case {} ... ok\n", r.name)),
            Some(why) => text.push_str(&format!("case {} ... FAILED: {why}\n", r.name)),
        }
    }
    text.push_str(&format!("\ncases: {} passed, {failed} failed\n", results.len() - failed));
    stdout(&text);
    code
}

fn address_plan(plan: &Path, format: TableFormat) -> u8 {
    let analysis = match analyse(plan, &Reporting::human()) {
        Ok(a) => a,
        Err(code) => return code,
    };
    if analysis.has_errors() {
        report(&analysis.sources, &analysis.diagnostics, &Reporting::human());
    }
    let table = ashlar::report::address_plan::address_plan(&analysis.model);
    // The patch calendar, counted from the day the analysis counted from:
    // SOURCE_DATE_EPOCH's date, else the clock's.
    let (today, source) = analysis.today;
    let updates = ashlar::report::update_plan::update_plan(&analysis.model, today, source.minute_of_day());
    match format {
        TableFormat::Table => {
            let mut text = String::new();
            if !table.networks.is_empty() || updates.is_none() {
                text.push_str(&ashlar::report::address_plan::render_table(&table));
            }
            if let Some(updates) = &updates {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&ashlar::report::update_plan::render(updates, source.describe()));
            }
            stdout(&text);
        }
        TableFormat::Json => {
            let mut json = serde_json::to_value(&table).expect("the address plan serialises");
            if let (Some(updates), Some(object)) = (&updates, json.as_object_mut()) {
                object.insert("updates".into(), serde_json::to_value(updates).expect("the patch calendar serialises"));
            }
            stdout(&(serde_json::to_string_pretty(&json).expect("the address plan serialises") + "\n"));
        }
    }
    if analysis.has_errors() {
        PLAN_ERRORS
    } else {
        CLEAN
    }
}

fn graph(plan: &Path, format: GraphFormat) -> u8 {
    let analysis = match analyse(plan, &Reporting::human()) {
        Ok(a) => a,
        Err(code) => return code,
    };
    if analysis.has_errors() {
        report(&analysis.sources, &analysis.diagnostics, &Reporting::human());
    }
    let text = match format {
        GraphFormat::Dot => ashlar::report::graph::to_dot(&analysis.model, analysis.azure.as_ref()),
        GraphFormat::Mermaid => ashlar::report::graph::to_mermaid(&analysis.model, analysis.azure.as_ref()),
    };
    stdout(&text);
    if analysis.has_errors() {
        PLAN_ERRORS
    } else {
        CLEAN
    }
}

// Lowering and emitting a large plan make millions of small maps and strings;
// mimalloc allocates and frees them far faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in v2's `mi_option_t`).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// The language server analyses the plan again on every edit and frees the
/// analysis before: mimalloc gives freed memory back to the system after
/// 10 ms, and the next analysis then faults in fresh pages, which the kernel
/// zeroes (2 MiB at a time with transparent huge pages). Kept for a second,
/// they serve a burst of typing; an idle server still gives them back.
/// docs/performance.md, "The language server's memory between edits".
fn keep_freed_memory_a_while() {
    // SAFETY: sets one of mimalloc's options, a plain integer it reads when it
    // next decides to give memory back; no memory is read or written here.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 1000) };
}
