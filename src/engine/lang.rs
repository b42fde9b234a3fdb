//! Lexicons read in their own language. A lexicon marked `lang = "en"` or `lang = "fr"`
//! holds words of that language, some of which are also words of the other: `retard`
//! (delay) and `douche` (shower) are French words first, `sale` and `bite` English
//! ones. In a sentence identified as French, a hit of an English lexicon whose every
//! word is more common in French than in English is dropped, and the reverse; a hit
//! with a word that is not (`nigger` in `sale nigger`, a French slur in an English
//! sentence) is kept, as is every hit in a sentence of no clear language.
//!
//! A sentence's language is guessed from its function words (articles, pronouns,
//! auxiliaries, prepositions that are words of one language only): at least two of one
//! language and more than twice as many as of the other. A sentence with at most one
//! (`Retard énorme.`) takes the language of its text, guessed the same way, unless its
//! one function word is of the other language. A
//! word's language is the one it is more common in, from the common-word list
//! (`policies/words/common.txt`, `normalize::more_common_in`), looked up only for the
//! hits of a lexicon of the other language than their sentence's. The guess runs only
//! in texts with hits of such lexicons: one pass over the tokens.

use once_cell::sync::Lazy;

use super::Scratch;
use crate::compiled::{Compiled, hash_word};
use crate::normalize::{Lang, more_common_in};

/// A word's language not looked up yet.
const UNSEEN: u8 = 0;
/// A sentence of no clear language.
const NEITHER: u8 = 1;
/// An English sentence.
const ENGLISH: u8 = 2;
/// A French sentence.
const FRENCH: u8 = 3;

/// French function words (folded): words of French only.
const FRENCH_WORDS: [&str; 104] = [
    "alors", "au", "aussi", "aux", "avait", "avec", "avez", "avoir", "avons", "bien", "ca", "ce",
    "ceci", "cela", "ces", "cest", "cet", "cette", "chez", "comme", "dans", "de", "deja", "des",
    "donc", "dont", "du", "elle", "elles", "en", "encore", "est", "et", "etait", "ete", "etes",
    "etre", "eux", "faire", "fait", "ici", "il", "ils", "j", "jai", "jamais", "je", "l", "la",
    "le", "les", "leur", "leurs", "lui", "mais", "mes", "moi", "ne", "ni", "nos", "notre", "nous",
    "ont", "ou", "oui", "parce", "pas", "qu", "quand", "que", "quel", "quelle", "quelles", "quels",
    "qui", "quoi", "rien", "sa", "sans", "se", "ses", "sommes", "sont", "sous", "suis", "sur",
    "ta", "te", "tes", "toi", "toujours", "tous", "tout", "toute", "toutes", "tres", "trop", "tu",
    "un", "une", "vers", "vos", "votre", "vous",
];

/// English function words: words of English only.
const ENGLISH_WORDS: [&str; 78] = [
    "about", "all", "also", "and", "any", "are", "at", "be", "because", "been", "being", "by",
    "can", "could", "did", "do", "does", "for", "from", "get", "got", "had", "has", "have", "he",
    "her", "here", "him", "his", "how", "i", "if", "in", "is", "it", "its", "just", "like", "my",
    "no", "not", "of", "only", "our", "out", "really", "she", "should", "so", "some", "than",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "up",
    "very", "was", "we", "were", "what", "when", "where", "which", "who", "why", "will", "with",
    "would", "you", "your",
];

/// Slots of [`FUNCTION_WORDS`]: a power of two, under half full.
const SLOTS: usize = 512;

/// The function words of [`FRENCH_WORDS`] and [`ENGLISH_WORDS`] by the hash the scan
/// gives each token ([`hash_word`]), in an open-addressing table (0: an empty slot): a
/// token is looked up by the hash it already has, in a probe or two.
static FUNCTION_WORDS: Lazy<Vec<(u64, Lang)>> = Lazy::new(|| {
    let mut table = vec![(0u64, Lang::En); SLOTS];
    let words = FRENCH_WORDS
        .iter()
        .map(|w| (hash_word(w), Lang::Fr))
        .chain(ENGLISH_WORDS.iter().map(|w| (hash_word(w), Lang::En)));
    for (h, lang) in words {
        let mut i = h as usize % SLOTS;
        while table.get(i).is_some_and(|&(k, _)| k != 0) {
            i = (i + 1) % SLOTS;
        }
        if let Some(slot) = table.get_mut(i) {
            *slot = (h, lang);
        }
    }
    table
});

/// Which language the token of hash `h` ([`hash_word`]) is a function word of, if
/// any: words of one language only. Left out: words of both or of common phrases of
/// the other (`a`, `on`, `me`, `son`, `mon` of `c'mon`, `pour`, `plus`, `but`, `an`,
/// `or`, `as`, the letters of English contractions `d`, `s`, `t`, `m`, `n`, `y` of
/// `y'all`, `ai`).
fn function_word_hashed(h: u64) -> Option<Lang> {
    let table = &*FUNCTION_WORDS;
    let mut i = h as usize % SLOTS;
    loop {
        match table.get(i) {
            Some(&(k, lang)) if k == h && h != 0 => return Some(lang),
            Some(&(0, _)) | None => return None,
            Some(_) => i = (i + 1) % SLOTS,
        }
    }
}

#[cfg(test)]
fn function_word(w: &str) -> Option<Lang> {
    function_word_hashed(hash_word(w))
}

/// The language of a run of words with `fr` French and `en` English function words:
/// at least two of one, more than twice as many as of the other.
fn decide(fr: u32, en: u32) -> u8 {
    if fr >= 2 && fr > 2 * en {
        FRENCH
    } else if en >= 2 && en > 2 * fr {
        ENGLISH
    } else {
        NEITHER
    }
}

fn lang_of(code: u8) -> Option<Lang> {
    match code {
        ENGLISH => Some(Lang::En),
        FRENCH => Some(Lang::Fr),
        _ => None,
    }
}

/// Drops the hits of lexicons with a language whose every word is more common in the
/// language of their sentence (see the module documentation).
pub(super) fn drop_other_language(c: &Compiled, text: &str, s: &mut Scratch) {
    let langs_of = &c.lexicon_langs;
    let lexicon_lang = |h: &super::Hit| match langs_of.get(h.lex.index()) {
        Some(1) => Some(Lang::En),
        Some(2) => Some(Lang::Fr),
        _ => None,
    };
    if !s.hits.iter().any(|h| lexicon_lang(h).is_some()) {
        return;
    }
    // Every sentence's function words in one pass, then its language.
    let mut counts = std::mem::take(&mut s.sentence_votes);
    counts.clear();
    counts.resize(
        s.tokens.last().map_or(0, |t| t.sentence as usize + 1),
        (0, 0),
    );
    let (mut text_fr, mut text_en) = (0, 0);
    for (t, &h) in s.tokens.iter().zip(&s.token_hashes) {
        let Some(lang) = function_word_hashed(h) else {
            continue;
        };
        if let Some(c) = counts.get_mut(t.sentence as usize) {
            match lang {
                Lang::Fr => (c.0 += 1, text_fr += 1),
                Lang::En => (c.1 += 1, text_en += 1),
            };
        }
    }
    let text_lang = decide(text_fr, text_en);
    let mut langs = std::mem::take(&mut s.sentence_langs);
    langs.clear();
    langs.extend(counts.iter().map(|&(fr, en)| {
        let code = decide(fr, en);
        // Too few function words of its own: the text's language, unless the one it
        // has is of the other language.
        let against = match text_lang {
            FRENCH => en,
            ENGLISH => fr,
            _ => 1,
        };
        if code == NEITHER && fr + en <= 1 && against == 0 {
            text_lang
        } else {
            code
        }
    }));
    s.sentence_votes = counts;
    // Most texts have no hit of a lexicon of the other language than its sentence's.
    // A hit of fewer than three letters is no word of the common list (`a`, `on`, `me`).
    let other = |h: &super::Hit| {
        if h.end.saturating_sub(h.start) < 3 {
            return false;
        }
        let here = lang_of(langs.get(h.sentence as usize).copied().unwrap_or(NEITHER));
        here.is_some() && lexicon_lang(h).is_some_and(|l| Some(l) != here)
    };
    if !s.hits.iter().any(other) {
        s.sentence_langs = langs;
        return;
    }
    let mut words = std::mem::take(&mut s.word_langs);
    words.clear();
    words.resize(s.tokens.len(), UNSEEN);
    let tokens = &s.tokens;
    s.hits.retain(|h| {
        if !other(h) {
            return true;
        }
        let Some(here) = lang_of(langs.get(h.sentence as usize).copied().unwrap_or(NEITHER)) else {
            return true;
        };
        let (from, to) = (h.ts as usize, h.te as usize);
        if to < from || to >= tokens.len() {
            return true;
        }
        !(from..=to).all(|i| {
            // Each token looked up once per text: one word is often in several lexicons.
            let Some(slot) = words.get_mut(i) else {
                return false;
            };
            if *slot == UNSEEN {
                let w = tokens
                    .get(i)
                    .and_then(|t| text.get(t.start as usize..t.end as usize))
                    .unwrap_or_default();
                *slot = match more_common_in(w) {
                    Some(Lang::En) => ENGLISH,
                    Some(Lang::Fr) => FRENCH,
                    None => NEITHER,
                };
            }
            lang_of(*slot) == Some(here)
        })
    });
    s.sentence_langs = langs;
    s.word_langs = words;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_needs_two_function_words_and_twice_the_other_language() {
        assert_eq!(decide(2, 0), FRENCH);
        assert_eq!(decide(3, 1), FRENCH);
        assert_eq!(decide(2, 1), NEITHER);
        assert_eq!(decide(1, 0), NEITHER);
        assert_eq!(decide(0, 2), ENGLISH);
        assert_eq!(decide(0, 0), NEITHER);
    }

    #[test]
    fn function_words_are_of_one_language_and_hash_apart() {
        let mut hashes: Vec<u64> = FUNCTION_WORDS
            .iter()
            .map(|&(h, _)| h)
            .filter(|&h| h != 0)
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), FRENCH_WORDS.len() + ENGLISH_WORDS.len());
        assert!(hashes.len() * 2 < SLOTS);
    }

    #[test]
    fn function_words_are_of_one_language_only() {
        for w in ["le", "des", "je", "dans", "est", "cest"] {
            assert_eq!(function_word(w), Some(Lang::Fr), "{w}");
        }
        for w in ["the", "you", "is", "with", "would"] {
            assert_eq!(function_word(w), Some(Lang::En), "{w}");
        }
        for w in [
            "a", "on", "me", "son", "mon", "pour", "but", "retard", "sale",
        ] {
            assert_eq!(function_word(w), None, "{w}");
        }
    }
}
