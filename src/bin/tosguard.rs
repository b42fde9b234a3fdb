//! `tosguard`: classify JSON lines or plain text lines with one or more policies.
#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use serde_json::{Value, json};
use tosguard::{Action, Policy};

const USAGE: &str = "\
usage: tosguard <command> [options]

commands:
  classify [--policy FILE]... [--builtin NAME]...
      Reads JSON lines {\"id\": ..., \"text\": ...} (or plain text lines) on stdin and
      writes one JSON object per input line, in order. Without --policy or --builtin,
      uses the built-in `baseline` policy.
  explain [--policy FILE]... [--builtin NAME]... [--json] [TEXT]
      Explains the decision on TEXT (or on each line of stdin): the folded text,
      every hit, and each rule that matched, fired or was suppressed.
  check [--policy FILE]... [--builtin NAME]...
      Runs every rule's embedded examples; exits 1 if one fails.
  eval [--policy FILE | --builtin NAME] [--json] [--errors N] DATA.jsonl
      Scores a policy on labelled JSON lines (HateCheck-style `label`/`functionality`,
      or moderation-style `labels`): accuracy, precision, recall, F1, per functionality
      or per label, and the first N wrong cases (default 20).
  builtins
      Lists the built-in policies.

options:
  -h, --help    show this help
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    match cmd.as_str() {
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        "classify" => match load_policies(rest) {
            Ok(policies) => classify(&policies),
            Err(code) => code,
        },
        "explain" => explain(rest),
        "eval" => eval(rest),
        "check" => match load_policies(rest) {
            Ok(policies) => check(&policies),
            Err(code) => code,
        },
        "builtins" => {
            for name in tosguard::builtin_names() {
                println!("{name}");
            }
            ExitCode::SUCCESS
        }
        other => {
            eprintln!("tosguard: unknown command `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Parses `--policy FILE` and `--builtin NAME` options and compiles them in order.
fn load_policies(args: &[String]) -> Result<Vec<Policy>, ExitCode> {
    let mut policies = Vec::new();
    let mut failed = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        match flag {
            "--policy" | "-p" | "--builtin" | "-b" => {
                let Some(value) = inline.or_else(|| it.next().cloned()) else {
                    eprintln!("tosguard: `{flag}` needs a value");
                    return Err(ExitCode::from(2));
                };
                let result = if flag.contains('p') && !flag.contains('b') {
                    Policy::from_file(&value)
                } else {
                    Policy::builtin(&value)
                };
                match result {
                    Ok(p) => policies.push(p),
                    Err(e) => {
                        eprintln!("tosguard: policy `{value}` does not compile:\n{e}");
                        failed = true;
                    }
                }
            }
            "-h" | "--help" => {
                print!("{USAGE}");
                return Err(ExitCode::SUCCESS);
            }
            other => {
                eprintln!("tosguard: unknown option `{other}`\n\n{USAGE}");
                return Err(ExitCode::from(2));
            }
        }
    }
    if failed {
        return Err(ExitCode::from(1));
    }
    if policies.is_empty() {
        match Policy::try_baseline() {
            Ok(p) => policies.push(p),
            Err(e) => {
                eprintln!("tosguard: the built-in baseline policy does not compile:\n{e}");
                return Err(ExitCode::from(1));
            }
        }
    }
    Ok(policies)
}

/// One input line: its id (JSON lines) or line number (plain text), and its text.
fn parse_line(line: &str, lineno: usize) -> Result<(Value, String), (Value, String)> {
    let trimmed = line.trim_start();
    if !trimmed.starts_with('{') {
        return Ok((json!(lineno), line.to_string()));
    }
    let value: Value = serde_json::from_str(trimmed)
        .map_err(|e| (json!(lineno), format!("line {lineno}: invalid JSON: {e}")))?;
    let id = value.get("id").cloned().unwrap_or(json!(lineno));
    match value.get("text") {
        Some(Value::String(s)) => Ok((id, s.clone())),
        Some(_) => Err((id, format!("line {lineno}: `text` must be a string"))),
        None => Err((id, format!("line {lineno}: no `text` field"))),
    }
}

fn classify(policies: &[Policy]) -> ExitCode {
    let stdin = io::stdin();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut buf = Vec::new();
    let mut input = stdin.lock();
    let mut lineno = 0usize;
    loop {
        buf.clear();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                eprintln!("tosguard: cannot read stdin: {e}");
                return ExitCode::from(1);
            }
        }
        lineno += 1;
        while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            buf.pop();
        }
        let record = match std::str::from_utf8(&buf) {
            Err(e) => json!({"id": lineno, "error": format!("line {lineno}: not UTF-8: {e}")}),
            Ok(line) => match parse_line(line, lineno) {
                Err((id, error)) => json!({"id": id, "error": error}),
                Ok((id, text)) => record(id, &text, policies),
            },
        };
        if writeln!(out, "{record}").is_err() {
            // The reader went away (a closed pipe): stop quietly.
            return ExitCode::SUCCESS;
        }
    }
    if out.flush().is_err() {
        return ExitCode::SUCCESS;
    }
    ExitCode::SUCCESS
}

fn record(id: Value, text: &str, policies: &[Policy]) -> Value {
    let mut action = Action::None;
    let mut findings = Vec::new();
    let mut decisions = Vec::new();
    for policy in policies {
        let verdict = policy.classify(text);
        action = action.max(verdict.action());
        decisions.push(json!({"policy": policy.id(), "action": verdict.action()}));
        for f in verdict.findings() {
            findings.push(json!({
                "policy": policy.id(),
                "rule": f.rule(),
                "category": f.category(),
                "severity": f.severity(),
                "spans": f.evidence().iter().map(|e| [e.span().start, e.span().end]).collect::<Vec<_>>(),
                "evidence": f.evidence().iter().map(|e| e.text()).collect::<Vec<_>>(),
            }));
        }
    }
    let mut obj = json!({"id": id, "action": action, "findings": findings});
    if policies.len() > 1 {
        obj["decisions"] = Value::Array(decisions);
    }
    obj
}

fn check(policies: &[Policy]) -> ExitCode {
    let mut failed = false;
    for policy in policies {
        let report = policy.check_examples();
        println!("{}: {report}", policy.id());
        for rule in &report.without_examples {
            println!("{}: rule `{rule}` has no examples", policy.id());
        }
        failed |= !report.is_ok();
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn explain(args: &[String]) -> ExitCode {
    let mut opts = Vec::new();
    let mut texts = Vec::new();
    let mut as_json = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => as_json = true,
            "--policy" | "-p" | "--builtin" | "-b" => {
                opts.push(a.clone());
                if let Some(v) = it.next() {
                    opts.push(v.clone());
                }
            }
            s if s.starts_with("--policy=") || s.starts_with("--builtin=") => opts.push(a.clone()),
            s if s.starts_with('-') && s.len() > 1 => {
                eprintln!("tosguard: unknown option `{s}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
            _ => texts.push(a.clone()),
        }
    }
    let policies = match load_policies(&opts) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if texts.is_empty() {
        for line in io::stdin().lock().lines() {
            match line {
                Ok(l) => texts.push(match parse_line(&l, texts.len() + 1) {
                    Ok((_, text)) => text,
                    Err(_) => l,
                }),
                Err(e) => {
                    eprintln!("tosguard: cannot read stdin: {e}");
                    return ExitCode::from(1);
                }
            }
        }
    }
    for text in &texts {
        for policy in &policies {
            let why = policy.explain(text);
            if as_json {
                println!(
                    "{}",
                    json!({"policy": policy.id(), "text": text, "explanation": why})
                );
            } else {
                println!("== {} :: {text:?}\n{why}\n", policy.id());
            }
        }
    }
    ExitCode::SUCCESS
}

fn eval(args: &[String]) -> ExitCode {
    let mut opts = Vec::new();
    let mut data = None;
    let mut as_json = false;
    let mut max_errors = 20usize;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => as_json = true,
            "--errors" => match it.next().map(|n| n.parse::<usize>()) {
                Some(Ok(n)) => max_errors = n,
                _ => {
                    eprintln!("tosguard: `--errors` needs a number");
                    return ExitCode::from(2);
                }
            },
            "--policy" | "-p" | "--builtin" | "-b" => {
                opts.push(a.clone());
                if let Some(v) = it.next() {
                    opts.push(v.clone());
                }
            }
            s if s.starts_with("--policy=") || s.starts_with("--builtin=") => opts.push(a.clone()),
            s if s.starts_with("--errors=") => match s["--errors=".len()..].parse::<usize>() {
                Ok(n) => max_errors = n,
                Err(_) => {
                    eprintln!("tosguard: `--errors` needs a number");
                    return ExitCode::from(2);
                }
            },
            s if s.starts_with('-') && s.len() > 1 => {
                eprintln!("tosguard: unknown option `{s}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
            _ if data.is_none() => data = Some(a.clone()),
            _ => {
                eprintln!("tosguard: `eval` takes one data file\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(data) = data else {
        eprintln!("tosguard: `eval` needs a data file\n\n{USAGE}");
        return ExitCode::from(2);
    };
    let policies = match load_policies(&opts) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let [policy] = policies.as_slice() else {
        eprintln!("tosguard: `eval` scores one policy at a time");
        return ExitCode::from(2);
    };
    let cases = match tosguard::eval::load_cases(std::path::Path::new(&data)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("tosguard: {e}");
            return ExitCode::from(1);
        }
    };
    let mut report = tosguard::eval::evaluate(policy, &cases);
    report.truncate_errors(max_errors);
    if as_json {
        match serde_json::to_string(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("tosguard: cannot serialise the report: {e}");
                return ExitCode::from(1);
            }
        }
    } else {
        print!("{report}");
    }
    ExitCode::SUCCESS
}
