//! `tosguard store`: compile a policy once and write its stored form, which `--policy`
//! (and `Policy::from_bytes`) loads without compiling it again.

use std::path::PathBuf;

use clap::ArgMatches;

use crate::output::{Exit, Out, error, usage};
use crate::policies::PolicyArgs;

const ABOUT: &str = "\
Compile a policy and write its stored form (`Policy::to_bytes`) to a file. Every command's
--policy accepts that file as it accepts a policy's TOML, and loads it without compiling
it: only its automaton is built again. The file names the tosguard version that wrote it;
another version refuses it (store the policy again). A stack is stored layer by layer.";

/// Write a compiled policy to a file that loads without compiling.
#[derive(clap::Args, Debug)]
#[command(long_about = ABOUT, after_help = crate::EXIT_CODES)]
pub struct Args {
    #[command(flatten)]
    policies: PolicyArgs,
    /// Where to write the stored policy.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    out: PathBuf,
}

pub fn run(args: &Args, matches: &ArgMatches) -> Result<(), Exit> {
    let mut policies = args.policies.load(matches)?;
    let (Some(policy), None) = (policies.pop(), policies.pop()) else {
        return Err(usage(
            "store: give one policy (one --policy or --builtin); store a stack layer by layer",
        ));
    };
    let bytes = policy.to_bytes();
    if let Err(e) = std::fs::write(&args.out, &bytes) {
        error(format!("cannot write `{}`: {e}", args.out.display()));
        return Err(Exit::Io);
    }
    let mut out = Out::stdout();
    out.line(format!(
        "stored: policy `{}`, {} bytes, fingerprint {} -> {}",
        policy.id(),
        bytes.len(),
        policy.fingerprint(),
        args.out.display()
    ))?;
    out.finish()
}
