//! `tosguard`: classify JSON lines or plain text lines with one or more policies.
#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use serde_json::{Value, json};
use std::path::Path;

use tosguard::{Policy, PolicyStack, testing};

const USAGE: &str = "\
usage: tosguard <command> [options]

commands:
  classify [--policy FILE]... [--builtin NAME]... [--statements]
      Reads JSON lines {\"id\": ..., \"text\": ...} (or plain text lines) on stdin and
      writes one JSON object per input line, in order. Without --policy or --builtin,
      uses the built-in `baseline` policy. With several policies (a host's and a
      platform's, say), each is a layer: the output adds each layer's decision and
      where they disagree. --statements adds, for content a policy removes, an EU
      DSA Article 17 statement of reasons in the Transparency Database's fields.
  explain [--policy FILE]... [--builtin NAME]... [--json] [TEXT]
      Explains the decision on TEXT (or on each line of stdin): the folded text,
      every hit, and each rule that matched, fired or was suppressed.
  test [-v] [--coverage] POLICY...
      Runs each policy's embedded examples and the test file beside it
      (`aup.toml` -> `aup.test.toml`). POLICY is a file or a built-in name. -v prints
      one line per case; --coverage lists rules and terms no example exercises.
      Exits 1 if a case fails.
  eval [--policy FILE | --builtin NAME] [--json] [--errors N] DATA.jsonl
      Scores a policy on labelled JSON lines (HateCheck-style `label`/`functionality`,
      moderation-style `labels`, or real-world posts with `label` violation|none and
      `categories`): precision, recall, F1, per functionality, label, language or
      category, and the first N wrong cases (default 20).
  train --data FILE.jsonl... --out MODEL [--exclude-source NAME]... [--report FILE]
      Trains a signal model on labelled JSON lines and prints its report
      (`tosguard train --help` for details).
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
        "classify" => {
            let statements = rest.iter().any(|a| a == "--statements");
            let rest: Vec<String> = rest
                .iter()
                .filter(|a| *a != "--statements")
                .cloned()
                .collect();
            match load_policies(&rest) {
                Ok(policies) => classify(&policies, statements),
                Err(code) => code,
            }
        }
        "explain" => explain(rest),
        "test" => test(rest),
        "eval" => eval(rest),
        "train" => train(rest),
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

fn classify(policies: &[Policy], statements: bool) -> ExitCode {
    let stack = policies
        .iter()
        .cloned()
        .fold(PolicyStack::new(), PolicyStack::layer);
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
                Ok((id, text)) => record(id, &text, &stack, statements),
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

fn record(id: Value, text: &str, stack: &PolicyStack, statements: bool) -> Value {
    let verdict = stack.classify(text);
    let mut findings = Vec::new();
    let mut decisions = Vec::new();
    for v in verdict.layers() {
        decisions.push(json!({"policy": v.policy(), "action": v.action()}));
        for f in v.findings() {
            findings.push(json!({
                "policy": v.policy(),
                "rule": f.rule(),
                "category": f.category(),
                "severity": f.severity(),
                "spans": f.evidence().iter().map(|e| [e.span().start, e.span().end]).collect::<Vec<_>>(),
                "evidence": f.evidence().iter().map(|e| e.text()).collect::<Vec<_>>(),
            }));
        }
    }
    let mut obj = json!({"id": id, "action": verdict.action(), "findings": findings});
    if statements {
        let sors: Vec<Value> = verdict
            .layers()
            .iter()
            .filter_map(|v| {
                v.statement_of_reasons().map(|sor| {
                    let mut o = json!({"policy": v.policy()});
                    if let (Value::Object(o), Ok(Value::Object(fields))) =
                        (&mut o, serde_json::to_value(&sor))
                    {
                        o.extend(fields);
                    }
                    o
                })
            })
            .collect();
        if !sors.is_empty() {
            obj["statements"] = Value::Array(sors);
        }
    }
    if verdict.layers().len() > 1 {
        obj["decisions"] = Value::Array(decisions);
        let disagreements = verdict.disagreements();
        if !disagreements.is_empty() {
            obj["disagreements"] = json!(disagreements);
        }
    }
    obj
}

fn test(args: &[String]) -> ExitCode {
    let mut verbose = false;
    let mut want_coverage = false;
    let mut targets = Vec::new();
    for a in args {
        match a.as_str() {
            "-v" | "--verbose" => verbose = true,
            "--coverage" => want_coverage = true,
            s if s.starts_with('-') => {
                eprintln!("tosguard: unknown option `{s}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
            _ => targets.push(a.clone()),
        }
    }
    if targets.is_empty() {
        eprintln!("tosguard: `test` needs at least one policy\n\n{USAGE}");
        return ExitCode::from(2);
    }
    let mut total = testing::TestReport::default();
    let mut broken = false;
    for target in &targets {
        let path = Path::new(target);
        let is_file = path.exists();
        let policy = if is_file {
            Policy::from_file(path)
        } else {
            Policy::builtin(target)
        };
        let policy = match policy {
            Ok(p) => p,
            Err(e) => {
                eprintln!("tosguard: policy `{target}` does not compile:\n{e}");
                broken = true;
                continue;
            }
        };
        let mut report = policy.check_examples();
        let mut texts = Vec::new();
        if is_file {
            let beside = testing::test_file_for(path);
            if beside.exists() {
                match testing::run_test_file(&policy, &beside) {
                    Ok(r) => report.merge(r),
                    Err(e) => {
                        eprintln!(
                            "tosguard: test file `{}` is invalid:\n{e}",
                            beside.display()
                        );
                        broken = true;
                    }
                }
                if let Ok(src) = std::fs::read_to_string(&beside) {
                    texts.push(src);
                }
            }
        }
        if verbose {
            for r in &report.results {
                println!("{}: {}", r.id, if r.passed { "PASS" } else { "FAIL" });
            }
        }
        for f in &report.failures {
            println!("{f}");
        }
        for rule in &report.without_examples {
            println!("{}: rule `{rule}` has no examples", policy.id());
        }
        if want_coverage {
            let case_texts = case_texts(&texts);
            let refs: Vec<&str> = case_texts.iter().map(String::as_str).collect();
            println!(
                "coverage of `{}`:\n{}",
                policy.id(),
                testing::coverage(&policy, &refs)
            );
        }
        total.merge(report);
    }
    println!("{} passed, {} failed", total.passed, total.failures.len());
    if broken || !total.is_ok() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
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

fn train(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("usage: {}", tosguard::signal::train::USAGE);
        return ExitCode::SUCCESS;
    }
    match tosguard::signal::train::run(args) {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(e @ tosguard::signal::train::TrainError::Usage(_)) => {
            eprintln!("tosguard train: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("tosguard train: {e}");
            ExitCode::from(1)
        }
    }
}
