//! `tosguard test`: embedded examples and test files, for files, directories and
//! built-in policies.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use tosguard::Policy;
use tosguard::testing::{self, CaseFailure, TestReport};

use crate::output::{Exit, Out, error, warning};
use crate::suggest::did_you_mean;

const ABOUT: &str = "\
Test policies: every rule's embedded examples, and the test file beside each policy
(`aup.toml` is tested with `aup.test.toml`).

POLICY is a policy file, a directory (every `*.toml` policy under it, with its test
file), or a built-in name (with the test files kept beside the built-in packs).";

/// Test output format.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Failures, then a summary line.
    Text,
    /// One JSON document.
    Json,
    /// JUnit XML, for CI systems.
    Junit,
}

/// Run policies' examples and test files.
#[derive(clap::Args, Debug)]
#[command(long_about = ABOUT, after_help = crate::EXIT_CODES)]
pub struct Args {
    /// Policy files, directories or built-in names.
    #[arg(value_name = "POLICY", required = true)]
    targets: Vec<String>,
    /// Print one line per case (text format).
    #[arg(short, long)]
    verbose: bool,
    /// List the rules and terms no example exercises (text format).
    #[arg(long)]
    coverage: bool,
    /// Run only the cases whose id contains PATTERN (ids look like
    /// `policy/rule/violating[0]` and `file.test/case name`).
    #[arg(long, value_name = "PATTERN")]
    run: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// The test files kept beside the built-in packs, by the built-in names they test.
const BUILTIN_TESTS: &[(&str, &[(&str, &str)])] = &[
    (
        "baseline",
        &[
            (
                "baseline/en.test",
                include_str!("../../../policies/baseline/en.test.toml"),
            ),
            (
                "baseline/fr.test",
                include_str!("../../../policies/baseline/fr.test.toml"),
            ),
        ],
    ),
    (
        "baseline.en",
        &[(
            "baseline/en.test",
            include_str!("../../../policies/baseline/en.test.toml"),
        )],
    ),
    (
        "baseline.fr",
        &[(
            "baseline/fr.test",
            include_str!("../../../policies/baseline/fr.test.toml"),
        )],
    ),
];

/// A policy to test and its test files.
struct Unit {
    /// The file or built-in name, as shown.
    name: String,
    source: crate::policies::Source,
    tests: Vec<TestSource>,
}

enum TestSource {
    File(PathBuf),
    Embedded(&'static str, &'static str),
}

/// What testing one unit gave.
struct Outcome {
    name: String,
    policy: Option<String>,
    /// Why the policy or a test file could not be used.
    errors: Vec<String>,
    report: TestReport,
    coverage: Option<String>,
}

pub fn run(args: &Args) -> Result<(), Exit> {
    let mut units = Vec::new();
    for target in &args.targets {
        units.extend(resolve(target)?);
    }
    let mut outcomes: Vec<Outcome> = units.iter().map(|u| test_unit(u, args)).collect();
    if let Some(pattern) = &args.run {
        for o in &mut outcomes {
            filter(&mut o.report, pattern);
        }
    }
    let passed: usize = outcomes.iter().map(|o| o.report.passed).sum();
    let failed: usize = outcomes.iter().map(|o| o.report.failures.len()).sum();
    let not_compiled = outcomes.iter().filter(|o| o.policy.is_none()).count();
    let invalid = outcomes
        .iter()
        .filter(|o| o.policy.is_some())
        .map(|o| o.errors.len())
        .sum::<usize>();
    let mut summary = format!("{passed} passed, {failed} failed");
    if not_compiled > 0 {
        summary += &format!(
            ", {not_compiled} {} not compile",
            if not_compiled == 1 {
                "policy does"
            } else {
                "policies do"
            }
        );
    }
    if invalid > 0 {
        summary += &format!(
            ", {invalid} test file{} invalid",
            if invalid == 1 { " is" } else { "s are" }
        );
    }
    let none_ran = args.run.is_some() && passed + failed == 0;
    if none_ran {
        summary += &format!(
            "; no case matches --run {:?}",
            args.run.as_deref().unwrap_or_default()
        );
    }
    let mut out = Out::stdout();
    match args.format {
        Format::Text => write_text(&mut out, &outcomes, args, &summary)?,
        Format::Json => out.line(to_json(&outcomes, passed, failed, &summary))?,
        Format::Junit => out.text(to_junit(&outcomes))?,
    }
    out.finish()?;
    if args.format != Format::Text {
        for o in &outcomes {
            for e in &o.errors {
                error(e);
            }
        }
        eprintln_summary(&summary);
    }
    if not_compiled > 0 {
        Err(Exit::Policy)
    } else if failed > 0 || invalid > 0 || none_ran {
        Err(Exit::Tests)
    } else {
        Ok(())
    }
}

fn eprintln_summary(summary: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{summary}");
}

/// The units a command-line target names.
fn resolve(target: &str) -> Result<Vec<Unit>, Exit> {
    let path = Path::new(target);
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.is_dir() {
            let mut files = Vec::new();
            crate::policies::toml_files(path, &|name| !name.ends_with(".test.toml"), &mut files)
                .map_err(|e| {
                    error(format!("cannot read the directory `{target}`: {e}"));
                    Exit::Io
                })?;
            if files.is_empty() {
                error(format!("no policy file (`*.toml`) under `{target}`"));
                return Err(Exit::Io);
            }
            return Ok(files.into_iter().map(file_unit).collect());
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if let Some(stem) = name.strip_suffix(".test.toml") {
            let policy = path.with_file_name(format!("{stem}.toml"));
            if policy.is_file() {
                warning(format!(
                    "`{target}` is a test file: testing `{}`, with it",
                    policy.display()
                ));
                return Ok(vec![file_unit(policy)]);
            }
            error(format!(
                "`{target}` is a test file, and its policy `{}` does not exist: give the policy file",
                policy.display()
            ));
            return Err(Exit::Io);
        }
        return Ok(vec![file_unit(path.to_path_buf())]);
    }
    if tosguard::builtin_names().any(|n| n == target) {
        let tests = BUILTIN_TESTS
            .iter()
            .find(|(n, _)| *n == target)
            .map(|(_, files)| {
                files
                    .iter()
                    .map(|(name, src)| TestSource::Embedded(name, src))
                    .collect()
            })
            .unwrap_or_default();
        return Ok(vec![Unit {
            name: target.to_string(),
            source: crate::policies::Source::Builtin(target.to_string()),
            tests,
        }]);
    }
    if target.contains(['/', '\\']) || target.ends_with(".toml") {
        error(format!("no such file: `{target}`"));
    } else {
        let hint = match did_you_mean(target, tosguard::builtin_names()) {
            Some(s) => format!(" (did you mean `{s}`?)"),
            None => format!(
                " (built-in policies: {})",
                tosguard::builtin_names().collect::<Vec<_>>().join(", ")
            ),
        };
        error(format!("no such file or built-in policy: `{target}`{hint}"));
    }
    Err(Exit::Io)
}

fn file_unit(path: PathBuf) -> Unit {
    let beside = testing::test_file_for(&path);
    Unit {
        name: path.display().to_string(),
        tests: if beside.is_file() {
            vec![TestSource::File(beside)]
        } else {
            Vec::new()
        },
        source: crate::policies::Source::File(path),
    }
}

fn test_unit(unit: &Unit, args: &Args) -> Outcome {
    let mut outcome = Outcome {
        name: unit.name.clone(),
        policy: None,
        errors: Vec::new(),
        report: TestReport::default(),
        coverage: None,
    };
    let compiled = match &unit.source {
        crate::policies::Source::File(p) => crate::policies::from_path(p),
        crate::policies::Source::Builtin(n) => Policy::builtin(n),
    };
    let policy = match compiled {
        Ok(p) => p,
        Err(e) => {
            outcome
                .errors
                .push(format!("policy `{}` does not compile:\n{e}", unit.name));
            return outcome;
        }
    };
    outcome.policy = Some(policy.id().to_string());
    // What compiles but is probably a mistake: on standard error, whatever the format.
    for w in policy.warnings() {
        warning(w);
    }
    outcome.report = policy.check_examples();
    let mut sources = Vec::new();
    for t in &unit.tests {
        let (result, src) = match t {
            TestSource::File(p) => (
                testing::run_test_file(&policy, p),
                std::fs::read_to_string(p).ok(),
            ),
            TestSource::Embedded(name, src) => (
                testing::run_test_str(&policy, name, src),
                Some(src.to_string()),
            ),
        };
        match result {
            Ok(r) => outcome.report.merge(r),
            Err(e) => outcome.errors.push(format!(
                "test file `{}` is invalid:\n{e}",
                match t {
                    TestSource::File(p) => p.display().to_string(),
                    TestSource::Embedded(name, _) => format!("{name}.toml"),
                }
            )),
        }
        sources.extend(src);
    }
    if args.coverage {
        let texts = case_texts(&sources);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        outcome.coverage = Some(testing::coverage(&policy, &refs).to_string());
    }
    outcome
}

/// Keeps only the cases whose id contains `pattern`.
fn filter(report: &mut TestReport, pattern: &str) {
    report.results.retain(|r| r.id.contains(pattern));
    report.failures.retain(|f| f.id.contains(pattern));
    report.passed = report.results.iter().filter(|r| r.passed).count();
    report.without_examples.clear();
}

/// The `text` of every case of test files, for coverage.
fn case_texts(sources: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for table in sources
        .iter()
        .filter_map(|src| src.parse::<toml::Table>().ok())
    {
        if let Some(toml::Value::Array(cases)) = table.get("case") {
            for case in cases {
                if let Some(toml::Value::String(text)) = case.get("text") {
                    out.push(text.clone());
                }
            }
        }
    }
    out
}

fn write_text(out: &mut Out, outcomes: &[Outcome], args: &Args, summary: &str) -> Result<(), Exit> {
    for o in outcomes {
        for e in &o.errors {
            error(e);
        }
        if args.verbose {
            for r in &o.report.results {
                out.line(format!(
                    "{}: {}",
                    r.id,
                    if r.passed { "PASS" } else { "FAIL" }
                ))?;
            }
        }
        for f in &o.report.failures {
            out.line(f)?;
        }
        if let Some(id) = &o.policy {
            for rule in &o.report.without_examples {
                out.line(format!("{id}: rule `{rule}` has no examples"))?;
            }
        }
        if let (Some(c), Some(id)) = (&o.coverage, &o.policy) {
            out.line(format!("coverage of `{id}`:\n{c}"))?;
        }
    }
    out.line(summary)
}

fn failure_json(f: &CaseFailure) -> Value {
    json!({"text": f.text, "expected": f.expected, "got": f.got, "rule": f.rule})
}

fn to_json(outcomes: &[Outcome], passed: usize, failed: usize, summary: &str) -> Value {
    let policies: Vec<Value> = outcomes
        .iter()
        .map(|o| {
            let cases: Vec<Value> = o
                .report
                .results
                .iter()
                .map(|r| {
                    let mut c = json!({"id": r.id, "passed": r.passed});
                    if let Some(f) = o.report.failures.iter().find(|f| f.id == r.id) {
                        c["failure"] = failure_json(f);
                    }
                    c
                })
                .collect();
            json!({
                "source": o.name,
                "policy": o.policy,
                "passed": o.report.passed,
                "failed": o.report.failures.len(),
                "errors": o.errors,
                "rules_without_examples": o.report.without_examples,
                "cases": cases,
            })
        })
        .collect();
    json!({"passed": passed, "failed": failed, "summary": summary, "policies": policies})
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn to_junit(outcomes: &[Outcome]) -> String {
    use std::fmt::Write;
    let total: usize = outcomes.iter().map(|o| o.report.results.len().max(1)).sum();
    let failures: usize = outcomes.iter().map(|o| o.report.failures.len()).sum();
    let errors: usize = outcomes.iter().map(|o| o.errors.len()).sum();
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<testsuites name=\"tosguard\" tests=\"{total}\" failures=\"{failures}\" errors=\"{errors}\">"
    );
    for o in outcomes {
        let suite = xml(o.policy.as_deref().unwrap_or(&o.name));
        let _ = writeln!(
            s,
            "  <testsuite name=\"{suite}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
            o.report.results.len() + o.errors.len(),
            o.report.failures.len(),
            o.errors.len()
        );
        for (i, e) in o.errors.iter().enumerate() {
            let first = e.lines().next().unwrap_or_default();
            let _ = writeln!(
                s,
                "    <testcase classname=\"{suite}\" name=\"error[{i}]\"><error message=\"{}\">{}</error></testcase>",
                xml(first),
                xml(e)
            );
        }
        for r in &o.report.results {
            let name = xml(&r.id);
            match o.report.failures.iter().find(|f| f.id == r.id) {
                Some(f) if !r.passed => {
                    let _ = writeln!(
                        s,
                        "    <testcase classname=\"{suite}\" name=\"{name}\"><failure message=\"expected {}\">{}</failure></testcase>",
                        xml(&f.expected),
                        xml(&f.to_string())
                    );
                }
                _ => {
                    let _ = writeln!(s, "    <testcase classname=\"{suite}\" name=\"{name}\"/>");
                }
            }
        }
        let _ = writeln!(s, "  </testsuite>");
    }
    s.push_str("</testsuites>\n");
    s
}
