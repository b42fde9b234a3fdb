//! The fingerprint of a compiled policy: a stable hash of everything that decides a
//! verdict.

use super::{Category, Compiled, ContextKind};
use crate::spec::{CuePosition, MatchMode};

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
}

/// The fingerprint of a compiled policy: a hash of a canonical form of its
/// categories, lexicons (folded patterns and how they match), contexts, rules and
/// normalization options. Equal policies hash equal on every machine; any change to
/// a rule, a term or a category changes it.
pub(crate) fn fingerprint(c: &Compiled) -> String {
    let mut h = Fnv(0x6c62_272e_07bb_0142_62b8_2175_6295_c58d);
    h.str("tosguard-fingerprint-v1");
    h.str(&c.id);
    h.str(&c.version);
    let n = &c.normalize;
    h.str(&format!(
        "{}{}{}{}{}",
        n.confusables, n.invisible, n.leetspeak, n.separated_letters, n.repeated_letters
    ));
    hash_categories(&mut h, &c.categories);
    hash_patterns(&mut h, c);
    hash_contexts(&mut h, c);
    for r in &c.rules {
        h.str(&r.id);
        h.str(c.category(r.category).map(|c| c.id.as_str()).unwrap_or(""));
        h.str(r.severity.as_str());
        h.str(&r.when_src);
        h.str(&format!("{:?}", r.scope));
        for &u in &r.unless {
            h.str("unless");
            h.str(c.context(u).map(|c| c.name.as_str()).unwrap_or(""));
        }
        for &u in &r.requires {
            h.str("requires");
            h.str(c.context(u).map(|c| c.name.as_str()).unwrap_or(""));
        }
    }
    format!("fnv1a128:{:032x}", h.0)
}

fn hash_categories(h: &mut Fnv, categories: &[Category]) {
    let mut cats: Vec<&Category> = categories.iter().collect();
    cats.sort_by(|a, b| a.id.cmp(&b.id));
    for cat in cats {
        h.str(&cat.id);
        h.str(cat.severity.as_str());
        h.str(cat.action.as_str());
        h.str(cat.tos_ref.as_deref().unwrap_or(""));
        h.str(cat.dsa_category.as_deref().unwrap_or(""));
        for k in &cat.dsa_keywords {
            h.str(k);
        }
    }
}

/// Patterns in a canonical order, each with the (lexicon name, mode) pairs using it.
fn hash_patterns(h: &mut Fnv, c: &Compiled) {
    let mut patterns: Vec<(&str, Vec<(&str, &str)>)> = c
        .pattern_text
        .iter()
        .zip(&c.patterns)
        .map(|(t, uses)| {
            let mut u: Vec<(&str, &str)> = uses
                .iter()
                .map(|u| {
                    let mode = match u.mode {
                        MatchMode::Word => "word",
                        MatchMode::Prefix => "prefix",
                        MatchMode::Infix => "infix",
                    };
                    (c.lexicon_name(u.lex), mode)
                })
                .collect();
            u.sort();
            (t.as_str(), u)
        })
        .collect();
    patterns.sort();
    for (t, uses) in patterns {
        h.str(t);
        for (l, m) in uses {
            h.str(l);
            h.str(m);
        }
    }
}

fn hash_contexts(h: &mut Fnv, c: &Compiled) {
    for ctx in &c.contexts {
        h.str(&ctx.name);
        match &ctx.kind {
            ContextKind::Quoted => h.str("quoted"),
            ContextKind::Question => h.str("question"),
            ContextKind::Cue {
                lex,
                except,
                scope,
                window,
                position,
            } => {
                h.str(c.lexicon_name(*lex));
                h.str(c.lexicon_name(*except));
                // The default position hashes as before it existed.
                match position {
                    CuePosition::Before => h.str(&format!("{scope:?}{window:?}")),
                    _ => h.str(&format!("{scope:?}{window:?}{position:?}")),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Fnv;

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
