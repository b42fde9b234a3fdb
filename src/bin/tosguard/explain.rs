//! `tosguard explain`: why a text gets its decision, and why a rule did not fire.

use std::io::Read;

use clap::ArgMatches;
use serde_json::json;
use tosguard::{Explanation, Policy};

use crate::output::{Exit, Out, error, usage};
use crate::policies::PolicyArgs;
use crate::suggest::did_you_mean;

const ABOUT: &str = "\
Explain the decision on one text: the folded text, every hit, and each rule that
matched, fired or was suppressed.

The text is every remaining word of the command line, joined by spaces
(`tosguard explain I will kill you` explains \"I will kill you\"), or, without words,
all of standard input as one text. With --rule ID, says why that rule fired or did
not: which parts of its condition were found in the text, and which context
suppressed a match.";

/// Explain the decision on one text.
#[derive(clap::Args, Debug)]
#[command(long_about = ABOUT, after_help = crate::EXIT_CODES)]
pub struct Args {
    #[command(flatten)]
    policies: PolicyArgs,
    /// Print JSON (one object per policy) instead of text.
    #[arg(long)]
    json: bool,
    /// Explain why the rule ID fired or did not.
    #[arg(long, value_name = "ID")]
    rule: Option<String>,
    /// The text (all remaining words, joined by spaces; default: standard input).
    #[arg(
        value_name = "TEXT",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    text: Vec<String>,
}

pub fn run(args: &Args, matches: &ArgMatches) -> Result<(), Exit> {
    let policies = args.policies.load(matches)?;
    if let Some(rule) = &args.rule {
        check_rule_exists(&policies, rule)?;
    }
    let text = if args.text.is_empty() {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| {
            error(format!("cannot read standard input: {e}"));
            Exit::Io
        })?;
        if s.ends_with('\n') {
            s.pop();
            if s.ends_with('\r') {
                s.pop();
            }
        }
        s
    } else {
        args.text.join(" ")
    };
    let mut out = Out::stdout();
    for policy in &policies {
        let why = policy.explain(&text);
        match (&args.rule, args.json) {
            (None, true) => {
                out.line(json!({"policy": policy.id(), "text": text, "explanation": why}))?
            }
            (None, false) => out.line(format!("== {} :: {text:?}\n{why}\n", policy.id()))?,
            (Some(rule), json) => {
                if policy.rules().all(|r| r.id() != rule) {
                    continue;
                }
                let report = why_rule(policy, rule, &why);
                if json {
                    out.line(json!({"policy": policy.id(), "text": text, "rule": report}))?;
                } else {
                    out.line(format!("== {} :: {text:?}\n{report}", policy.id()))?;
                }
            }
        }
    }
    out.finish()
}

fn check_rule_exists(policies: &[Policy], rule: &str) -> Result<(), Exit> {
    if policies.iter().any(|p| p.rules().any(|r| r.id() == rule)) {
        return Ok(());
    }
    let ids: Vec<&str> = policies
        .iter()
        .flat_map(|p| p.rules().map(|r| r.id()))
        .collect();
    let hint = match did_you_mean(rule, ids.iter().copied()) {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => String::new(),
    };
    Err(usage(format!("no rule `{rule}` in the policy{hint}")))
}

/// Why one rule fired or did not.
#[derive(serde::Serialize)]
struct RuleReport {
    rule: String,
    category: String,
    when: String,
    /// `fired`, `suppressed` or `not matched`.
    outcome: &'static str,
    /// The lexicons and phrases the condition names, each with the words found.
    parts: Vec<Part>,
    /// Each match and what became of it.
    matches: Vec<tosguard::ExplainedMatch>,
}

#[derive(serde::Serialize)]
struct Part {
    name: String,
    found: Vec<String>,
}

fn why_rule(policy: &Policy, rule: &str, why: &Explanation) -> RuleReport {
    let info = policy.rules().find(|r| r.id() == rule);
    let when = info.map(|r| r.when().to_string()).unwrap_or_default();
    let explained = why.rules.iter().find(|r| r.rule == rule);
    let outcome = match explained {
        Some(r) if r.fired => "fired",
        Some(_) => "suppressed",
        None => "not matched",
    };
    let parts = condition_parts(&when)
        .into_iter()
        .map(|name| {
            let unquoted = name.trim_matches(['"', '\'']);
            let found = why
                .hits
                .iter()
                .filter(|h| h.lexicon.trim_matches('"') == unquoted)
                .map(|h| h.text.clone())
                .collect();
            Part { name, found }
        })
        .collect();
    RuleReport {
        rule: rule.to_string(),
        category: info.map(|r| r.category().to_string()).unwrap_or_default(),
        when,
        outcome,
        parts,
        matches: explained.map(|r| r.matches.clone()).unwrap_or_default(),
    }
}

impl std::fmt::Display for RuleReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "rule {} ({}): {}",
            self.rule, self.category, self.outcome
        )?;
        writeln!(f, "  when: {}", self.when)?;
        for p in &self.parts {
            if p.found.is_empty() {
                writeln!(f, "  {}: not found in the text", p.name)?;
            } else {
                writeln!(f, "  {}: found {:?}", p.name, p.found)?;
            }
        }
        for m in &self.matches {
            writeln!(f, "  match {:?}: {}", m.evidence, m.outcome)?;
        }
        match self.outcome {
            "not matched" if self.parts.iter().all(|p| !p.found.is_empty()) => writeln!(
                f,
                "  every part was found, but not in the order, distance or scope the condition asks for"
            ),
            "not matched" => writeln!(
                f,
                "  no alternative of the condition matched: a part it needs is not found, or the found ones are not in the order, distance or scope it asks for"
            ),
            _ => Ok(()),
        }
    }
}

/// The lexicon names and quoted phrases a condition refers to, in order, once each.
fn condition_parts(when: &str) -> Vec<String> {
    const OPERATORS: [&str; 5] = ["and", "or", "not", "before", "near"];
    let mut parts: Vec<String> = Vec::new();
    let mut chars = when.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let part = if c == '"' || c == '\'' {
            let mut s = String::from(c);
            let mut escaped = false;
            for (_, d) in chars.by_ref() {
                s.push(d);
                if escaped {
                    escaped = false;
                } else if d == '\\' {
                    escaped = true;
                } else if d == c {
                    break;
                }
            }
            Some(s)
        } else if c.is_alphabetic() || c == '_' || c == '@' {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphanumeric() || matches!(d, '_' | '.' | '-') {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let word = &when[i..end];
            (!OPERATORS.contains(&word)).then(|| word.to_string())
        } else {
            None
        };
        if let Some(p) = part {
            if !parts.contains(&p) {
                parts.push(p);
            }
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_of_a_condition() {
        assert_eq!(
            condition_parts(r#"en_intent before(3) (en_harm or "put down") and not near(2) @joke"#),
            vec!["en_intent", "en_harm", "\"put down\"", "@joke"]
        );
    }
}
