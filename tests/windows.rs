//! A long text is judged in windows of whole sentences (`Limits::window_bytes`): the
//! findings are those of its parts, the evidence points into the original text, and a
//! text within the window is judged as one piece. The windows here are small (a few
//! KiB) so that the texts stay short; the memory they bound is measured by
//! `cargo bench --bench policy`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::OnceLock;

use tosguard::{Action, Limits, Loader, Policy, PolicyStack, Severity, Verdict};

/// The window of the policies below.
const W: usize = 2048;

/// The baseline policy judging texts in windows of [`W`] bytes.
fn baseline() -> &'static Policy {
    static P: OnceLock<Policy> = OnceLock::new();
    P.get_or_init(|| {
        Loader::new()
            .limits(Limits::default().window_bytes(W))
            .load("baseline")
            .unwrap()
    })
}

/// A policy with one rule: every `kill` (however disguised) is a threat.
fn kill_policy(window: usize) -> Policy {
    Loader::new()
        .limits(Limits::default().window_bytes(window))
        .from_toml_str(
            r#"
            [policy]
            id = "kill"
            extends = ["taxonomy"]
            [lexicons.kill]
            terms = ["kill", "tuer"]
            [[rules]]
            id = "kill"
            category = "violence.threat"
            when = "kill"
            "#,
        )
        .unwrap()
}

/// Short English and French documents, violating and clean, each one line without
/// quotation marks (a quotation left open would reach into the next document).
const DOCS: &[&str] = &[
    "I will kill you and your family tonight.",
    "Had a great time at the beach today, the water was perfect.",
    "You are a worthless idiot.",
    "Someone should hang the governor.",
    "We should all go to the concert next week, it will be fun.",
    "Je vais te tuer ce soir.",
    "Quelle belle journée à la plage, l'eau était parfaite !",
    "Tu es un pauvre con.",
    "Il faut pendre le maire.",
    "On se retrouve demain au café pour le déjeuner.",
];

/// One piece of evidence: span, words, lexicon.
type Ev = (Range<usize>, String, String);

/// Per rule: category, severity, action and evidence.
type Findings = BTreeMap<String, (String, Severity, Action, Vec<Ev>)>;

/// The findings of `v`, with their evidence shifted by `offset`, added to `out`.
fn add_findings(out: &mut Findings, v: &Verdict, offset: usize) {
    for f in v.findings() {
        let entry = out.entry(f.rule().to_string()).or_insert_with(|| {
            (
                f.category().to_string(),
                f.severity(),
                f.action(),
                Vec::new(),
            )
        });
        entry.3.extend(f.evidence().iter().map(|e| {
            (
                e.span().start + offset..e.span().end + offset,
                e.text().to_string(),
                e.lexicon().to_string(),
            )
        }));
    }
}

/// Every piece of evidence is the original slice it points to.
fn assert_evidence_is_the_text(text: &str, v: &Verdict) {
    for f in v.findings() {
        for e in f.evidence() {
            assert_eq!(text.get(e.span()), Some(e.text()), "{}: {e:?}", f.rule());
        }
    }
}

/// The windows cover the text in order, each on char boundaries.
fn assert_windows_cover(text: &str, windows: &[Range<usize>], max: usize) {
    let mut at = 0;
    for w in windows {
        assert_eq!(w.start, at, "windows are contiguous");
        assert!(w.end > w.start || text.is_empty(), "no empty window");
        assert!(
            text.is_char_boundary(w.end),
            "cut inside a char at {}",
            w.end
        );
        let one_char = text[w.clone()].chars().count() == 1;
        assert!(w.len() <= max || one_char, "{w:?} longer than {max}");
        at = w.end;
    }
    assert_eq!(at, text.len(), "every byte is in a window");
}

#[test]
fn the_default_window_is_64_kib() {
    assert_eq!(Limits::default().get_window_bytes(), 64 << 10);
    assert_eq!(Limits::default().window_bytes(0).get_window_bytes(), 1);
    assert_eq!(
        Limits::default()
            .window_bytes(usize::MAX)
            .get_window_bytes(),
        1 << 30
    );
}

#[test]
fn many_documents_give_the_findings_of_each_alone() {
    let p = baseline();
    // The documents in a rotating order, one per line, over several windows.
    let mut text = String::new();
    let mut expected = Findings::new();
    let mut i = 0;
    while text.len() < 6 * W {
        let doc = DOCS[(i * 7) % DOCS.len()];
        add_findings(&mut expected, &p.classify(doc), text.len());
        text.push_str(doc);
        text.push('\n');
        i += 1;
    }
    let v = p.classify(&text);
    let mut got = Findings::new();
    add_findings(&mut got, &v, 0);
    assert_eq!(got, expected);
    assert_evidence_is_the_text(&text, &v);
    // Not vacuous: threats in both languages, insults, calls to violence.
    assert!(expected.len() >= 4, "{expected:#?}");
    assert!(v.has_category("violence.threat"));
    let worst = expected.values().map(|f| f.2).max();
    assert_eq!(Some(v.action()), worst);
    let windows = p.explain(&text).windows;
    assert!(windows.len() >= 6, "{windows:?}");
    assert_windows_cover(&text, &windows, W);
}

#[test]
fn explain_follows_the_windows() {
    let p = baseline();
    let text = DOCS.join("\n").repeat(3 * W / DOCS.join("\n").len() + 1);
    let why = p.explain(&text);
    assert_eq!(why.verdict, p.classify(&text));
    assert!(why.windows.len() >= 3);
    assert_windows_cover(&text, &why.windows, W);
    for h in &why.hits {
        assert_eq!(text.get(h.span.clone()), Some(h.text.as_str()), "{h:?}");
    }
    // Sentences are counted over the whole text: the last hit is in a late one.
    let last = why.hits.last().unwrap();
    assert!(last.sentence as usize >= 3 * DOCS.len(), "{last:?}");
    // Every fired rule has a match in every window it found evidence in.
    for f in why.verdict.findings() {
        let r = why.rules.iter().find(|r| r.rule == f.rule()).unwrap();
        assert!(r.fired);
        assert!(r.matches.len() >= f.evidence().len().min(3), "{r:?}");
    }
}

#[test]
fn an_endless_sentence_longer_than_the_window_still_classifies() {
    let p = kill_policy(1000);
    // No sentence end anywhere; every copy holds one `kill` (or `tuer`).
    let text = "i will kill you and je vais te tuer et ".repeat(300);
    let v = p.classify(&text);
    assert_evidence_is_the_text(&text, &v);
    assert_eq!(v.findings()[0].evidence().len(), 600);
    let windows = p.explain(&text).windows;
    assert!(windows.len() >= 11, "{}", windows.len());
    assert_windows_cover(&text, &windows, 1000);
    // Spelled out: a cut never falls between the letters of `k i l l` or `t u e r`
    // while another space will do (a window of 1009 bytes, 40-byte copies: the
    // window ends fall at every phase of the copy, the first inside `k i l l`).
    let p = kill_policy(1009);
    let text = "you k i l l them, je vais te t u e r et ".repeat(300);
    let v = p.classify(&text);
    assert_evidence_is_the_text(&text, &v);
    let evidence = v.findings()[0].evidence();
    assert_eq!(evidence.len(), 600);
    assert!(
        evidence
            .iter()
            .all(|e| e.text() == "k i l l" || e.text() == "t u e r")
    );
}

#[test]
fn a_text_without_whitespace_is_cut_between_chars() {
    let p = kill_policy(100);
    let text = "éàü—kill—ça—tuer—".repeat(100);
    let v = p.classify(&text);
    assert_evidence_is_the_text(&text, &v);
    let windows = p.explain(&text).windows;
    assert!(windows.len() >= 20);
    assert_windows_cover(&text, &windows, 100);
    // A cut may fall inside a word here, but most copies are whole in their window.
    assert!(v.findings()[0].evidence().len() >= 150);
}

/// A text of exactly `len` bytes: the documents, one per line, then `x`s.
fn text_of(len: usize) -> String {
    let mut text = String::new();
    for doc in DOCS.iter().cycle() {
        if text.len() + doc.len() + 1 > len {
            break;
        }
        text.push_str(doc);
        text.push('\n');
    }
    while text.len() < len {
        text.push('x');
    }
    text
}

#[test]
fn a_text_of_the_window_size_is_one_window_and_one_more_byte_two() {
    let p = baseline();
    let whole = Policy::baseline();
    let text = text_of(W);
    assert_eq!(text.len(), W);
    assert_eq!(p.explain(&text).windows, vec![Range { start: 0, end: W }]);
    // Judged as one piece: as a policy with a far larger window judges it.
    assert_eq!(
        p.classify(&text).findings(),
        whole.classify(&text).findings()
    );
    let text = text_of(W + 1);
    let windows = p.explain(&text).windows;
    assert_eq!(windows.len(), 2, "{windows:?}");
    assert_windows_cover(&text, &windows, W);
    let v = p.classify(&text);
    assert_evidence_is_the_text(&text, &v);
    // Cut after a line: the findings are those of the two parts.
    let mut expected = Findings::new();
    for w in &windows {
        add_findings(&mut expected, &whole.classify(&text[w.clone()]), w.start);
    }
    let mut got = Findings::new();
    add_findings(&mut got, &v, 0);
    assert_eq!(got, expected);
}

#[test]
fn a_stack_judges_each_layer_as_alone() {
    let host = Loader::new()
        .limits(Limits::default().window_bytes(W))
        .from_file(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/policies/host_aup.toml"
        ))
        .unwrap();
    let base = baseline().clone();
    let text = DOCS.join("\n").repeat(4 * W / DOCS.join("\n").len() + 1);
    let stack = PolicyStack::new()
        .layer(host.clone())
        .layer(base.clone())
        .build()
        .unwrap();
    assert!(stack.is_single_pass());
    let v = stack.classify(&text);
    assert_eq!(v.layers(), [host.classify(&text), base.classify(&text)]);
    assert!(v.layers().iter().all(|l| !l.is_clean()));
    // Layers with different windows are not merged: each judges as it would alone.
    let mixed = PolicyStack::new()
        .layer(host.clone())
        .layer(Policy::baseline());
    assert!(!mixed.is_single_pass());
    let v = mixed.classify(&text);
    assert_eq!(
        v.layers(),
        [host.classify(&text), Policy::baseline().classify(&text)]
    );
}

#[test]
fn the_window_is_part_of_the_fingerprint_unless_it_is_the_default() {
    let src = "[policy]\nid = \"fp\"\nextends = [\"taxonomy\"]\n";
    let load = |l: Limits| Loader::new().limits(l).from_toml_str(src).unwrap();
    let default = Policy::from_toml_str(src).unwrap();
    assert_eq!(
        load(Limits::default().window_bytes(64 << 10)).fingerprint(),
        default.fingerprint()
    );
    assert_ne!(
        load(Limits::default().window_bytes(4096)).fingerprint(),
        default.fingerprint()
    );
}
