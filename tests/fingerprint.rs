//! The policy fingerprint: stable across runs and machines, different on any change.

use tosguard::Policy;

const P: &str = r#"
[policy]
id = "fp"
version = "1"
extends = ["taxonomy"]

[lexicons.harm]
terms = ["kill{,s}", "stab"]

[[rules]]
id = "r"
category = "violence.threat"
when = 'harm before(2) "you"'
unless = ["negated"]
"#;

fn fp(src: &str) -> String {
    Policy::from_toml_str(src)
        .unwrap()
        .fingerprint()
        .to_string()
}

#[test]
fn same_policy_same_fingerprint() {
    let a = fp(P);
    assert_eq!(a, fp(P));
    assert!(a.starts_with("fnv1a128:") && a.len() == 9 + 32, "{a}");
    // Formatting, comments and term order do not change what the policy decides.
    let reordered = P.replace(
        "[\"kill{,s}\", \"stab\"]",
        "[ \"stab\",   \"kill\", \"kills\" ] # same terms",
    );
    assert_eq!(a, fp(&reordered));
    // The verdict carries it.
    let policy = Policy::from_toml_str(P).unwrap();
    assert_eq!(policy.classify("kill you").fingerprint(), a);
}

#[test]
fn stable_across_processes() {
    // The command line compiles the policy in another process: same fingerprint.
    let policy = Policy::baseline();
    let again = Policy::builtin("baseline").unwrap();
    assert_eq!(policy.fingerprint(), again.fingerprint());
    assert_ne!(
        policy.fingerprint(),
        Policy::builtin("taxonomy").unwrap().fingerprint()
    );
}

#[test]
fn any_change_changes_it() {
    let a = fp(P);
    let changes = [
        P.replace("\"stab\"", "\"stab\", \"shoot\""),
        P.replace("before(2)", "before(3)"),
        P.replace(
            "unless = [\"negated\"]",
            "unless = [\"negated\", \"quoted\"]",
        ),
        P.replace("id = \"r\"", "id = \"r2\""),
        P.replace("version = \"1\"", "version = \"2\""),
        P.replace(
            "category = \"violence.threat\"",
            "category = \"violence.incitement\"",
        ),
        format!("{P}\n[override.categories.\"violence.threat\"]\naction = \"flag\"\n"),
        format!("{P}\n[policy.normalize]\nleetspeak = false\n")
            .replace("[policy]\nid", "[policy]\nid"),
    ];
    for (i, changed) in changes.iter().enumerate() {
        match Policy::from_toml_str(changed) {
            Ok(p) => assert_ne!(p.fingerprint(), a, "change {i} kept the fingerprint"),
            Err(e) => panic!("change {i} does not compile: {e}"),
        }
    }
}

#[test]
fn every_normalization_option_is_part_of_it() {
    // `masked_letters` changes how `f*ck` classifies: two policies that differ only
    // in it must not share a fingerprint (nor in any other folding family).
    let base = fp(P);
    for family in [
        "confusables",
        "invisible",
        "leetspeak",
        "separated_letters",
        "repeated_letters",
        "masked_letters",
    ] {
        let off = P.replace(
            "extends = [\"taxonomy\"]\n",
            &format!("extends = [\"taxonomy\"]\nnormalize = {{ {family} = false }}\n"),
        );
        assert_ne!(fp(&off), base, "{family}");
    }
}
