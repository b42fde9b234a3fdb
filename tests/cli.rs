//! The `tosguard` command line, end to end.
#![cfg(feature = "cli")]

use std::io::Write;
use std::process::{Command, Stdio};

fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tosguard"))
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

#[test]
fn classify_french_threat_with_the_default_policy() {
    let input = "{\"id\":1,\"text\":\"Je vais te tuer\"}\n";
    let (code, out, _) = run(&["classify"], input);
    assert_eq!(code, 0);
    let v = &lines(&out)[0];
    assert_eq!(v["id"], 1);
    assert_eq!(v["action"], "remove");
    let f = &v["findings"][0];
    assert_eq!(f["category"], "violence.threat");
    assert_eq!(f["policy"], "baseline");
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
    let evidence: Vec<&str> = f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert!(evidence.contains(&"tuer"));
}

#[test]
fn one_output_line_per_input_line_in_order_with_errors_inline() {
    let input = "{\"id\":\"a\",\"text\":\"I will kill you\"}\nplain text line\n{broken\n{\"id\":7}\n{\"id\":8,\"text\":42}\n\n{\"text\":\"no id\"}\n";
    let (code, out, _) = run(&["classify"], input);
    assert_eq!(code, 0);
    let v = lines(&out);
    assert_eq!(v.len(), 7);
    assert_eq!(v[0]["id"], "a");
    assert_eq!(v[0]["action"], "remove");
    assert_eq!(v[1]["id"], 2);
    assert_eq!(v[1]["action"], "none");
    assert_eq!(v[2]["id"], 3);
    assert!(
        v[2]["error"]
            .as_str()
            .unwrap()
            .starts_with("line 3: invalid JSON")
    );
    assert_eq!(v[3]["id"], 7);
    assert_eq!(v[3]["error"], "line 4: no `text` field");
    assert_eq!(v[4]["error"], "line 5: `text` must be a string");
    assert_eq!(v[5]["id"], 6);
    assert_eq!(v[5]["findings"].as_array().unwrap().len(), 0);
    assert_eq!(v[6]["id"], 7);
}

#[test]
fn object_keys_in_documented_order() {
    let (_, out, _) = run(&["classify"], "I will kill you\n");
    let line = out.lines().next().unwrap();
    let id = line.find("\"id\"").unwrap();
    let action = line.find("\"action\"").unwrap();
    let findings = line.find("\"findings\"").unwrap();
    assert!(id < action && action < findings, "{line}");
    let keys = [
        "\"policy\"",
        "\"rule\"",
        "\"category\"",
        "\"severity\"",
        "\"spans\"",
        "\"evidence\"",
    ];
    let pos: Vec<usize> = keys.iter().map(|k| line.find(k).unwrap()).collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{line}");
}

#[test]
fn bad_policy_exits_non_zero_with_a_clear_message() {
    let dir = std::env::temp_dir().join(format!("tosguard-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.toml");
    std::fs::write(
        &path,
        "[policy]\nid = \"bad\"\n[[rules]]\nid = \"r\"\ncategory = \"nope\"\nwhen = \"x\"\n",
    )
    .unwrap();
    let (code, out, err) = run(&["classify", "--policy", path.to_str().unwrap()], "hello\n");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("does not compile"), "{err}");
    assert!(
        err.contains("bad.toml:5:12: rules[r].category: unknown category `nope`"),
        "{err}"
    );
    assert!(err.contains("unknown lexicon `x`"), "{err}");
}

#[test]
fn unknown_builtin_and_bad_usage() {
    let (code, _, err) = run(&["classify", "--builtin", "nope"], "");
    assert_eq!(code, 1);
    assert!(err.contains("unknown policy `nope`"), "{err}");
    let (code, _, err) = run(&["classify", "--frobnicate"], "");
    assert_eq!(code, 2);
    assert!(err.contains("unknown option `--frobnicate`"), "{err}");
    let (code, _, _) = run(&["nope"], "");
    assert_eq!(code, 2);
}

#[test]
fn two_policies_give_a_decision_each() {
    let (code, out, _) = run(
        &["classify", "--builtin", "baseline", "--builtin", "taxonomy"],
        "I will kill you\n",
    );
    assert_eq!(code, 0);
    let v = &lines(&out)[0];
    assert_eq!(v["decisions"][0]["policy"], "baseline");
    assert_eq!(v["decisions"][0]["action"], "remove");
    assert_eq!(v["decisions"][1]["policy"], "taxonomy");
    assert_eq!(v["decisions"][1]["action"], "none");
}

#[test]
fn test_command_runs_examples_and_the_test_file_beside_the_policy() {
    let dir = std::env::temp_dir().join(format!("tosguard-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policy = dir.join("aup.toml");
    std::fs::write(
        &policy,
        "[policy]\nid = \"aup\"\nextends = [\"taxonomy\"]\n[lexicons.darn]\nterms = [\"darn\", \"heck\"]\n\
         [[rules]]\nid = \"r\"\ncategory = \"profanity\"\nwhen = 'darn'\n\
         examples.violating = [\"darn it\", { text = \"oh heck\", evidence = [\"heck\"] }]\nexamples.allowed = [\"fine\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("aup.test.toml"),
        "[[case]]\nname = \"mild\"\ntext = \"darn\"\npresent = [\"profanity\"]\nabsent = [\"hate.*\"]\n\
         [[case]]\ntext = \"all good\"\nabsent = [\"profanity\"]\n",
    )
    .unwrap();
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

    // A failing example: exit 1 and a readable diff.
    std::fs::write(
        &policy,
        std::fs::read_to_string(&policy).unwrap().replace(
            "examples.allowed = [\"fine\"]",
            "examples.allowed = [\"darn fine\"]",
        ),
    )
    .unwrap();
    let (code, out, _) = run(&["test", policy.to_str().unwrap()], "");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "FAIL aup/r/allowed[0]\n  text:     \"darn fine\"\n  expected: `r` does not fire\n  got:      r (profanity) on [\"darn\"]"
        ),
        "{out}"
    );
    assert!(out.trim_end().ends_with("4 passed, 1 failed"), "{out}");
}

#[test]
fn explain_shows_the_suppressing_context() {
    let (code, out, _) = run(&["explain", "I will never kill you"], "");
    assert_eq!(code, 0);
    assert!(out.contains("suppressed by negated"), "{out}");
}

#[test]
fn eval_scores_a_hatecheck_style_file() {
    let dir = std::env::temp_dir().join(format!("tosguard-cli-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
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
    std::fs::write(&path, "{\"id\":1,\"label\":\"hateful\"}\n").unwrap();
    let (code, _, err) = run(&["eval", p], "");
    assert_eq!(code, 1);
    assert!(err.contains(":1: no `text`"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
