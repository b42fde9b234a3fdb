//! The fingerprint of a compiled policy: a stable hash of everything that decides a
//! verdict.
//!
//! Version 4 hashes, after a version tag: the policy id and version (a verdict carries
//! them); every normalization option by name; the categories (id, severity, action,
//! terms-of-service clause, DSA fields); every pattern (a folded term: the evasion and
//! typo variants of one-token terms, of tokens joined by marks and of short fuzzy
//! phrases are not patterns, they follow from the term, the options and the
//! tolerance) with the lexicons using it, their match modes and which variants match,
//! in no order (each pattern hashed alone, the hashes summed); the lexicons whose
//! `lang` scopes them (`en`, `fr`), by name, with their language (nothing for a policy
//! without any, whose fingerprint is as before); the words never read as typos; the
//! contexts (cue lexicons, scope, window, position); and the rules in order (id,
//! defining pack, category, severity, the condition as resolved, scope, `unless` and
//! `requires`); then, for a policy whose conditions use signals, each model's name and
//! the digest of its bytes (a policy without signals hashes nothing more); last, the
//! window size a long text is judged in, when it is not the default 64 KiB (a policy
//! loaded with the default limits hashes nothing for it). Enums are
//! hashed by the names the policy format uses, never by their Rust names. Titles,
//! descriptions and examples do not decide verdicts and are left out, as are
//! formatting, comments and the order of terms.

use super::{Category, Compiled, ContextKind, ENDING, EVASION, LexiconId, Node, TYPO};
use crate::limits::DEFAULT_WINDOW;
use crate::normalize::NormalizeOptions;
use crate::spec::MatchMode;

/// The tag every version-4 fingerprint starts its hash with; a change to what is
/// hashed gets a new tag (version 3: variants of one-token terms are found at scan
/// time, so the tolerance of each use and the typo exclusions are hashed instead;
/// version 4: the patterns are hashed one by one and their hashes summed, in no
/// order, instead of hashed in a row sorted by text).
const VERSION_TAG: &str = "tosguard-fingerprint-v4";

/// Where the hash of one pattern, one use or one lexicon name starts (FNV-1a's
/// offset basis for 128 bits).
const PART_SEED: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;

/// FNV-1a, 128 bits: small, stable across platforms and Rust versions.
struct Fnv(u128);

impl Fnv {
    fn bytes(&mut self, b: &[u8]) {
        for &x in b {
            self.0 ^= u128::from(x);
            self.0 = self
                .0
                .wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013B);
        }
    }

    /// A length-prefixed string, so that fields cannot run into each other.
    fn str(&mut self, s: &str) {
        self.bytes(&(s.len() as u64).to_le_bytes());
        self.bytes(s.as_bytes());
    }

    /// A named field.
    fn field(&mut self, name: &str, value: &str) {
        self.str(name);
        self.str(value);
    }
}

/// The fingerprint of a compiled policy (see the module documentation).
pub(crate) fn fingerprint(c: &Compiled) -> String {
    let mut h = Fnv(PART_SEED);
    h.str(VERSION_TAG);
    h.field("id", &c.id);
    h.field("version", &c.version);
    hash_normalize(&mut h, &c.normalize);
    hash_categories(&mut h, &c.categories);
    hash_patterns(&mut h, c);
    hash_languages(&mut h, c);
    hash_contexts(&mut h, c);
    for r in &c.rules {
        h.field("rule", &r.id);
        h.field("pack", &r.pack);
        h.field(
            "category",
            c.category(r.category).map(|c| c.id.as_str()).unwrap_or(""),
        );
        h.field("severity", r.severity.as_str());
        h.field("when", &condition_text(c, &r.when));
        h.field("scope", r.scope.as_str());
        for &u in &r.unless {
            h.field(
                "unless",
                c.context(u).map(|c| c.name.as_str()).unwrap_or(""),
            );
        }
        for &u in &r.requires {
            h.field(
                "requires",
                c.context(u).map(|c| c.name.as_str()).unwrap_or(""),
            );
        }
    }
    for m in &c.signal_models {
        h.field("signal_model", &m.name);
        h.field("digest", &format!("{:016x}", m.model.digest()));
    }
    if c.window_bytes != DEFAULT_WINDOW {
        h.field("window_bytes", &c.window_bytes.to_string());
    }
    format!("fnv1a128:{:032x}", h.0)
}

/// Every option by name. The destructuring has no `..`: a new option does not compile
/// until it is hashed here.
fn hash_normalize(h: &mut Fnv, n: &NormalizeOptions) {
    let NormalizeOptions {
        confusables,
        invisible,
        leetspeak,
        separated_letters,
        repeated_letters,
        masked_letters,
    } = n;
    for (name, on) in [
        ("confusables", confusables),
        ("invisible", invisible),
        ("leetspeak", leetspeak),
        ("separated_letters", separated_letters),
        ("repeated_letters", repeated_letters),
        ("masked_letters", masked_letters),
    ] {
        h.field(name, if *on { "true" } else { "false" });
    }
}

fn hash_categories(h: &mut Fnv, categories: &[Category]) {
    let mut cats: Vec<&Category> = categories.iter().collect();
    cats.sort_by(|a, b| a.id.cmp(&b.id));
    for cat in cats {
        h.field("category", &cat.id);
        h.field("severity", cat.severity.as_str());
        h.field("action", cat.action.as_str());
        h.field("tos_ref", cat.tos_ref.as_deref().unwrap_or(""));
        h.field("dsa_category", cat.dsa_category.as_deref().unwrap_or(""));
        for k in &cat.dsa_keywords {
            h.field("dsa_keyword", k);
        }
    }
}

/// The patterns, each with the (lexicon name, mode, tolerance) triples using it; then
/// the typo exclusions, sorted.
///
/// Each pattern is hashed alone, its uses' hashes summed into it, and the patterns'
/// hashes are summed (modulo 2^128): the sums do not depend on the order the patterns
/// and uses were compiled in (the order of terms does not decide verdicts), so nothing
/// is sorted or copied. Patterns are unique and so is each (lexicon, mode) of a
/// pattern, so no two equal hashes are ever added.
/// The lexicons whose `lang` scopes them, by name, with their language (a policy
/// without such lexicons hashes nothing here, as before languages decided verdicts).
fn hash_languages(h: &mut Fnv, c: &Compiled) {
    let mut scoped: Vec<(&str, &str)> = c
        .lexicons
        .iter()
        .filter_map(|l| Some((l.name.as_str(), l.lang?.as_str())))
        .collect();
    scoped.sort_unstable();
    for (name, lang) in scoped {
        h.field("lexicon_lang", name);
        h.field("lang", lang);
    }
}

fn hash_patterns(h: &mut Fnv, c: &Compiled) {
    let tolerance = |t: u8| match (t & EVASION != 0, t & TYPO != 0, t & ENDING != 0) {
        (false, false, _) => "exact",
        (true, false, _) => "evasion",
        (false, true, false) => "typo",
        (true, true, false) => "evasion+typo",
        (false, true, true) => "typo+endings",
        (true, true, true) => "evasion+typo+endings",
    };
    // The hash of each (lexicon, mode, tolerance) computed once: a policy has hundreds
    // of lexicons and tens of thousands of pattern uses, with only three modes and
    // six tolerances.
    let modes = [MatchMode::Word, MatchMode::Prefix, MatchMode::Infix];
    let tolerances = [
        0,
        EVASION,
        TYPO,
        EVASION | TYPO,
        TYPO | ENDING,
        EVASION | TYPO | ENDING,
    ];
    let use_hash = |name: u128, mode: MatchMode, t: u8| {
        let mut f = Fnv(name);
        f.str(mode.as_str());
        f.str(tolerance(t));
        f.0
    };
    let slot = |mode: MatchMode, t: u8| {
        let m = modes.iter().position(|&x| x == mode).unwrap_or(0);
        m * 8
            + usize::from(t & EVASION != 0)
            + 2 * usize::from(t & TYPO != 0)
            + 4 * usize::from(t & ENDING != 0)
    };
    let uses_of: Vec<[u128; 24]> = (0..c.lexicons.len())
        .map(|i| {
            let mut f = Fnv(PART_SEED);
            f.str(c.lexicon_name(LexiconId::new(i)));
            let mut out = [0u128; 24];
            for &mode in &modes {
                for &t in &tolerances {
                    if let Some(o) = out.get_mut(slot(mode, t)) {
                        *o = use_hash(f.0, mode, t);
                    }
                }
            }
            out
        })
        .collect();
    let mut sum = 0u128;
    for (t, uses) in c.pattern_text.iter().zip(c.patterns.iter()) {
        let mut uses_sum = 0u128;
        for u in uses {
            let h = uses_of
                .get(u.lex.index())
                .and_then(|row| row.get(slot(u.mode, u.tolerance)))
                .copied()
                .unwrap_or_else(|| use_hash(PART_SEED, u.mode, u.tolerance));
            uses_sum = uses_sum.wrapping_add(h);
        }
        let mut p = Fnv(PART_SEED);
        p.str(t);
        p.bytes(&uses_sum.to_le_bytes());
        sum = sum.wrapping_add(p.0);
    }
    h.field("patterns", &c.pattern_text.len().to_string());
    h.bytes(&sum.to_le_bytes());
    for w in c.matcher.typo_exclusions() {
        h.field("not_a_typo", w);
    }
}

fn hash_contexts(h: &mut Fnv, c: &Compiled) {
    for ctx in &c.contexts {
        h.field("context", &ctx.name);
        match &ctx.kind {
            ContextKind::Quoted => h.str("quoted"),
            ContextKind::Question => h.str("question"),
            ContextKind::Cue {
                lex,
                except,
                stops,
                framed,
                scope,
                window,
                position,
                question,
            } => {
                h.field("cues", c.lexicon_name(*lex));
                h.field("except", c.lexicon_name(*except));
                // Hashed only when set, like `question` below.
                if let Some(stops) = stops {
                    h.field("stops", c.lexicon_name(*stops));
                }
                if let Some(f) = framed {
                    h.field("frames", c.lexicon_name(f.frames));
                    h.field("condemnations", c.lexicon_name(f.condemnations));
                }
                h.field("scope", scope.as_str());
                h.field("window", &window.map(|w| w.to_string()).unwrap_or_default());
                h.field("position", position.as_str());
                // Hashed only when set, so that the fingerprints of policies without it
                // are what they were before the option existed.
                if *question {
                    h.field("question", "true");
                }
            }
        }
    }
}

/// A resolved condition in a canonical form: lexicon names, fully parenthesized.
/// Conditions nest at most as deep as the compile limit allows.
fn condition_text(c: &Compiled, node: &Node) -> String {
    let mut out = String::new();
    write_condition(c, node, &mut out);
    out
}

/// [`condition_text`] appended to `out`, so that a deep condition is written once
/// rather than copied at every level.
fn write_condition(c: &Compiled, node: &Node, out: &mut String) {
    fn pair(c: &Compiled, out: &mut String, a: &Node, op: &str, n: Option<u32>, b: &Node) {
        out.push('(');
        write_condition(c, a, out);
        out.push(' ');
        out.push_str(op);
        if let Some(n) = n {
            out.push('(');
            out.push_str(&n.to_string());
            out.push(')');
        }
        out.push(' ');
        write_condition(c, b, out);
        out.push(')');
    }
    match node {
        Node::Lex(id) => out.push_str(c.lexicon_name(*id)),
        Node::Not(a) => {
            out.push_str("(not ");
            write_condition(c, a, out);
            out.push(')');
        }
        Node::And(a, b) => pair(c, out, a, "and", None, b),
        Node::Or(a, b) => pair(c, out, a, "or", None, b),
        Node::Before(a, b, n) => pair(c, out, a, "before", Some(*n), b),
        Node::Near(a, b, n) => pair(c, out, a, "near", Some(*n), b),
        Node::Except(a, b) => pair(c, out, a, "except", None, b),
    }
}

#[cfg(test)]
mod tests {
    use super::{Fnv, fingerprint};
    use crate::compiled::{
        Category, CategoryId, Compiled, Context, ContextId, ContextKind, LayerId, Lexicon,
        LexiconId, LexiconTerms, Matcher, Node, PatternSet, Rule, flags,
    };
    use crate::normalize::{NormalizeOptions, Vocab};
    use crate::spec::{CuePosition, ExamplesSpec, MatchMode, Scope};
    use crate::verdict::{Action, Severity};

    /// A small compiled policy built by hand, independent of the built-in packs.
    fn fixed() -> Compiled {
        let lexicon = |name: &str| Lexicon {
            name: name.into(),
            mode: MatchMode::Word,
            lang: None,
        };
        let lexicons = vec![
            lexicon("harm"),
            lexicon("you"),
            lexicon("@negated"),
            lexicon("@negated.except"),
        ];
        let terms: [&[&str]; 4] = [&["kill", "tuer"], &["you", "te"], &["never", "jamais"], &[]];
        let mut patterns = PatternSet::default();
        for (i, (l, terms)) in lexicons.iter().zip(terms).enumerate() {
            for t in terms {
                patterns.add(t, LexiconId::new(i), l.mode, 0);
            }
        }
        let (pattern_text, patterns) = patterns.finish();
        let terms =
            LexiconTerms::build(&pattern_text, terms.iter().map(|t| t.iter().copied())).unwrap();
        let when = Node::Before(
            Box::new(Node::Lex(LexiconId::new(0))),
            Box::new(Node::Lex(LexiconId::new(1))),
            2,
        );
        Compiled {
            id: "pinned".into(),
            version: "1".into(),
            title: None,
            description: None,
            normalize: NormalizeOptions::default(),
            vocab: Vocab::default(),
            categories: vec![Category {
                id: "violence.threat".into(),
                title: None,
                description: None,
                tos_ref: Some("ToS 1".into()),
                severity: Severity::High,
                action: Action::Remove,
                dsa_category: None,
                dsa_keywords: Vec::new(),
            }],
            contexts: vec![
                Context {
                    name: "quoted".into(),
                    kind: ContextKind::Quoted,
                },
                Context {
                    name: "negated".into(),
                    kind: ContextKind::Cue {
                        lex: LexiconId::new(2),
                        except: LexiconId::new(3),
                        stops: None,
                        framed: None,
                        scope: Scope::Clause,
                        window: Some(3),
                        position: CuePosition::Before,
                        question: false,
                    },
                },
            ],
            rules: vec![Rule {
                id: "r".into(),
                pack: "pinned".into(),
                category: CategoryId::new(0),
                severity: Severity::High,
                needs: when.needs(),
                needs_one_of: when.needs_one_of(),
                anchors: when.anchors(),
                when,
                when_src: "harm before(2) you".into(),
                unless: vec![ContextId::new(1)],
                requires: Vec::new(),
                scope: Scope::Sentence,
                description: None,
                examples: ExamplesSpec::default(),
                layer: LayerId::default(),
                uses_signals: false,
            }],
            lexicons,
            matcher: Matcher::build(
                &pattern_text,
                &patterns,
                &NormalizeOptions::default(),
                Default::default(),
            )
            .unwrap(),
            pattern_flags: flags(&pattern_text, &patterns),
            patterns,
            pattern_text,
            terms,
            fingerprint: String::new(),
            layers: Vec::new(),
            warnings: Vec::new(),
            signal_models: Vec::new(),
            signals: Vec::new(),
            window_bytes: crate::limits::DEFAULT_WINDOW,
            triggers: Default::default(),
            lexicon_langs: Vec::new(),
            name_lexicons: Vec::new(),
        }
    }

    #[test]
    fn fingerprint_of_a_fixed_policy_is_pinned() {
        // A deliberate change to what is hashed bumps the version tag and this
        // literal; anything else that changes it is a bug (a renamed Rust type, a
        // field hashed by accident, a platform difference).
        assert_eq!(
            fingerprint(&fixed()),
            "fnv1a128:6c7b8c0f5f28bdd6db742fea2cab8901"
        );
    }

    #[test]
    fn what_does_not_decide_a_verdict_is_left_out() {
        let a = fingerprint(&fixed());
        let mut c = fixed();
        c.title = Some("title".into());
        c.rules[0].when_src = "harm   before(2)   you".into();
        let mut terms: Vec<Vec<&str>> = (0..c.lexicons.len())
            .map(|l| c.lexicon_terms(l).collect())
            .collect();
        terms[0].reverse();
        c.terms =
            LexiconTerms::build(&c.pattern_text, terms.iter().map(|t| t.iter().copied())).unwrap();
        assert_eq!(fingerprint(&c), a);
        let mut c = fixed();
        c.normalize.masked_letters = false;
        assert_ne!(fingerprint(&c), a);
        let mut c = fixed();
        c.rules[0].pack = "other".into();
        assert_ne!(fingerprint(&c), a);
    }

    #[test]
    fn fnv1a_128_reference_values() {
        // Published FNV-1a 128-bit test vectors: the hash must never depend on the
        // platform or the Rust version.
        let basis = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
        let mut h = Fnv(basis);
        h.bytes(b"");
        assert_eq!(h.0, basis);
        let mut h = Fnv(basis);
        h.bytes(b"a");
        assert_eq!(h.0, 0xd228_cb69_6f1a_8caf_7891_2b70_4e4a_8964);
    }
}
