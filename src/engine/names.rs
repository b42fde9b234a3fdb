//! The `@name` operand: the names of persons in a text, found by how they are written,
//! since no lexicon can hold every name ("I'm going to kill Biden", « il faut pendre
//! Dupont »).
//!
//! A name is a run of words, in one clause, each written with a capital first letter and
//! at least one lowercase letter, letters only (`Biden`, `McDonald`, `Jean-Luc`,
//! `O'Brien`, `Élise`), no capital inside but after a hyphen, an apostrophe or a name's
//! beginning (`Mc`, `De`: `VeRmIn` is a disguise), that does not start its sentence
//! (where every word is capitalized). Not a name: one letter (`I`), two letters alone
//! (`Je`, `Il`; `Al Gore` is one), capitals only (`KILL HIM` is shouting),
//! digits (`I70Shutdown`), a handle or a hashtag (`@Amor_Anjel`, `#BuildTheWall`), a word
//! as common as `when` or `however` (capitalized where a sentence ends without its mark).
//! The rules that use the operand say which verbs and frames make such a run a person: a
//! place, a team or a product is capitalized too.

use super::{Hit, Token};
use crate::compiled::LexiconId;
use crate::normalize::Normalized;

/// The beginnings of names after which a capital may stand inside the word (`McDonald`,
/// `MacArthur`, `DeSantis`, `DiCaprio`, `LeBron`, `VanDyke`).
const INNER_CAPITAL_AFTER: &[&str] = &[
    "Mc", "Mac", "De", "Di", "Da", "Du", "La", "Le", "Van", "Von",
];

/// Whether the original word `w` is written like a name: a capital first letter, a
/// lowercase letter after it, letters only, and no other capital but after a hyphen,
/// an apostrophe or one of [`INNER_CAPITAL_AFTER`] (`SoNt KiLl` is a disguise, not a
/// name).
fn written_as_name(w: &str) -> bool {
    let mut chars = w.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let mut prev = first;
    let inner_capitals_fit = w.char_indices().skip(1).all(|(i, c)| {
        let fits = !c.is_uppercase()
            || matches!(prev, '-' | '\'' | '\u{2019}')
            || w.get(..i)
                .is_some_and(|head| INNER_CAPITAL_AFTER.contains(&head));
        prev = c;
        fits
    });
    first.is_uppercase()
        && inner_capitals_fit
        && chars.clone().any(char::is_lowercase)
        && chars.all(|c| {
            c.is_alphabetic()
                || matches!(c, '\'' | '\u{2019}' | '-')
                // Invisible characters a disguise hides in a word.
                || matches!(c, '\u{00ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
        })
}

/// Words as common as this (Zipf 5.5 and up, times 100: `when`, `has`, `here`,
/// `however`) are capitalized mid-sentence where a sentence ends without its mark
/// (`#DeportThemAll When interviewed`), not as names (`john` is 5.38, `trump` 4.93).
const NOT_A_NAME_ZIPF: u16 = 550;

/// A word right after one of these is a handle, a hashtag or a part of an address
/// (`@Amor_Anjel`, `#BuildTheWall`), not a name in the sentence.
fn handle_mark(c: char) -> bool {
    matches!(c, '#' | '@' | '_' | '/' | '.' | '=')
}

/// Adds a hit of each lexicon of `lexicons` on each run of words of `tokens` (ranges of
/// the folded text of `norm`, made from `text`) written as a name, not at the start of
/// its sentence. Returns whether any hit was added.
pub(super) fn push_name_hits(
    text: &str,
    norm: &Normalized,
    tokens: &[Token],
    lexicons: &[LexiconId],
    hits: &mut Vec<Hit>,
) -> bool {
    let before = hits.len();
    let is_name = |i: usize| -> bool {
        let Some(t) = tokens.get(i) else {
            return false;
        };
        let starts_sentence = i == 0 || tokens.get(i - 1).is_none_or(|p| p.sentence != t.sentence);
        if starts_sentence {
            return false;
        }
        let span = norm.original_range(t.start as usize..t.end as usize);
        let folded = norm
            .text()
            .get(t.start as usize..t.end as usize)
            .unwrap_or("");
        let after_mark = text
            .get(..span.start)
            .and_then(|before| before.chars().next_back())
            .is_some_and(handle_mark);
        let before_mark = text
            .get(span.end..)
            .and_then(|after| after.chars().next())
            .is_some_and(|c| matches!(c, '_' | '@'));
        !after_mark
            && !before_mark
            && text.get(span).is_some_and(written_as_name)
            && crate::normalize::common::zipf(folded) < NOT_A_NAME_ZIPF
    };
    // One capital and an apostrophe before a name (`O'Brien`, `N'Diaye`).
    let is_prefix = |i: usize| -> bool {
        let Some(t) = tokens.get(i) else {
            return false;
        };
        let span = norm.original_range(t.start as usize..t.end as usize);
        let mut word = text.get(span.clone()).unwrap_or("").chars();
        let one_capital = word.next().is_some_and(char::is_uppercase) && word.next().is_none();
        let apostrophe = text
            .get(span.end..)
            .is_some_and(|rest| rest.starts_with('\'') || rest.starts_with('\u{2019}'));
        one_capital && apostrophe && is_name(i + 1)
    };
    let mut i = 0;
    while i < tokens.len() {
        if !is_name(i) && !is_prefix(i) {
            i += 1;
            continue;
        }
        let first = i;
        while i + 1 < tokens.len()
            && tokens.get(i + 1).map(|t| t.clause) == tokens.get(first).map(|t| t.clause)
            && is_name(i + 1)
        {
            i += 1;
        }
        // A word of two letters alone is a pronoun or an article as often as a name
        // (`Je`, `Il`, `Be`): only with another name (`Al Gore`).
        let short_alone = first == i && tokens.get(i).is_some_and(|t| t.end - t.start < 3);
        if short_alone {
            i += 1;
            continue;
        }
        if let (Some(a), Some(b)) = (tokens.get(first), tokens.get(i)) {
            for &lex in lexicons {
                hits.push(Hit {
                    lex,
                    start: a.start,
                    end: b.end,
                    ts: first as u32,
                    te: i as u32,
                    sentence: a.sentence,
                    clause: a.clause,
                });
            }
        }
        i += 1;
    }
    hits.len() > before
}

/// Writes into `out` the hits of `a` and `b`, both sorted by start, end and lexicon, in
/// that order.
pub(super) fn merge_sorted(a: &[Hit], b: &[Hit], out: &mut Vec<Hit>) {
    let key = |h: &Hit| (h.start, h.end, h.lex.index());
    out.clear();
    out.reserve(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        if key(x) <= key(y) {
            out.push(*x);
            i += 1;
        } else {
            out.push(*y);
            j += 1;
        }
    }
    out.extend_from_slice(a.get(i..).unwrap_or_default());
    out.extend_from_slice(b.get(j..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use crate::Policy;

    /// The words a rule `harm before(1) @name` gives as the name, per text.
    fn names(text: &str) -> Vec<String> {
        let p = Policy::from_toml_str(
            r#"
            [policy]
            id = "names"
            extends = ["taxonomy"]
            [lexicons.harm]
            terms = ["kill", "tuer", "pendre"]
            [[rules]]
            id = "r"
            category = "violence.threat"
            when = "harm before(1) @name"
            "#,
        )
        .unwrap();
        p.classify(text)
            .findings()
            .iter()
            .flat_map(|f| f.evidence().iter().skip(1).map(|e| e.text().to_string()))
            .collect()
    }

    #[test]
    fn names_are_capitalized_words_not_starting_a_sentence() {
        assert_eq!(names("I want to kill Biden"), ["Biden"]);
        assert_eq!(
            names("we should kill Sarah Johnson today"),
            ["Sarah Johnson"]
        );
        assert_eq!(names("Il faut pendre Jean-Luc Dupont"), ["Jean-Luc Dupont"]);
        assert_eq!(names("je vais tuer Élise"), ["Élise"]);
        assert_eq!(names("they'll kill O'Brien"), ["O'Brien"]);
        assert_eq!(names("I'll kill McDonald"), ["McDonald"]);
        // Lowercase, capitals only, one letter, or the first word of a sentence.
        assert!(names("I want to kill biden").is_empty());
        assert!(names("I WANT TO KILL BIDEN").is_empty());
        assert!(names("kill I").is_empty());
        // A title is capitalized like a name: the rules that use `@name` exclude titles.
        assert_eq!(names("Kill Bill"), ["Bill"]);
        assert!(names("He did it. Kill them").is_empty());
        // Handles, hashtags, words with digits, and words as common as `when`.
        assert!(names("kill @Amor_Anjel").is_empty());
        assert!(names("kill #BuildTheWall").is_empty());
        assert!(names("kill I70Shutdown").is_empty());
        // Alternating case is a disguise; the capitals of real names are kept.
        assert!(names("je vais tuer VeRmIn").is_empty());
        assert_eq!(names("kill DeSantis"), ["DeSantis"]);
        assert!(names("sont kill Je").is_empty());
        assert_eq!(names("kill Al Gore"), ["Al Gore"]);
        assert_eq!(names("kill Bi\u{200b}den"), ["Bi\u{200b}den"]);
        assert!(names("the plan to kill When it rains").is_empty());
    }

    #[test]
    fn a_name_ends_with_its_clause() {
        // "Macron, Dupont" are two names in two clauses: the run stops at the comma.
        assert_eq!(names("kill Macron, Dupont is next"), ["Macron"]);
    }
}
