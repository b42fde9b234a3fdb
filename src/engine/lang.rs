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
//! language and more than twice as many as of the other. A sentence with none of
//! either (`Retard énorme.`) takes the language of its text, guessed the same way. A
//! word's language is the one it is more common in, from the common-word list
//! (`policies/words/common.txt`, `normalize::more_common_in`). The guess runs only in
//! texts with hits of such lexicons, once per sentence with such hits.

use super::Scratch;
use crate::compiled::Compiled;
use crate::normalize::{Lang, more_common_in};

/// A sentence's language not guessed yet.
const UNSEEN: u8 = 0;
/// A sentence of no clear language.
const NEITHER: u8 = 1;
/// An English sentence.
const ENGLISH: u8 = 2;
/// A French sentence.
const FRENCH: u8 = 3;

/// Which language a folded token is a function word of, if any: words of one
/// language only. Left out: words of both or of common phrases of the other (`a`,
/// `on`, `me`, `son`, `mon` of `c'mon`, `pour`, `plus`, `but`, `an`, `or`, `as`, the
/// letters of English contractions `d`, `s`, `t`, `m`, `n`, `y` of `y'all`, `ai`).
fn function_word(w: &str) -> Option<Lang> {
    if w.len() > 7 {
        return None;
    }
    match w {
        "le" | "la" | "les" | "l" | "un" | "une" | "des" | "du" | "de" | "au" | "aux" | "et"
        | "ou" | "mais" | "donc" | "ni" | "que" | "qu" | "qui" | "quoi" | "dont" | "je" | "j"
        | "tu" | "il" | "elle" | "nous" | "vous" | "ils" | "elles" | "ce" | "cet" | "cette"
        | "ces" | "ca" | "cest" | "jai" | "mes" | "ta" | "tes" | "sa" | "ses" | "notre"
        | "nos" | "votre" | "vos" | "leur" | "leurs" | "ne" | "pas" | "tres" | "sur" | "sous"
        | "dans" | "avec" | "chez" | "sans" | "vers" | "est" | "sont" | "etait" | "ete"
        | "suis" | "avait" | "ont" | "avez" | "avons" | "sommes" | "etes" | "lui" | "eux"
        | "moi" | "toi" | "te" | "se" | "en" | "cela" | "ceci" | "aussi" | "encore" | "deja"
        | "rien" | "jamais" | "toujours" | "comme" | "quand" | "parce" | "alors" | "tout"
        | "tous" | "toute" | "toutes" | "faire" | "fait" | "etre" | "avoir" | "oui" | "ici"
        | "trop" | "bien" | "quel" | "quelle" | "quels" | "quelles" => Some(Lang::Fr),
        "the" | "of" | "and" | "to" | "is" | "are" | "was" | "were" | "be" | "been" | "being"
        | "have" | "has" | "had" | "do" | "does" | "did" | "i" | "you" | "he" | "she" | "it"
        | "we" | "they" | "him" | "her" | "them" | "my" | "your" | "his" | "our" | "their"
        | "this" | "that" | "these" | "those" | "with" | "from" | "for" | "by" | "not" | "if"
        | "what" | "which" | "who" | "when" | "where" | "why" | "how" | "will" | "would"
        | "can" | "could" | "should" | "there" | "here" | "just" | "at" | "in" | "so" | "no"
        | "all" | "its" | "up" | "out" | "about" | "like" | "than" | "then" | "because"
        | "very" | "really" | "some" | "any" | "only" | "also" | "get" | "got" => {
            Some(Lang::En)
        }
        _ => None,
    }
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

/// The function words of each language among the tokens `ts` (folded words of `text`).
fn votes<'a>(text: &str, ts: impl Iterator<Item = &'a super::Token>) -> (u32, u32) {
    let (mut fr, mut en) = (0, 0);
    for t in ts {
        match function_word(text.get(t.start as usize..t.end as usize).unwrap_or_default()) {
            Some(Lang::Fr) => fr += 1,
            Some(Lang::En) => en += 1,
            None => {}
        }
    }
    (fr, en)
}

/// Drops the hits of lexicons with a language whose every word is more common in the
/// language of their sentence (see the module documentation).
pub(super) fn drop_other_language(c: &Compiled, text: &str, s: &mut Scratch) {
    if !s
        .hits
        .iter()
        .any(|h| c.lexicons.get(h.lex.index()).is_some_and(|l| l.lang.is_some()))
    {
        return;
    }
    let mut langs = std::mem::take(&mut s.sentence_langs);
    langs.clear();
    langs.resize(
        s.tokens.last().map_or(0, |t| t.sentence as usize + 1),
        UNSEEN,
    );
    let tokens = &s.tokens;
    let mut text_lang = UNSEEN;
    let mut sentence_lang = |sentence: u32| -> Option<Lang> {
        let code = langs.get(sentence as usize).copied().unwrap_or(NEITHER);
        if code != UNSEEN {
            return lang_of(code);
        }
        let from = tokens.partition_point(|t| t.sentence < sentence);
        let to = tokens.partition_point(|t| t.sentence <= sentence);
        let (fr, en) = votes(text, tokens.get(from..to).unwrap_or_default().iter());
        let mut code = decide(fr, en);
        if code == NEITHER && fr + en <= 1 {
            // Too few function words of its own: the text's language, unless the one
            // it has is of the other language.
            if text_lang == UNSEEN {
                let (fr, en) = votes(text, tokens.iter());
                text_lang = decide(fr, en);
            }
            let against = match text_lang {
                FRENCH => en,
                ENGLISH => fr,
                _ => 1,
            };
            if against == 0 {
                code = text_lang;
            }
        }
        if let Some(slot) = langs.get_mut(sentence as usize) {
            *slot = code;
        }
        lang_of(code)
    };
    s.hits.retain(|h| {
        let Some(lang) = c.lexicons.get(h.lex.index()).and_then(|l| l.lang) else {
            return true;
        };
        let Some(here) = sentence_lang(h.sentence) else {
            return true;
        };
        if here == lang {
            return true;
        }
        let words = tokens.get(h.ts as usize..=h.te as usize).unwrap_or_default();
        words.is_empty()
            || !words.iter().all(|t| {
                more_common_in(text.get(t.start as usize..t.end as usize).unwrap_or_default())
                    == Some(here)
            })
    });
    s.sentence_langs = langs;
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
    fn function_words_are_of_one_language_only() {
        for w in ["le", "des", "je", "dans", "est", "cest"] {
            assert_eq!(function_word(w), Some(Lang::Fr), "{w}");
        }
        for w in ["the", "you", "is", "with", "would"] {
            assert_eq!(function_word(w), Some(Lang::En), "{w}");
        }
        for w in ["a", "on", "me", "son", "mon", "pour", "but", "retard", "sale"] {
            assert_eq!(function_word(w), None, "{w}");
        }
    }
}
