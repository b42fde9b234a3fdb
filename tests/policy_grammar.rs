//! Random policy files built from the grammar of the policy format (categories,
//! lexicons with every option, contexts, rules with nested conditions, overrides,
//! examples), with deep nesting and long terms: compiling them, and classifying with
//! what compiles, never panics or aborts.

use proptest::prelude::*;
use tosguard::Policy;

const LEXICONS: &[&str] = &["harm", "you", "grp", "nope"];

/// A condition over the lexicons, nested up to `depth`, sometimes wrapped in a run
/// of parentheses or chained far past the nesting limit.
fn condition() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        prop::sample::select(LEXICONS).prop_map(str::to_string),
        "[a-zé' ]{1,12}".prop_map(|p| format!("\"{p}\"")),
    ];
    let tree = leaf.prop_recursive(6, 48, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} or {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} and {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} and not {b}")),
            (inner.clone(), inner.clone(), 0u32..6)
                .prop_map(|(a, b, n)| format!("({a}) before({n}) ({b})")),
            (inner.clone(), inner.clone(), 1u32..6)
                .prop_map(|(a, b, n)| format!("{a} near({n}) {b}")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("({a}) except ({b})")),
        ]
    });
    (tree, 0usize..4, 0usize..600).prop_map(|(t, wrap, n)| match wrap {
        0 => t,
        1 => format!("{}{t}{}", "(".repeat(n), ")".repeat(n)),
        2 => vec![t; n.max(1)].join(" or "),
        _ => format!("harm and {}({t})", "not ".repeat(n)),
    })
}

/// A term: a word, a phrase, braces, odd characters, or a long run of letters.
fn term() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zàéèç]{1,10}",
        "[a-z]{1,6} [a-z]{1,6}",
        "[a-z]{1,5}\\{[a-z]{0,3},[a-z]{1,3}\\}",
        "\\PC{0,8}",
        (1usize..400).prop_map(|n| "k".repeat(n)),
    ]
    .prop_map(|t| t.replace(['"', '\\'], ""))
}

fn lexicon() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&LEXICONS[..3]),
        prop::sample::select(&["word", "prefix", "infix"][..]),
        0u8..3,
        any::<bool>(),
        prop::collection::vec(term(), 0..6),
    )
        .prop_map(|(name, mode, fuzzy, joined, terms)| {
            let terms: Vec<String> = terms.iter().map(|t| format!("\"{t}\"")).collect();
            format!(
                "[lexicons.{name}]\nmatch = \"{mode}\"\nfuzzy = {fuzzy}\njoined = {joined}\nterms = [{}]\n",
                terms.join(", ")
            )
        })
}

fn rule() -> impl Strategy<Value = String> {
    (
        "[a-z.]{1,8}",
        prop::sample::select(&["violence.threat", "hate.derogation", "nope"][..]),
        condition(),
        prop::sample::select(&["clause", "sentence", "text"][..]),
        prop::collection::vec(
            prop::sample::select(&["negated", "quoted", "question", "nope"][..]),
            0..3,
        ),
        term(),
    )
        .prop_map(|(id, cat, when, scope, unless, example)| {
            let unless: Vec<String> = unless.iter().map(|c| format!("\"{c}\"")).collect();
            format!(
                "[[rules]]\nid = \"{id}\"\ncategory = \"{cat}\"\nwhen = '{}'\nscope = \"{scope}\"\nunless = [{}]\nexamples.violating = [\"{example}\", {{ text = \"{example}\", evidence = [\"x\"] }}]\n",
                when.replace('\'', ""),
                unless.join(", ")
            )
        })
}

fn policy() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(lexicon(), 0..4),
        prop::collection::vec(rule(), 0..3),
        prop::collection::vec(term(), 0..3),
        any::<bool>(),
    )
        .prop_map(|(lexicons, rules, cues, overrides)| {
            let cues: Vec<String> = cues.iter().map(|t| format!("\"{t}\"")).collect();
            let mut src = format!(
                "[policy]\nid = \"g\"\nextends = [\"taxonomy\"]\n[contexts.hedged]\ncues = [{}]\nwindow = 3\n",
                cues.join(", ")
            );
            if overrides {
                src.push_str("[override.categories.\"violence.threat\"]\nseverity = \"low\"\n");
                src.push_str("[override.rules.\"a\"]\nenabled = false\n");
            }
            for part in lexicons.iter().chain(&rules) {
                src.push_str(part);
            }
            src
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_policy_from_the_grammar_compiles_or_errors(src in policy()) {
        let outcome = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || match Policy::from_toml_str(&src) {
                Ok(p) => {
                    for text in ["I will kill you", "je vais te tuer", "kkkkkkkkkk", ""] {
                        let _ = p.classify(text);
                    }
                    let _ = p.check_examples();
                    p.warnings().iter().map(|w| w.to_string()).collect::<Vec<_>>().len()
                }
                Err(e) => {
                    assert!(!e.problems().is_empty());
                    e.to_string().len()
                }
            })
            .unwrap()
            .join();
        prop_assert!(outcome.is_ok(), "compiling or classifying panicked");
    }
}

#[test]
fn deeply_nested_toml_is_an_error_not_an_abort() {
    let n = 100_000;
    for src in [
        format!(
            "[policy]\nid = \"x\"\ndeep = {}{}\n",
            "[".repeat(n),
            "]".repeat(n)
        ),
        format!(
            "[policy]\nid = \"x\"\ndeep = {}1{}\n",
            "{a = ".repeat(n),
            "}".repeat(n)
        ),
    ] {
        let r = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || Policy::from_toml_str(&src).map(|_| ()))
            .unwrap()
            .join()
            .expect("no stack overflow");
        assert!(r.is_err());
    }
}
