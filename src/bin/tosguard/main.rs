//! `tosguard`: classify text with content policies, explain a decision, test, check,
//! format and score policies.
#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod check;
mod classify;
mod eval;
mod evasion;
mod explain;
mod fmt;
mod output;
mod policies;
mod store;
// The library's "did you mean" (one edit distance for the library and the tool).
#[allow(dead_code)]
#[path = "../../suggest.rs"]
mod suggest;
mod test;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use output::Exit;

const EXIT_CODES: &str = "\
Exit status:
  0  success
  1  classify --fail-on: some line reached the action; fmt --check: a file is not formatted
  2  usage error (unknown option or command, bad value)
  3  a policy does not compile
  4  tests failed (a case failed, a test file is invalid, or --run matched no case)
  5  input or output error (no such file, unreadable data, a line that could not be
     classified under classify --fail-on)";

/// Embeddable, deterministic content moderation: policies compiled from
/// terms-of-service rules, with evidence spans.
#[derive(Parser)]
#[command(name = "tosguard", version, after_help = EXIT_CODES, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Classify(classify::Args),
    Explain(explain::Args),
    Test(test::Args),
    Check(check::Args),
    Fmt(fmt::Args),
    Eval(eval::Args),
    Evasion(evasion::Args),
    Store(store::Args),
    /// List the built-in policies.
    #[command(after_help = EXIT_CODES)]
    Builtins,
    /// Train a signal model on labelled JSON lines (`tosguard train --help`).
    #[command(disable_help_flag = true)]
    Train {
        /// The options of `tosguard train --help`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

fn main() -> ExitCode {
    let matches = match Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return clap_exit(e),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => return clap_exit(e),
    };
    let sub = matches.subcommand().map(|(_, m)| m);
    let result = match cli.command {
        Command::Classify(args) => sub.map_or(Err(Exit::Usage), |m| classify::run(&args, m)),
        Command::Explain(args) => sub.map_or(Err(Exit::Usage), |m| explain::run(&args, m)),
        Command::Test(args) => test::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Eval(args) => sub.map_or(Err(Exit::Usage), |m| eval::run(&args, m)),
        Command::Evasion(args) => sub.map_or(Err(Exit::Usage), |m| evasion::run(&args, m)),
        Command::Store(args) => sub.map_or(Err(Exit::Usage), |m| store::run(&args, m)),
        Command::Builtins => builtins(),
        Command::Train { args } => train(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(exit) => exit.code(),
    }
}

/// Prints a clap error or help text (help and `--version` to stdout, exit 0; errors to
/// stderr, exit 2) without panicking on a closed pipe.
fn clap_exit(e: clap::Error) -> ExitCode {
    use std::io::Write;
    let text = e.render().to_string();
    if e.use_stderr() {
        let _ = write!(std::io::stderr(), "{text}");
        ExitCode::from(2)
    } else {
        let _ = write!(std::io::stdout(), "{text}");
        ExitCode::SUCCESS
    }
}

fn builtins() -> Result<(), Exit> {
    let mut out = output::Out::stdout();
    for name in tosguard::builtin_names() {
        out.line(name)?;
    }
    out.finish()
}

fn train(args: &[String]) -> Result<(), Exit> {
    use tosguard::signal::train::{self, TrainError};
    let mut out = output::Out::stdout();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        out.line(format!("usage: {}", train::USAGE))?;
        return out.finish();
    }
    match train::run(args) {
        Ok(report) => {
            out.text(report)?;
            out.finish()
        }
        Err(e @ TrainError::Usage(_)) => Err(output::usage(format!("train: {e}"))),
        Err(e) => {
            output::error(format!("train: {e}"));
            Err(Exit::Io)
        }
    }
}
