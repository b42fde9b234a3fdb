//! Runs the classification cases in `tests/cases/*.toml`: every one must pass. The
//! format is described in `tests/common/mod.rs`.

mod common;

use common::{Policies, load_dir, problems, root};

#[test]
fn classification_cases() {
    let mut policies = Policies::default();
    let mut count = 0;
    let mut failures = Vec::new();
    for (stem, cases) in load_dir(&root().join("tests/cases")) {
        for case in &cases {
            count += 1;
            let policy = policies.get(case.policy.as_deref().unwrap_or(&stem));
            let wrong = problems(policy, case);
            if !wrong.is_empty() {
                failures.push(format!(
                    "{stem}/{}: {:?}\n    {}",
                    case.name,
                    case.text,
                    wrong.join("\n    ")
                ));
            }
        }
    }
    assert!(count > 0, "no cases found");
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
