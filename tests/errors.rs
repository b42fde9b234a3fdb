//! Every kind of policy error: its kind, its path, its location and its message.

use tosguard::{Loader, Policy, PolicyError, ProblemKind};

fn errors(src: &str) -> PolicyError {
    match Policy::from_toml_str(src) {
        Ok(p) => panic!("expected an error, compiled {p:?}"),
        Err(e) => e,
    }
}

/// One problem of `kind`; returns (path, "line:col", message, rendered).
fn one(err: &PolicyError, kind: ProblemKind) -> (String, String, String, String) {
    let found: Vec<_> = err.problems().iter().filter(|p| p.kind() == kind).collect();
    assert_eq!(found.len(), 1, "expected one {kind:?} in:\n{err}");
    let p = found[0];
    let loc = p.location().map(|l| l.to_string()).unwrap_or_default();
    (
        p.path().to_string(),
        loc,
        p.message().to_string(),
        p.to_string(),
    )
}

const HEAD: &str =
    "[policy]\nid = \"t\"\nextends = [\"taxonomy\"]\n[lexicons.harm]\nterms = [\"kill\"]\n";

#[test]
fn toml_syntax_error_has_line_and_column() {
    let e = errors("[policy]\nid = \"t\"\n[lexicons.x]\nterms = [\"a\", ]]\n");
    let (_, loc, _, rendered) = one(&e, ProblemKind::Syntax);
    assert!(loc.starts_with("4:"), "{rendered}");
    assert!(rendered.starts_with("<policy>:4:"), "{rendered}");
}

#[test]
fn a_missing_comma_is_located_where_it_is_missing() {
    // The parser finds it at the next element, on the next line; the caret goes back to
    // the end of the element the comma should follow.
    let e = errors("[policy]\nid = \"t\"\n[lexicons.x]\nterms = [\"a\", \"b\"  # two\n  \"c\"]\n");
    let (_, loc, msg, _) = one(&e, ProblemKind::Syntax);
    assert_eq!(loc, "4:18");
    assert!(msg.contains("missing comma"), "{msg}");
    // An array left open is named by where it opened.
    let e =
        errors("[policy]\nid = \"t\"\n[lexicons.x]\nterms = [\"a\",\n\n[[rules]]\nid = \"r\"\n");
    let (_, _, msg, _) = one(&e, ProblemKind::Syntax);
    assert!(
        msg.contains("in the array opened at line 4, column 9"),
        "{msg}"
    );
}

#[test]
fn unknown_field_is_a_syntax_error() {
    let e = errors("[policy]\nid = \"t\"\n[lexicons.x]\nterm = [\"a\"]\n");
    let (_, loc, msg, _) = one(&e, ProblemKind::Syntax);
    assert!(msg.contains("term"), "{msg}");
    assert!(loc.starts_with("3:") || loc.starts_with("4:"), "{loc}");
}

#[test]
fn bad_severity_names_the_choices() {
    let e = errors("[policy]\nid = \"t\"\n[categories.x]\nseverity = \"hgih\"\n");
    let (_, loc, msg, _) = one(&e, ProblemKind::Syntax);
    assert_eq!(loc, "4:12");
    assert!(msg.contains("hgih") && msg.contains("critical"), "{msg}");
}

#[test]
fn unknown_lexicon_with_suggestion_and_column() {
    let src = format!(
        "{HEAD}[[rules]]\nid = \"r1\"\ncategory = \"violence.threat\"\nwhen = \"harm before(2) hram\"\n"
    );
    let e = errors(&src);
    let (path, loc, msg, rendered) = one(&e, ProblemKind::UnknownLexicon);
    assert_eq!(path, "rules[r1].when");
    assert_eq!(msg, "unknown lexicon `hram` (did you mean `harm`?)");
    assert_eq!(loc, "9:24");
    assert!(
        rendered.ends_with("  | when = \"harm before(2) hram\"\n  |                        ^^^^"),
        "{rendered}"
    );
}

/// A policy extending `parents` with one mistake of each kind: an empty term, a bad
/// brace, an unknown category, lexicon and context, `before(0)`, a duplicate rule id.
fn many_mistakes(parents: &str) -> String {
    format!(
        "[policy]\nid = \"t\"\nextends = [{parents}]\n\
        [lexicons.x]\nterms = [\"\", \"a{{b\"]\n\
        [[rules]]\nid = \"r1\"\ncategory = \"nope\"\nwhen = \"y before(0) x\"\nunless = [\"zz\"]\n\
        [[rules]]\nid = \"r1\"\ncategory = \"profanity\"\nwhen = \"x\"\n"
    )
}

#[test]
fn an_unknown_parent_hides_only_the_names_it_could_define() {
    // The names the missing parent may define are not reported one by one; every
    // other problem is.
    let e = errors(&many_mistakes("\"taxonomy\", \"nope\""));
    let kinds: Vec<ProblemKind> = e.problems().iter().map(|p| p.kind()).collect();
    for k in [
        ProblemKind::UnknownParent,
        ProblemKind::EmptyTerm,
        ProblemKind::BadBraces,
        ProblemKind::ZeroProximity,
        ProblemKind::DuplicateId,
    ] {
        assert!(kinds.contains(&k), "missing {k:?} in:\n{e}");
    }
    for k in [
        ProblemKind::UnknownCategory,
        ProblemKind::UnknownLexicon,
        ProblemKind::UnknownContext,
    ] {
        assert!(!kinds.contains(&k), "{k:?} reported in:\n{e}");
    }
}

#[test]
fn unknown_category() {
    let src =
        format!("{HEAD}[[rules]]\nid = \"r1\"\ncategory = \"violence.thraet\"\nwhen = \"harm\"\n");
    let (path, loc, msg, _) = one(&errors(&src), ProblemKind::UnknownCategory);
    assert_eq!(path, "rules[r1].category");
    assert_eq!(
        msg,
        "unknown category `violence.thraet` (did you mean `violence.threat`?)"
    );
    assert_eq!(loc, "8:12");
}

#[test]
fn duplicate_rule_ids() {
    let rule = "[[rules]]\nid = \"r1\"\ncategory = \"violence.threat\"\nwhen = \"harm\"\n";
    let src = format!("{HEAD}{rule}{rule}");
    let (path, loc, msg, _) = one(&errors(&src), ProblemKind::DuplicateId);
    assert_eq!(path, "rules[r1].id");
    assert_eq!(loc, "11:6");
    assert!(msg.starts_with("rule `r1` is already defined"), "{msg}");
}

#[test]
fn duplicate_category_across_extends() {
    let src = "[policy]\nid = \"t\"\nextends = [\"taxonomy\"]\n[categories.\"violence.threat\"]\nseverity = \"low\"\n";
    let (path, _, msg, _) = one(&errors(src), ProblemKind::DuplicateId);
    assert_eq!(path, "categories.violence.threat");
    assert_eq!(
        msg,
        "category `violence.threat` is already defined by `taxonomy`"
    );
}

#[test]
fn empty_and_whitespace_terms() {
    let e = errors("[policy]\nid = \"t\"\n[lexicons.x]\nterms = [\"ok\", \"\", \"   \"]\n");
    let empties: Vec<_> = e
        .problems()
        .iter()
        .filter(|p| p.kind() == ProblemKind::EmptyTerm)
        .collect();
    assert_eq!(empties.len(), 2, "{e}");
    assert_eq!(empties[0].path(), "lexicons.x.terms[1]");
    assert_eq!(empties[1].path(), "lexicons.x.terms[2]");
    assert_eq!(
        empties[1].location().map(|l| l.to_string()).as_deref(),
        Some("4:20")
    );
}

#[test]
fn bad_brace_expansion() {
    let e = errors("[policy]\nid = \"t\"\n[lexicons.x]\nterms = [\"kill{s,ed\"]\n");
    let (path, _, msg, _) = one(&e, ProblemKind::BadBraces);
    assert_eq!(path, "lexicons.x.terms[0]");
    assert_eq!(msg, "unclosed `{` in `kill{s,ed`");
}

#[test]
fn unknown_context() {
    let src = format!(
        "{HEAD}[[rules]]\nid = \"r1\"\ncategory = \"violence.threat\"\nwhen = \"harm\"\nunless = [\"negated\", \"qouted\"]\n"
    );
    let (path, loc, msg, _) = one(&errors(&src), ProblemKind::UnknownContext);
    assert_eq!(path, "rules[r1].unless[1]");
    assert_eq!(loc, "10:22");
    assert!(
        msg.starts_with("unknown context `qouted`: contexts are "),
        "{msg}"
    );
    assert!(
        msg.contains("`quoted`") && msg.contains("`negated`"),
        "{msg}"
    );
}

#[test]
fn zero_proximity() {
    let src = format!(
        "{HEAD}[[rules]]\nid = \"r1\"\ncategory = \"violence.threat\"\nwhen = \"harm near(0) harm\"\n"
    );
    let (path, loc, msg, _) = one(&errors(&src), ProblemKind::ZeroProximity);
    assert_eq!(path, "rules[r1].when");
    assert_eq!(loc, "9:14");
    assert_eq!(msg, "`near(0)`: a distance must be at least 1 word");
}

#[test]
fn condition_syntax_error() {
    let src = format!(
        "{HEAD}[[rules]]\nid = \"r1\"\ncategory = \"violence.threat\"\nwhen = \"harm and (harm or\"\n"
    );
    let (_, loc, msg, _) = one(&errors(&src), ProblemKind::BadCondition);
    assert_eq!(loc, "9:26");
    assert!(msg.starts_with("the condition ends too early"), "{msg}");
}

#[test]
fn not_alone_has_no_evidence() {
    let src = format!(
        "{HEAD}[[rules]]\nid = \"r1\"\ncategory = \"violence.threat\"\nwhen = \"not harm\"\n"
    );
    let (_, loc, _, _) = one(&errors(&src), ProblemKind::NoEvidence);
    assert_eq!(loc, "9:9");
}

#[test]
fn unknown_parent() {
    let e = errors("[policy]\nid = \"t\"\nextends = [\"baseline\", \"basline\"]\n");
    let (path, loc, msg, _) = one(&e, ProblemKind::UnknownParent);
    assert_eq!(path, "policy.extends[1]");
    assert_eq!(loc, "3:24");
    assert!(
        msg.starts_with(
            "unknown policy `basline` (did you mean `baseline`?): built-in policies are "
        ),
        "{msg}"
    );
}

#[test]
fn extends_cycle() {
    let e = Loader::new()
        .source("a", "[policy]\nid = \"a\"\nextends = [\"b\"]\n")
        .source("b", "[policy]\nid = \"b\"\nextends = [\"c\"]\n")
        .source("c", "[policy]\nid = \"c\"\nextends = [\"a\"]\n")
        .load("a")
        .unwrap_err();
    let (path, _, msg, rendered) = one(&e, ProblemKind::ExtendsCycle);
    assert_eq!(path, "policy.extends[0]");
    assert_eq!(
        msg,
        "policies extend each other in a cycle: a -> b -> c -> a"
    );
    assert!(rendered.starts_with("c:3:12: "), "{rendered}");
}

#[test]
fn extends_cycle_through_files() {
    let dir = std::env::temp_dir().join(format!("tosguard-cycle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("one.toml"),
        "[policy]\nid = \"one\"\nextends = [\"./two.toml\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("two.toml"),
        "[policy]\nid = \"two\"\nextends = [\"one.toml\"]\n",
    )
    .unwrap();
    let e = Policy::from_file(dir.join("one.toml")).unwrap_err();
    let _ = std::fs::remove_dir_all(&dir);
    let (_, _, msg, _) = one(&e, ProblemKind::ExtendsCycle);
    assert!(
        msg.contains("one.toml -> ") && msg.ends_with("one.toml"),
        "{msg}"
    );
}

#[test]
fn missing_file() {
    let e = Policy::from_file("/nonexistent/tosguard/policy.toml").unwrap_err();
    let (_, _, msg, rendered) = one(&e, ProblemKind::Io);
    assert!(msg.starts_with("cannot read the policy"), "{msg}");
    assert!(
        rendered.starts_with("/nonexistent/tosguard/policy.toml: "),
        "{rendered}"
    );
}

#[test]
fn every_problem_is_reported_not_only_the_first() {
    let e = errors(&many_mistakes("\"taxonomy\", \"contexts\""));
    let mut kinds: Vec<ProblemKind> = e.problems().iter().map(|p| p.kind()).collect();
    kinds.sort_by_key(|k| format!("{k:?}"));
    for k in [
        ProblemKind::EmptyTerm,
        ProblemKind::BadBraces,
        ProblemKind::UnknownCategory,
        ProblemKind::ZeroProximity,
        ProblemKind::UnknownContext,
        ProblemKind::DuplicateId,
    ] {
        assert!(kinds.contains(&k), "missing {k:?} in:\n{e}");
    }
    assert!(
        e.to_string()
            .ends_with(&format!("{} problems", e.problems().len()))
    );
}

#[test]
fn invalid_ids() {
    let e = errors("[policy]\nid = \"has space\"\n[lexicons.\"a b\"]\nterms = [\"x\"]\n");
    let invalid: Vec<_> = e
        .problems()
        .iter()
        .filter(|p| p.kind() == ProblemKind::InvalidValue)
        .collect();
    assert_eq!(invalid.len(), 2, "{e}");
}

#[test]
fn builder_errors_have_paths_but_no_locations() {
    let e = Policy::builder("b")
        .rule(tosguard::RuleDef::new("r", "nope", "missing"))
        .build()
        .unwrap_err();
    assert_eq!(e.problems().len(), 2, "{e}");
    assert!(e.problems().iter().all(|p| p.location().is_none()));
    assert!(
        e.to_string()
            .contains("b: rules[r].category: unknown category `nope`"),
        "{e}"
    );
}

#[test]
fn no_panic_on_odd_policies() {
    for src in [
        "",
        "[policy]",
        "[policy]\nid = \"\"",
        "[policy]\nid = \"x\"\n[[rules]]\nid = \"\"\ncategory = \"\"\nwhen = \"\"",
        "[policy]\nid = \"x\"\n[[rules]]\nid = \"r\"\ncategory = \"c\"\nwhen = \"((((((\"",
        "[policy]\nid = \"x\"\n[[rules]]\nid = \"r\"\ncategory = \"c\"\nwhen = \"\\\"unterminated\"",
        "[policy]\nid = \"x\"\n[[rules]]\nid = \"r\"\ncategory = \"c\"\nwhen = '''\nmulti\nline and ??'''",
        "[policy]\nid = \"x\"\n[lexicons.x]\nterms = [\"{{{{\", \"}}\", \"{,}\", \"é{\"]",
        "[policy]\nid = \"x\"\n[contexts.negated]\nwindow = 0\ncues = [\"\"]",
        "[policy]\nid = \"x\"\n[contexts.quoted]\ncues = [\"a\"]",
    ] {
        assert!(Policy::from_toml_str(src).is_err(), "{src:?} compiled");
    }
}

mod never_panics {
    use proptest::prelude::*;
    use tosguard::Policy;

    fn condition() -> impl Strategy<Value = String> {
        let token = prop_oneof![
            Just("harm".to_string()),
            Just("you".to_string()),
            Just("nope".to_string()),
            Just("and".to_string()),
            Just("or".to_string()),
            Just("not".to_string()),
            Just("(".to_string()),
            Just(")".to_string()),
            Just("\"kill 'em\"".to_string()),
            Just("\"".to_string()),
            (0u32..5).prop_map(|n| format!("before({n})")),
            (0u32..5).prop_map(|n| format!("near({n})")),
            Just("before(".to_string()),
            "\\PC{0,3}",
        ];
        prop::collection::vec(token, 0..12).prop_map(|t| t.join(" "))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn any_condition_compiles_or_errors(cond in condition()) {
            let src = format!(
                "[policy]\nid = \"p\"\nextends = [\"taxonomy\"]\n[lexicons.harm]\nterms = [\"kill\"]\n[lexicons.you]\nterms = [\"you\"]\n[[rules]]\nid = \"r\"\ncategory = \"violence.threat\"\nwhen = '{}'\n",
                cond.replace('\'', "")
            );
            match Policy::from_toml_str(&src) {
                Ok(p) => { let _ = p.classify("i kill you, kill 'em"); }
                Err(e) => {
                    prop_assert!(!e.problems().is_empty());
                    let _ = e.to_string();
                }
            }
        }

        #[test]
        fn any_text_as_a_policy_errors_cleanly(src in "\\PC{0,300}") {
            if let Err(e) = Policy::from_toml_str(&src) {
                prop_assert!(!e.to_string().is_empty());
            }
        }

        #[test]
        fn any_terms_compile_or_error(terms in prop::collection::vec("\\PC{0,12}", 0..6)) {
            let list: Vec<String> = terms.iter().map(|t| format!("{t:?}")).collect();
            let src = format!("[policy]\nid = \"p\"\n[lexicons.x]\nterms = [{}]\n", list.join(", "));
            if let Ok(p) = Policy::from_toml_str(&src) {
                for t in &terms {
                    let _ = p.classify(t);
                }
            }
        }
    }
}

#[test]
fn carets_are_exact_after_escaped_quotes() {
    // The condition holds escaped quotes: the caret must still sit under `hram`.
    let src = format!(
        "{HEAD}[[rules]]\nid = \"r1\"\ncategory = \"violence.threat\"\nwhen = \"\\\"i will\\\" before(2) harm before(2) hram\"\n"
    );
    let e = errors(&src);
    let (_, loc, _, rendered) = one(&e, ProblemKind::UnknownLexicon);
    assert_eq!(loc, "9:45");
    assert!(
        rendered.ends_with(
            "  | when = \"\\\"i will\\\" before(2) harm before(2) hram\"\n  |                                             ^^^^"
        ),
        "{rendered}"
    );
    // A phrase's own problem underlines the phrase with its escapes.
    let src = format!(
        "{HEAD}[[rules]]\nid = \"r1\"\ncategory = \"violence.threat\"\nwhen = \"harm before(2) \\\"\\u00e9\\\" before(0) harm\"\n"
    );
    let e = errors(&src);
    let (_, loc, _, rendered) = one(&e, ProblemKind::ZeroProximity);
    assert_eq!(loc, "9:35", "{rendered}");
    assert!(rendered.ends_with("^^^^^^^^^"), "{rendered}");
}

#[test]
fn no_rust_type_name_in_any_message() {
    let cases = [
        // A detailed example with a mistyped field.
        format!(
            "{HEAD}[[rules]]\nid = \"r\"\ncategory = \"violence.threat\"\nwhen = \"harm\"\nexamples.violating = [{{ txt = \"kill\" }}]\n"
        ),
        // A rule that is not a table.
        format!("{HEAD}rules = [\"kill\"]\n"),
        // A lexicon that is a string, a category that is a number.
        "[policy]\nid = \"t\"\nlexicons.harm = \"kill\"\n".to_string(),
        "[policy]\nid = \"t\"\ncategories.x = 3\n".to_string(),
        "[policy]\nid = \"t\"\n[policy.normalize]\nleetspeak = \"yes\"\n".to_string(),
        "[policy]\nid = \"t\"\noverride = 1\n".to_string(),
        "policy = 1\n".to_string(),
    ];
    for src in cases {
        let msg = errors(&src).to_string();
        for name in [
            "Spec",
            "Override",
            "Meta",
            "PolicyFile",
            "NormalizeOptions",
            "untagged",
            "struct",
            "enum",
        ] {
            assert!(!msg.contains(name), "`{name}` in:\n{msg}");
        }
    }
    let src = format!(
        "{HEAD}[[rules]]\nid = \"r\"\ncategory = \"violence.threat\"\nwhen = \"harm\"\nexamples.violating = [{{ txt = \"kill\" }}]\n"
    );
    let msg = errors(&src).to_string();
    assert!(
        msg.contains("an example is a text, or a table with `text`"),
        "{msg}"
    );
}

#[test]
fn unknown_built_in_operand() {
    let src = format!(
        "{HEAD}[[rules]]\nid = \"r1\"\ncategory = \"violence.threat\"\nwhen = \"harm before(1) @nom\"\n"
    );
    let e = errors(&src);
    let (path, loc, msg, _) = one(&e, ProblemKind::UnknownLexicon);
    assert_eq!(path, "rules[r1].when");
    assert_eq!(
        msg,
        "unknown built-in operand `@nom`: the built-in operand is `@name` (a person's name)"
    );
    assert_eq!(loc, "9:24");
    // `@name` itself compiles, with no terms and no "never fires" warning.
    let ok = Policy::from_toml_str(&src.replace("@nom", "@name")).unwrap();
    assert!(ok.warnings().is_empty(), "{:?}", ok.warnings());
    assert!(!ok.classify("they will kill Kevin Marsh").is_clean());
    assert!(ok.classify("they will kill kevin marsh").is_clean());
}
