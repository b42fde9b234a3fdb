//! The `tosguard` command line, end to end. No test depends on timing: streaming is
//! checked by reading each answer before writing the next line.
#![cfg(feature = "cli")]

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tosguard"))
}

fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The tool may exit before reading its input (a bad policy): a closed pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A fresh directory for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tosguard-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const AUP: &str = "[policy]\nid = \"aup\"\nversion = \"3\"\nextends = [\"taxonomy\"]\n\
[lexicons.darn]\nterms = [\"darn\", \"heck\"]\n\
[[rules]]\nid = \"r\"\ncategory = \"profanity\"\nwhen = 'darn'\n\
examples.violating = [\"darn it\", { text = \"oh heck\", evidence = [\"heck\"] }]\nexamples.allowed = [\"fine\"]\n";

const AUP_TESTS: &str = "[[case]]\nname = \"mild\"\ntext = \"darn\"\npresent = [\"profanity\"]\nabsent = [\"hate.*\"]\n\
[[case]]\ntext = \"all good\"\nabsent = [\"profanity\"]\n";

#[test]
fn classify_french_threat_with_the_default_policy() {
    let input = "{\"id\":1,\"text\":\"Je vais te tuer\"}\n";
    let (code, out, _) = run(&["classify"], input);
    assert_eq!(code, 0);
    let v = &lines(&out)[0];
    assert_eq!(v["id"], 1);
    assert_eq!(v["line"], 1);
    assert_eq!(v["action"], "remove");
    let p = &v["policies"][0];
    assert_eq!(p["id"], "baseline");
    assert!(!p["version"].as_str().unwrap().is_empty());
    assert!(p["fingerprint"].as_str().unwrap().len() > 8, "{p}");
    let f = &v["findings"][0];
    assert_eq!(f["category"], "violence.threat");
    assert_eq!(f["policy"], "baseline.fr");
    assert!(f["tos_ref"].as_str().unwrap().contains("hreat"), "{f}");
    let text = "Je vais te tuer";
    let spans: Vec<(usize, usize)> = f["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s[0].as_u64().unwrap() as usize,
                s[1].as_u64().unwrap() as usize,
            )
        })
        .collect();
    assert!(
        spans.iter().any(|&(a, b)| &text[a..b] == "tuer"),
        "{spans:?}"
    );
    assert!(f["evidence"].as_array().unwrap().contains(&"tuer".into()));
}

#[test]
fn every_line_is_classified_or_answered_in_order() {
    let input = concat!(
        "{\"id\":\"a\",\"text\":\"I will kill you\"}\n",
        "plain text line\n",
        "{sarcasm} I will kill you\n",
        "{\"id\":7}\n",
        "{\"id\":8,\"text\":42}\n",
        "\n",
        "{\"text\":\"no id\"}\n",
        "\u{feff}{\"id\":\"bom\",\"text\":\"je vais te tuer\"}\r\n",
        "[1, 2]\n",
        "last line without a newline",
    );
    let (code, out, _) = run(&["classify"], input);
    assert_eq!(code, 0);
    let v = lines(&out);
    assert_eq!(v.len(), 10);
    for (i, o) in v.iter().enumerate() {
        assert_eq!(o["line"], i + 1, "{o}");
    }
    assert_eq!(v[0]["id"], "a");
    assert_eq!(v[0]["action"], "remove");
    // Plain lines get no invented id.
    assert!(v[1].get("id").is_none(), "{}", v[1]);
    assert_eq!(v[1]["action"], "none");
    // A line that is not a JSON object is classified whole.
    assert_eq!(v[2]["action"], "remove", "{}", v[2]);
    assert_eq!(v[2]["findings"][0]["spans"][0][0], 10);
    assert_eq!(v[3]["id"], 7);
    assert_eq!(v[3]["error"], "line 4: no `text` field");
    assert_eq!(v[4]["id"], 8);
    assert_eq!(v[4]["error"], "line 5: `text` must be a string");
    assert!(v[5].get("id").is_none());
    assert_eq!(v[5]["findings"].as_array().unwrap().len(), 0);
    assert!(v[6].get("id").is_none());
    // The byte order mark is stripped: the id is kept and the spans index the text.
    assert_eq!(v[7]["id"], "bom");
    assert_eq!(v[7]["action"], "remove");
    assert!(
        v[7]["findings"][0]["evidence"]
            .as_array()
            .unwrap()
            .contains(&"tuer".into())
    );
    assert!(v[8]["error"].is_null());
    assert!(v[9]["error"].is_null());
}

#[test]
fn a_line_over_the_limit_gets_an_error_with_its_id_and_the_next_is_classified() {
    let long = format!("{{\"id\":\"long\",\"text\":\"{}\"}}\n", "a ".repeat(500));
    let input = format!("{long}I will kill you\n");
    let (code, out, _) = run(&["classify", "--max-line-bytes", "100"], &input);
    assert_eq!(code, 0);
    let v = lines(&out);
    assert_eq!(v.len(), 2);
    assert_eq!(v[0]["id"], "long");
    assert!(
        v[0]["error"]
            .as_str()
            .unwrap()
            .contains("longer than 100 bytes")
    );
    assert_eq!(v[1]["line"], 2);
    assert_eq!(v[1]["action"], "remove");
}

#[test]
fn object_keys_in_documented_order() {
    let (_, out, _) = run(&["classify"], "{\"id\":1,\"text\":\"I will kill you\"}\n");
    let line = out.lines().next().unwrap();
    let keys = [
        "\"id\"",
        "\"line\"",
        "\"action\"",
        "\"policies\"",
        "\"findings\"",
    ];
    let pos: Vec<usize> = keys.iter().map(|k| line.find(k).unwrap()).collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{line}");
    let finding = &line[line.find("\"findings\"").unwrap()..];
    let keys = [
        "\"policy\"",
        "\"rule\"",
        "\"category\"",
        "\"severity\"",
        "\"tos_ref\"",
        "\"spans\"",
        "\"evidence\"",
    ];
    let pos: Vec<usize> = keys.iter().map(|k| finding.find(k).unwrap()).collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{line}");
}

#[test]
fn each_answer_is_flushed_before_the_next_line_is_read() {
    let mut child = bin()
        .args(["classify"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    // The reader hands lines over as they come; the test waits for each before writing
    // the next, so a block-buffered output would never arrive.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let wait = std::time::Duration::from_secs(300);
    for (i, text) in ["I will kill you", "hello there", "je vais te tuer"]
        .iter()
        .enumerate()
    {
        writeln!(stdin, "{text}").unwrap();
        stdin.flush().unwrap();
        let got = rx
            .recv_timeout(wait)
            .unwrap_or_else(|_| panic!("no answer to line {} while the input is open", i + 1));
        let v: serde_json::Value = serde_json::from_str(&got).unwrap();
        assert_eq!(v["line"], i + 1);
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn jobs_keep_the_input_order() {
    let texts = [
        "I will kill you",
        "hello",
        "je vais te tuer",
        "{\"id\":9}",
        "nice weather",
        "you idiot",
    ];
    let input: String = (0..60)
        .map(|i| format!("{}\n", texts[i % texts.len()]))
        .collect();
    let (c1, one, _) = run(&["classify", "--jobs", "1"], &input);
    let (c4, four, _) = run(&["classify", "--jobs", "4"], &input);
    assert_eq!((c1, c4), (0, 0));
    assert_eq!(one.lines().count(), 60);
    assert_eq!(one, four);
}

#[test]
fn fail_on_sets_the_exit_status() {
    let (code, out, err) = run(
        &["classify", "--fail-on", "remove"],
        "I will kill you\nhello\n",
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(out.lines().count(), 2);
    assert!(err.contains("reached `remove`"), "{err}");
    let (code, _, _) = run(&["classify", "--fail-on", "flag"], "hello\nnice day\n");
    assert_eq!(code, 0);
    let (code, _, err) = run(&["classify", "--fail-on", "remove"], "{\"id\":1}\nhello\n");
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("1 line could not be classified"), "{err}");
    let (code, _, err) = run(&["classify", "--fail-on", "remov"], "");
    assert_eq!(code, 2);
    assert!(err.contains("remove"), "{err}");
}

#[test]
fn text_format_marks_the_evidence_and_redact_masks_it() {
    let (code, out, _) = run(
        &["classify", "--format", "text"],
        "Je vais te tuer\nbonjour\n",
    );
    assert_eq!(code, 0);
    assert!(out.starts_with("line 1: remove\n"), "{out}");
    assert!(
        out.contains("violence.threat (critical): rule fr.threat.direct of baseline"),
        "{out}"
    );
    assert!(out.contains("[[Je vais]] [[te]] [[tuer]]"), "{out}");
    assert!(out.contains("\nline 2: none"), "{out}");

    let (code, out, _) = run(
        &["classify", "--redact"],
        "{\"id\":1,\"text\":\"Je vais te tuer, toi.\"}\n",
    );
    assert_eq!(code, 0);
    // Every evidence span is masked, character for character (the space inside the
    // evidence "Je vais" too); the rest is kept.
    assert_eq!(lines(&out)[0]["redacted"], "******* ** ****, ***.");
    let (_, out, _) = run(&["classify", "--redact=#"], "I will kill you\n");
    assert_eq!(lines(&out)[0]["redacted"], "###### #### ###");
}

#[test]
fn bad_policy_exits_3_with_a_clear_message() {
    let dir = temp_dir("bad");
    let path = dir.join("bad.toml");
    std::fs::write(
        &path,
        "[policy]\nid = \"bad\"\n[[rules]]\nid = \"r\"\ncategory = \"nope\"\nwhen = \"x\"\n",
    )
    .unwrap();
    let (code, out, err) = run(&["classify", "--policy", path.to_str().unwrap()], "hello\n");
    assert_eq!(code, 3);
    assert!(out.is_empty());
    assert!(err.contains("does not compile"), "{err}");
    assert!(
        err.contains("bad.toml:5:12: rules[r].category: unknown category `nope`"),
        "{err}"
    );
    assert!(err.contains("unknown lexicon `x`"), "{err}");
    let (code, _, err) = run(&["check", path.to_str().unwrap()], "");
    assert_eq!(code, 3);
    assert!(err.contains("unknown category `nope`"), "{err}");
    let (code, _, err) = run(
        &["classify", "-p", dir.join("nope.toml").to_str().unwrap()],
        "",
    );
    assert_eq!(code, 5);
    assert!(err.contains("no such file"), "{err}");
    let (code, _, err) = run(&["classify", "-p", dir.to_str().unwrap()], "");
    assert_eq!(code, 2);
    assert!(err.contains("is a directory"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn usage_errors_exit_2_with_a_suggestion() {
    let (code, _, err) = run(&["classify", "--builtin", "baselin"], "");
    assert_eq!(code, 2);
    assert!(err.contains("baseline"), "{err}");
    let (code, _, err) = run(&["classify", "--formt", "text"], "");
    assert_eq!(code, 2);
    assert!(err.contains("unexpected argument '--formt'"), "{err}");
    assert!(err.contains("'--format'"), "{err}");
    assert!(err.lines().count() < 10, "{err}");
    let (code, _, err) = run(&["clasify"], "");
    assert_eq!(code, 2);
    assert!(err.contains("'classify'"), "{err}");
    let (code, _, _) = run(&[], "");
    assert_eq!(code, 2);
}

#[test]
fn version_and_help_for_every_command() {
    let (code, out, _) = run(&["--version"], "");
    assert_eq!(code, 0);
    assert_eq!(
        out.trim(),
        format!("tosguard {}", env!("CARGO_PKG_VERSION"))
    );
    let (code, out, _) = run(&["--help"], "");
    assert_eq!(code, 0);
    assert!(out.contains("Exit status:"), "{out}");
    for sub in [
        "classify", "explain", "test", "check", "fmt", "eval", "builtins",
    ] {
        let (code, out, err) = run(&[sub, "--help"], "");
        assert_eq!(code, 0, "{sub}: {err}");
        assert!(
            out.contains(&format!("Usage: tosguard {sub}")),
            "{sub}: {out}"
        );
        assert!(out.contains("3  a policy does not compile"), "{sub}: {out}");
        let (code, short, _) = run(&["help", sub], "");
        assert_eq!(code, 0);
        assert!(short.contains(&format!("Usage: tosguard {sub}")), "{sub}");
    }
}

#[test]
fn two_policies_give_a_decision_each() {
    let (code, out, _) = run(
        &["classify", "--builtin", "baseline", "--builtin", "taxonomy"],
        "I will kill you\n",
    );
    assert_eq!(code, 0);
    let v = &lines(&out)[0];
    assert_eq!(v["policies"][0]["id"], "baseline");
    assert_eq!(v["policies"][0]["action"], "remove");
    assert_eq!(v["policies"][1]["id"], "taxonomy");
    assert_eq!(v["policies"][1]["action"], "none");
    assert_eq!(v["disagreements"][0]["removed_by"], "baseline");
}

#[test]
fn explain_takes_the_words_as_one_text() {
    let (code, out, _) = run(&["explain", "I", "will", "never", "kill", "you"], "");
    assert_eq!(code, 0);
    assert_eq!(out.matches("== baseline").count(), 1, "{out}");
    assert!(out.contains("\"I will never kill you\""), "{out}");
    assert!(out.contains("suppressed by negated"), "{out}");
    // Standard input is one text too, never split into lines.
    let (code, out, _) = run(&["explain", "--json"], "I will\nkill you\n");
    assert_eq!(code, 0);
    let v = lines(&out);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["text"], "I will\nkill you");
}

#[test]
fn explain_rule_says_why_it_did_not_fire() {
    let (code, out, _) = run(
        &["explain", "--rule", "en.threat.direct", "I will hug you"],
        "",
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("rule en.threat.direct (violence.threat): not matched"),
        "{out}"
    );
    assert!(
        out.contains("en_harm_verbs: not found in the text"),
        "{out}"
    );
    assert!(out.contains("en_intent: found [\"I will\"]"), "{out}");
    let (_, out, _) = run(
        &[
            "explain",
            "--rule",
            "en.threat.direct",
            "I will never kill you",
        ],
        "",
    );
    assert!(out.contains(": suppressed"), "{out}");
    assert!(out.contains("suppressed by negated"), "{out}");
    let (code, _, err) = run(&["explain", "--rule", "en.threat.direkt", "hi"], "");
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `en.threat.direct`"), "{err}");
}

#[test]
fn a_closed_pipe_is_not_a_panic() {
    for args in [
        &["explain", "I will kill you"][..],
        &["builtins"][..],
        &["classify"][..],
    ] {
        let mut child = bin()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the tool writes anything.
        drop(child.stdout.take());
        let mut stdin = child.stdin.take().unwrap();
        let _ = stdin.write_all("I will kill you\n".repeat(2000).as_bytes());
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    }
}

#[test]
fn test_command_runs_examples_and_the_test_file_beside_the_policy() {
    let dir = temp_dir("test");
    let policy = dir.join("aup.toml");
    std::fs::write(&policy, AUP).unwrap();
    std::fs::write(dir.join("aup.test.toml"), AUP_TESTS).unwrap();
    let (code, out, err) = run(&["test", "-v", "--coverage", policy.to_str().unwrap()], "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("aup/r/violating[1]: PASS"), "{out}");
    assert!(out.contains("aup/r/allowed[0]: PASS"), "{out}");
    assert!(out.contains("aup.test/mild: PASS"), "{out}");
    assert!(out.contains("aup.test/case[1]: PASS"), "{out}");
    assert!(
        out.contains("terms matched by some example: 2 of 2"),
        "{out}"
    );
    assert!(out.trim_end().ends_with("5 passed, 0 failed"), "{out}");

    // The test file given instead of the policy: tested with its policy.
    let (code, out, err) = run(&["test", dir.join("aup.test.toml").to_str().unwrap()], "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("is a test file"), "{err}");
    assert!(out.trim_end().ends_with("5 passed, 0 failed"), "{out}");

    // --run keeps the cases whose id contains the pattern.
    let (code, out, _) = run(
        &["test", "--run", "aup.test/", policy.to_str().unwrap()],
        "",
    );
    assert_eq!(code, 0);
    assert!(out.trim_end().ends_with("2 passed, 0 failed"), "{out}");
    let (code, out, _) = run(
        &[
            "test",
            "--run",
            "nothing-like-this",
            policy.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code, 4);
    assert!(out.contains("no case matches"), "{out}");

    // A failing example: exit 4, a readable diff, a summary that says so.
    std::fs::write(
        &policy,
        AUP.replace(
            "examples.allowed = [\"fine\"]",
            "examples.allowed = [\"darn fine\"]",
        ),
    )
    .unwrap();
    let (code, out, _) = run(&["test", policy.to_str().unwrap()], "");
    assert_eq!(code, 4, "{out}");
    assert!(
        out.contains(
            "FAIL aup/r/allowed[0]\n  text:     \"darn fine\"\n  expected: `r` does not fire\n  got:      r (profanity) on [\"darn\"]"
        ),
        "{out}"
    );
    assert!(out.trim_end().ends_with("4 passed, 1 failed"), "{out}");

    // JSON and JUnit.
    let (code, out, _) = run(&["test", "--format", "json", policy.to_str().unwrap()], "");
    assert_eq!(code, 4);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        (v["passed"].as_u64(), v["failed"].as_u64()),
        (Some(4), Some(1))
    );
    let cases = v["policies"][0]["cases"].as_array().unwrap();
    let failed: Vec<&serde_json::Value> = cases.iter().filter(|c| c["passed"] == false).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["failure"]["text"], "darn fine");
    let (code, out, _) = run(&["test", "--format", "junit", policy.to_str().unwrap()], "");
    assert_eq!(code, 4);
    assert!(out.starts_with("<?xml"), "{out}");
    assert!(
        out.contains("<testsuite name=\"aup\" tests=\"5\" failures=\"1\" errors=\"0\">"),
        "{out}"
    );
    assert!(
        out.contains("<failure message=\"expected `r` does not fire\">"),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn test_discovers_policies_in_a_directory_and_reports_broken_ones() {
    let dir = temp_dir("discover");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("aup.toml"), AUP).unwrap();
    std::fs::write(dir.join("aup.test.toml"), AUP_TESTS).unwrap();
    std::fs::write(
        dir.join("sub/other.toml"),
        AUP.replace("\"aup\"", "\"other\""),
    )
    .unwrap();
    let (code, out, err) = run(&["test", dir.to_str().unwrap()], "");
    assert_eq!(code, 0, "{out}{err}");
    // 5 for aup (3 examples, 2 cases), 3 for other.
    assert!(out.trim_end().ends_with("8 passed, 0 failed"), "{out}");

    // An invalid test file: exit 4, and the summary says why.
    std::fs::write(
        dir.join("aup.test.toml"),
        "[[case]]\ntext = \"x\"\npresnt = [\"profanity\"]\n",
    )
    .unwrap();
    let (code, out, err) = run(&["test", dir.to_str().unwrap()], "");
    assert_eq!(code, 4, "{out}{err}");
    assert!(
        out.trim_end()
            .ends_with("6 passed, 0 failed, 1 test file is invalid"),
        "{out}"
    );
    assert!(err.contains("aup.test.toml"), "{err}");

    // A policy that does not compile: exit 3, and the summary says so.
    std::fs::write(
        dir.join("sub/other.toml"),
        "[policy]\nid = \"other\"\n[[rules]]\nid = \"r\"\ncategory = \"nope\"\nwhen = \"x\"\n",
    )
    .unwrap();
    let (code, out, err) = run(&["test", dir.to_str().unwrap()], "");
    assert_eq!(code, 3, "{out}{err}");
    assert!(out.contains("1 policy does not compile"), "{out}");
    assert!(err.contains("unknown category `nope`"), "{err}");

    let (code, _, err) = run(&["test", dir.join("missing.toml").to_str().unwrap()], "");
    assert_eq!(code, 5);
    assert!(err.contains("no such file"), "{err}");
    let (code, _, err) = run(&["test", "baselin"], "");
    assert_eq!(code, 5);
    assert!(err.contains("did you mean `baseline`"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn test_a_builtin_runs_the_test_files_beside_its_packs() {
    let (code, out, err) = run(&["test", "--run", "baseline/fr.test/", "baseline.fr"], "");
    assert_eq!(code, 0, "{out}{err}");
    let summary = out.lines().last().unwrap();
    let passed: usize = summary.split(' ').next().unwrap().parse().unwrap();
    let cases = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/policies/baseline/fr.test.toml"
    ))
    .unwrap()
    .matches("[[case]]")
    .count();
    assert_eq!(passed, cases, "{summary}");
}

#[test]
fn check_reports_warnings_and_strict_fails_on_them() {
    let dir = temp_dir("check");
    let path = dir.join("aup.toml");
    std::fs::write(
        &path,
        format!(
            "{AUP}\n[categories.\"aup.custom\"]\nseverity = \"high\"\naction = \"remove\"\n\
             [[rules]]\nid = \"bare\"\ncategory = \"aup.custom\"\nwhen = '\"boom\"'\n"
        ),
    )
    .unwrap();
    let (code, out, err) = run(&["check", path.to_str().unwrap()], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ok: "), "{out}");
    assert!(out.contains("policy `aup` version 3, "), "{out}");
    assert!(err.contains("rule `bare` has no examples"), "{err}");
    assert!(
        err.contains("category `aup.custom` removes content but names no `dsa_category`"),
        "{err}"
    );
    let (code, out, err) = run(
        &["classify", "--statements", "-p", path.to_str().unwrap()],
        "boom\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("aup.custom remove content but name no `dsa_category`"),
        "{err}"
    );
    assert_eq!(lines(&out)[0]["action"], "remove");
    let (code, _, _) = run(&["check", "--strict", path.to_str().unwrap()], "");
    assert_eq!(code, 3);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fmt_normalises_layout_and_keeps_comments() {
    let dir = temp_dir("fmt");
    let path = dir.join("aup.toml");
    let messy = "# my policy\n[policy]\n  id=\"aup\"   \nextends = [\"taxonomy\"]\n[lexicons.darn]\n\n\n\nterms = [\n  \"darn\",  # mild\n]\n";
    std::fs::write(&path, messy).unwrap();
    let p = path.to_str().unwrap();
    let (code, out, _) = run(&["fmt", "--check", p], "");
    assert_eq!(code, 1);
    assert!(out.contains("would reformat"), "{out}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), messy);
    let (code, _, err) = run(&["fmt", p], "");
    assert_eq!(code, 0, "{err}");
    let formatted = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        formatted,
        "# my policy\n[policy]\nid = \"aup\"\nextends = [\"taxonomy\"]\n\n[lexicons.darn]\n\nterms = [\n  \"darn\",  # mild\n]\n"
    );
    let (code, _, _) = run(&["fmt", "--check", p], "");
    assert_eq!(code, 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn eval_scores_hatecheck_style_and_labelled_files() {
    let dir = temp_dir("eval");
    let path = dir.join("cases.jsonl");
    std::fs::write(
        &path,
        concat!(
            "{\"id\":\"a\",\"functionality\":\"dehum_h\",\"label\":\"hateful\",\"text\":\"Muslims are vermin.\"}\n",
            "{\"id\":\"b\",\"functionality\":\"pos_nh\",\"label\":\"non-hateful\",\"text\":\"Muslims are wonderful neighbours.\"}\n",
        ),
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let (code, out, err) = run(&["eval", "--json", p], "");
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["cases"], 2);
    assert_eq!(v["hatecheck"]["scores"]["accuracy"], 1.0);
    let (code, out, _) = run(&["eval", "--errors", "0", p], "");
    assert_eq!(code, 0);
    assert!(out.contains("HateCheck-style: 2 cases"), "{out}");

    std::fs::write(
        &path,
        concat!(
            "{\"id\":\"x-1\",\"lang\":\"fr\",\"text\":\"Je vais te tuer\",\"label\":\"violation\",\"categories\":[\"violence.threat\"]}\n",
            "{\"id\":\"x-2\",\"lang\":\"en\",\"text\":\"What a lovely day\",\"label\":\"none\",\"categories\":[]}\n",
        ),
    )
    .unwrap();
    let (code, out, err) = run(&["eval", "--json", p], "");
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["labelled"]["overall"]["recall"], 1.0);
    assert_eq!(
        v["labelled"]["categories"][0]["category"],
        "violence.threat"
    );
    assert_eq!(v["labelled"]["categories"][0]["scores"]["precision"], 1.0);

    std::fs::write(&path, "{\"id\":1,\"label\":\"hateful\"}\n").unwrap();
    let (code, _, err) = run(&["eval", p], "");
    assert_eq!(code, 5);
    assert!(err.contains(":1: no `text`"), "{err}");
    let (code, _, err) = run(&["eval", dir.join("nope.jsonl").to_str().unwrap()], "");
    assert_eq!(code, 5);
    assert!(err.contains("no such file"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Writes `files` (name, content) into a fresh directory and returns it.
fn write_files(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = temp_dir(name);
    for (file, content) in files {
        std::fs::write(dir.join(file), content).unwrap();
    }
    dir
}

#[test]
fn authoring_mistakes_get_a_suggestion_and_no_follow_on_errors() {
    let rule = "[lexicons.harm]\nterms = [\"kill\"]\n[[rules]]\nid = \"r\"\n";
    let dir = write_files(
        "authoring",
        &[
            (
                "category.toml",
                &format!(
                    "[policy]\nid = \"a\"\nextends = [\"taxonomy\"]\n{rule}category = \"violence.threta\"\nwhen = \"harm\"\n"
                ),
            ),
            (
                "extends.toml",
                &format!(
                    "[policy]\nid = \"a\"\nextends = [\"taxonomi\"]\n{rule}category = \"violence.threat\"\nwhen = \"harm before(3) you\"\n"
                ),
            ),
            (
                "operator.toml",
                &format!(
                    "[policy]\nid = \"a\"\nextends = [\"taxonomy\"]\n{rule}category = \"violence.threat\"\nwhen = \"harm beofre(3) 'you'\"\n"
                ),
            ),
            (
                "dsa.toml",
                "[policy]\nid = \"a\"\n[categories.\"aup.x\"]\nseverity = \"high\"\n\
                 dsa_category = \"VIOLENCE\"\ndsa_keywords = [\"KEYWORD_HATE_SPECH\"]\n",
            ),
        ],
    );
    let check = |file: &str| {
        let (code, _, err) = run(&["check", dir.join(file).to_str().unwrap()], "");
        assert_eq!(code, 3, "{err}");
        err
    };
    let err = check("category.toml");
    assert!(
        err.contains(
            "category.toml:8:12: rules[r].category: unknown category `violence.threta` (did you mean `violence.threat`?)"
        ),
        "{err}"
    );
    // The misspelled parent is the only error: not one more for each name it defines.
    let err = check("extends.toml");
    assert!(
        err.contains("unknown policy `taxonomi` (did you mean `taxonomy`?)"),
        "{err}"
    );
    assert!(!err.contains("unknown category"), "{err}");
    assert!(!err.contains("unknown lexicon"), "{err}");
    let err = check("operator.toml");
    assert!(
        err.contains("unknown operator `beofre(3)` (did you mean `before(3)`?)"),
        "{err}"
    );
    assert!(err.contains("\n  |              ^^^^^^\n"), "{err}");
    let err = check("dsa.toml");
    assert!(
        err.contains(
            "dsa.toml:5:16: categories.aup.x.dsa_category: `VIOLENCE` is not a DSA Transparency Database statement category (did you mean `STATEMENT_CATEGORY_VIOLENCE`?)"
        ),
        "{err}"
    );
    assert!(
        err.contains("`KEYWORD_HATE_SPECH` is not a DSA Transparency Database keyword (did you mean `KEYWORD_HATE_SPEECH`?)"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_misspelled_category_in_a_test_file_points_at_the_value() {
    let tests = "[[case]]\nname = \"mild\"\ntext = \"darn\"\npresent = [\"profanty\"]\n";
    let dir = write_files("testcat", &[("aup.toml", AUP), ("aup.test.toml", tests)]);
    let (code, out, err) = run(&["test", dir.join("aup.toml").to_str().unwrap()], "");
    assert_eq!(code, 4, "{out}{err}");
    assert!(
        err.contains(
            "aup.test.toml:4:12: case[0].present: unknown category `profanty` in policy `aup` (did you mean `profanity`?)"
        ),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn test_and_check_print_the_policy_warnings() {
    let policy = format!(
        "{AUP}\n[lexicons.none]\nterms = []\n\
         [categories.\"aup.custom\"]\nseverity = \"high\"\naction = \"remove\"\n\
         [[rules]]\nid = \"custom\"\ncategory = \"aup.custom\"\nwhen = '\"boom\"'\n\
         examples.violating = [\"boom\"]\n"
    );
    let dir = write_files("warnings", &[("aup.toml", &policy)]);
    let path = dir.join("aup.toml");
    for command in ["test", "check"] {
        let (code, _, err) = run(&[command, path.to_str().unwrap()], "");
        assert_eq!(code, 0, "{command}: {err}");
        assert!(
            err.contains("aup.toml:14:1: lexicons.none: lexicon `none` has no terms"),
            "{command}: {err}"
        );
        assert!(
            err.contains(
                "aup.toml:16:1: categories.aup.custom: category `aup.custom` removes content but names no `dsa_category`"
            ),
            "{command}: {err}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_builtin_policy_files_are_formatted() {
    let root = env!("CARGO_MANIFEST_DIR");
    let (code, out, err) = run(&["fmt", "--check", &format!("{root}/policies")], "");
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_stored_policy_is_written_once_and_loaded_by_every_command() {
    let dir = temp_dir("store");
    let toml = dir.join("aup.toml");
    std::fs::write(&toml, AUP).unwrap();
    std::fs::write(dir.join("aup.tests.toml"), AUP_TESTS).unwrap();
    let stored = dir.join("aup.bin");
    let (code, out, err) = run(
        &[
            "store",
            "-p",
            toml.to_str().unwrap(),
            "-o",
            stored.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("stored: policy `aup`"), "{out}");
    let input = "{\"id\":1,\"text\":\"oh heck\"}\n";
    let from_toml = run(&["classify", "-p", toml.to_str().unwrap()], input);
    let from_stored = run(&["classify", "-p", stored.to_str().unwrap()], input);
    assert_eq!(from_toml.0, 0);
    assert_eq!(from_toml, from_stored);
    let explain = |p: &PathBuf| run(&["explain", "-p", p.to_str().unwrap(), "oh heck"], "");
    assert_eq!(explain(&toml), explain(&stored));
    // The rule examples run from the stored form.
    let (code, out, err) = run(&["test", stored.to_str().unwrap()], "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("passed, 0 failed"), "{out}");
    // One policy per file: a stack is stored layer by layer.
    let (code, _, err) = run(
        &[
            "store",
            "-b",
            "taxonomy",
            "-b",
            "baseline",
            "-o",
            stored.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code, 2);
    assert!(err.contains("give one policy"), "{err}");
    // Damaged bytes: the policy is refused, with the reason.
    let mut bytes = std::fs::read(&stored).unwrap();
    bytes.truncate(bytes.len() - 3);
    std::fs::write(&stored, &bytes).unwrap();
    let (code, _, err) = run(&["classify", "-p", stored.to_str().unwrap()], input);
    assert_eq!(code, 3);
    assert!(
        err.contains("not a usable stored policy: truncated"),
        "{err}"
    );
}
