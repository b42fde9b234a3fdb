//! Statements of reasons (DSA Article 17) for removed content, field by field.

use tosguard::{AutomatedDecision, Policy, ProblemKind, StatementOptions};

const P: &str = r#"
[policy]
id = "sor"
version = "3"

[categories."violence.threat"]
title = "Threats"
tos_ref = "ToS 4.1: no threats of violence"
severity = "critical"
action = "remove"
dsa_category = "STATEMENT_CATEGORY_VIOLENCE"
dsa_keywords = ["KEYWORD_INCITEMENT_VIOLENCE_HATRED"]

[categories.profanity]
severity = "low"
action = "flag"

[lexicons.harm]
terms = ["kill", "stab"]

[[rules]]
id = "threat.you"
category = "violence.threat"
when = 'harm before(2) "you"'

[[rules]]
id = "swear"
category = "profanity"
when = '"damn"'
"#;

#[test]
fn removed_threat_field_by_field() {
    let policy = Policy::from_toml_str(P).unwrap();
    let v = policy.classify("Damn, I'll stab you");
    let sor = v
        .statement_of_reasons()
        .expect("removed content has a statement");
    assert_eq!(
        sor.decision_visibility,
        ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    );
    assert_eq!(sor.decision_ground, "DECISION_GROUND_INCOMPATIBLE_CONTENT");
    assert_eq!(
        sor.incompatible_content_ground,
        "ToS 4.1: no threats of violence"
    );
    assert_eq!(
        sor.incompatible_content_explanation,
        format!(
            "rule `threat.you` of policy `sor` found violence.threat (critical severity). Decided by policy `sor` version `3` ({}).",
            policy.fingerprint()
        )
    );
    assert_eq!(sor.category, "STATEMENT_CATEGORY_VIOLENCE");
    assert_eq!(
        sor.category_specification,
        ["KEYWORD_INCITEMENT_VIOLENCE_HATRED"]
    );
    assert_eq!(sor.content_type, ["CONTENT_TYPE_TEXT"]);
    assert_eq!(
        sor.decision_facts,
        "Evidence in the content: violence.threat: \"stab\", \"you\"."
    );
    assert_eq!(sor.automated_detection, "Yes");
    assert_eq!(sor.automated_decision, AutomatedDecision::Fully);
    assert_eq!(sor.source_type, "SOURCE_VOLUNTARY");
    assert_eq!(sor.puid, None);

    let json = serde_json::to_value(&sor).unwrap();
    assert_eq!(json["automated_decision"], "AUTOMATED_DECISION_FULLY");
    assert_eq!(
        json["decision_ground"],
        "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    );
    assert!(json.get("puid").is_none());

    let sor = v
        .statement_of_reasons_with(&StatementOptions {
            automated_decision: AutomatedDecision::Partially,
            puid: Some("post-42".into()),
        })
        .unwrap();
    let json = serde_json::to_value(&sor).unwrap();
    assert_eq!(json["automated_decision"], "AUTOMATED_DECISION_PARTIALLY");
    assert_eq!(json["puid"], "post-42");
}

#[test]
fn no_statement_unless_removed() {
    let policy = Policy::from_toml_str(P).unwrap();
    assert!(policy.classify("damn").statement_of_reasons().is_none());
    assert!(policy.classify("hello").statement_of_reasons().is_none());
}

#[test]
fn baseline_threat_maps_to_dsa_violence() {
    let v = Policy::baseline().classify("I will kill you");
    let sor = v.statement_of_reasons().unwrap();
    assert_eq!(sor.category, "STATEMENT_CATEGORY_VIOLENCE");
    assert!(sor.decision_facts.contains("\"kill\""));
}

#[test]
fn dsa_values_are_checked() {
    let bad = P
        .replace("\"STATEMENT_CATEGORY_VIOLENCE\"", "\"VIOLENCE\"")
        .replace("\"KEYWORD_INCITEMENT_VIOLENCE_HATRED\"", "\"INCITEMENT\"");
    let e = Policy::from_toml_str(&bad).unwrap_err();
    let paths: Vec<&str> = e
        .problems()
        .iter()
        .filter(|p| p.kind() == ProblemKind::InvalidValue)
        .map(|p| p.path())
        .collect();
    assert_eq!(
        paths,
        [
            "categories.violence.threat.dsa_category",
            "categories.violence.threat.dsa_keywords"
        ]
    );
}
