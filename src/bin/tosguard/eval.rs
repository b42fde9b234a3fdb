//! `tosguard eval`: score a policy on labelled JSON lines.

use std::path::{Path, PathBuf};

use tosguard::Policy;
use tosguard::eval::Case;

use clap::ArgMatches;

use crate::output::{Exit, Out, error, usage};
use crate::policies::PolicyArgs;

const ABOUT: &str = "\
Score a policy on labelled JSON lines. Three formats are read (a file may mix them):
HateCheck-style cases (`label` hateful or non-hateful, `functionality`), moderation-style
cases (`labels`: {\"H\": 0, \"V\": 1, ...}), and labelled real-world posts (`label`
violation or none, `categories` as taxonomy ids, optional `lang`). The report gives
precision, recall and F1 overall and per functionality, label, language or category,
and the first cases the policy got wrong.";

/// Score a policy on labelled data.
#[derive(clap::Args, Debug)]
#[command(long_about = ABOUT, after_help = crate::EXIT_CODES)]
pub struct Args {
    #[command(flatten)]
    policies: PolicyArgs,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Show at most N wrong cases.
    #[arg(long, value_name = "N", default_value_t = 20)]
    errors: usize,
    /// The labelled JSON-lines file.
    #[arg(value_name = "DATA")]
    data: PathBuf,
}

pub fn run(args: &Args, matches: &ArgMatches) -> Result<(), Exit> {
    let (policy, cases) = load("eval", &args.policies, &args.data, matches)?;
    let mut report = tosguard::eval::evaluate(&policy, &cases);
    report.truncate_errors(args.errors);
    let mut out = Out::stdout();
    if args.json {
        let json = serde_json::to_string(&report).map_err(|e| {
            error(format!("cannot serialise the report: {e}"));
            Exit::Io
        })?;
        out.line(json)?;
    } else {
        out.text(&report)?;
    }
    out.finish()
}

/// The one policy of `policies` and the labelled cases of `data`, for the command `cmd`.
pub fn load(
    cmd: &str,
    policies: &PolicyArgs,
    data: &Path,
    matches: &ArgMatches,
) -> Result<(Policy, Vec<Case>), Exit> {
    crate::policies::check_input_path(data)?;
    let mut policies = policies.load(matches)?;
    if policies.len() != 1 {
        return Err(usage(format!("`{cmd}` measures one policy at a time")));
    }
    let policy = policies.remove(0);
    let cases = tosguard::eval::load_cases(data).map_err(|e| {
        error(e);
        Exit::Io
    })?;
    Ok((policy, cases))
}
