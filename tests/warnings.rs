//! `Policy::warnings`: what compiles but is probably a mistake, with its place.

use tosguard::{Policy, ProblemKind};

fn warnings(body: &str) -> Vec<(ProblemKind, String, String)> {
    let src = format!("[policy]\nid = \"w\"\nextends = [\"taxonomy\"]\n{body}");
    let p = Policy::from_toml_str(&src).unwrap();
    p.warnings()
        .iter()
        .map(|w| {
            let at = w.location().map(|l| l.to_string()).unwrap_or_default();
            (w.kind(), w.path().to_string(), at)
        })
        .collect()
}

const RULE: &str =
    "[[rules]]\nid = \"r\"\ncategory = \"violence.threat\"\nwhen = \"harm before(2) you\"\n";

#[test]
fn a_clean_policy_has_none() {
    let w = warnings(&format!(
        "[lexicons.harm]\nterms = [\"kill\", \"tuer\"]\n[lexicons.you]\nterms = [\"you\", \"te\"]\n{RULE}"
    ));
    assert_eq!(w, []);
    // Built-in packs are not checked: extending them gives no warning.
    let p = Policy::from_toml_str("[policy]\nid = \"x\"\nextends = [\"baseline\"]\n").unwrap();
    assert_eq!(p.warnings(), []);
}

#[test]
fn an_empty_lexicon_and_the_rule_that_needs_it() {
    let w = warnings(&format!(
        "[lexicons.harm]\nterms = []\n[lexicons.you]\nterms = [\"you\", \"vous\"]\n{RULE}"
    ));
    assert_eq!(
        w,
        [
            (
                ProblemKind::EmptyLexicon,
                "lexicons.harm".into(),
                "4:1".into()
            ),
            (
                ProblemKind::NeverFires,
                "rules[r].when".into(),
                "11:8".into()
            ),
        ]
    );
}

#[test]
fn a_rule_that_requires_what_excuses_it() {
    let w = warnings(&format!(
        "[lexicons.harm]\nterms = [\"kill\", \"tuer\"]\n[lexicons.you]\nterms = [\"you\", \"te\"]\n{RULE}unless = [\"negated\"]\nrequires = [\"negated\"]\n"
    ));
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].0, ProblemKind::NeverFires);
}

#[test]
fn shadowed_terms_in_english_and_french() {
    // The same once folded (case, accents), in any lexicon.
    let w = warnings(&format!(
        "[lexicons.harm]\nterms = [\"kill\", \"KILL\", \"tuer\", \"tüer\"]\n[lexicons.you]\nterms = [\"you\"]\n{RULE}"
    ));
    let paths: Vec<&str> = w.iter().map(|w| w.1.as_str()).collect();
    assert_eq!(paths, ["lexicons.harm.terms[1]", "lexicons.harm.terms[3]"]);
    assert!(w.iter().all(|w| w.0 == ProblemKind::ShadowedTerm));
    // A prefix lexicon: a term that starts with another adds nothing.
    let w = warnings(
        "[lexicons.grp]\nmatch = \"prefix\"\nterms = [\"immigr\", \"immigrants\", \"étranger\", \"etrangers\"]\n",
    );
    let paths: Vec<&str> = w.iter().map(|w| w.1.as_str()).collect();
    assert_eq!(paths, ["lexicons.grp.terms[1]", "lexicons.grp.terms[3]"]);
    // An infix lexicon: a term that contains another.
    let w = warnings(
        "[lexicons.ins]\nmatch = \"infix\"\nterms = [\"fuck\", \"motherfucker\", \"putain\"]\n",
    );
    let paths: Vec<&str> = w.iter().map(|w| w.1.as_str()).collect();
    assert_eq!(paths, ["lexicons.ins.terms[1]"]);
    // A word lexicon: `kill` does not shadow `killer`.
    let w = warnings("[lexicons.harm]\nterms = [\"kill\", \"killer\", \"tue\", \"tuer\"]\n");
    assert_eq!(w, []);
}

#[test]
fn a_removal_that_can_give_no_statement_of_reasons() {
    let lex = "[lexicons.harm]\nterms = [\"kill\", \"tuer\"]\n[lexicons.you]\nterms = [\"you\", \"te\"]\n";
    // A category of the host's that removes and names no `dsa_category`.
    let w = warnings(&format!(
        "[categories.\"aup.x\"]\nseverity = \"low\"\naction = \"remove\"\n{lex}{RULE}"
    ));
    assert_eq!(
        w,
        [(
            ProblemKind::NoStatementCategory,
            "categories.aup.x".to_string(),
            "4:1".to_string()
        )]
    );
    // Naming one, or not removing, gives no warning.
    let named = warnings(&format!(
        "[categories.\"aup.x\"]\nseverity = \"low\"\naction = \"remove\"\n\
         dsa_category = \"STATEMENT_CATEGORY_VIOLENCE\"\n{lex}{RULE}"
    ));
    assert_eq!(named, []);
    let flags = warnings(&format!(
        "[categories.\"aup.x\"]\nseverity = \"low\"\naction = \"flag\"\n{lex}{RULE}"
    ));
    assert_eq!(flags, []);
    // An override that makes a category without one remove: at the override.
    let over = warnings(&format!(
        "[override.categories.profanity]\naction = \"remove\"\n{lex}{RULE}"
    ));
    assert_eq!(over.len(), 1, "{over:?}");
    assert_eq!(over[0].0, ProblemKind::NoStatementCategory);
    assert_eq!(over[0].1, "override.categories.profanity");
}

/// A host's term that a built-in pack already holds in the same lexicon adds nothing;
/// the built-in packs themselves are never warned about.
#[test]
fn a_host_term_shadowed_by_a_built_in_one() {
    let src = "[policy]\nid = \"w\"\nextends = [\"baseline\"]\n\
               [override.lexicons.en_harm_verbs]\nadd = [\"KILL\", \"obliterate\"]\n\
               [override.lexicons.fr_harm_verbs]\nadd = [\"tuér\"]\n";
    let p = Policy::from_toml_str(src).unwrap();
    let w: Vec<(ProblemKind, String)> = p
        .warnings()
        .iter()
        .map(|w| (w.kind(), w.path().to_string()))
        .collect();
    assert_eq!(
        w,
        [
            (
                ProblemKind::ShadowedTerm,
                "override.lexicons.en_harm_verbs.add[0]".to_string()
            ),
            (
                ProblemKind::ShadowedTerm,
                "override.lexicons.fr_harm_verbs.add[0]".to_string()
            ),
        ]
    );
}
