//! Words run together, a space deleted between them (`ihate`, `alljews`, « jehais »,
//! « tuezles »): a token that is no word of the language but splits into two or three
//! words, one of them a word of the policy's vocabulary, is read as those words.
//!
//! Runs over the folded text once both paths (the ASCII fast path and the unit
//! pipeline) have written it, so they agree by construction. A token is a candidate
//! only when it is one run of ASCII letters of [`MIN_GLUED`] to [`MAX_GLUED`] letters
//! (with punctuation at its edges only, or after a French elision): hashtags, mentions,
//! URLs, code identifiers (`kill_all`, `killAll()`, camel case in the original) and
//! words with digits never are. A candidate that is a word of the vocabulary, of the
//! English and French word lists or of the common words stays as it is (`therapist`,
//! `assassinat`, `skillset`), so an ordinary word costs a hash lookup and a bisection,
//! and nothing is allocated unless a token is split.
//!
//! A split is made of words of the vocabulary, of the word lists (four letters or more)
//! and of the common words (three letters or more), `a` and `i` the only one-letter
//! pieces; at least one piece is a word of the vocabulary of four letters or more (the
//! words the policy's terms are made of: harm verbs, group nouns, slurs). Each junction
//! joins a function word and such a key word, or two words of one of the policy's
//! phrases; or the token is two key words that are no function words (`filthyrats`,
//! `shootimmigrants`, « salesrats »: an adjective of contempt and its noun, a harm verb
//! and its object; compounds that are words, `deathtrap`, `killjoy`, stay whole). Of the
//! splits, the fewest pieces win, then the most neighbouring pairs of the policy's
//! phrases (`je hais`, `tuez les`), then the most words of the vocabulary, then the more
//! common words. The inserted space maps to an empty original range between the two
//! pieces, so evidence spans stay on the original token.

use std::mem;

use super::common::{is_common, is_frequent_short, zipf};
use super::words::is_listed;
use super::{Normalized, Vocab};

/// Shortest token read as glued words (`ihate`).
const MIN_GLUED: usize = 5;
/// Longest token read as glued words.
const MAX_GLUED: usize = 24;
/// Shortest word of the vocabulary that makes a split worth reading.
const MIN_KEY_PIECE: usize = 4;

/// Punctuation that may open a token around a candidate.
fn is_lead(c: char) -> bool {
    matches!(c, '"' | '\'' | '(' | '[' | '«' | '¿' | '¡' | '“')
}

/// Punctuation that may close a token around a candidate.
fn is_trail(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | '!' | '?' | ';' | ':' | ')' | ']' | '"' | '\'' | '»' | '…' | '”'
    )
}

/// The candidate letters of the token `tok` (folded, no whitespace): their byte range
/// in `tok`, if the token is one run of ASCII lower-case letters with edge punctuation
/// (and perhaps a French elision before it: `l'`, `qu'`).
fn candidate(tok: &str) -> Option<(usize, usize)> {
    // Fewer bytes than a candidate has letters (most tokens).
    if tok.len() < MIN_GLUED {
        return None;
    }
    let b = tok.as_bytes();
    let mut s = tok.len() - tok.trim_start_matches(is_lead).len();
    // An elision: one to three letters and an apostrophe (`j'tebute`, `qu'ilscrevent`).
    let rest = b.get(s..)?;
    let elided = rest.iter().take_while(|c| c.is_ascii_lowercase()).count();
    if (1..=3).contains(&elided) && rest.get(elided) == Some(&b'\'') {
        s += elided + 1;
    }
    let letters = b
        .get(s..)?
        .iter()
        .take_while(|c| c.is_ascii_lowercase())
        .count();
    let e = s + letters;
    let tail = tok.get(e..)?;
    (tail.chars().all(is_trail) && (MIN_GLUED..=MAX_GLUED).contains(&letters)).then_some((s, e))
}

/// The pieces of `text` between spaces and line breaks, as `text.split([' ', '\n'])`
/// gives them (empty pieces too), found over bytes.
fn spaced_tokens(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        match r.bytes().position(|b| b == b' ' || b == b'\n') {
            Some(p) => {
                rest = r.get(p + 1..);
                r.get(..p)
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// Is the original text of a candidate written in camel case (a capital after a small
/// letter: `killAll`, `TuezLeProjet`), as code identifiers and hashtags are?
fn is_camel_case(original: &str) -> bool {
    let mut prev_lower = false;
    for c in original.chars() {
        if c.is_uppercase() && prev_lower {
            return true;
        }
        prev_lower = c.is_lowercase();
    }
    false
}

/// Is `w` a known word with one inner letter missing (`usless`, not `us less`)? Tried
/// only on a token about to be split (26 look-ups per position).
fn lacks_a_letter(w: &str, vocab: &Vocab, buf: &mut String) -> bool {
    let b = w.as_bytes();
    (1..b.len()).any(|j| {
        (b'a'..=b'z').any(|c| {
            super::evasion::write_form(buf, &mut |bytes| {
                bytes.extend_from_slice(b.get(..j).unwrap_or_default());
                bytes.push(c);
                bytes.extend_from_slice(b.get(j..).unwrap_or_default());
            });
            is_known(buf, vocab)
        })
    })
}

/// Is the original token a name: a capital first letter, the others small, inside a
/// sentence (not at its start)? `Bitchute`, `Sharpton`, `Primark` are names, not glued
/// words; a glued `I` keeps its capital anywhere (`and Ihate them`).
fn is_name(input: &str, orig_start: usize, original: &str) -> bool {
    let mut chars = original.chars();
    if !chars.next().is_some_and(char::is_uppercase) || chars.any(char::is_uppercase) {
        return false;
    }
    let before = input.get(..orig_start).unwrap_or_default();
    let prev = before
        .trim_end()
        .trim_end_matches(|c: char| is_lead(c) || c == '-');
    !(prev.is_empty() || prev.ends_with(['.', '!', '?', ':', '\n']) || before.ends_with('\n'))
}

/// Is `w` (folded letters) a known word: of the vocabulary, the word lists or the
/// common words?
fn is_known(w: &str, vocab: &Vocab) -> bool {
    vocab.contains(w) || is_listed(w) || is_common(w)
}

/// May `w` be a piece of a split, and is it a word of the vocabulary? One letter: only
/// `i`, and only first (`ihate`; `bunch a`, `glob a list` are words of their own).
fn piece(w: &str, vocab: &Vocab, first: bool) -> Option<bool> {
    match w.len() {
        0 => None,
        1 => (first && w == "i").then_some(vocab.is_word(w)),
        n => {
            if vocab.is_word(w) {
                Some(true)
            } else if (n >= 4 && is_listed(w)) || (n >= 3 && is_common(w)) {
                Some(false)
            } else {
                None
            }
        }
    }
}

/// Endings that make a word of a word (`victimhood`, `cucked`, `normies`, `radicalized`,
/// « fachosphère » apart): a token that is a known word with one of them is a word of
/// the language the lists do not hold, not two words.
const SUFFIXES: &[&str] = &[
    "s", "es", "d", "ed", "ing", "in", "er", "ers", "ism", "isms", "ist", "ists", "ite", "ites",
    "hood", "less", "ness", "able", "ly", "ally", "ize", "ized", "izing", "ise", "ised", "ising",
    "ies", "y", "ish", "ity", "ment", "ments", "dom", "ette", "ettes", "x", "e", "eux", "euse",
    "iste", "istes", "isme", "ien", "ienne", "iens", "ard", "ards", "en", "ta",
];

/// Beginnings that make a word of a word (`unfollow`, `overkill`, `antisioniste`).
const PREFIXES: &[&str] = &[
    "un", "re", "de", "dis", "non", "over", "under", "sub", "anti", "pro", "post", "pre", "neo",
    "self", "hyper", "super", "mis", "out", "counter", "semi", "ultra", "multi", "inter", "mega",
    "islamo", "euro", "afro", "ex", "co", "mal", "sur", "contre", "auto",
];

/// Is `w` a known word with a prefix or an ending of word formation, or one typo from a
/// known word (two neighbouring letters swapped, a doubled inner letter written once:
/// `disgutsed`, `tortuer`, `imigrants`)? Then it is a word, not glued words (`imigrants`
/// must not read `i migrants`). A letter added is no test: `jevais` is `jvais` with one
/// more letter, and glued words often are a known word with one letter more.
fn is_word_form(w: &str, vocab: &Vocab, buf: &mut String) -> bool {
    let known = |x: &str| x.len() >= 3 && is_known(x, vocab);
    // `whoring`, `hated`: the ending may have taken a final `e`.
    let known_e = |x: &str| {
        known(x) || {
            let mut e = String::with_capacity(x.len() + 1);
            e.push_str(x);
            e.push('e');
            known(&e)
        }
    };
    if SUFFIXES
        .iter()
        .any(|s| w.strip_suffix(s).is_some_and(known_e))
        || PREFIXES
            .iter()
            .any(|p| w.strip_prefix(p).is_some_and(known))
    {
        return true;
    }
    let b = w.as_bytes();
    let n = b.len();
    let mut try_form = |f: &mut dyn FnMut(&mut Vec<u8>)| {
        super::evasion::write_form(buf, f);
        known(buf)
    };
    // Two neighbouring letters swapped, a doubled letter written once (`imigrants`) or a
    // letter doubled (`admitt`).
    (0..n.saturating_sub(1)).any(|j| {
        b.get(j) == b.get(j + 1)
            && try_form(&mut |o| {
                o.extend_from_slice(b.get(..j).unwrap_or_default());
                o.extend_from_slice(b.get(j + 1..).unwrap_or_default());
            })
    }) || (0..n.saturating_sub(1)).any(|j| {
        b.get(j) != b.get(j + 1)
            && try_form(&mut |o| {
                o.extend_from_slice(b);
                o.swap(j, j + 1);
            })
    }) || (1..n.saturating_sub(1)).any(|j| {
        b.get(j) != b.get(j + 1)
            && b.get(j) != b.get(j.wrapping_sub(1))
            && try_form(&mut |o| {
                o.extend_from_slice(b.get(..=j).unwrap_or_default());
                o.extend_from_slice(b.get(j..).unwrap_or_default());
            })
    })
}

/// Is `p` a function word of one or two letters, English or French (a reviewed hand
/// list: the vocabulary's other short words, `sh`, `ad`, are no function words)?
fn is_short_function_word(p: &str) -> bool {
    matches!(
        p.as_bytes(),
        b"i" | b"so"
            | b"to"
            | b"of"
            | b"in"
            | b"on"
            | b"at"
            | b"we"
            | b"he"
            | b"me"
            | b"us"
            | b"my"
            | b"no"
            | b"do"
            | b"go"
            | b"up"
            | b"is"
            | b"it"
            | b"an"
            | b"as"
            | b"be"
            | b"by"
            | b"or"
            | b"if"
            | b"je"
            | b"tu"
            | b"il"
            | b"le"
            | b"la"
            | b"de"
            | b"du"
            | b"un"
            | b"en"
            | b"ce"
            | b"se"
            | b"te"
            | b"ma"
            | b"ta"
            | b"sa"
            | b"ne"
            | b"ou"
            | b"au"
            | b"et"
            | b"es"
    )
}

/// Is `p` a function word of two or three letters that joins two key words
/// (`orduresdefemmes`, `killthejews`)? A hand list, matched without a look-up: this is
/// tried at every position of a token.
fn is_inner_function_word(p: &str) -> bool {
    is_short_function_word(p)
        || matches!(
            p.as_bytes(),
            b"the"
                | b"and"
                | b"all"
                | b"you"
                | b"his"
                | b"her"
                | b"our"
                | b"les"
                | b"des"
                | b"aux"
                | b"ces"
                | b"une"
                | b"ses"
                | b"mes"
                | b"tes"
                | b"nos"
                | b"vos"
        )
}

/// May the short function word `p` end a split (English words read after their head)?
fn ends_a_split(p: &str) -> bool {
    matches!(
        p.as_bytes(),
        b"to" | b"of" | b"in" | b"on" | b"at" | b"up" | b"by" | b"it" | b"me" | b"us" | b"is"
    )
}

/// Is the piece `p` a function word: a word of one or two letters of
/// [`is_short_function_word`] (`i`, `je`, `on`, `de`, `so`), or a very common word of three
/// to five letters (`all`, `them`, `your`, `les`, `ces`, `tous`, `much`)? Compounds of two
/// content words (`teabagger`, `stormfront`, `butthurt`) are words of their own and stay
/// whole.
fn is_function_word(p: &str) -> bool {
    if p.len() <= 2 {
        is_short_function_word(p)
    } else {
        is_frequent_short(p)
    }
}

/// Is `p` a key word: a word of the vocabulary of [`MIN_KEY_PIECE`] letters or more?
fn is_key(p: &str, vocab: &Vocab) -> bool {
    p.len() >= MIN_KEY_PIECE && vocab.is_word(p)
}

/// May `w` be split into a function word and a key word, either way round (a hash
/// look-up or two per position)?
fn may_split_two(w: &str, vocab: &Vocab) -> bool {
    let n = w.len();
    (1..=5.min(n.saturating_sub(1))).any(|k| {
        w.get(..k).is_some_and(is_function_word) && w.get(k..).is_some_and(|r| is_key(r, vocab))
    }) || (2..=5.min(n.saturating_sub(1))).any(|k| {
        w.get(n - k..)
            .is_some_and(|f| is_function_word(f) && (k > 2 || ends_a_split(f)))
            && w.get(..n - k).is_some_and(|r| is_key(r, vocab))
    })
}

/// May `w` be split as [`best_split`] splits (each junction a function word beside a
/// key word), with a function word at one end (`ihate`, `alljews`, `killthemall`) or of
/// two or three letters between two key words (`orduresdefemmes`, `killthejews`), or
/// into two content words of the vocabulary (`filthyrats`)? A cheap test of look-ups in
/// the vocabulary only, made before any look-up in the word lists, which most tokens
/// that are no word of the vocabulary fail.
fn may_split(w: &str, vocab: &Vocab) -> bool {
    let n = w.len();
    may_split_two(w, vocab)
        || (1..=5.min(n.saturating_sub(1))).any(|k| {
            w.get(..k).is_some_and(is_function_word)
                && w.get(k..).is_some_and(|r| may_split_two(r, vocab))
        })
        || (3..=5.min(n.saturating_sub(1))).any(|k| {
            w.get(n - k..).is_some_and(is_function_word)
                && w.get(..n - k).is_some_and(|r| may_split_two(r, vocab))
        })
        || two_keys(w, vocab).is_some()
        || (MIN_KEY_PIECE..n.saturating_sub(MIN_KEY_PIECE)).any(|i| {
            (2..=3).any(|k| {
                w.get(i..i + k).is_some_and(is_inner_function_word)
                    && w.get(..i).is_some_and(|a| is_key(a, vocab))
                    && w.get(i + k..).is_some_and(|b| is_key(b, vocab))
            })
        })
}

/// Is `p` a content word of the vocabulary: a key word (see [`is_key`]) that is no
/// function word (`them`, `your`, `tous` are both)?
fn is_content_key(p: &str, vocab: &Vocab) -> bool {
    is_key(p, vocab) && !is_function_word(p)
}

/// Where `w` splits into two content words of the vocabulary (`filthyrats`,
/// `salesrats`, `shootimmigrants`): the first such place, the first piece shortest.
/// Compounds that are words of their own (`deathtrap`, `killjoy`) never get here: the
/// reader keeps every word of the word lists, the common words and their formations.
fn two_keys(w: &str, vocab: &Vocab) -> Option<usize> {
    let n = w.len();
    (MIN_KEY_PIECE..=n.saturating_sub(MIN_KEY_PIECE)).find(|&i| {
        w.get(..i).is_some_and(|a| is_content_key(a, vocab))
            && w.get(i..).is_some_and(|b| is_content_key(b, vocab))
    })
}

/// How good a split is: lower is better (fewest pieces, most phrase pairs, most words
/// of the vocabulary, most common).
type Cost = (usize, i32, i32, i64);

/// May three pieces stand together? A piece of two letters only in the middle, between
/// pieces of four letters or more (`tellement de dedain`; `de spic ble`, `mass as je`
/// are not), the last piece three letters or more.
fn three_fit(a: &str, m: &str, b: &str) -> bool {
    let short = |p: &str| p.len() <= 2;
    b.len() >= 3 && (a == "i" || !short(a)) && (!short(m) || (a.len() >= 4 && b.len() >= 4))
}

/// The best split of `w` into two or three pieces, as the byte offsets where the
/// second and third pieces start (`None` for the third of a split in two).
fn best_split(w: &str, vocab: &Vocab, buf: &mut String) -> Option<(usize, Option<usize>)> {
    let n = w.len();
    let cost = |pieces: &[&str], buf: &mut String| -> Option<Cost> {
        let mut in_vocab = 0;
        let mut freq = 0i64;
        // Which pieces are function words, which key words of the vocabulary.
        let (mut func, mut key) = (0u8, 0u8);
        // A short word ends a split only if it is an English preposition, pronoun or verb
        // read after its head (`tryingto`, `convictedof`, `killme`): `sheeple` is no
        // `sheep le`, `fucken` no `fuck en`.
        if pieces
            .last()
            .is_none_or(|p| p.len() <= 2 && !ends_a_split(p))
        {
            return None;
        }
        for (k, p) in pieces.iter().enumerate() {
            let v = piece(p, vocab, k == 0)?;
            let z = zipf(p);
            in_vocab += i32::from(v);
            freq += i64::from(z);
            if is_function_word(p) {
                func |= 1 << k;
            }
            if v && p.len() >= MIN_KEY_PIECE {
                key |= 1 << k;
            }
        }
        // No function word: only two content words of the vocabulary (`filthyrats`).
        let content_pair = pieces.len() == 2 && func == 0 && key == 0b11;
        if func == 0 && !content_pair {
            return None;
        }
        // Every junction joins a function word and a key word, or a pair of a phrase.
        let mut pairs = 0;
        for k in 1..pieces.len() {
            let (Some(a), Some(b)) = (pieces.get(k - 1), pieces.get(k)) else {
                return None;
            };
            let (fa, fb) = (func >> (k - 1) & 1 != 0, func >> k & 1 != 0);
            let (ka, kb) = (key >> (k - 1) & 1 != 0, key >> k & 1 != 0);
            if vocab.is_pair(a, b, buf) {
                pairs += 1;
            } else if !((fa && kb) || (ka && fb) || content_pair) {
                return None;
            }
        }
        Some((pieces.len(), -pairs, -in_vocab, -freq))
    };
    let mut best: Option<(Cost, usize, Option<usize>)> = None;
    let consider = |best: &mut Option<(Cost, usize, Option<usize>)>,
                    c: Option<Cost>,
                    i: usize,
                    j: Option<usize>| {
        if let Some(c) = c
            && best.as_ref().is_none_or(|(b, _, _)| c < *b)
        {
            *best = Some((c, i, j));
        }
    };
    // Which prefixes and suffixes may be pieces, found once each.
    let prefix_ok: Vec<bool> = (0..=n)
        .map(|i| w.get(..i).is_some_and(|p| piece(p, vocab, true).is_some()))
        .collect();
    let suffix_ok: Vec<bool> = (0..=n)
        .map(|j| w.get(j..).is_some_and(|p| piece(p, vocab, false).is_some()))
        .collect();
    for i in 1..n {
        if prefix_ok.get(i) == Some(&true)
            && suffix_ok.get(i) == Some(&true)
            && let (Some(a), Some(b)) = (w.get(..i), w.get(i..))
        {
            consider(&mut best, cost(&[a, b], buf), i, None);
        }
    }
    if best.is_some() {
        return best.map(|(_, i, j)| (i, j));
    }
    for i in 1..n {
        if prefix_ok.get(i) != Some(&true) {
            continue;
        }
        for j in i + 1..n {
            if suffix_ok.get(j) == Some(&true)
                && let (Some(a), Some(m), Some(b)) = (w.get(..i), w.get(i..j), w.get(j..))
                && three_fit(a, m, b)
            {
                consider(&mut best, cost(&[a, m, b], buf), i, Some(j));
            }
        }
    }
    best.map(|(_, i, j)| (i, j))
}

/// Splits the glued words of `out`'s folded text (see the module doc). `input` is the
/// original text (the camel-case test reads it).
pub(super) fn split_glued(input: &str, vocab: &Vocab, out: &mut Normalized) {
    let mut cuts = mem::take(&mut out.cuts);
    cuts.clear();
    let mut buf = String::new();
    let text = out.text.as_str();
    let mut at = 0;
    for tok in spaced_tokens(text) {
        let start = at;
        at += tok.len() + 1;
        let Some((s, e)) = candidate(tok) else {
            continue;
        };
        let Some(w) = tok.get(s..e) else {
            continue;
        };
        if vocab.contains(w)
            || !may_split(w, vocab)
            || is_common(w)
            || is_listed(w)
            || is_word_form(w, vocab, &mut buf)
        {
            continue;
        }
        let (ws, we) = (start + s, start + e);
        let (orig, orig_start) = match (
            out.src.get(ws),
            we.checked_sub(1).and_then(|l| out.src.get(l)),
        ) {
            (Some(a), Some(b)) => (input.get(a.0 as usize..b.1 as usize), a.0 as usize),
            _ => (None, 0),
        };
        let Some(orig) = orig.filter(|o| !is_camel_case(o)) else {
            continue;
        };
        if let Some((i, j)) = best_split(w, vocab, &mut buf)
            && (i == 1 || !is_name(input, orig_start, orig))
            && !lacks_a_letter(w, vocab, &mut buf)
        {
            cuts.push(ws + i);
            if let Some(j) = j {
                cuts.push(ws + j);
            }
        }
    }
    if !cuts.is_empty() {
        let mut text = String::with_capacity(out.text.len() + cuts.len());
        let mut src = Vec::with_capacity(out.src.len() + cuts.len());
        let mut from = 0;
        for &c in &cuts {
            text.push_str(out.text.get(from..c).unwrap_or_default());
            src.extend_from_slice(out.src.get(from..c).unwrap_or_default());
            let at = out.src.get(c).map_or(0, |s| s.0);
            text.push(' ');
            src.push((at, at));
            from = c;
        }
        text.push_str(out.text.get(from..).unwrap_or_default());
        src.extend_from_slice(out.src.get(from..).unwrap_or_default());
        out.text = text;
        out.src = src;
    }
    out.cuts = cuts;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{NormalizeOptions, normalize_with};

    #[test]
    fn spaced_tokens_are_the_pieces_split_gives() {
        for t in [
            "",
            " ",
            "a",
            "a b",
            "a  b ",
            "\nkill them\n\nall ",
            "déjà vu\nça",
            "  ",
        ] {
            let want: Vec<&str> = t.split([' ', '\n']).collect();
            assert_eq!(spaced_tokens(t).collect::<Vec<_>>(), want, "{t:?}");
        }
    }

    fn vocab() -> Vocab {
        Vocab::from_terms(
            [
                "i hate",
                "kill",
                "je hais",
                "tuez les",
                "jews",
                "all",
                "migrants",
                "therapist",
                "filthy rats",
                "death",
                "trap",
            ],
            &NormalizeOptions::default(),
        )
    }

    fn fold(text: &str, v: &Vocab) -> (String, Normalized) {
        let mut n = Normalized::new();
        normalize_with(text, &NormalizeOptions::default(), Some(v), &mut n);
        (n.text().to_string(), n)
    }

    #[test]
    fn glued_words_are_split_with_spans_on_the_original() {
        let v = vocab();
        assert_eq!(fold("Ihate them", &v).0, "i hate them");
        assert_eq!(fold("jehais les migrants", &v).0, "je hais les migrants");
        assert_eq!(fold("I hate alljews.", &v).0, "i hate all jews.");
        assert_eq!(fold("Tuezles tous", &v).0, "tuez les tous");
        let (t, n) = fold("Ihate them", &v);
        let h = t.find("hate").unwrap_or(0);
        assert_eq!(n.original_range(h..h + 4), 1..5);
        assert_eq!(n.original_range(0..6), 0..5);
        let (t, n) = fold("ça, jehais", &v);
        assert_eq!(t, "ca, je hais");
        let h = t.find("hais").unwrap_or(0);
        assert_eq!(n.original_range(h..h + 4), 7..11);
    }

    #[test]
    fn two_content_words_are_split_but_compounds_stay() {
        let v = vocab();
        assert_eq!(fold("they are filthyrats", &v).0, "they are filthy rats");
        assert_eq!(fold("killmigrants", &v).0, "kill migrants");
        // A word of the word lists, and function words of four letters (`them`).
        assert_eq!(fold("a deathtrap", &v).0, "a deathtrap");
        assert_eq!(fold("killthem", &v).0, "kill them");
    }

    #[test]
    fn words_names_code_and_addresses_stay() {
        let v = vocab();
        for text in [
            "therapist",
            "Scunthorpe",
            "grapefruit",
            "assassinat",
            "connaissance",
            "#killthebill",
            "@ihateyou",
            "killAll()",
            "IHateMondays",
            "kill_them_all",
            "https://x.org/ihate",
            "ihate2",
            "skillset",
        ] {
            let folded = fold(text, &v).0;
            assert!(!folded.contains(' '), "{text} was split: {folded}");
        }
    }
}
