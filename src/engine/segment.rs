//! Segmentation of folded text: tokens (words), sentences, clauses, questions and
//! quoted regions.

use super::{Scratch, Token};
use crate::normalize::is_word_char;

/// Splits folded text into tokens, sentences, clauses and quoted regions.
pub(crate) fn segment(text: &str, s: &mut Scratch) {
    s.tokens.clear();
    s.questions.clear();
    s.quotes.clear();
    let mut sentence = 0u32;
    let mut clause = 0u32;
    let mut pending_sentence = false;
    let mut pending_clause = false;
    let mut in_token: Option<u32> = None;
    let mut dq_open: Option<u32> = None;
    let mut guillemets: Vec<u32> = Vec::new();
    // Candidate opening single quotes in this sentence; a closing one pairs with the
    // earliest, so that an elision inside a quotation (`'kill 'em all'`) stays inside.
    let mut sq_open: Vec<u32> = Vec::new();
    s.questions.push(false);
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let i32_ = i as u32;
        let next = chars.peek().map(|&(_, n)| n);
        if is_word_char(c) {
            if in_token.is_none() {
                if pending_sentence {
                    sentence += 1;
                    clause += 1;
                    s.questions.push(false);
                    sq_open.clear();
                } else if pending_clause {
                    clause += 1;
                }
                pending_sentence = false;
                pending_clause = false;
                in_token = Some(i32_);
            }
            prev = Some(c);
            continue;
        }
        if let Some(start) = in_token.take() {
            s.tokens.push(Token {
                start,
                end: i32_,
                sentence,
                clause,
            });
        }
        match c {
            '.' if !next.is_some_and(is_word_char) => pending_sentence = true,
            '!' | '?' | '…' | '\n' => {
                pending_sentence = true;
                if c == '?' {
                    if let Some(q) = s.questions.last_mut() {
                        *q = true;
                    }
                }
            }
            ',' | ';' | ':' | '—' | '–' | '(' | ')' => pending_clause = true,
            '-' if prev == Some(' ') && next == Some(' ') => pending_clause = true,
            '"' => match dq_open.take() {
                Some(open) => s.quotes.push((open, i32_)),
                None => dq_open = Some(i32_),
            },
            '«' => guillemets.push(i32_),
            '»' => {
                if let Some(open) = guillemets.pop() {
                    s.quotes.push((open, i32_));
                }
            }
            '\'' => {
                let before_word = prev.is_some_and(is_word_char);
                let after_word = next.is_some_and(is_word_char);
                if !before_word && after_word {
                    sq_open.push(i32_);
                } else if before_word && !after_word {
                    if let Some(&open) = sq_open.first() {
                        s.quotes.push((open, i32_));
                        sq_open.clear();
                    }
                }
            }
            _ => {}
        }
        prev = Some(c);
    }
    if let Some(start) = in_token.take() {
        s.tokens.push(Token {
            start,
            end: text.len() as u32,
            sentence,
            clause,
        });
    }
    merge_quotes(&mut s.quotes);
    let quotes = &s.quotes;
    let outside = s
        .tokens
        .iter()
        .filter(|t| !in_quotes(quotes, t.start, t.end))
        .take(2)
        .count();
    s.quotes_embedded = outside >= 2;
}

/// Merges quoted regions into disjoint, sorted ones: lookups are then binary
/// searches, and nested or overlapping quotes cost nothing extra.
fn merge_quotes(quotes: &mut Vec<(u32, u32)>) {
    quotes.sort_unstable();
    let mut merged: usize = 0;
    for k in 0..quotes.len() {
        let Some(&(a, b)) = quotes.get(k) else {
            break;
        };
        match merged.checked_sub(1).and_then(|m| quotes.get_mut(m)) {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => {
                if let Some(slot) = quotes.get_mut(merged) {
                    *slot = (a, b);
                }
                merged += 1;
            }
        }
    }
    quotes.truncate(merged);
}

/// Whether the bytes `start..end` lie inside one of the sorted, disjoint quoted
/// regions (strictly after the opening mark, up to the closing one).
pub(super) fn in_quotes(quotes: &[(u32, u32)], start: u32, end: u32) -> bool {
    let i = quotes.partition_point(|&(a, _)| a < start);
    i.checked_sub(1)
        .and_then(|i| quotes.get(i))
        .is_some_and(|&(_, b)| end <= b)
}
