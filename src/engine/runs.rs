//! Scan-time variants of whole-word terms whose words are joined by a mark
//! (`sous-développé`, `can't`, `fils-de-salope`): the text's runs of tokens joined by
//! single marks are checked as one form against the terms' variant tables, as a single
//! token is, so that the terms' evasion and typo variants need not be listed.

use super::scan::{Span, push_variant_uses};
use super::{Scratch, Token};
use crate::compiled::{Compiled, EVASION, TYPO_NONE, VariantScratch, hash_word};

/// Whether byte `b` is a symbol that stands for the first letter of a word (`$alope`,
/// `@ss`).
fn is_symbol(b: u8) -> bool {
    matches!(b, b'$' | b'@')
}

/// Finds the variants of token-run terms that start at token `ti`: every run of
/// tokens `ti..=ti + k` (as many as the longest such term has) joined by single marks
/// that such terms use, optionally followed by one `$` or `@` (edge leetspeak of the
/// next word), or preceded by one. Hits already recorded at the same place since
/// `first_hit` are not repeated.
pub(super) fn run_variants(
    c: &Compiled,
    text: &str,
    s: &mut Scratch,
    tokens: &[Token],
    ti: usize,
    first_hit: usize,
    buf: &mut VariantScratch,
) {
    let max = c.matcher.run_tokens() as usize;
    let Some(tok) = tokens.get(ti) else {
        return;
    };
    if max < 2 {
        return;
    }
    // Most tokens are followed by a space, other punctuation or nothing: no run of
    // tokens joined by marks starts with them.
    match text.as_bytes().get(tok.end as usize) {
        None => return,
        Some(&b) if b.is_ascii() && !c.matcher.is_run_mark(char::from(b)) => return,
        Some(_) => {}
    }
    // A `$` or `@` just before the first token reads as its first letter.
    let lead = (tok.start as usize)
        .checked_sub(1)
        .filter(|&i| text.as_bytes().get(i).copied().is_some_and(is_symbol));
    let mut symbols = 0;
    for k in 1..max {
        let (Some(prev), Some(last)) = (tokens.get(ti + k - 1), tokens.get(ti + k)) else {
            break;
        };
        let Some(gap) = text.get(prev.end as usize..last.start as usize) else {
            break;
        };
        let mut g = gap.chars();
        if !g.next().is_some_and(|m| c.matcher.is_run_mark(m)) {
            break;
        }
        match (g.next(), g.next()) {
            (None, _) => {}
            (Some('$' | '@'), None) => symbols += 1,
            _ => break,
        }
        if symbols > 1 {
            break;
        }
        let at = Span::run(tok, last, ti, k);
        if symbols == 0 {
            if let Some(run) = text.get(tok.start as usize..last.end as usize) {
                let h = hash_word(run);
                c.matcher
                    .variants(&c.pattern_text, run, h, TYPO_NONE, buf, |p, tolerance| {
                        push_variant_uses(c, s, first_hit, p, tolerance, at, tok);
                    });
            }
        }
        // The run with its one symbol (in a gap, or just before it).
        let start = match (symbols, lead) {
            (1, _) => tok.start as usize,
            (0, Some(l)) => l,
            _ => continue,
        };
        let Some(run) = text.get(start..last.end as usize) else {
            continue;
        };
        if let Some(p) = c
            .matcher
            .run_symbol_variant(&c.pattern_text, &c.patterns, run, buf)
        {
            let at = Span {
                start: start as u32,
                ..at
            };
            push_variant_uses(c, s, first_hit, p, EVASION, at, tok);
        }
    }
}
