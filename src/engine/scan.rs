//! The one scan of a text: look each token up among the whole-word patterns, run the
//! automaton for the others, keep the hits that sit right in their words, and index
//! them by lexicon.

use super::{Hit, Scratch, Token};
use crate::compiled::{
    Compiled, FIRST_IS_WORD, HAS_INFIX, HAS_PREFIX, HAS_WORD, LAST_IS_WORD, LexiconId,
};
use crate::normalize::is_word_char;
use crate::spec::MatchMode;

/// The hits of lexicon `lex`, as ascending hit indices.
pub(super) fn lex_slice(s: &Scratch, lex: LexiconId) -> &[u32] {
    hits_of(&s.lex_off, &s.lex_hits, lex)
}

/// The hits of lexicon `lex` in the per-lexicon index built by [`index_hits`].
pub(super) fn hits_of<'a>(lex_off: &[u32], lex_hits: &'a [u32], lex: LexiconId) -> &'a [u32] {
    let (a, b) = (
        lex_off.get(lex.index()).copied().unwrap_or(0) as usize,
        lex_off.get(lex.index() + 1).copied().unwrap_or(0) as usize,
    );
    lex_hits.get(a..b).unwrap_or(&[])
}

/// Whether the character ending at byte `at` is a word character.
fn word_char_before(text: &str, at: usize) -> bool {
    match text.as_bytes().get(at.wrapping_sub(1)) {
        None => false,
        Some(&b) if b.is_ascii() => is_word_char(b as char),
        Some(_) => text
            .get(..at)
            .and_then(|t| t.chars().next_back())
            .is_some_and(is_word_char),
    }
}

/// Whether the character starting at byte `at` is a word character.
fn word_char_at(text: &str, at: usize) -> bool {
    match text.as_bytes().get(at) {
        None => false,
        Some(&b) if b.is_ascii() => is_word_char(b as char),
        Some(_) => text
            .get(at..)
            .and_then(|t| t.chars().next())
            .is_some_and(is_word_char),
    }
}

/// The first token at or after byte `at`, or containing it.
fn token_at(tokens: &[Token], at: u32) -> usize {
    tokens.partition_point(|t| t.end <= at)
}

/// Looks every token up, runs the automaton once, and keeps the hits that sit right
/// in their words.
pub(super) fn scan(c: &Compiled, text: &str, s: &mut Scratch) {
    s.hits.clear();
    s.present.clear();
    s.present.resize(c.lexicons.len(), false);
    // Token patterns: one lookup per token, and one per run of tokens that starts a
    // phrase.
    for (ti, tok) in s.tokens.iter().enumerate() {
        let Some(word) = text.get(tok.start as usize..tok.end as usize) else {
            continue;
        };
        let words = c.matcher.phrase_words(word).max(1) as usize;
        for (k, last) in s.tokens.iter().skip(ti).take(words).enumerate() {
            let Some(run) = text.get(tok.start as usize..last.end as usize) else {
                break;
            };
            let Some(p) = c.matcher.word(&c.pattern_text, run) else {
                continue;
            };
            for u in c.patterns.get(p).map(Vec::as_slice).unwrap_or_default() {
                s.hits.push(Hit {
                    lex: u.lex,
                    start: tok.start,
                    end: last.end,
                    ts: ti as u32,
                    te: (ti + k) as u32,
                    sentence: tok.sentence,
                    clause: tok.clause,
                });
                if let Some(p) = s.present.get_mut(u.lex.index()) {
                    *p = true;
                }
            }
        }
    }
    for m in c.matcher.automaton.find_overlapping_iter(text) {
        if let Some(&p) = c.matcher.automaton_ids.get(m.pattern().as_usize()) {
            automaton_hit(c, text, s, p as usize, m.start(), m.end());
        }
    }
    s.hits.sort_unstable_by_key(|h| (h.start, h.end, h.lex));
}

/// Records the hits of an automaton match of pattern `p` at `start..end` that sit
/// right in their words.
fn automaton_hit(c: &Compiled, text: &str, s: &mut Scratch, p: usize, start: usize, end: usize) {
    let (Some(uses), Some(&flags)) = (c.patterns.get(p), c.pattern_flags.get(p)) else {
        return;
    };
    // Cheap rejection first: most automaton matches are short terms inside longer
    // words.
    let left_ok = flags & FIRST_IS_WORD == 0 || !word_char_before(text, start);
    let right_ok = flags & LAST_IS_WORD == 0 || !word_char_at(text, end);
    let any = flags & HAS_INFIX != 0
        || (flags & HAS_PREFIX != 0 && left_ok)
        || (flags & HAS_WORD != 0 && left_ok && right_ok);
    if !any {
        return;
    }
    let ts = token_at(&s.tokens, start as u32);
    let te = token_at(&s.tokens, (end as u32).saturating_sub(1));
    let (Some(&tok_s), Some(&tok_e)) = (s.tokens.get(ts), s.tokens.get(te)) else {
        return;
    };
    if te < ts {
        return;
    }
    for u in uses {
        let ok = match u.mode {
            MatchMode::Word => left_ok && right_ok,
            MatchMode::Prefix => left_ok,
            MatchMode::Infix => true,
        };
        if ok {
            // Evidence covers whole words: a prefix or infix term reports the word.
            let (hs, he) = match u.mode {
                MatchMode::Word => (start as u32, end as u32),
                MatchMode::Prefix => (start as u32, tok_e.end.max(end as u32)),
                MatchMode::Infix => (tok_s.start.min(start as u32), tok_e.end.max(end as u32)),
            };
            s.hits.push(Hit {
                lex: u.lex,
                start: hs,
                end: he,
                ts: ts as u32,
                te: te as u32,
                sentence: tok_s.sentence,
                clause: tok_s.clause,
            });
            if let Some(p) = s.present.get_mut(u.lex.index()) {
                *p = true;
            }
        }
    }
}

/// Builds the per-lexicon index of hits (`lex_off`, `lex_hits`).
pub(super) fn index_hits(lexicons: usize, s: &mut Scratch) {
    s.lex_off.clear();
    s.lex_off.resize(lexicons + 1, 0);
    for h in &s.hits {
        if let Some(c) = s.lex_off.get_mut(h.lex.index() + 1) {
            *c += 1;
        }
    }
    for i in 1..s.lex_off.len() {
        let prev = s.lex_off.get(i - 1).copied().unwrap_or(0);
        if let Some(c) = s.lex_off.get_mut(i) {
            *c += prev;
        }
    }
    s.lex_hits.clear();
    s.lex_hits.resize(s.hits.len(), 0);
    s.lex_fill.clear();
    s.lex_fill.extend_from_slice(&s.lex_off);
    for (i, h) in s.hits.iter().enumerate() {
        if let Some(slot) = s.lex_fill.get_mut(h.lex.index()) {
            if let Some(dst) = s.lex_hits.get_mut(*slot as usize) {
                *dst = i as u32;
            }
            *slot += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compiled::build_automaton;

    /// The hits of `text` as one overlapping automaton scan over every pattern finds
    /// them (how the policy matched before token lookups): the reference.
    fn reference_hits(c: &Compiled, all: &aho_corasick::AhoCorasick, text: &str) -> Vec<Hit> {
        let mut s = Scratch::default();
        c.fold_into(text, &mut s.norm);
        let norm = std::mem::take(&mut s.norm);
        super::super::segment::segment(norm.text(), &mut s);
        for m in all.find_overlapping_iter(norm.text()) {
            automaton_hit(
                c,
                norm.text(),
                &mut s,
                m.pattern().as_usize(),
                m.start(),
                m.end(),
            );
        }
        s.hits.sort_unstable_by_key(|h| (h.start, h.end, h.lex));
        std::mem::take(&mut s.hits)
    }

    fn scan_hits(c: &Compiled, text: &str) -> Vec<Hit> {
        let mut s = Scratch::default();
        c.prepare(text, &mut s);
        std::mem::take(&mut s.hits)
    }

    fn key(h: &Hit) -> (u32, u32, u32, u32, LexiconId, u32, u32) {
        (h.start, h.end, h.ts, h.te, h.lex, h.sentence, h.clause)
    }

    #[test]
    fn token_lookups_find_what_one_automaton_over_every_pattern_finds() {
        let policy = crate::Policy::builtin("baseline").expect("baseline compiles");
        let c = policy.compiled_for_tests();
        let all = build_automaton(&c.pattern_text).expect("automaton");
        // Every 97th pattern of the policy (single words, phrases, evasion and typo
        // variants, prefix terms) in running text, in English and French, with
        // punctuation and doubled spaces around, plus plain sentences.
        let mut texts: Vec<String> = vec![
            "I will kill you tonight, you know where I live.".into(),
            "Je vais te tuer ce soir ; on sait où tu habites.".into(),
            "kill  them all... tuez-les tous!!".into(),
            "Nothing to see here, just a recipe for banana bread.".into(),
        ];
        for (i, p) in c.pattern_text.iter().enumerate().step_by(97) {
            let p = p.replace('\u{FDD0}', "*");
            texts.push(match i % 4 {
                0 => format!("they said {p} again"),
                1 => format!("{p}, vraiment. Et puis {p}!"),
                2 => format!("\"{p}\" -- {p}{p} x{p}"),
                _ => p,
            });
        }
        let mut hits = 0;
        for t in &texts {
            let want: Vec<_> = reference_hits(c, &all, t).iter().map(key).collect();
            let got: Vec<_> = scan_hits(c, t).iter().map(key).collect();
            assert_eq!(got, want, "{t:?}");
            hits += got.len();
        }
        assert!(hits > texts.len(), "the texts hold hits ({hits})");
    }
}
