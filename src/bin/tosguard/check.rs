//! `tosguard check`: compile policies and report what is probably a mistake, without
//! running their tests.

use std::path::PathBuf;

use tosguard::{Action, Policy};

use crate::output::{Exit, Out, warning};
use crate::policies::{Source, load_one};

const ABOUT: &str = "\
Compile policy files and report every problem, without running tests. Prints one line
per policy (id, version, rules, fingerprint) and warnings for what compiles but is
probably a mistake: a rule without examples, a category that removes content but names
no `dsa_category` (so `classify --statements` can give no statement of reasons), an
empty lexicon, a rule that can never fire, a term shadowed by another.";

/// Compile and lint policies.
#[derive(clap::Args, Debug)]
#[command(long_about = ABOUT, after_help = crate::EXIT_CODES)]
pub struct Args {
    /// Policy files.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// Treat warnings as errors (exit status 3).
    #[arg(long)]
    strict: bool,
}

pub fn run(args: &Args) -> Result<(), Exit> {
    let mut worst: Option<Exit> = None;
    let mut warned = false;
    let mut out = Out::stdout();
    for file in &args.files {
        let policy = match load_one(&Source::File(file.clone())) {
            Ok(p) => p,
            Err(e) => {
                worst = worst.max(Some(e));
                continue;
            }
        };
        let warnings = lint(&policy);
        for w in &warnings {
            if w.starts_with(&file.display().to_string()) {
                warning(w);
            } else {
                warning(format!("{}: {w}", file.display()));
            }
        }
        warned |= !warnings.is_empty();
        out.line(format!(
            "ok: {}: policy `{}`{}, {} rules, {} categories, fingerprint {}{}",
            file.display(),
            policy.id(),
            if policy.version().is_empty() {
                String::new()
            } else {
                format!(" version {}", policy.version())
            },
            policy.rules().count(),
            policy.categories().count(),
            policy.fingerprint(),
            match warnings.len() {
                0 => String::new(),
                1 => ", 1 warning".to_string(),
                n => format!(", {n} warnings"),
            }
        ))?;
    }
    out.finish()?;
    match worst {
        Some(e) => Err(e),
        None if warned && args.strict => Err(Exit::Policy),
        None => Ok(()),
    }
}

/// What compiles but is probably a mistake: the policy's own warnings (with file, line
/// and column), then its rules without examples.
fn lint(policy: &Policy) -> Vec<String> {
    let mut warnings: Vec<String> = policy.warnings().iter().map(|w| w.to_string()).collect();
    for rule in policy.rules().filter(|r| r.policy() == policy.id()) {
        if rule.violating_examples().next().is_none() && rule.allowed_examples().next().is_none() {
            warnings.push(format!("rule `{}` has no examples", rule.id()));
        }
    }
    warnings
}

/// The categories that rules use (only the policy's own rules, with `own_only`), that
/// remove content and name no `dsa_category`.
pub fn removals_without_statement(policy: &Policy, own_only: bool) -> Vec<&str> {
    let used: std::collections::BTreeSet<&str> = policy
        .rules()
        .filter(|r| !own_only || r.policy() == policy.id())
        .map(|r| r.category())
        .collect();
    policy
        .categories()
        .filter(|c| {
            used.contains(c.id()) && c.action() == Action::Remove && c.dsa_category().is_none()
        })
        .map(|c| c.id())
        .collect()
}
