//! The one scan of a text: run the automaton, keep the hits that sit right in their
//! words, and index them by lexicon.

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

/// Runs the automaton once and keeps the hits that sit right in their words.
pub(super) fn scan(c: &Compiled, text: &str, s: &mut Scratch) {
    s.hits.clear();
    s.present.clear();
    s.present.resize(c.lexicons.len(), false);
    for m in c.automaton.find_overlapping_iter(text) {
        let (start, end) = (m.start(), m.end());
        let p = m.pattern().as_usize();
        let (Some(uses), Some(&flags)) = (c.patterns.get(p), c.pattern_flags.get(p)) else {
            continue;
        };
        // Cheap rejection first: most automaton matches are short terms inside longer
        // words.
        let left_ok = flags & FIRST_IS_WORD == 0 || !word_char_before(text, start);
        let right_ok = flags & LAST_IS_WORD == 0 || !word_char_at(text, end);
        let any = flags & HAS_INFIX != 0
            || (flags & HAS_PREFIX != 0 && left_ok)
            || (flags & HAS_WORD != 0 && left_ok && right_ok);
        if !any {
            continue;
        }
        let ts = token_at(&s.tokens, start as u32);
        let te = token_at(&s.tokens, (end as u32).saturating_sub(1));
        let (Some(&tok_s), Some(&tok_e)) = (s.tokens.get(ts), s.tokens.get(te)) else {
            continue;
        };
        if te < ts {
            continue;
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
    s.hits.sort_unstable_by_key(|h| (h.start, h.end, h.lex));
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
