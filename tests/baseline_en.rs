//! The English baseline pack against its whole-policy cases (`policies/baseline/en.test.toml`),
//! run with the built-in baseline, as a host would load it.

#[test]
fn baseline_en_cases() {
    let policy = tosguard::Policy::baseline();
    tosguard::testing::assert_test_file(
        &policy,
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/policies/baseline/en.test.toml"
        ),
    );
}
