//! Disguised text, for measuring how well a policy resists evasion.
//!
//! A [`Disguise`] rewrites words the way people hide them from filters. Every kind is
//! deterministic: the same word always gets the same disguise (choices between
//! variants, such as which letter is stretched, are made from a hash of the word), so
//! a measurement can be repeated and compared before and after a change.
//!
//! The *word* kinds are applied to every word of four letters or more of a text; the
//! *key-word* kinds (the spelling kinds of HateCheck) to one word at a time, the words
//! the evidence of a finding points at:
//!
//! | kind | what it does | example |
//! |---|---|---|
//! | `spaced` | letters separated by spaces (neighbouring words run together) | `will kill` → `w i l l k i l l` |
//! | `elongated` | a vowel or a consonant doubled, tripled or repeated five times | `mort` → `mooooort`, `kill` → `killl` |
//! | `leetspeak` | the first two letters with a leet reading replaced | `kill` → `k1ll`, `hate` → `h4t3`, `slut` → `$lut` |
//! | `masked` | the second letter (and the third in words of six letters or more) as `*` | `kill` → `k*ll`, `fucking` → `f**king` |
//! | `punctuated` | letters separated by `.` or `-` | `kill` → `k.i.l.l`, `tuer` → `t-u-e-r` |
//! | `homoglyphs` | one letter as a Cyrillic or Greek look-alike, or the word in fullwidth | `kill` → `kіll` (Cyrillic `і`), `ｋｉｌｌ` |
//! | `accents` | accents removed, or one added to the last vowel when there is none | `tuée` → `tuee`, `tuer` → `tuér` |
//! | `mixed-case` | upper and lower case alternating | `kill` → `KiLl` |
//! | `invisible` | a zero-width or invisible char between letters | `kill` → `k\u{200B}i\u{200B}l\u{200B}l` |
//! | `swapped` | key word: two neighbouring letters swapped | `disgusted` → `disgsuted` |
//! | `deleted` | key word: one letter (an inner vowel if any) deleted | `contempt` → `contmpt` |
//! | `added` | key word: the keyboard neighbour of a middle letter added | `women` → `womnen` |
//! | `split` | key word: one space inside | `women` → `wo men` |
//! | `glued-before` | key word: the space before it deleted | `much disdain` → `muchdisdain` |
//! | `glued-after` | key word: the space after it deleted | `hate women` → `hatewomen` |
//!
//! [`measure`] runs a policy over texts with expected verdicts and tells, per kind and
//! per language, how many of the violating texts the policy catches undisguised are
//! still caught disguised (with every expected category it found undisguised), and how
//! many of the benign texts it leaves alone undisguised it flags once disguised. The
//! key-word kinds are applied to one evidence word at a time on violating texts (each
//! word is one trial; pronouns, auxiliaries and determiners among the evidence are left
//! alone: people disguise the harm verb, the slur, the group noun) and to every word of four letters or more on benign texts.
//!
//! ```
//! use tosguard::disguise::{Disguise, Sample, measure};
//!
//! assert_eq!(Disguise::Spaced.apply("I will kill you").as_deref(), Some("I w i l l k i l l you"));
//! assert_eq!(Disguise::MixedCase.apply("kill").as_deref(), Some("KiLl"));
//!
//! let policy = tosguard::Policy::baseline();
//! let samples = vec![
//!     Sample::violating("I will kill you", "en", &["violence.threat"]),
//!     Sample::benign("The cat sleeps on the sofa", "en"),
//! ];
//! let report = measure(&policy, &samples, 0);
//! let spaced = report.total(Disguise::Spaced, None);
//! assert_eq!(spaced.caught, 1);
//! assert_eq!(spaced.benign, 1);
//! println!("{report}");
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::policy::Policy;
use crate::verdict::Verdict;

/// One way of disguising words. See the [module docs](self) for an example of each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Disguise {
    /// Letters separated by spaces: `k i l l`.
    Spaced,
    /// A letter repeated: `mooooort`, `killl`.
    Elongated,
    /// Leetspeak digits and symbols: `k1ll`, `h4t3`.
    Leetspeak,
    /// Inner letters masked with `*`: `k*ll`.
    Masked,
    /// Letters separated by `.` or `-`: `k.i.l.l`.
    Punctuated,
    /// Cyrillic or Greek look-alikes, or fullwidth letters: `kіll`, `ｋｉｌｌ`.
    Homoglyphs,
    /// Accents removed or added: `tue`, `tuér`.
    Accents,
    /// Upper and lower case alternating: `KiLl`.
    MixedCase,
    /// Zero-width characters between letters.
    Invisible,
    /// Key word: two neighbouring letters swapped: `disgsuted`.
    Swapped,
    /// Key word: one letter deleted: `contmpt`.
    Deleted,
    /// Key word: one letter added: `womnen`.
    Added,
    /// Key word: one space inside: `wo men`.
    Split,
    /// Key word: glued to the word before it: `muchdisdain`.
    GluedBefore,
    /// Key word: glued to the word after it: `hatewomen`.
    GluedAfter,
}

impl Disguise {
    /// Every kind, word kinds first.
    pub const ALL: [Disguise; 15] = [
        Disguise::Spaced,
        Disguise::Elongated,
        Disguise::Leetspeak,
        Disguise::Masked,
        Disguise::Punctuated,
        Disguise::Homoglyphs,
        Disguise::Accents,
        Disguise::MixedCase,
        Disguise::Invisible,
        Disguise::Swapped,
        Disguise::Deleted,
        Disguise::Added,
        Disguise::Split,
        Disguise::GluedBefore,
        Disguise::GluedAfter,
    ];

    /// The kind's name, as in reports: `spaced`, `glued-before`...
    pub fn name(self) -> &'static str {
        match self {
            Disguise::Spaced => "spaced",
            Disguise::Elongated => "elongated",
            Disguise::Leetspeak => "leetspeak",
            Disguise::Masked => "masked",
            Disguise::Punctuated => "punctuated",
            Disguise::Homoglyphs => "homoglyphs",
            Disguise::Accents => "accents",
            Disguise::MixedCase => "mixed-case",
            Disguise::Invisible => "invisible",
            Disguise::Swapped => "swapped",
            Disguise::Deleted => "deleted",
            Disguise::Added => "added",
            Disguise::Split => "split",
            Disguise::GluedBefore => "glued-before",
            Disguise::GluedAfter => "glued-after",
        }
    }

    /// Whether the kind is applied to one key word at a time (the spelling kinds of
    /// HateCheck) rather than to every word of a text.
    pub fn is_key_word(self) -> bool {
        matches!(
            self,
            Disguise::Swapped
                | Disguise::Deleted
                | Disguise::Added
                | Disguise::Split
                | Disguise::GluedBefore
                | Disguise::GluedAfter
        )
    }

    /// The fewest letters a word needs for this kind to apply to it as a key word (four
    /// for every kind applied to every word).
    fn min_letters(self, key: bool) -> usize {
        match self {
            Disguise::Deleted => 4,
            _ if key && self.is_key_word() => 3,
            _ => 4,
        }
    }

    /// `text` with every word of four letters or more disguised (a glued kind deletes
    /// the space before or after each of them); `None` when no word changes.
    pub fn apply(self, text: &str) -> Option<String> {
        let targets: Vec<Range<usize>> = words(text)
            .filter(|w| letters(&text[w.clone()]) >= self.min_letters(false))
            .collect();
        self.rewrite(text, &targets)
    }

    /// `text` with the one word at `word` (a byte range of a word, as given by
    /// [`words`]) disguised; `None` when it is too short for this kind or nothing
    /// changes.
    pub fn apply_to_word(self, text: &str, word: Range<usize>) -> Option<String> {
        let w = text.get(word.clone())?;
        if letters(w) < self.min_letters(true) {
            return None;
        }
        self.rewrite(text, &[word])
    }

    /// Rewrites the sorted, disjoint word ranges `targets` of `text`.
    fn rewrite(self, text: &str, targets: &[Range<usize>]) -> Option<String> {
        if targets.is_empty() {
            return None;
        }
        let mut out = String::with_capacity(text.len() * 2);
        let mut at = 0;
        for (i, t) in targets.iter().enumerate() {
            let mut gap = &text[at..t.start];
            if self == Disguise::GluedBefore && !text[..t.start].trim().is_empty() {
                gap = gap.trim_end();
            }
            if self == Disguise::GluedAfter && i > 0 {
                gap = gap.trim_start();
            }
            out.push_str(gap);
            let word = &text[t.clone()];
            match self {
                Disguise::GluedBefore | Disguise::GluedAfter => out.push_str(word),
                _ => out.push_str(&self.word(word)),
            }
            at = t.end;
        }
        let mut rest = &text[at..];
        if self == Disguise::GluedAfter {
            let trimmed = rest.trim_start();
            // Only glue to a following word, not to the end of the text.
            if trimmed.chars().next().is_some_and(char::is_alphanumeric) {
                rest = trimmed;
            }
        }
        out.push_str(rest);
        (out != text).then_some(out)
    }

    /// One word disguised (the glued kinds leave words alone).
    fn word(self, word: &str) -> String {
        let chars: Vec<char> = word.chars().collect();
        let h = hash(word);
        let n = chars.len();
        match self {
            Disguise::Spaced => join(&chars, " "),
            Disguise::Punctuated => join(&chars, if h % 2 == 0 { "." } else { "-" }),
            Disguise::Invisible => {
                const INVISIBLE: [&str; 6] = [
                    "\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{AD}",
                ];
                join(&chars, INVISIBLE[(h % 6) as usize])
            }
            Disguise::MixedCase => chars
                .iter()
                .enumerate()
                .flat_map(|(i, c)| {
                    let up: Vec<char> = if i % 2 == 0 {
                        c.to_uppercase().collect()
                    } else {
                        c.to_lowercase().collect()
                    };
                    up
                })
                .collect(),
            Disguise::Elongated => {
                let vowel = chars.iter().position(|&c| is_vowel(c));
                let consonant = chars.iter().rposition(|&c| !is_vowel(c));
                let at = if h % 2 == 0 {
                    vowel.or(consonant)
                } else {
                    consonant.or(vowel)
                };
                let extra = [1, 2, 4][((h / 2) % 3) as usize];
                let mut out = chars.clone();
                if let Some(at) = at {
                    for _ in 0..extra {
                        out.insert(at, chars[at]);
                    }
                }
                out.into_iter().collect()
            }
            Disguise::Leetspeak => {
                let mut out = String::new();
                let mut done = 0;
                for (i, &c) in chars.iter().enumerate() {
                    let leet = if done < 2 {
                        leet(c, i == 0, (h >> i) & 1 == 1)
                    } else {
                        None
                    };
                    match leet {
                        Some(l) => {
                            out.push(l);
                            done += 1;
                        }
                        None => out.push(c),
                    }
                }
                out
            }
            Disguise::Masked => {
                let count = if n >= 6 { 2 } else { 1 };
                let mut out = chars.clone();
                for c in out.iter_mut().skip(1).take(count) {
                    *c = '*';
                }
                out.into_iter().collect()
            }
            Disguise::Homoglyphs => {
                let mut out = chars.clone();
                let script = match h % 3 {
                    0 => None,
                    1 => Some(cyrillic as fn(char) -> Option<char>),
                    _ => Some(greek as fn(char) -> Option<char>),
                };
                let swapped = script.and_then(|f| {
                    let i = chars.iter().position(|&c| f(c).is_some())?;
                    out[i] = f(chars[i])?;
                    Some(())
                });
                let swapped = swapped.or_else(|| {
                    let i = chars.iter().position(|&c| cyrillic(c).is_some())?;
                    out[i] = cyrillic(chars[i])?;
                    Some(())
                });
                if swapped.is_none() || h % 3 == 0 {
                    out = chars.iter().map(|&c| fullwidth(c)).collect();
                }
                out.into_iter().collect()
            }
            Disguise::Accents => {
                let stripped: String = word.nfd().filter(|&c| !is_combining_mark(c)).collect();
                if stripped.nfc().collect::<String>() != word {
                    return stripped.nfc().collect();
                }
                let mut out = chars.clone();
                if let Some(i) = chars.iter().rposition(|&c| accented(c).is_some()) {
                    if let Some(a) = accented(chars[i]) {
                        out[i] = a;
                    }
                }
                out.into_iter().collect()
            }
            Disguise::Swapped => {
                let mut out = chars.clone();
                let start = (n.saturating_sub(1) / 2).max(1);
                let pair = (start..n.saturating_sub(1))
                    .chain((1..start).rev())
                    .find(|&i| chars[i] != chars[i + 1]);
                if let Some(i) = pair {
                    out.swap(i, i + 1);
                }
                out.into_iter().collect()
            }
            Disguise::Deleted => {
                let mut out = chars.clone();
                let at = (1..n.saturating_sub(1))
                    .rev()
                    .find(|&i| is_vowel(chars[i]))
                    .unwrap_or(n / 2);
                if at < n {
                    out.remove(at);
                }
                out.into_iter().collect()
            }
            Disguise::Added => {
                let mut out = chars.clone();
                let at = n / 2;
                if let Some(&c) = chars.get(at) {
                    out.insert(at + 1, keyboard_neighbour(c).unwrap_or(c));
                }
                out.into_iter().collect()
            }
            Disguise::Split => {
                let mut out = chars.clone();
                out.insert(n / 2, ' ');
                out.into_iter().collect()
            }
            Disguise::GluedBefore | Disguise::GluedAfter => word.to_string(),
        }
    }
}

impl fmt::Display for Disguise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The byte ranges of the words of `text`: runs of letters (and combining marks).
/// Digits, apostrophes and punctuation separate words (`l'homme` is `l` and `homme`).
pub fn words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut iter = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = iter.find(|&(_, c)| c.is_alphabetic())?;
        let mut end = text.len();
        while let Some(&(i, c)) = iter.peek() {
            if c.is_alphabetic() || is_combining_mark(c) {
                iter.next();
            } else {
                end = i;
                break;
            }
        }
        Some(start..end)
    })
}

/// The number of letters of a word.
fn letters(word: &str) -> usize {
    word.chars().filter(|c| c.is_alphabetic()).count()
}

fn join(chars: &[char], sep: &str) -> String {
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push(*c);
    }
    out
}

/// FNV-1a: stable across runs and platforms (the choices must not change).
fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn is_vowel(c: char) -> bool {
    let base = c.to_lowercase().nfd().next().unwrap_or(c);
    matches!(base, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// The leetspeak char for `c`; `alt` picks the symbol over the digit. A word never
/// starts with a symbol (`$lut` aside: `$` reads `s` only inside a word, so `5lut`).
fn leet(c: char, first: bool, alt: bool) -> Option<char> {
    let alt = alt && !first;
    Some(match c.to_ascii_lowercase() {
        'a' if alt => '@',
        'a' => '4',
        'e' => '3',
        'i' if alt => '!',
        'i' => '1',
        'o' => '0',
        's' if alt => '$',
        's' => '5',
        't' => '7',
        'b' => '8',
        'g' => '9',
        _ => return None,
    })
}

/// The Cyrillic look-alike of a Latin letter.
fn cyrillic(c: char) -> Option<char> {
    Some(match c {
        'a' => 'а',
        'c' => 'с',
        'e' => 'е',
        'i' => 'і',
        'j' => 'ј',
        'o' => 'о',
        'p' => 'р',
        's' => 'ѕ',
        'x' => 'х',
        'y' => 'у',
        'A' => 'А',
        'B' => 'В',
        'C' => 'С',
        'E' => 'Е',
        'H' => 'Н',
        'K' => 'К',
        'M' => 'М',
        'O' => 'О',
        'P' => 'Р',
        'T' => 'Т',
        'X' => 'Х',
        _ => return None,
    })
}

/// The Greek look-alike of a Latin letter.
fn greek(c: char) -> Option<char> {
    Some(match c {
        'a' => 'α',
        'i' => 'ι',
        'k' => 'κ',
        'o' => 'ο',
        'u' => 'υ',
        'v' => 'ν',
        _ => return None,
    })
}

/// The fullwidth form of an ASCII letter.
fn fullwidth(c: char) -> char {
    if c.is_ascii_alphabetic() {
        char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c)
    } else {
        c
    }
}

/// `c` with an accent, when it is an unaccented vowel.
fn accented(c: char) -> Option<char> {
    Some(match c {
        'a' => 'à',
        'e' => 'é',
        'i' => 'î',
        'o' => 'ô',
        'u' => 'û',
        'A' => 'À',
        'E' => 'É',
        'I' => 'Î',
        'O' => 'Ô',
        'U' => 'Û',
        _ => return None,
    })
}

/// The key to the right of `c` on a QWERTY keyboard (`p` and `l` and `m`: the left).
fn keyboard_neighbour(c: char) -> Option<char> {
    const ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
    let lower = c.to_ascii_lowercase();
    for row in ROWS {
        let row: Vec<char> = row.chars().collect();
        if let Some(i) = row.iter().position(|&k| k == lower) {
            let k = *row.get(i + 1).or_else(|| row.get(i.wrapping_sub(1)))?;
            return Some(if c.is_ascii_uppercase() {
                k.to_ascii_uppercase()
            } else {
                k
            });
        }
    }
    None
}

/// A guess at the language of `text`, `"en"` or `"fr"`, from common short words; for
/// texts whose samples do not say.
pub fn guess_language(text: &str) -> &'static str {
    const FR: &[&str] = &[
        "le", "la", "les", "de", "des", "du", "un", "une", "et", "est", "je", "tu", "il", "elle",
        "nous", "vous", "ils", "pas", "que", "qui", "ce", "ces", "sont", "pour", "dans", "sur",
        "avec", "mais", "au", "aux", "te", "se", "ne", "on", "sa", "son", "leur", "leurs", "faut",
        "vais", "va",
    ];
    const EN: &[&str] = &[
        "the", "a", "an", "and", "is", "are", "i", "you", "he", "she", "we", "they", "not", "that",
        "who", "this", "these", "for", "in", "on", "with", "but", "to", "of", "will", "it", "be",
        "should", "all", "my", "your", "their", "them", "him", "her",
    ];
    let (mut fr, mut en) = (0, 0);
    for w in words(text) {
        let w = text[w].to_lowercase();
        fr += usize::from(FR.contains(&w.as_str()));
        en += usize::from(EN.contains(&w.as_str()));
    }
    if fr > en { "fr" } else { "en" }
}

/// Which found categories count for a [`Sample`].
pub type Counts = Box<dyn Fn(&str) -> bool>;

/// A text with an expected verdict.
pub struct Sample {
    /// The text.
    pub text: String,
    /// Its language (`en`, `fr`...), a row of the report.
    pub lang: String,
    /// Whether it violates the policy.
    pub violating: bool,
    /// Which found categories count: for a violating text, those it is expected to
    /// hold; for a benign one, those that would make it a false positive.
    pub counts: Counts,
}

impl Sample {
    /// A violating text expected to hold `categories` (exact ids).
    pub fn violating(text: &str, lang: &str, categories: &[&str]) -> Sample {
        let categories: Vec<String> = categories.iter().map(|c| c.to_string()).collect();
        Sample {
            text: text.to_string(),
            lang: lang.to_string(),
            violating: true,
            counts: Box::new(move |c| categories.iter().any(|e| e == c)),
        }
    }

    /// A benign text: any finding is a false positive.
    pub fn benign(text: &str, lang: &str) -> Sample {
        Sample {
            text: text.to_string(),
            lang: lang.to_string(),
            violating: false,
            counts: Box::new(|_| true),
        }
    }
}

impl fmt::Debug for Sample {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sample")
            .field("text", &self.text)
            .field("lang", &self.lang)
            .field("violating", &self.violating)
            .finish_non_exhaustive()
    }
}

/// The figures of one kind (and language).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Trials on violating texts caught undisguised (one per text; for a key-word
    /// kind, one per evidence word).
    pub caught: usize,
    /// Of those, still caught disguised with every counted category.
    pub kept: usize,
    /// Benign texts left alone undisguised that the kind changes.
    pub benign: usize,
    /// Of those, flagged once disguised.
    pub flagged: usize,
}

impl Tally {
    /// The share of [`Tally::caught`] kept, in percent (100 when nothing was caught).
    pub fn kept_percent(&self) -> f64 {
        if self.caught == 0 {
            100.0
        } else {
            100.0 * self.kept as f64 / self.caught as f64
        }
    }

    fn add(&mut self, other: &Tally) {
        self.caught += other.caught;
        self.kept += other.kept;
        self.benign += other.benign;
        self.flagged += other.flagged;
    }
}

/// A disguised text the policy got wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Miss {
    /// The kind.
    pub kind: Disguise,
    /// Whether the original violates (a lost catch) or is benign (a new flag).
    pub violating: bool,
    /// The original text.
    pub original: String,
    /// The disguised text.
    pub disguised: String,
}

/// What [`measure`] found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    tallies: BTreeMap<(Disguise, String), Tally>,
    /// Violating samples, and those caught undisguised.
    pub violating: (usize, usize),
    /// Benign samples, and those left alone undisguised.
    pub benign: (usize, usize),
    /// The first misses of each kind (as many as asked for).
    pub misses: Vec<Miss>,
}

impl Report {
    /// The tally of `kind` for one language, or over all when `lang` is `None`.
    pub fn total(&self, kind: Disguise, lang: Option<&str>) -> Tally {
        let mut t = Tally::default();
        for ((k, l), tally) in &self.tallies {
            if *k == kind && lang.is_none_or(|lang| lang == l) {
                t.add(tally);
            }
        }
        t
    }

    /// The tally of every kind together, for one language or all.
    pub fn overall(&self, lang: Option<&str>) -> Tally {
        let mut t = Tally::default();
        for kind in Disguise::ALL {
            t.add(&self.total(kind, lang));
        }
        t
    }

    /// Adds the figures of `other` (measured with another policy, say) to these.
    pub fn merge(&mut self, other: Report) {
        for (key, tally) in other.tallies {
            self.tallies.entry(key).or_default().add(&tally);
        }
        self.violating.0 += other.violating.0;
        self.violating.1 += other.violating.1;
        self.benign.0 += other.benign.0;
        self.benign.1 += other.benign.1;
        self.misses.extend(other.misses);
    }

    /// The languages measured, sorted.
    pub fn languages(&self) -> Vec<&str> {
        let mut langs: Vec<&str> = self.tallies.keys().map(|(_, l)| l.as_str()).collect();
        langs.sort_unstable();
        langs.dedup();
        langs
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "violating texts: {} ({} caught undisguised); benign texts: {} ({} left alone)",
            self.violating.0, self.violating.1, self.benign.0, self.benign.1
        )?;
        let langs = self.languages();
        write!(f, "{:<13}", "kind")?;
        for l in langs.iter().copied().chain(["all"]) {
            write!(f, " | {:>18} {:>9}", format!("{l} kept"), "new flags")?;
        }
        writeln!(f)?;
        let row = |f: &mut fmt::Formatter<'_>, name: &str, t: &dyn Fn(Option<&str>) -> Tally| {
            write!(f, "{name:<13}")?;
            for l in langs.iter().map(|l| Some(*l)).chain([None]) {
                let t = t(l);
                write!(
                    f,
                    " | {:>9} {:>7.1}% {:>9}",
                    format!("{}/{}", t.kept, t.caught),
                    t.kept_percent(),
                    format!("{}/{}", t.flagged, t.benign)
                )?;
            }
            writeln!(f)
        };
        for kind in Disguise::ALL {
            row(f, kind.name(), &|l| self.total(kind, l))?;
        }
        row(f, "all kinds", &|l| self.overall(l))?;
        for m in &self.misses {
            let what = if m.violating { "lost" } else { "new flag" };
            writeln!(
                f,
                "{} {what}: {:?} -> {:?}",
                m.kind, m.original, m.disguised
            )?;
        }
        Ok(())
    }
}

/// The categories of `verdict` that `counts`.
fn counted(verdict: &Verdict, counts: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut cats: Vec<String> = verdict
        .categories()
        .into_iter()
        .filter(|c| counts(c))
        .map(str::to_string)
        .collect();
    cats.sort();
    cats.dedup();
    cats
}

/// Runs `policy` over every sample undisguised and under every [`Disguise`], and
/// tallies per kind and language; keeps the first `examples` misses of each kind.
pub fn measure(policy: &Policy, samples: &[Sample], examples: usize) -> Report {
    let mut report = Report::default();
    let mut shown: BTreeMap<Disguise, usize> = BTreeMap::new();
    for s in samples {
        let verdict = policy.classify(&s.text);
        let found = counted(&verdict, &*s.counts);
        if s.violating {
            report.violating.0 += 1;
            if found.is_empty() {
                continue;
            }
            report.violating.1 += 1;
            let keys = key_words(&s.text, &verdict, &*s.counts);
            for kind in Disguise::ALL {
                let trials: Vec<String> = if kind.is_key_word() {
                    keys.iter()
                        .filter_map(|w| kind.apply_to_word(&s.text, w.clone()))
                        .collect()
                } else {
                    kind.apply(&s.text).into_iter().collect()
                };
                for disguised in trials {
                    let got = counted(&policy.classify(&disguised), &*s.counts);
                    let kept = found.iter().all(|c| got.contains(c));
                    let t = report.tallies.entry((kind, s.lang.clone())).or_default();
                    t.caught += 1;
                    t.kept += usize::from(kept);
                    if !kept {
                        note(&mut report.misses, &mut shown, examples, kind, s, disguised);
                    }
                }
            }
        } else {
            report.benign.0 += 1;
            if !found.is_empty() {
                continue;
            }
            report.benign.1 += 1;
            for kind in Disguise::ALL {
                let Some(disguised) = kind.apply(&s.text) else {
                    continue;
                };
                let flagged = !counted(&policy.classify(&disguised), &*s.counts).is_empty();
                let t = report.tallies.entry((kind, s.lang.clone())).or_default();
                t.benign += 1;
                t.flagged += usize::from(flagged);
                if flagged {
                    note(&mut report.misses, &mut shown, examples, kind, s, disguised);
                }
            }
        }
    }
    report
}

fn note(
    misses: &mut Vec<Miss>,
    shown: &mut BTreeMap<Disguise, usize>,
    examples: usize,
    kind: Disguise,
    s: &Sample,
    disguised: String,
) {
    let n = shown.entry(kind).or_default();
    if *n < examples {
        *n += 1;
        misses.push(Miss {
            kind,
            violating: s.violating,
            original: s.text.clone(),
            disguised,
        });
    }
}

/// Pronouns, auxiliaries and determiners: evidence words, but not the words people
/// disguise (the harm verb, the slur, the group noun).
const FUNCTION_WORDS: &[&str] = &[
    "you", "your", "yours", "him", "her", "them", "they", "their", "she", "his", "its", "will",
    "shall", "would", "should", "must", "can", "could", "gonna", "going", "are", "the", "this",
    "that", "these", "those", "all", "and", "for", "who", "vous", "nous", "vais", "va", "vas",
    "vont", "allons", "allez", "les", "des", "ces", "ils", "elles", "leur", "leurs", "toi", "moi",
    "lui", "eux", "faut", "qui", "que", "sont", "est", "une", "tous", "toutes",
];

/// The words of `text` that the evidence of the counted findings of `verdict` overlaps,
/// but for [`FUNCTION_WORDS`].
fn key_words(text: &str, verdict: &Verdict, counts: &dyn Fn(&str) -> bool) -> Vec<Range<usize>> {
    let spans: Vec<Range<usize>> = verdict
        .findings()
        .iter()
        .filter(|f| counts(f.category()))
        .flat_map(|f| f.evidence().iter().map(|e| e.span()))
        .collect();
    words(text)
        .filter(|w| spans.iter().any(|s| s.start < w.end && w.start < s.end))
        .filter(|w| !FUNCTION_WORDS.contains(&text[w.clone()].to_lowercase().as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(kind: Disguise, w: &str) -> String {
        kind.apply_to_word(w, 0..w.len())
            .unwrap_or_else(|| w.to_string())
    }

    #[test]
    fn word_kinds() {
        assert_eq!(
            Disguise::Spaced.apply("I will kill you").as_deref(),
            Some("I w i l l k i l l you")
        );
        assert_eq!(word(Disguise::MixedCase, "kill"), "KiLl");
        assert_eq!(word(Disguise::Swapped, "disgusted"), "disgsuted");
        assert_eq!(word(Disguise::Deleted, "contempt"), "contmpt");
        assert_eq!(word(Disguise::Split, "women"), "wo men");
        assert_eq!(word(Disguise::Accents, "tuée"), "tuee");
        assert_eq!(word(Disguise::Accents, "tuer"), "tuér");
        assert_eq!(word(Disguise::Added, "women"), "womnen");
        let leet = word(Disguise::Leetspeak, "kill");
        assert!(leet == "k1ll" || leet == "k!ll", "{leet}");
        assert_eq!(word(Disguise::Masked, "kill"), "k*ll");
        let p = word(Disguise::Punctuated, "kill");
        assert!(p == "k.i.l.l" || p == "k-i-l-l", "{p}");
        let e = word(Disguise::Elongated, "mort");
        assert!(e.len() > 4 && e.starts_with('m') && e.ends_with('t'), "{e}");
        assert_eq!(
            word(Disguise::Invisible, "kill")
                .chars()
                .filter(char::is_ascii_alphabetic)
                .collect::<String>(),
            "kill"
        );
        let h = word(Disguise::Homoglyphs, "kill");
        assert_ne!(h, "kill");
        assert_eq!(h.chars().count(), 4);
    }

    #[test]
    fn glued_kinds() {
        let text = "so much disdain for women";
        let w = words(text).nth(2).unwrap_or_default();
        assert_eq!(
            Disguise::GluedBefore
                .apply_to_word(text, w.clone())
                .as_deref(),
            Some("so muchdisdain for women")
        );
        assert_eq!(
            Disguise::GluedAfter.apply_to_word(text, w).as_deref(),
            Some("so much disdainfor women")
        );
        let last = words(text).last().unwrap_or_default();
        assert_eq!(Disguise::GluedAfter.apply_to_word(text, last), None);
        assert_eq!(
            Disguise::GluedBefore.apply(text).as_deref(),
            Some("somuchdisdain forwomen")
        );
    }

    #[test]
    fn deterministic_and_short_words_left_alone() {
        for kind in Disguise::ALL {
            assert_eq!(kind.apply("Je vais te tuer"), kind.apply("Je vais te tuer"));
            assert_eq!(kind.apply("I am at it"), None, "{kind}");
        }
    }

    #[test]
    fn words_split_on_apostrophes_and_digits() {
        let text = "l'homme a2b élève";
        let w: Vec<&str> = words(text).map(|r| &text[r]).collect();
        assert_eq!(w, ["l", "homme", "a", "b", "élève"]);
    }
}
