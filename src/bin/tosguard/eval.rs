//! `tosguard eval`: score a policy on labelled JSON lines.

use std::path::PathBuf;

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
    crate::policies::check_input_path(&args.data)?;
    let policies = args.policies.load(matches)?;
    let [policy] = policies.as_slice() else {
        return Err(usage("`eval` scores one policy at a time"));
    };
    let cases = tosguard::eval::load_cases(&args.data).map_err(|e| {
        error(e);
        Exit::Io
    })?;
    let mut report = tosguard::eval::evaluate(policy, &cases);
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
