//! A policy file cannot crash or exhaust the process that compiles it: every limit
//! yields a typed problem with its place, on a thread with a small stack too.

use tosguard::{Limits, Loader, Policy, PolicyError, ProblemKind};

/// A policy with lexicons `a` (`kill`) and `b` (`you`) and one rule with condition
/// `when`, written as a TOML literal string.
fn with_condition(when: &str) -> String {
    format!(
        "[policy]\nid = \"t\"\nextends = [\"taxonomy\"]\n[lexicons.a]\nterms = [\"kill\"]\n\
         [lexicons.b]\nterms = [\"you\"]\n[[rules]]\nid = \"r\"\ncategory = \"violence.threat\"\n\
         when = '{when}'\n"
    )
}

/// Compiles `src` on a thread with a 2 MiB stack, as a host's worker thread might.
fn compile_on_small_stack(src: String) -> Result<Policy, PolicyError> {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || Policy::from_toml_str(&src))
        .unwrap()
        .join()
        .expect("compiling must not overflow a 2 MiB stack")
}

fn kinds(e: &PolicyError) -> Vec<ProblemKind> {
    e.problems().iter().map(|p| p.kind()).collect()
}

#[test]
fn a_condition_nested_100_000_deep_is_an_error() {
    let n = 100_000;
    let when = format!("{}a{} before(2) b", "(".repeat(n), ")".repeat(n));
    let e = compile_on_small_stack(with_condition(&when)).unwrap_err();
    assert_eq!(kinds(&e), [ProblemKind::LimitExceeded], "{e}");
    let p = &e.problems()[0];
    assert_eq!(p.path(), "rules[r].when");
    // The parenthesis one level too deep: column of `when = '` plus 250.
    assert_eq!(p.location().unwrap().column, 8 + 250 + 1);
    assert!(p.message().contains("deeper than 250 levels"), "{e}");
}

#[test]
fn an_or_chain_of_100_000_alternatives_is_an_error() {
    let when = vec!["a"; 100_000].join(" or ");
    let e = compile_on_small_stack(with_condition(&when)).unwrap_err();
    assert_eq!(kinds(&e), [ProblemKind::LimitExceeded], "{e}");
    // So are chains of the other operators, and of `not`.
    for op in [" and ", " before(2) ", " near(3) "] {
        let when = vec!["a"; 100_000].join(op);
        let e = compile_on_small_stack(with_condition(&when)).unwrap_err();
        assert_eq!(kinds(&e), [ProblemKind::LimitExceeded], "{op}: {e}");
    }
    let when = format!("a and {}b", "not ".repeat(100_000));
    let e = compile_on_small_stack(with_condition(&when)).unwrap_err();
    assert_eq!(kinds(&e), [ProblemKind::LimitExceeded], "{e}");
}

#[test]
fn conditions_within_the_limit_compile_and_classify() {
    let when = format!("({} or a) before(2) b", vec!["a"; 200].join(" or "));
    let p = compile_on_small_stack(with_condition(&when)).unwrap();
    assert!(p.classify("kill you").has_category("violence.threat"));
    let deep = format!("{}a{} before(2) b", "(".repeat(240), ")".repeat(240));
    assert!(compile_on_small_stack(with_condition(&deep)).is_ok());
    // The limit can be lowered (or raised) per loader.
    let e = Loader::new()
        .limits(Limits::default().nest_limit(3))
        .from_toml_str(&with_condition("((((a)))) before(2) b"))
        .unwrap_err();
    assert_eq!(kinds(&e), [ProblemKind::LimitExceeded]);
}

#[test]
fn a_10_000_letter_fuzzy_term_is_an_error_naming_the_term() {
    let word: String = (0..10_000)
        .map(|i| (b'a' + (i % 26) as u8) as char)
        .collect();
    let src = format!(
        "[policy]\nid = \"f\"\n[lexicons.long]\nfuzzy = 1\nterms = [\"kill\", \"{word}\"]\n"
    );
    let e = Policy::from_toml_str(&src).unwrap_err();
    assert_eq!(kinds(&e), [ProblemKind::LimitExceeded], "{e}");
    let p = &e.problems()[0];
    assert_eq!(p.path(), "lexicons.long.terms[1]");
    assert_eq!(p.location().unwrap().to_string(), "5:18");
    assert!(p.message().contains("`abcdefghijklmnopqrstuvwx…`"), "{e}");
    // The same term after brace expansion: each expanded term is checked.
    let src = format!(
        "[policy]\nid = \"f\"\n[lexicons.long]\nterms = [\"{{x,y}}{}\"]\n",
        &word[..300]
    );
    let e = Policy::from_toml_str(&src).unwrap_err();
    assert_eq!(kinds(&e), [ProblemKind::LimitExceeded], "{e}");
    // Within a raised limit it compiles.
    let src = format!(
        "[policy]\nid = \"f\"\n[lexicons.long]\nfuzzy = 1\nterms = [\"{}\"]\n",
        &word[..300]
    );
    assert!(
        Loader::new()
            .limits(Limits::default().max_term_length(400))
            .from_toml_str(&src)
            .is_ok()
    );
}

/// `n` distinct made-up terms.
fn many_terms(n: usize) -> String {
    let mut src = String::from("[policy]\nid = \"big\"\n[lexicons.big]\nterms = [\n");
    for i in 0..n {
        src.push_str(&format!("\"term{i}x{}\",\n", (i * 7919) % 100_000));
    }
    src.push_str("]\n");
    src
}

#[test]
fn a_policy_of_100_000_terms_stops_at_the_pattern_limit() {
    // With the default limits such a policy compiles (`benches/compile.rs` measures
    // its time and memory); under a lower limit it stops at the term that crosses it,
    // without compiling the rest.
    let src = many_terms(100_000);
    let e = Loader::new()
        .limits(Limits::default().max_patterns(50_000))
        .from_toml_str(&src)
        .unwrap_err();
    assert_eq!(kinds(&e), [ProblemKind::LimitExceeded], "{e}");
    assert!(e.problems()[0].path().starts_with("lexicons.big.terms["));
    let e = Loader::new()
        .limits(Limits::default().max_pattern_bytes(100_000))
        .from_toml_str(&src)
        .unwrap_err();
    assert_eq!(kinds(&e), [ProblemKind::LimitExceeded], "{e}");
}

#[test]
fn the_builtin_policies_sit_well_inside_the_default_limits() {
    let tight = Limits::default()
        .max_term_length(Limits::default().get_max_term_length() / 2)
        .max_patterns(Limits::default().get_max_patterns() / 2)
        .max_pattern_bytes(Limits::default().get_max_pattern_bytes() / 4)
        .nest_limit(Limits::default().get_nest_limit() / 8);
    for name in tosguard::builtin_names() {
        let r = Loader::new().limits(tight).load(name);
        assert!(r.is_ok(), "{name}: {}", r.unwrap_err());
    }
}

#[test]
fn a_long_extends_chain_is_an_error() {
    let mut loader = Loader::new();
    for i in 0..100 {
        loader = loader.source(
            format!("p{i}"),
            format!("[policy]\nid = \"p{i}\"\nextends = [\"p{}\"]\n", i + 1),
        );
    }
    let loader = loader.source("p100", "[policy]\nid = \"p100\"\n");
    let e = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || loader.load("p0"))
        .unwrap()
        .join()
        .unwrap()
        .unwrap_err();
    assert!(kinds(&e).contains(&ProblemKind::LimitExceeded), "{e}");
}
