//! The stored form of a policy (`Policy::to_bytes`, `Policy::from_bytes`): a loaded
//! policy classifies, explains and tests its examples exactly as the compiled one, and
//! bytes that are not a stored policy of this build are refused with a clear error.

mod common;

use std::collections::BTreeMap;

use common::{Case, Policies, load_dir, problems, root};
use proptest::prelude::*;
use tosguard::{Policy, PolicyStack, ProblemKind};

/// Every case text of `tests/cases`.
fn case_texts() -> Vec<String> {
    load_dir(&root().join("tests/cases"))
        .into_iter()
        .flat_map(|(_, cases)| cases.into_iter().map(|c| c.text))
        .collect()
}

/// `policy` stored and loaded again.
fn reloaded(policy: &Policy) -> Policy {
    let bytes = policy.to_bytes();
    assert!(Policy::is_stored(&bytes));
    // Writing is deterministic: the same policy gives the same bytes.
    assert_eq!(bytes, policy.to_bytes());
    let loaded = Policy::from_bytes(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.to_bytes(), bytes, "stored again, the bytes differ");
    loaded
}

/// Same metadata, warnings, verdicts (findings, spans, fingerprint) on every text.
fn assert_same(a: &Policy, b: &Policy, texts: &[String]) {
    assert_eq!(a.fingerprint(), b.fingerprint());
    assert_eq!(a.id(), b.id());
    assert_eq!(a.version(), b.version());
    assert_eq!(a.warnings(), b.warnings());
    assert_eq!(a.rules().count(), b.rules().count());
    for (x, y) in a.rules().zip(b.rules()) {
        assert_eq!(
            (x.id(), x.category(), x.when(), x.severity()),
            (y.id(), y.category(), y.when(), y.severity())
        );
        assert!(x.violating_examples().eq(y.violating_examples()));
        assert!(x.allowed_examples().eq(y.allowed_examples()));
    }
    for t in texts {
        assert_eq!(a.classify(t), b.classify(t), "{:?} under {}", t, a.id());
    }
}

/// Every policy the classification cases run against (the small test policies and the
/// built-in ones they name), stored and loaded: the same verdicts on every case text,
/// and the loaded policy passes its own cases.
#[test]
fn every_case_policy_round_trips() {
    let files = load_dir(&root().join("tests/cases"));
    let texts: Vec<String> = files
        .iter()
        .flat_map(|(_, cases)| cases.iter().map(|c| c.text.clone()))
        .collect();
    let mut by_policy: BTreeMap<String, Vec<&Case>> = BTreeMap::new();
    for (stem, cases) in &files {
        for case in cases {
            let name = case.policy.clone().unwrap_or_else(|| stem.clone());
            by_policy.entry(name).or_default().push(case);
        }
    }
    assert!(by_policy.contains_key("baseline") && by_policy.len() > 2);
    let mut compiled = Policies::default();
    for (name, cases) in by_policy {
        let policy = compiled.get(&name);
        let loaded = reloaded(policy);
        assert_same(policy, &loaded, &texts);
        for case in cases {
            let wrong = problems(&loaded, case);
            assert!(wrong.is_empty(), "{name}/{}: {wrong:?}", case.name);
        }
    }
}

/// The built-in baseline that `Policy::baseline()` loads, from the stored form the
/// build script embedded, is the policy the packs compile to now (never stale): same
/// bytes, fingerprint, rules and examples, and the same verdicts and explanations on
/// every case text of `tests/cases` and `tests/known_broken`.
#[test]
fn embedded_baseline_is_the_compiled_baseline() {
    // Left out (with a build warning) only when the packs do not compile; then
    // `Policy::baseline()` compiles them.
    assert!(tosguard::__bench::baseline_is_stored());
    let compiled = Policy::builtin("baseline").unwrap_or_else(|e| panic!("{e}"));
    let embedded = Policy::try_baseline().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(embedded.to_bytes(), compiled.to_bytes());
    let texts: Vec<String> = case_texts()
        .into_iter()
        .chain(
            load_dir(&root().join("tests/known_broken"))
                .into_iter()
                .flat_map(|(_, cases)| cases.into_iter().map(|c| c.text)),
        )
        .collect();
    assert!(texts.len() > 1000, "only {} case texts", texts.len());
    assert_same(&compiled, &embedded, &texts);
    for t in texts.iter().step_by(7) {
        assert_eq!(
            format!("{:?}", compiled.explain(t)),
            format!("{:?}", embedded.explain(t))
        );
    }
    assert!(tosguard::testing::run_examples(&embedded).is_ok());
}

/// A policy with a warning, a fuzzy lexicon, prefix and infix terms, a cue context,
/// detailed examples and its own normalization: each survives the round trip.
#[test]
fn every_part_of_a_policy_round_trips() {
    let policy = Policy::from_toml_str(
        r#"
        [policy]
        id = "parts"
        version = "3"
        title = "Parts"
        extends = ["taxonomy"]
        [policy.normalize]
        confusables = false
        [lexicons.harm]
        fuzzy = 1
        terms = ["kill{,s}", "murder", "kill"]
        [lexicons.slur]
        match = "prefix"
        terms = ["vermin"]
        [lexicons.inside]
        match = "infix"
        terms = ["scum"]
        [lexicons.you]
        terms = ["you", "u", "fils-de-pute"]
        [contexts.game]
        cues = ["in the game"]
        position = "after"
        [[rules]]
        id = "threat"
        category = "violence.threat"
        when = '"i will" before(2) harm near(3) you'
        unless = ["negated", "game"]
        [rules.examples]
        violating = [{ text = "I will kill you", category = "violence.threat", evidence = ["kill"] }]
        allowed = ["I will never kill you"]
        [[rules]]
        id = "names"
        category = "harassment.insult"
        when = "(slur or inside) except harm"
    "#,
    )
    .unwrap();
    assert!(!policy.warnings().is_empty());
    let loaded = reloaded(&policy);
    let texts: Vec<String> = [
        "I will kil you",
        "I will k1ll u",
        "I will k*ll you in the game",
        "verminous scumbags, you fils-de-$ute",
        "I will never murder you",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(case_texts())
    .collect();
    assert_same(&policy, &loaded, &texts);
    let explained = |p: &Policy| format!("{:?}", p.explain("I will kil you"));
    assert_eq!(explained(&policy), explained(&loaded));
    assert!(tosguard::testing::run_examples(&loaded).is_ok());
    assert_eq!(
        format!("{:?}", tosguard::testing::run_examples(&policy)),
        format!("{:?}", tosguard::testing::run_examples(&loaded))
    );
}

/// The built-in baseline's rule examples pass from its stored form.
#[test]
fn the_baseline_examples_pass_loaded() {
    let loaded = reloaded(&Policy::baseline());
    let report = tosguard::testing::run_examples(&loaded);
    assert!(report.is_ok(), "{report:?}");
}

/// A reader that gives at most 7 bytes a call (a pipe, a slow file).
struct Trickle<'a>(&'a [u8]);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(7).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// Read in blocks from a reader, the policy is the one stored; a reader cut short or
/// giving damaged bytes is refused.
#[test]
fn a_policy_loads_from_a_reader() {
    let policy = Policy::baseline();
    let bytes = policy.to_bytes();
    let loaded = Policy::from_reader(Trickle(&bytes)).unwrap();
    assert_eq!(loaded.to_bytes(), bytes);
    assert_same(&policy, &loaded, &case_texts()[..200]);
    let err = Policy::from_reader(Trickle(&bytes[..bytes.len() - 100])).unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");
    let mut damaged = bytes.clone();
    let i = damaged.len() / 2;
    damaged[i] ^= 0x10;
    let err = Policy::from_reader(&damaged[..]).unwrap_err();
    assert_eq!(err.problems()[0].kind(), ProblemKind::InvalidStoredPolicy);
    let mut longer = bytes.clone();
    longer.push(0);
    let err = Policy::from_reader(&longer[..]).unwrap_err();
    assert!(err.to_string().contains("bytes after the end"), "{err}");
}

/// Layers loaded from their stored forms stack as the compiled ones do.
#[test]
fn loaded_layers_stack() {
    let host = Policy::from_toml_str(
        "[policy]\nid = \"host\"\nextends = [\"taxonomy\"]\n[lexicons.x]\nterms = [\"idiot\"]\n[[rules]]\nid = \"r\"\ncategory = \"harassment.insult\"\nwhen = \"x\"\n",
    )
    .unwrap();
    let base = Policy::builtin("taxonomy").unwrap();
    let compiled = PolicyStack::new().layer(host.clone()).layer(base.clone());
    let loaded = PolicyStack::new()
        .layer(reloaded(&host))
        .layer(reloaded(&base));
    for t in ["you idiot", "hello"] {
        assert_eq!(compiled.classify(t), loaded.classify(t));
    }
}

fn kind(bytes: &[u8]) -> Option<(ProblemKind, String)> {
    Policy::from_bytes(bytes)
        .err()
        .map(|e| (e.problems()[0].kind(), e.to_string()))
}

#[test]
fn foreign_bytes_are_refused_clearly() {
    let (k, msg) = kind(b"[policy]\nid = \"p\"\n").unwrap();
    assert_eq!(k, ProblemKind::InvalidStoredPolicy);
    assert!(msg.contains("does not start with `TOSGUARD`"), "{msg}");
    assert!(kind(b"").is_some());

    let bytes = Policy::builtin("taxonomy").unwrap().to_bytes();
    // The format version follows the magic.
    let mut other = bytes.clone();
    other[8] ^= 0x40;
    let (_, msg) = kind(&other).unwrap();
    assert!(
        msg.contains("format") && msg.contains("compile the policy again"),
        "{msg}"
    );
    // Then the crate version, as a length and its text.
    let mut other = bytes.clone();
    other[20] = b'9';
    let (_, msg) = kind(&other).unwrap();
    assert!(msg.contains("stored by tosguard 9"), "{msg}");
    let (_, msg) = kind(&bytes[..bytes.len() - 1]).unwrap();
    assert!(msg.contains("truncated"), "{msg}");
    let mut other = bytes.clone();
    let last = other.len() - 10;
    other[last] ^= 1;
    let (_, msg) = kind(&other).unwrap();
    assert!(msg.contains("damaged"), "{msg}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A stored policy cut short anywhere, or with any byte changed, is refused
    /// (never a panic, never a policy that differs).
    #[test]
    fn truncated_or_changed_bytes_are_refused(cut in 0.0f64..1.0, at in 0.0f64..1.0, x in 1u8..=255) {
        let policy = Policy::from_toml_str(
            "[policy]\nid = \"p\"\nextends = [\"taxonomy\"]\n[lexicons.x]\nfuzzy = 1\nterms = [\"idiot\", \"moron\"]\n[[rules]]\nid = \"r\"\ncategory = \"harassment.insult\"\nwhen = \"x\"\n",
        ).unwrap();
        let bytes = policy.to_bytes();
        let n = ((bytes.len() as f64) * cut) as usize;
        prop_assert!(kind(&bytes[..n]).is_some());
        prop_assert!(Policy::from_reader(&bytes[..n]).is_err());
        let mut changed = bytes.clone();
        let i = (((bytes.len() - 1) as f64) * at) as usize;
        changed[i] ^= x;
        prop_assert!(kind(&changed).is_some(), "byte {} changed and accepted", i);
        prop_assert!(Policy::from_reader(&changed[..]).is_err(), "byte {} changed and read", i);
    }
}
