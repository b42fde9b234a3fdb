//! Runs the known-broken classification cases in `tests/known_broken/*.toml` against
//! the policies of the same name in `tests/policies/`, and asserts that EVERY one of
//! them still fails. A case there is right, and the normalizer or engine gets it wrong;
//! when a fix makes one pass, this test fails until the case is moved back to
//! `tests/cases/<name>.toml` (where `tests/cases.rs` requires it to pass).
//!
//! The case format is the one of `tests/cases/*.toml`: `categories` is the exact set
//! expected, `evidence` (optional) the original words of all findings in text order.

mod common;

use common::{Policies, load_dir, problems, root};

#[test]
fn known_broken_cases_still_fail() {
    let mut policies = Policies::default();
    let mut count = 0;
    let mut now_passing = Vec::new();
    for (stem, cases) in load_dir(&root().join("tests/known_broken")) {
        for case in &cases {
            count += 1;
            let policy = policies.get(case.policy.as_deref().unwrap_or(&stem));
            if problems(policy, case).is_empty() {
                now_passing.push(format!("{stem}/{}: {:?}", case.name, case.text));
            }
        }
    }
    assert!(count > 0, "no known-broken cases");
    assert!(
        now_passing.is_empty(),
        "{} of {count} known-broken cases now pass: move them back to tests/cases/ \
         (and delete their comment):\n{}",
        now_passing.len(),
        now_passing.join("\n")
    );
}

#[test]
fn evasion_policy_examples_pass() {
    tosguard::testing::assert_examples(Policies::default().get("evasion"));
}
