//! `tosguard evasion`: how much of what a policy catches survives disguise.

use std::path::PathBuf;

use clap::ArgMatches;
use tosguard::disguise::{Counts, Sample, guess_language, measure};
use tosguard::eval::{Gold, counts_for, moderation_labels};

use crate::output::{Exit, Out};
use crate::policies::PolicyArgs;

const ABOUT: &str = "\
Measure how well a policy resists evasion on labelled JSON lines (the formats of `eval`).
Every kind of disguise (letters spaced out, elongated, leetspeak, masked, punctuated,
homoglyphs, accents, mixed case, invisible characters on every word of four letters or
more; a letter swapped, deleted or added, a space added or deleted on one evidence word
at a time) is applied to the violating texts the policy catches undisguised and to the
benign texts it leaves alone. The table gives, per kind and language, how many catches
are kept (with the same categories) and how many benign texts become flagged.";

/// Measure a policy's resistance to disguised text.
#[derive(clap::Args, Debug)]
#[command(long_about = ABOUT, after_help = crate::EXIT_CODES)]
pub struct Args {
    #[command(flatten)]
    policies: PolicyArgs,
    /// Show the first N lost catches and new flags of each kind.
    #[arg(long, value_name = "N", default_value_t = 0)]
    examples: usize,
    /// The labelled JSON-lines file.
    #[arg(value_name = "DATA")]
    data: PathBuf,
}

pub fn run(args: &Args, matches: &ArgMatches) -> Result<(), Exit> {
    let (policy, cases) = crate::eval::load("evasion", &args.policies, &args.data, matches)?;
    let samples: Vec<Sample> = cases.into_iter().map(sample).collect();
    let report = measure(&policy, &samples, args.examples);
    let mut out = Out::stdout();
    out.text(&report)?;
    out.finish()
}

/// A labelled case as a sample: which findings count follows the scoring of `eval`.
fn sample(case: tosguard::eval::Case) -> Sample {
    let guessed = guess_language(&case.text).to_string();
    let (violating, lang, counts): (bool, String, Counts) = match case.gold {
        Gold::HateCheck { hateful, .. } => {
            (hateful, guessed, Box::new(|c: &str| c.starts_with("hate.")))
        }
        Gold::Moderation { labels } => {
            let positive = labels.values().any(|&v| v);
            let counts = move |c: &str| {
                moderation_labels(c)
                    .iter()
                    .any(|l| labels.get(*l).is_some_and(|&v| v || !positive))
            };
            (positive, guessed, Box::new(counts))
        }
        Gold::Labelled {
            violation,
            categories,
            lang,
        } => {
            let counts = move |c: &str| {
                !violation || categories.is_empty() || categories.iter().any(|l| counts_for(l, c))
            };
            (violation, lang.unwrap_or(guessed), Box::new(counts))
        }
    };
    Sample {
        text: case.text,
        lang,
        violating,
        counts,
    }
}
