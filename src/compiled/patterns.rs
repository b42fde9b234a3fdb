//! The one automaton of a policy and the patterns it is built from.

use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, MatchKind};

use super::{ENDING, EVASION, LexiconId, PatternUse, TYPO};
use crate::normalize::{
    BuildWordHasher, NormalizeOptions, StrSet, WILDCARD, fits_masked_typo, is_evasion_variant,
    is_known_word, is_word_char, leet_letter, masked_shape, may_be_masked_typo, mix, variant_key,
};
use crate::spec::MatchMode;

/// Pattern flags, computed once per automaton pattern.
pub(crate) const FIRST_IS_WORD: u8 = 1;
pub(crate) const LAST_IS_WORD: u8 = 2;
pub(crate) const HAS_WORD: u8 = 4;
pub(crate) const HAS_PREFIX: u8 = 8;
pub(crate) const HAS_INFIX: u8 = 16;

/// The flags of a pattern: whether it starts and ends with a word character, and
/// the match modes its lexicons use.
pub(crate) fn pattern_flags(text: &str, uses: &[PatternUse]) -> u8 {
    let mut f = 0;
    if text.chars().next().is_some_and(is_word_char) {
        f |= FIRST_IS_WORD;
    }
    if text.chars().next_back().is_some_and(is_word_char) {
        f |= LAST_IS_WORD;
    }
    for u in uses {
        f |= match u.mode {
            MatchMode::Word => HAS_WORD,
            MatchMode::Prefix => HAS_PREFIX,
            MatchMode::Infix => HAS_INFIX,
        };
    }
    f
}

/// Room for half as much again as `capacity` holds (at least 16): growing the
/// compiler's large arrays by half rather than doubling them keeps a policy just past a
/// power of two from holding nearly twice the memory its patterns need at the peak.
fn half_again(capacity: usize) -> usize {
    (capacity / 2).max(16)
}

/// Pushes `x`, growing `v` by half when it is full (see [`half_again`]).
fn push_half_again<T>(v: &mut Vec<T>, x: T) {
    if v.len() == v.capacity() {
        v.reserve_exact(half_again(v.capacity()));
    }
    v.push(x);
}

/// Strings kept end to end in one buffer: one allocation for all of them rather than
/// one each (a policy has tens of thousands of patterns, most a few bytes long).
#[derive(Clone, Debug, Default)]
pub(crate) struct Texts {
    buf: String,
    /// Where each string ends in `buf` (32 bits: [`Texts::push`] refuses a string that
    /// would end past `u32::MAX`).
    ends: Vec<u32>,
}

impl Texts {
    /// Appends `s`, whose index is the former [`Texts::len`], and returns `true`; or
    /// returns `false` and adds nothing if the strings would pass 4 GiB in all (the
    /// compiler reports that as a limit exceeded).
    #[must_use]
    pub(crate) fn push(&mut self, s: &str) -> bool {
        let Ok(end) = u32::try_from(self.buf.len() + s.len()) else {
            return false;
        };
        if self.buf.capacity() - self.buf.len() < s.len() {
            self.buf
                .reserve_exact(half_again(self.buf.capacity()).max(s.len()));
        }
        self.buf.push_str(s);
        push_half_again(&mut self.ends, end);
        true
    }

    /// The string at `i`.
    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = match i.checked_sub(1) {
            Some(j) => *self.ends.get(j)? as usize,
            None => 0,
        };
        self.buf.get(start..end)
    }

    /// How many strings it holds.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether it holds none.
    pub(crate) fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Their total length, in bytes.
    pub(crate) fn bytes(&self) -> usize {
        self.buf.len()
    }

    /// The strings, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Makes room for `n` more strings of `bytes` bytes in all, so that a list whose
    /// size is known is not grown by doubling (and left with unused capacity).
    pub(crate) fn reserve(&mut self, n: usize, bytes: usize) {
        self.buf.reserve(bytes);
        self.ends.reserve(n);
    }

    /// Gives back the capacity it does not use.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.buf.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    /// The strings end to end, and where each ends (a stored policy keeps these).
    pub(crate) fn parts(&self) -> (&str, &[u32]) {
        (&self.buf, &self.ends)
    }

    /// The strings of [`Texts::parts`], if `ends` rise and fall on characters of
    /// `buf`, the last at its end.
    pub(crate) fn from_parts(buf: String, ends: Vec<u32>) -> Option<Texts> {
        let mut start = 0;
        for &e in &ends {
            let e = e as usize;
            if e < start || !buf.is_char_boundary(e) {
                return None;
            }
            start = e;
        }
        (start == buf.len()).then_some(Texts { buf, ends })
    }
}

impl<'a> FromIterator<&'a str> for Texts {
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> Self {
        let mut t = Texts::default();
        for s in iter {
            if !t.push(s) {
                break;
            }
        }
        t
    }
}

/// The uses of every pattern, in one array (pattern `i` has the slice from the end of
/// pattern `i - 1`'s to `ends[i]`) rather than one vector per pattern.
#[derive(Clone, Debug, Default)]
pub(crate) struct Uses {
    all: Vec<PatternUse>,
    /// 32 bits: [`PatternSet::add`] refuses more than `u32::MAX` uses in all.
    ends: Vec<u32>,
}

impl Uses {
    /// The uses of pattern `p`.
    #[inline]
    pub(crate) fn get(&self, p: usize) -> Option<&[PatternUse]> {
        let end = *self.ends.get(p)? as usize;
        let start = match p.checked_sub(1) {
            Some(j) => *self.ends.get(j)? as usize,
            None => 0,
        };
        self.all.get(start..end)
    }

    /// The uses of every pattern, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &[PatternUse]> + '_ {
        (0..self.ends.len()).filter_map(|p| self.get(p))
    }

    /// How many patterns it has the uses of.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Every use, and where each pattern's end (a stored policy keeps these).
    pub(crate) fn parts(&self) -> (&[PatternUse], &[u32]) {
        (&self.all, &self.ends)
    }

    /// The uses of [`Uses::parts`], if `ends` rise, the last at the end of `all`.
    pub(crate) fn from_parts(all: Vec<PatternUse>, ends: Vec<u32>) -> Option<Uses> {
        let mut start = 0;
        for &e in &ends {
            if (e as usize) < start {
                return None;
            }
            start = e as usize;
        }
        (start == all.len()).then_some(Uses { all, ends })
    }
}

/// The flags of every pattern, in order.
pub(crate) fn flags(text: &Texts, uses: &Uses) -> Vec<u8> {
    text.iter()
        .zip(uses.iter())
        .map(|(t, u)| pattern_flags(t, u))
        .collect()
}

/// Collects the patterns of the one automaton, each once, with every lexicon that
/// uses it.
#[derive(Default)]
pub(crate) struct PatternSet {
    /// Open-addressing table of pattern ids by [`hash_word`] of their text ([`EMPTY`] =
    /// free slot): the ids only, so that each pattern's text is kept once. Its length is
    /// a power of two, at least four thirds of the number of patterns (or zero).
    index: Vec<u32>,
    pub(crate) text: Texts,
    /// Per pattern, its first use (most patterns have only one).
    first: Vec<PatternUse>,
    /// The uses after a pattern's first, as they were added, with their pattern;
    /// [`PatternSet::finish`] gathers them per pattern.
    more: Vec<(u32, PatternUse)>,
    /// Whether a pattern was refused: the texts would pass 4 GiB, or the uses
    /// `u32::MAX` (the compiler reports it as a limit exceeded).
    pub(crate) overflow: bool,
}

impl PatternSet {
    /// The total length of the patterns, in bytes.
    pub(crate) fn bytes(&self) -> usize {
        self.text.bytes()
    }

    /// Adds `folded` as a pattern of lexicon `lex`, its variants matching as
    /// `tolerance` says ([`EVASION`], [`TYPO`]).
    pub(crate) fn add(&mut self, folded: &str, lex: LexiconId, mode: MatchMode, tolerance: u8) {
        // The index grows at three quarters full: it is read only while compiling.
        if self.index.len() * 3 < (self.text.len() + 1) * 4 {
            self.grow();
        }
        let mask = self.index.len() - 1;
        let mut slot = hash_word(folded) as usize & mask;
        let new = PatternUse {
            lex,
            mode,
            tolerance,
        };
        if self.first.len() + self.more.len() >= u32::MAX as usize {
            self.overflow = true;
            return;
        }
        loop {
            match self.index.get(slot).copied() {
                Some(EMPTY) | None => {
                    let i = self.text.len() as u32;
                    if !self.text.push(folded) {
                        self.overflow = true;
                        return;
                    }
                    if let Some(s) = self.index.get_mut(slot) {
                        *s = i;
                    }
                    push_half_again(&mut self.first, new);
                    return;
                }
                Some(id) if self.text.get(id as usize) == Some(folded) => {
                    push_half_again(&mut self.more, (id, new));
                    return;
                }
                Some(_) => slot = (slot + 1) & mask,
            }
        }
    }

    /// The patterns and, per pattern, its uses by lexicon (one per lexicon and match
    /// mode, the tolerances of repeated uses merged; a lexicon's modes in the order
    /// they were first added).
    pub(crate) fn finish(self) -> (Texts, Uses) {
        let PatternSet {
            index,
            mut text,
            first,
            more,
            overflow: _,
        } = self;
        drop(index);
        text.shrink_to_fit();
        // The later uses grouped by pattern with a counting sort (stable: a pattern's
        // uses keep the order they were added in): where each pattern's later uses
        // start, then each put in its place.
        let mut next = vec![0usize; text.len() + 1];
        for &(p, _) in &more {
            if let Some(n) = next.get_mut(p as usize + 1) {
                *n += 1;
            }
        }
        for i in 1..next.len() {
            let before = next.get(i - 1).copied().unwrap_or(0);
            if let Some(n) = next.get_mut(i) {
                *n += before;
            }
        }
        let blank = PatternUse {
            lex: LexiconId::new(0),
            mode: MatchMode::Word,
            tolerance: 0,
        };
        let mut grouped = vec![blank; more.len()];
        for (p, u) in more {
            if let Some(n) = next.get_mut(p as usize) {
                if let Some(slot) = grouped.get_mut(*n) {
                    *slot = u;
                }
                *n += 1;
            }
        }
        // `next[p]` is now where pattern `p`'s later uses end.
        let mut uses = Uses {
            all: Vec::with_capacity(first.len() + grouped.len()),
            ends: Vec::with_capacity(text.len()),
        };
        let mut start = 0;
        for (&end, u0) in next.iter().zip(&first) {
            let at = uses.all.len();
            uses.all.push(u0.clone());
            for u in grouped.get(start..end).unwrap_or_default() {
                let same = uses
                    .all
                    .get_mut(at..)
                    .unwrap_or_default()
                    .iter_mut()
                    .find(|x| x.lex == u.lex && x.mode == u.mode);
                match same {
                    Some(x) => x.tolerance |= u.tolerance,
                    None => uses.all.push(u.clone()),
                }
            }
            // By lexicon: the scan records a found pattern's hits in this order, and
            // sorts a token's hits by place then lexicon (the order of a pattern's uses
            // decides nothing else).
            if let Some(mine) = uses.all.get_mut(at..) {
                mine.sort_by_key(|u| u.lex);
            }
            // At most `first.len() + more.len()` uses, which `add` keeps within `u32`.
            uses.ends
                .push(u32::try_from(uses.all.len()).unwrap_or(u32::MAX));
            start = end;
        }
        uses.all.shrink_to_fit();
        (text, uses)
    }

    /// Doubles the index (at least 16 slots) and puts every pattern back in it.
    fn grow(&mut self) {
        let cap = (self.index.len() * 2).max(16);
        let mask = cap - 1;
        let mut index = vec![EMPTY; cap];
        for (id, t) in self.text.iter().enumerate() {
            let mut slot = hash_word(t) as usize & mask;
            while index.get(slot).is_some_and(|&s| s != EMPTY) {
                slot = (slot + 1) & mask;
            }
            if let Some(s) = index.get_mut(slot) {
                *s = id as u32;
            }
        }
        self.index = index;
    }
}

/// The one automaton of a policy. Overlapping search needs `MatchKind::Standard`; a
/// DFA is the fastest to search and, for policy-sized term lists (thousands of
/// terms), small enough.
pub(crate) fn build_automaton<P: AsRef<str>>(
    patterns: &[P],
) -> Result<AhoCorasick, aho_corasick::BuildError> {
    let total: usize = patterns.iter().map(|p| p.as_ref().len()).sum();
    let kind = if total <= 16 << 10 {
        aho_corasick::AhoCorasickKind::DFA
    } else {
        aho_corasick::AhoCorasickKind::ContiguousNFA
    };
    AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(kind))
        .build(patterns.iter().map(AsRef::as_ref))
}

/// How a policy finds its patterns in folded text.
///
/// A pattern made only of word characters and used only as a whole word matches
/// exactly the tokens equal to it (tokens are the maximal runs of word characters), so
/// it needs no automaton: it is found by one hash-table lookup per token
/// ([`Matcher::word`]). A pattern of several tokens (a phrase, or words joined by
/// apostrophes, hyphens or other marks) is found the same way, looking up the runs of
/// tokens that start with one of those patterns' first tokens
/// ([`Matcher::phrase_words`]). These are nearly all of a policy's patterns (every
/// evasion and typo variant of a term). The automaton holds only the others: prefix
/// and infix terms, and terms that start or end with a mark (`$kip-bomb`, `lgbtq+`).
/// A number no other matcher of the process has (from 1; 0 is none).
pub(crate) fn next_matcher_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

#[derive(Clone, Debug)]
pub(crate) struct Matcher {
    /// Over the patterns that are not whole-word tokens.
    pub(crate) automaton: AhoCorasick,
    /// Automaton pattern → policy pattern id.
    pub(crate) automaton_ids: Vec<u32>,
    /// The first words of the multi-word token patterns, sorted (one buffer, not a
    /// string each: 6,729 of them in the built-in policy).
    pub(super) starts: StrSet,
    /// Per word of `starts`, by its index: the most words of a token pattern starting
    /// with it.
    pub(super) start_words: Vec<u32>,
    /// The runs of two tokens or more that start a token pattern of more tokens (see
    /// [`RunPrefixes`]): a run of tokens that is none of them starts no longer one.
    pub(super) prefixes: RunPrefixes,
    /// Open-addressing table of whole-word pattern ids ([`EMPTY`] = free slot); its
    /// length is a power of two at least four thirds of the number of ids.
    pub(super) words: Vec<u32>,
    /// One-token patterns with evasion variants, by [`variant_key`].
    pub(super) evasion: MultiTable,
    /// One-token patterns with masked variants, by length, first and last character.
    pub(super) masked: HashMap<(usize, char, char), Vec<u32>, BuildWordHasher>,
    /// One-token and phrase patterns with typo variants, by their own text: a word
    /// that is no real word is looked up with each of its one-letter edits
    /// ([`Matcher::typo_edits`]); and the one-token patterns with [`ENDING`] readings
    /// by their text less its last letter too, the key a real word finds them by.
    pub(super) typos: MultiTable,
    /// One-token patterns with evasion or typo variants, by their own text (some of
    /// them are automaton patterns, used as a prefix by another lexicon).
    pub(super) tolerant: MultiTable,
    /// Real words never read as typos, sorted (hashed with the word hasher: asked for
    /// every token of three to 32 small letters).
    pub(super) exclude: StrSet,
    /// The words of the phrases with typo variants (ids unused): a run of tokens is
    /// only looked up when all its tokens but one are such words.
    pub(super) phrase_words: MultiTable,
    /// The most words of a phrase with typo variants (0 when there is none).
    pub(super) typo_phrase_len: u32,
    /// The most tokens of a term of tokens joined by marks with variants
    /// ([`is_token_run`]; 0 when there is none).
    pub(super) run_tokens: u32,
    /// The marks that join the tokens of those terms.
    pub(super) run_marks: Vec<char>,
    /// The longest token or phrase that can be a variant of a term, in bytes: longer
    /// ones (a run of separated letters read as one token) are not looked up, so the
    /// work per token stays linear in its length.
    pub(super) max_variant_bytes: usize,
    /// How text is folded: which evasion variants exist.
    pub(super) opts: NormalizeOptions,
    /// The letter trigrams of the words of the patterns with typo variants (see
    /// [`Trigrams`]).
    pub(super) trigrams: Trigrams,
    /// This matcher's number, unique in the process ([`next_matcher_id`]; a clone
    /// shares it, as it answers alike): what the scan kept of its answers per word
    /// (`engine::scan::WordCache`) is only read back for the matcher it asked.
    pub(crate) id: u64,
}

/// The letter trigrams of the terms' words (`a`–`z`, and a word's start or end as a
/// 27th letter), as masks of the letters that complete a pair: a letter put back into
/// a word that is no real word makes three trigrams around it, and unless a term's
/// word has all three, no term is that word with the letter put back, and it is not
/// looked up (most of the 26 letters at each place).
#[derive(Clone, Debug)]
pub(crate) struct Trigrams {
    /// `[a][b]`: the letters `c` of trigrams `a c b`.
    mid: Box<[u32]>,
    /// `[a][b]`: the letters `c` of trigrams `a b c`.
    after: Box<[u32]>,
    /// `[a][b]`: the letters `c` of trigrams `c a b`.
    before: Box<[u32]>,
}

/// The code of a letter in [`Trigrams`] (26: the edge of a word).
fn tri_code(c: Option<&u8>) -> usize {
    match c {
        Some(&c @ b'a'..=b'z') => usize::from(c - b'a'),
        _ => 26,
    }
}

impl Trigrams {
    /// The masks one after the other (`mid`, `after`, `before`), for the stored form.
    pub(super) fn parts(&self) -> Vec<u32> {
        [&self.mid, &self.after, &self.before]
            .into_iter()
            .flat_map(|m| m.iter().copied())
            .collect()
    }

    /// The trigrams whose [`Trigrams::parts`] are `v`, if it can be them.
    pub(super) fn from_parts(v: &[u32]) -> Option<Trigrams> {
        const N: usize = 27 * 27;
        (v.len() == 3 * N).then(|| Trigrams {
            mid: v.get(..N).unwrap_or_default().into(),
            after: v.get(N..2 * N).unwrap_or_default().into(),
            before: v.get(2 * N..).unwrap_or_default().into(),
        })
    }

    /// The trigrams of every word of ASCII small letters of `words`.
    fn of<'a>(words: impl Iterator<Item = &'a str>) -> Trigrams {
        let empty = || vec![0u32; 27 * 27].into_boxed_slice();
        let mut t = Trigrams {
            mid: empty(),
            after: empty(),
            before: empty(),
        };
        let set = |m: &mut [u32], a: usize, b: usize, c: usize| {
            if let (Some(x), true) = (m.get_mut(a * 27 + b), c < 26) {
                *x |= 1 << c;
            }
        };
        for text in words {
            for w in text.split(|c: char| !c.is_ascii_lowercase()) {
                let w = w.as_bytes();
                for j in 0..w.len() {
                    let a = tri_code(j.checked_sub(1).and_then(|i| w.get(i)));
                    let (b, c) = (tri_code(w.get(j)), tri_code(w.get(j + 1)));
                    set(&mut t.mid, a, c, b);
                    set(&mut t.after, a, b, c);
                    set(&mut t.before, b, c, a);
                }
            }
        }
        t
    }

    /// The letters that may be put back into `w` before position `j`: those that make
    /// only trigrams of the terms' words.
    fn insertable(&self, w: &[u8], j: usize) -> u32 {
        let at = |i: Option<usize>| tri_code(i.and_then(|i| w.get(i)));
        let (p2, p1) = (at(j.checked_sub(2)), at(j.checked_sub(1)));
        let (n1, n2) = (at(Some(j)), at(Some(j + 1)));
        let get = |m: &[u32], a: usize, b: usize| m.get(a * 27 + b).copied().unwrap_or(0);
        let mut mask = get(&self.mid, p1, n1);
        if p1 != 26 {
            mask &= get(&self.after, p2, p1);
        }
        if n1 != 26 {
            mask &= get(&self.before, n1, n2);
        }
        mask
    }
}

/// An open-addressing table from 64-bit hashes to pattern ids, several ids per hash.
///
/// A slot is one `u64`: the high 32 bits of the hash above the id ([`EMPTY`] for a
/// free slot). The low bits of the hash choose where the probe starts, so two hashes
/// are confused only when their high halves are equal and their probes meet: a
/// lookup may then return an id of another hash, which every caller checks anyway
/// (against the pattern's text), as it checks ids of a hash shared by two forms.
#[derive(Clone, Debug, Default)]
pub(super) struct MultiTable {
    /// The length is a power of two with at most 70% of its slots used (or zero).
    pub(super) slots: Vec<u64>,
}

/// The number of slots of a [`MultiTable`] of `n` entries: the power of two that keeps
/// it at most 70% full. Twice the entries, as before, doubled the table each time the
/// entries passed a power of two (the built-in policy's whole-word table went from 2 to
/// 4 MiB for a few thousand French person nouns more); at most 70% full, a lookup of an
/// absent hash probes about 6 slots on average with linear probing, and a word's
/// lookups are cached per thread (`src/engine/scan.rs`).
fn table_len(n: usize) -> usize {
    (n * 10 / 7 + 1).next_power_of_two()
}

/// A slot of [`MultiTable`]: the high half of `hash` and `id`.
fn table_slot(hash: u64, id: u32) -> u64 {
    (hash & !0xffff_ffff) | u64::from(id)
}

impl MultiTable {
    /// An empty table for up to `n` entries (none when `n` is 0).
    fn with_capacity(n: usize) -> MultiTable {
        if n == 0 {
            return MultiTable::default();
        }
        MultiTable {
            slots: vec![u64::from(EMPTY); table_len(n)],
        }
    }

    /// Stores `id` under `h`, unless it is already found under `h`. At most the
    /// capacity given to [`MultiTable::with_capacity`] entries may be inserted.
    fn insert(&mut self, h: u64, id: u32) {
        let mask = self.slots.len().wrapping_sub(1);
        let mut slot = h as usize & mask;
        let entry = table_slot(h, id);
        while let Some(s) = self.slots.get_mut(slot) {
            if *s == entry {
                return;
            }
            if *s as u32 == EMPTY {
                *s = entry;
                return;
            }
            slot = (slot + 1) & mask;
        }
    }

    pub(super) fn build(mut entries: Vec<(u64, u32)>) -> MultiTable {
        if entries.is_empty() {
            return MultiTable::default();
        }
        entries.sort_unstable();
        entries.dedup();
        let cap = table_len(entries.len());
        let mask = cap - 1;
        let mut slots = vec![u64::from(EMPTY); cap];
        for (h, id) in entries {
            let mut slot = h as usize & mask;
            while slots.get(slot).is_some_and(|&s| s as u32 != EMPTY) {
                slot = (slot + 1) & mask;
            }
            if let Some(s) = slots.get_mut(slot) {
                *s = table_slot(h, id);
            }
        }
        MultiTable { slots }
    }

    /// Calls `f` with every id stored under hash `h`.
    #[inline]
    pub(super) fn each(&self, h: u64, mut f: impl FnMut(u32)) {
        let mask = self.slots.len().wrapping_sub(1);
        let mut slot = h as usize & mask;
        let high = h & !0xffff_ffff;
        while let Some(&s) = self.slots.get(slot) {
            let id = s as u32;
            if id == EMPTY {
                return;
            }
            if s & !0xffff_ffff == high {
                f(id);
            }
            slot = (slot + 1) & mask;
        }
    }

    fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The table of `slots` as [`MultiTable::slots`] held them (a stored policy), if
    /// it can be one: empty, or a power of two long with a free slot (which every
    /// probe needs to end).
    pub(super) fn from_slots(slots: Vec<u64>) -> Option<MultiTable> {
        let ok = slots.is_empty()
            || (slots.len().is_power_of_two() && slots.iter().any(|&s| s as u32 == EMPTY));
        ok.then_some(MultiTable { slots })
    }

    /// Whether every id stored is below `n`.
    pub(super) fn ids_below(&self, n: usize) -> bool {
        self.slots
            .iter()
            .all(|&s| s as u32 == EMPTY || (s as u32 as usize) < n)
    }

    fn memory_usage(&self) -> usize {
        self.slots.len() * std::mem::size_of::<u64>()
    }
}

/// A filter over the runs of tokens that start a token pattern of more tokens than
/// they have: the [`hash_word`] of each pattern of three tokens or more up to the end of
/// each of its tokens but the first and the last (`je vais te` for `je vais te tuer`),
/// one bit each in a table of bits (about 16 bits per run, so that about one run in
/// sixteen that starts no pattern is let through). The scan looks up the runs of
/// tokens that start at a token beginning a token pattern, one token longer each time
/// ([`Matcher::phrase_words`]); once a run is not let through, no longer run can be a
/// pattern, and the lookups stop. A run is never wrongly stopped: every run that starts
/// a pattern has its bit set.
#[derive(Clone, Debug, Default)]
pub(crate) struct RunPrefixes {
    /// A power of two of bits (none when no pattern has three tokens).
    pub(super) bits: Vec<u64>,
}

impl RunPrefixes {
    /// The bit of hash `h` (high bits: the low ones place the runs in the word table).
    fn bit(&self, h: u64) -> (usize, u64) {
        let n = (self.bits.len() * 64).wrapping_sub(1);
        let i = (h >> 32) as usize & n;
        (i / 64, 1 << (i % 64))
    }

    /// The filter of the runs of `runs` (their [`hash_word`]s).
    fn build(runs: &[u64]) -> RunPrefixes {
        if runs.is_empty() {
            return RunPrefixes::default();
        }
        let bits = (runs.len() * 16).next_power_of_two().max(64);
        let mut f = RunPrefixes {
            bits: vec![0; bits / 64],
        };
        for &h in runs {
            let (w, b) = f.bit(h);
            if let Some(word) = f.bits.get_mut(w) {
                *word |= b;
            }
        }
        f
    }

    /// The filter stored as `bits`, if it can be one: empty or a power of two of bits.
    pub(super) fn from_bits(bits: Vec<u64>) -> Option<RunPrefixes> {
        (bits.is_empty() || bits.len().is_power_of_two()).then_some(RunPrefixes { bits })
    }

    /// Whether the run of tokens of [`hash_word`] `h` may start a longer token pattern.
    #[inline]
    fn may_start(&self, h: u64) -> bool {
        let (w, b) = self.bit(h);
        self.bits.get(w).is_some_and(|&word| word & b != 0)
    }
}

/// The [`hash_word`]s of the runs of token pattern `t` that [`RunPrefixes`] lets
/// through: `t` up to the end of each of its tokens but the first and the last.
fn run_prefixes(t: &str, out: &mut Vec<u64>) {
    let mut tokens = 0;
    let mut prev_word = false;
    for (i, c) in t.char_indices() {
        let w = is_word_char(c);
        if prev_word && !w {
            tokens += 1;
            if tokens >= 2 {
                out.push(hash_word(t.get(..i).unwrap_or_default()));
            }
        }
        prev_word = w;
    }
}

/// Buffers for [`Matcher::variants`], kept between tokens.
#[derive(Clone, Debug, Default)]
pub(crate) struct VariantScratch {
    key: String,
    tok: Vec<char>,
    base: Vec<char>,
    shorter: String,
    /// A token's typo edits ([`Matcher::typo_edits`]).
    edit: Vec<u8>,
    /// Candidate patterns.
    ids: Vec<u32>,
}

/// Whether `token` has a character that [`variant_key`] reads as another (a
/// leetspeak digit, `l`), and whether it has two equal characters in a row: without
/// either, the token is its own key.
#[inline]
fn leet_and_doubled(token: &str) -> (bool, bool) {
    let mut prev = None;
    let (mut leet, mut doubled) = (false, false);
    for c in token.chars() {
        leet |= leet_letter(c) != c;
        doubled |= prev == Some(c);
        prev = Some(c);
    }
    (leet, doubled)
}

/// Whether `text` is one token: word characters only.
pub(crate) fn is_token(text: &str) -> bool {
    !text.is_empty() && text.chars().all(is_word_char)
}

/// Whether `text` is tokens joined by single marks, two at least, with no whitespace:
/// `sous-développé`, `can't`, `fils-de-pute` (not `$` or `@`, which text reads as
/// letters). Such a one-word term's variants are found at scan time over runs of
/// tokens, as a single token's are.
pub(crate) fn is_token_run(text: &str) -> bool {
    let mut tokens = 0;
    let mut after_word = false;
    for c in text.chars() {
        if is_word_char(c) {
            if !after_word {
                tokens += 1;
            }
            after_word = true;
        } else if !after_word || c.is_whitespace() || c == '$' || c == '@' {
            return false;
        } else {
            after_word = false;
        }
    }
    tokens >= 2 && after_word
}

/// Whether `text` is tokens joined by single spaces, two at least.
pub(crate) fn is_token_phrase(text: &str) -> bool {
    text.contains(' ') && text.split(' ').all(is_token)
}

/// If `text` is a token pattern, its number of tokens: it starts and ends with a word
/// character and is used only as a whole word. Such a pattern matches exactly where
/// that many consecutive tokens, with the same characters between them, spell it
/// (tokens are the maximal runs of word characters, so the pattern's own tokens are
/// the text's), so it is found by table lookups over the tokens instead of the
/// automaton: single words, phrases, and terms with apostrophes, hyphens or other
/// marks between their words (`sous-développé`, `can't stand`, `kill_them_all`).
fn token_words(text: &str, uses: &[PatternUse]) -> Option<u32> {
    if !uses.iter().all(|u| u.mode == MatchMode::Word)
        || !text.chars().next().is_some_and(is_word_char)
        || !text.chars().next_back().is_some_and(is_word_char)
    {
        return None;
    }
    let mut n = 0u32;
    let mut in_token = false;
    for c in text.chars() {
        let w = is_word_char(c);
        if w && !in_token {
            n += 1;
        }
        in_token = w;
    }
    Some(n)
}

/// The first token of a token pattern (see [`token_words`]).
fn first_token(text: &str) -> &str {
    let end = text
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(text.len(), |(i, _)| i);
    text.get(..end).unwrap_or(text)
}

/// A free slot of [`Matcher::words`].
pub(super) const EMPTY: u32 = u32::MAX;

/// Fewest letters of a term's word for typo variants (as `fuzzy` is documented).
const MIN_TYPO_LETTERS: usize = 4;
/// Fewest letters of a word of the text read as a typo (`kil`, `tue` is a word).
const MIN_TYPO_WORD: usize = 3;
/// Most letters of a word of the text read as a typo.
const MAX_TYPO_WORD: usize = 32;
/// [`Matcher::may_be_typo`]: the word is read as no typo.
pub(crate) const TYPO_NONE: u8 = 0;
/// [`Matcher::may_be_typo`]: a real word, read only as a term less its final letter.
pub(crate) const TYPO_ENDING: u8 = 1;
/// [`Matcher::may_be_typo`]: no real word, read with any one typo.
pub(crate) const TYPO_ANY: u8 = 2;

/// The tolerance a use of a pattern needs for a typo reading of a word that
/// [`Matcher::may_be_typo`] rated `how`: [`ENDING`] for a real word, [`TYPO`] for
/// any other.
pub(crate) fn typo_tolerance(how: u8) -> u8 {
    if how == TYPO_ENDING { ENDING } else { TYPO }
}

/// Calls `look` with each form of `head` + `w` + `tail` with one typo in the word `w`
/// (ASCII small letters) read back: without one of its letters (a letter added;
/// once per run of equal letters), with two different neighbours swapped back, with
/// a letter put back (a letter missing; never right after the same letter, and only
/// letters that make trigrams of the terms' words), as far as the term's word keeps
/// four letters or more.
///
/// The form is written once into `buf` for each kind of edit, then changed a byte or
/// two from one edit to the next (each form is valid UTF-8: only ASCII letters of `w`
/// change), in this order: removals left to right, swaps left to right, letters put
/// back left to right and `a` to `z` at each place.
fn each_typo_edit(
    head: &str,
    w: &str,
    tail: &str,
    trigrams: &Trigrams,
    buf: &mut Vec<u8>,
    mut look: impl FnMut(&[u8]),
) {
    let b = w.as_bytes();
    let len = b.len();
    if !w.is_ascii() || len == 0 {
        return;
    }
    let h = head.len();
    let set = |buf: &mut Vec<u8>, at: usize, c: Option<&u8>| {
        if let (Some(slot), Some(&c)) = (buf.get_mut(at), c) {
            *slot = c;
        }
    };
    let start = |buf: &mut Vec<u8>, parts: [&[u8]; 3]| {
        buf.clear();
        buf.extend_from_slice(head.as_bytes());
        for p in parts {
            buf.extend_from_slice(p);
        }
        buf.extend_from_slice(tail.as_bytes());
    };
    let rest = |from: usize| b.get(from..).unwrap_or_default();
    if len > MIN_TYPO_LETTERS {
        // `head` + `w` less its letter `j` + `tail`, for `j` from 0.
        start(buf, [rest(1), &[], &[]]);
        for j in 0..len {
            if j > 0 {
                set(buf, h + j - 1, b.get(j - 1));
                if b.get(j) == b.get(j - 1) {
                    continue;
                }
            }
            look(buf);
        }
    }
    if len >= MIN_TYPO_LETTERS {
        start(buf, [b, &[], &[]]);
        for j in 0..len.saturating_sub(1) {
            if b.get(j) == b.get(j + 1) {
                continue;
            }
            set(buf, h + j, b.get(j + 1));
            set(buf, h + j + 1, b.get(j));
            look(buf);
            set(buf, h + j, b.get(j));
            set(buf, h + j + 1, b.get(j + 1));
        }
    }
    if len + 1 >= MIN_TYPO_LETTERS {
        // `head` + `w` with a letter at `h + j` before its letter `j` + `tail`.
        start(buf, [b"a", b, &[]]);
        for j in 0..=len {
            if j > 0 {
                set(buf, h + j - 1, b.get(j - 1));
            }
            let mask = trigrams.insertable(b, j);
            for (k, c) in (b'a'..=b'z').enumerate() {
                if mask >> k & 1 == 0 || (j > 0 && b.get(j - 1) == Some(&c)) {
                    continue;
                }
                set(buf, h + j, Some(&c));
                look(buf);
            }
        }
    }
}

/// Whether `words` can be [`Matcher::words`]: empty, or a power of two long with a free
/// slot (which every lookup needs to end).
pub(super) fn valid_word_table(words: &[u32]) -> bool {
    words.is_empty() || (words.len().is_power_of_two() && words.contains(&EMPTY))
}

/// A fast, non-cryptographic hash of a token (FxHash's multiply-rotate over 8-byte
/// words). The table is built from the policy's own patterns, so text cannot choose
/// collisions among them: a lookup probes a short run whatever the text.
#[inline]
pub(crate) fn hash_word(s: &str) -> u64 {
    hash_bytes(s.as_bytes())
}

/// [`hash_word`] of a word's bytes.
#[inline]
fn hash_bytes(b: &[u8]) -> u64 {
    let h = mix(0, b);
    // Fold the high bits (the best mixed) into the low ones the table indexes by.
    h ^ (h >> 29)
}

impl Matcher {
    /// Splits `text` (with `uses`) into whole-word patterns and automaton patterns, and
    /// indexes the one-token patterns whose variants match too (folded with `opts`;
    /// the words of `exclude` are never typos).
    pub(crate) fn build(
        text: &Texts,
        uses: &Uses,
        opts: &NormalizeOptions,
        exclude: HashSet<String>,
    ) -> Result<Matcher, aho_corasick::BuildError> {
        let mut auto_text: Vec<&str> = Vec::new();
        let mut automaton_ids = Vec::new();
        let mut word_ids: Vec<u32> = Vec::new();
        let mut starts: HashMap<String, u32, BuildWordHasher> = HashMap::default();
        let mut prefixes = Vec::new();
        for (i, (t, u)) in text.iter().zip(uses.iter()).enumerate() {
            if let Some(n) = token_words(t, u) {
                if n > 2 {
                    run_prefixes(t, &mut prefixes);
                }
                if n > 1 {
                    // Looked up before a key is made: most first tokens repeat.
                    let first = first_token(t);
                    match starts.get_mut(first) {
                        Some(m) => *m = (*m).max(n),
                        None => {
                            starts.insert(first.to_string(), n);
                        }
                    }
                }
                word_ids.push(i as u32);
            } else {
                auto_text.push(t);
                automaton_ids.push(i as u32);
            }
        }
        prefixes.sort_unstable();
        prefixes.dedup();
        let prefixes = RunPrefixes::build(&prefixes);
        // At most three quarters full (at least a quarter): a power of two at twice the
        // words would double the table just past 65,536 or 131,072 words.
        let cap = (word_ids.len() + word_ids.len() / 3 + 1)
            .max(16)
            .next_power_of_two();
        let mask = cap - 1;
        let mut words = vec![EMPTY; cap];
        for id in word_ids {
            let Some(t) = text.get(id as usize) else {
                continue;
            };
            let mut slot = hash_word(t) as usize & mask;
            // Patterns are unique, so a free slot is always reached.
            while words.get(slot).is_some_and(|&s| s != EMPTY) {
                slot = (slot + 1) & mask;
            }
            if let Some(s) = words.get_mut(slot) {
                *s = id;
            }
        }
        // The automaton first: building it needs the most memory (the trie and the
        // automaton made from it are held together for a while), and the variant
        // tables and their entry lists do not exist yet.
        let automaton = build_automaton(&auto_text)?;
        drop(auto_text);
        let tolerant = index_variants(text, uses, opts);
        let evasion = MultiTable::build(tolerant.evasion);
        let typos = tolerant.typos;
        let bases = MultiTable::build(tolerant.bases);
        let phrase_words = MultiTable::build(tolerant.phrase_words);
        let (starts, start_words) = sorted_starts(starts.into_iter());
        Ok(Matcher {
            automaton,
            automaton_ids,
            starts,
            start_words,
            prefixes,
            words,
            evasion,
            masked: tolerant.masked,
            typos,
            tolerant: bases,
            exclude: sorted_set(exclude.iter().map(String::as_str)),
            phrase_words,
            typo_phrase_len: tolerant.typo_phrase_len,
            run_tokens: tolerant.run_tokens,
            run_marks: tolerant.run_marks,
            max_variant_bytes: tolerant.max_variant_bytes,
            opts: opts.clone(),
            trigrams: tolerant.trigrams,
            id: next_matcher_id(),
        })
    }

    /// Calls `found(pattern, tolerance)` for every one-token pattern that `token` is a
    /// variant of ([`EVASION`] or [`TYPO`]; the token itself is looked up by
    /// [`Matcher::word`]); `h` is its [`hash_word`]. A pattern may be reported more
    /// than once.
    ///
    /// Most tokens are no variant of a term, and many are a term themselves (which
    /// is then the one candidate of their key): the token's key is the token itself
    /// unless it has a leetspeak digit, an `l` or a letter run (then it is made), and
    /// the token's characters are collected only for a candidate that is not the
    /// token itself, or to read its doubled letters. Typos are read only when
    /// `typo_word` says the token may be one ([`Matcher::may_be_typo`], asked once per
    /// token by the caller), and in the words of a run of tokens joined by marks.
    pub(crate) fn variants(
        &self,
        text: &Texts,
        token: &str,
        h: u64,
        typo_word: u8,
        buf: &mut VariantScratch,
        mut found: impl FnMut(usize, u8),
    ) {
        if token.len() > self.max_variant_bytes {
            return;
        }
        let has_masked = !self.masked.is_empty() && token.contains(WILDCARD);
        if self.evasion.is_empty() && self.typos.is_empty() && !has_masked {
            return;
        }
        // Typos: only in words that are no real word (see `may_be_typo`), a plain
        // token as the caller found it, the words of a run of tokens joined by marks
        // here.
        let plain = token.bytes().all(|b| b.is_ascii_lowercase());
        if !self.typos.is_empty() && (typo_word != TYPO_NONE || !plain) {
            let VariantScratch { ids, edit, .. } = &mut *buf;
            let mut word_typos = |word: std::ops::Range<usize>, how: u8| {
                ids.clear();
                self.typo_edits(text, token, word, how, edit, |id| ids.push(id));
                for &id in ids.iter() {
                    if text.get(id as usize).is_some_and(|b| b != token) {
                        found(id as usize, typo_tolerance(how));
                    }
                }
            };
            if plain {
                word_typos(0..token.len(), typo_word);
            } else if token.is_ascii() {
                let mut ws = 0;
                for (i, b) in token.bytes().chain([b' ']).enumerate() {
                    if b.is_ascii_lowercase() {
                        continue;
                    }
                    if let Some(w) = token.get(ws..i) {
                        word_typos(ws..i, self.may_be_typo(text, w, hash_word(w)));
                    }
                    ws = i + 1;
                }
            }
        }
        let VariantScratch { key, tok, base, .. } = buf;
        let (leet, doubled) = leet_and_doubled(token);
        tok.clear();
        if has_masked || doubled {
            tok.extend(token.chars());
        }
        let mut check = |id: u32, tolerance: u8, base: &mut Vec<char>, tok: &mut Vec<char>| {
            let Some(b) = text.get(id as usize) else {
                return;
            };
            // Evasion variants are never shorter than the term.
            if b == token || b.len() > token.len() {
                return;
            }
            if tok.is_empty() {
                tok.extend(token.chars());
            }
            base.clear();
            base.extend(b.chars());
            if is_evasion_variant(base, tok, &self.opts) {
                found(id as usize, tolerance);
            }
        };
        debug_assert_eq!(h, hash_word(token));
        if !self.evasion.is_empty() {
            // The token is its own key without leetspeak digits, `l`s and letter runs.
            let kh = if leet || doubled {
                variant_key(token, key);
                hash_word(key)
            } else {
                h
            };
            self.evasion.each(kh, |id| check(id, EVASION, base, tok));
        }
        if has_masked {
            if let (Some(&first), Some(&last)) = (tok.first(), tok.last()) {
                let n = tok.len();
                for &id in self
                    .masked
                    .get(&(n, first, last))
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                {
                    check(id, EVASION, base, tok);
                }
            }
        }
    }

    /// Calls `found(pattern)` for every one-token pattern with masked variants that the
    /// masked word `token` (its masked letters wildcards) is a misspelt and masked
    /// form of (`is_masked_typo`); the caller keeps the patterns with typo variants.
    pub(crate) fn masked_typos(
        &self,
        text: &Texts,
        token: &str,
        buf: &mut VariantScratch,
        mut found: impl FnMut(usize),
    ) {
        if self.masked.is_empty() || token.len() > self.max_variant_bytes {
            return;
        }
        buf.tok.clear();
        buf.tok.extend(token.chars());
        let VariantScratch { tok, base, .. } = buf;
        let (Some(&first), Some(&last)) = (tok.first(), tok.last()) else {
            return;
        };
        if !may_be_masked_typo(tok) {
            return;
        }
        // The term one letter longer (a letter missing), as long (two swapped, the
        // first two or the last two letters too) or one shorter (a letter doubled).
        let n = tok.len();
        let second = tok.get(1).copied().filter(|&c| c != WILDCARD && c != first);
        let before_last = n
            .checked_sub(2)
            .and_then(|i| tok.get(i))
            .copied()
            .filter(|&c| c != WILDCARD && c != last);
        let shapes = [
            Some((n + 1, first, last)),
            Some((n, first, last)),
            Some((n.saturating_sub(1), first, last)),
            second.map(|c| (n, c, last)),
            before_last.map(|c| (n, first, c)),
        ];
        for shape in shapes.into_iter().flatten() {
            for &id in self
                .masked
                .get(&shape)
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                let Some(b) = text.get(id as usize) else {
                    continue;
                };
                base.clear();
                base.extend(b.chars());
                if fits_masked_typo(base, tok) {
                    found(id as usize);
                }
            }
        }
    }

    /// How the word `w` of the text (folded; `h` is its [`hash_word`]) may be read as
    /// a typo of a term ([`TYPO_NONE`], [`TYPO_ENDING`], [`TYPO_ANY`]). Only words of
    /// ASCII small letters, three or more, that are not among the words never read
    /// as typos. A real word — a term of the policy, a word of the English and
    /// French word lists or a common word ([`is_known_word`]) — is read only as a
    /// term less its final letter, the inflection or derivation a real word so often
    /// is (`gay` as `gays`, `africa` as `african`), and only in the lexicons that ask
    /// for it ([`ENDING`]); `rein` is no typo of `rien`, `prendre` none of `pendre`,
    /// `skill` none of `kill`, `hates` none of `hate`. Any other word is read with any
    /// one typo.
    pub(crate) fn may_be_typo(&self, text: &Texts, w: &str, h: u64) -> u8 {
        if !(MIN_TYPO_WORD..=MAX_TYPO_WORD).contains(&w.len())
            || self.typos.is_empty()
            || !w.bytes().all(|b| b.is_ascii_lowercase())
            || self.exclude.index_of_hashed(w, h).is_some()
        {
            TYPO_NONE
        } else if self.word_hashed(text, w, h).is_some() || is_known_word(w) {
            TYPO_ENDING
        } else {
            TYPO_ANY
        }
    }

    /// Calls `f` with every pattern with typo variants that `form` is a typo of in its
    /// word at the byte range `word` (ASCII small letters): the word with a letter
    /// missing (the pattern's word has four letters or more), one letter added, or two
    /// different neighbours swapped, the rest of `form` as it is. Each one-letter edit
    /// of the word is looked up by its text: about 28 lookups a letter, for words
    /// that are no real word only ([`Matcher::may_be_typo`]).
    pub(crate) fn typo_edits(
        &self,
        text: &Texts,
        form: &str,
        word: std::ops::Range<usize>,
        how: u8,
        buf: &mut Vec<u8>,
        mut f: impl FnMut(u32),
    ) {
        let b = form.as_bytes();
        let (ws, we) = (word.start, word.end);
        let len = we.saturating_sub(ws);
        let (Some(head), Some(w), Some(tail)) = (form.get(..ws), form.get(ws..we), form.get(we..))
        else {
            return;
        };
        let look = |buf: &[u8]| {
            self.typos.each(hash_bytes(buf), |id| {
                if text.get(id as usize).is_some_and(|t| t.as_bytes() == buf) {
                    f(id);
                }
            });
        };
        if how == TYPO_ENDING {
            // The word's final letter missing: found in one lookup, by the keys the
            // terms are also stored under with the last letter of a word removed.
            if len + 1 < MIN_TYPO_LETTERS {
                return;
            }
            self.typos.each(hash_word(form), |id| {
                let t = text.get(id as usize).unwrap_or_default().as_bytes();
                if t.len() == b.len() + 1
                    && t.get(..we) == b.get(..we)
                    && t.get(we + 1..) == b.get(we..)
                {
                    f(id);
                }
            });
            return;
        }
        if how != TYPO_ANY {
            return;
        }
        each_typo_edit(head, w, tail, &self.trigrams, buf, look);
    }

    /// For a word `w` of the text that is no real word ([`TYPO_ANY`]), in one pass
    /// over its typo edits (each hashed once): calls `term` with each one-token
    /// pattern with typo variants it is a typo of, and `fix` with each word of a
    /// phrase with typo variants it is a typo of (the words a run of tokens holding
    /// `w` is looked up with, in its place: [`Matcher::phrase_typos`]).
    pub(crate) fn word_typos(
        &self,
        text: &Texts,
        w: &str,
        buf: &mut Vec<u8>,
        mut term: impl FnMut(u32),
        mut fix: impl FnMut(&str),
    ) {
        let phrases = self.typo_phrase_len > 1;
        each_typo_edit("", w, "", &self.trigrams, buf, |form: &[u8]| {
            let h = hash_bytes(form);
            self.typos.each(h, |id| {
                if text.get(id as usize).is_some_and(|t| t.as_bytes() == form) {
                    term(id);
                }
            });
            if phrases
                && self.in_typo_phrase_hashed(h)
                && let Ok(form) = std::str::from_utf8(form)
            {
                fix(form);
            }
        });
    }

    /// The most words of a phrase with typo variants: runs of up to that many tokens
    /// are looked up by [`Matcher::phrase_typos`] (0 when there is none).
    #[inline]
    pub(crate) fn typo_phrase_len(&self) -> u32 {
        self.typo_phrase_len
    }

    /// The most tokens of a term of tokens joined by marks whose variants are found
    /// at scan time ([`is_token_run`]; 0 when there is none).
    #[inline]
    pub(crate) fn run_tokens(&self) -> u32 {
        self.run_tokens
    }

    /// Whether `mark` joins the tokens of such a term.
    #[inline]
    pub(crate) fn is_run_mark(&self, mark: char) -> bool {
        self.run_marks.contains(&mark)
    }

    /// The term of tokens joined by marks (or one token) that `run`, holding one
    /// `$` or `@` at the start of one of its words, is the edge-leetspeak variant of
    /// (`fils-de-$alope`, `$ous-développé`).
    pub(crate) fn run_symbol_variant(
        &self,
        text: &Texts,
        uses: &Uses,
        run: &str,
        buf: &mut VariantScratch,
    ) -> Option<usize> {
        if !self.opts.leetspeak || self.evasion.is_empty() || run.len() > self.max_variant_bytes {
            return None;
        }
        buf.shorter.clear();
        buf.shorter.extend(run.chars().map(|c| match c {
            '$' => 's',
            '@' => 'a',
            c => c,
        }));
        let id = self.tolerant_pattern(text, uses, &buf.shorter, EVASION)?;
        buf.base.clear();
        buf.base.extend(text.get(id)?.chars());
        buf.tok.clear();
        buf.tok.extend(run.chars());
        is_evasion_variant(&buf.base, &buf.tok, &self.opts).then_some(id)
    }

    /// Whether the token whose [`hash_word`] is `h` may be a word of a phrase with
    /// typo variants (a hash test: rarely true of other tokens).
    #[inline]
    pub(crate) fn in_typo_phrase_hashed(&self, h: u64) -> bool {
        let mut any = false;
        self.phrase_words.each(h, |_| any = true);
        any
    }

    /// Calls `found(pattern)` for every phrase that the run of tokens `run` (joined
    /// by single spaces) is a typo variant of, with the typo in its word at the byte
    /// range `word` (a word that may be a typo, [`Matcher::may_be_typo`]): read as one
    /// of its `fixes` when it is no real word ([`Matcher::word_typos`]), as a term's
    /// word less its final letter when `fixes` is empty (a real word); unless the run
    /// is also one of the phrase's evasion forms (phrases do not get those).
    pub(crate) fn phrase_typos(
        &self,
        text: &Texts,
        run: &str,
        word: std::ops::Range<usize>,
        fixes: &[&str],
        buf: &mut VariantScratch,
        mut found: impl FnMut(usize),
    ) {
        if run.len() > self.max_variant_bytes {
            return;
        }
        let VariantScratch {
            tok,
            base,
            shorter,
            edit,
            ids,
            ..
        } = buf;
        ids.clear();
        if !fixes.is_empty() {
            // The word's fixes that are words of such phrases, in its place.
            for fix in fixes {
                shorter.clear();
                shorter.push_str(run.get(..word.start).unwrap_or_default());
                shorter.push_str(fix);
                shorter.push_str(run.get(word.end..).unwrap_or_default());
                self.typos.each(hash_word(shorter), |id| {
                    if text.get(id as usize).is_some_and(|t| t == shorter) {
                        ids.push(id);
                    }
                });
            }
        } else {
            self.typo_edits(text, run, word, TYPO_ENDING, edit, |id| ids.push(id));
        }
        if ids.is_empty() {
            return;
        }
        tok.clear();
        tok.extend(run.chars());
        for &id in ids.iter() {
            let Some(b) = text.get(id as usize) else {
                continue;
            };
            if b == run || !b.contains(' ') {
                continue;
            }
            base.clear();
            base.extend(b.chars());
            if !is_evasion_variant(base, tok, &self.opts) {
                found(id as usize);
            }
        }
    }

    /// The whole-word pattern equal to `token`, if any (`text` is the policy's pattern
    /// list the matcher was built from).
    #[inline]
    pub(crate) fn word(&self, text: &Texts, token: &str) -> Option<usize> {
        self.word_hashed(text, token, hash_word(token))
    }

    /// [`Matcher::word`] of `token`, whose [`hash_word`] is `h`.
    #[inline]
    pub(crate) fn word_hashed(&self, text: &Texts, token: &str, h: u64) -> Option<usize> {
        let mask = self.words.len().wrapping_sub(1);
        let mut slot = h as usize & mask;
        loop {
            let id = *self.words.get(slot)?;
            if id == EMPTY {
                return None;
            }
            if text.get(id as usize).is_some_and(|t| t == token) {
                return Some(id as usize);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Whether the run of tokens whose [`hash_word`] is `h`, two tokens or more
    /// starting at a token that starts a token pattern, may start a longer token
    /// pattern (see [`RunPrefixes`]): if not, no longer run is looked up.
    #[inline]
    pub(crate) fn may_start_longer(&self, h: u64) -> bool {
        self.prefixes.may_start(h)
    }

    /// The most words of a token pattern that starts with the token `first`: 0 when
    /// none does, 1 when only single words do.
    #[inline]
    pub(crate) fn phrase_words(&self, first: &str) -> u32 {
        self.phrase_words_hashed(first, hash_word(first))
    }

    /// [`Matcher::phrase_words`] of the token `first` whose [`hash_word`] is `h`.
    #[inline]
    pub(crate) fn phrase_words_hashed(&self, first: &str, h: u64) -> u32 {
        self.starts
            .index_of_hashed(first, h)
            .and_then(|i| self.start_words.get(i as usize).copied())
            .unwrap_or(0)
    }

    /// The one-token pattern that `symbol` (`$` or `@`) followed by `token` is the
    /// edge-leetspeak variant of (`$alope` for `salope`, `@ss` for `ass`): those
    /// symbols are not word characters, so the token is what follows them.
    pub(crate) fn symbol_variant(
        &self,
        text: &Texts,
        uses: &Uses,
        symbol: u8,
        token: &str,
        buf: &mut VariantScratch,
    ) -> Option<usize> {
        let letter = match symbol {
            b'$' => 's',
            b'@' => 'a',
            _ => return None,
        };
        if !self.opts.leetspeak || self.evasion.is_empty() || token.len() > self.max_variant_bytes {
            return None;
        }
        // The symbol stands for the first letter of a word of two letters at least.
        if !token.chars().next().is_some_and(char::is_alphabetic) {
            return None;
        }
        buf.shorter.clear();
        buf.shorter.push(letter);
        buf.shorter.push_str(token);
        self.tolerant_pattern(text, uses, &buf.shorter, EVASION)
    }

    /// The one-token pattern equal to `form` whose variants of kind `tolerance`
    /// match, if any.
    fn tolerant_pattern(
        &self,
        text: &Texts,
        uses: &Uses,
        form: &str,
        tolerance: u8,
    ) -> Option<usize> {
        let mut found = None;
        self.tolerant.each(hash_word(form), |id| {
            let id = id as usize;
            let tolerant = uses
                .get(id)
                .is_some_and(|u| u.iter().any(|u| u.tolerance & tolerance != 0));
            if tolerant && text.get(id).is_some_and(|t| t == form) {
                found = Some(id);
            }
        });
        found
    }

    /// Heap bytes held by the automaton and the tables.
    pub(crate) fn memory_usage(&self) -> usize {
        self.automaton.memory_usage()
            + (self.automaton_ids.len() + self.words.len()) * 4
            + self.starts.memory_usage()
            + self.start_words.len() * 4
            + self.prefixes.bits.len() * 8
            + self.evasion.memory_usage()
            + self.tolerant.memory_usage()
            + self.typos.memory_usage()
            + self
                .masked
                .values()
                .map(|v| v.len() * 4 + 48)
                .sum::<usize>()
            + self.exclude.memory_usage()
    }

    /// The words never read as typos, sorted (for the fingerprint).
    pub(crate) fn typo_exclusions(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.exclude.iter().collect();
        v.sort_unstable();
        v
    }

    /// The words never read as typos.
    pub(crate) fn exclude(&self) -> &StrSet {
        &self.exclude
    }

    /// The first words of the multi-word token patterns with the most words of a
    /// pattern starting with each (a stored policy keeps these).
    pub(crate) fn starts(&self) -> impl Iterator<Item = (&str, u32)> + '_ {
        self.starts.iter().zip(self.start_words.iter().copied())
    }
}

/// The set of `words`, added in sorted order (so that a stored policy, which keeps
/// them sorted, loads the same table).
pub(super) fn sorted_set<'a>(words: impl Iterator<Item = &'a str>) -> StrSet {
    let mut v: Vec<&str> = words.collect();
    v.sort_unstable();
    let mut set = StrSet::default();
    for w in v {
        set.insert(w);
    }
    set.shrink_to_fit();
    set.spread();
    set
}

/// [`Matcher::starts`] and [`Matcher::start_words`] of `(first word, most words)`
/// pairs (each first word once), added in sorted order.
pub(super) fn sorted_starts(starts: impl Iterator<Item = (String, u32)>) -> (StrSet, Vec<u32>) {
    let mut v: Vec<(String, u32)> = starts.collect();
    v.sort_unstable();
    let mut set = StrSet::default();
    let mut words = Vec::with_capacity(v.len());
    for (w, n) in v {
        if set.insert(&w) {
            words.push(n);
        }
    }
    set.shrink_to_fit();
    set.spread();
    (set, words)
}

/// The variant indices of [`Matcher`], before they are tables.
struct Tolerant {
    max_variant_bytes: usize,
    bases: Vec<(u64, u32)>,
    phrase_words: Vec<(u64, u32)>,
    typo_phrase_len: u32,
    run_tokens: u32,
    run_marks: Vec<char>,
    evasion: Vec<(u64, u32)>,
    masked: HashMap<(usize, char, char), Vec<u32>, BuildWordHasher>,
    /// Filled in place rather than from a list of entries.
    typos: MultiTable,
    trigrams: Trigrams,
}

/// How a pattern with variants is looked up.
#[derive(Clone, Copy)]
struct TolerantKind {
    /// Its lexicons' tolerances, merged.
    tolerance: u8,
    /// One token.
    single: bool,
    /// Tokens joined by single marks ([`is_token_run`]).
    run: bool,
    /// A phrase of a few tokens with typo variants ([`is_token_phrase`]).
    phrase: bool,
}

/// How pattern `t` (with `uses`) is looked up with its variants: `None` if it has none
/// or if they are found by the automaton.
fn tolerant_kind(t: &str, uses: &[PatternUse]) -> Option<TolerantKind> {
    let tolerance = uses.iter().fold(0, |acc, u| acc | u.tolerance);
    let single = is_token(t);
    let run = tolerance != 0 && !single && is_token_run(t);
    let phrase = tolerance & TYPO != 0 && !single && !run && is_token_phrase(t);
    (tolerance != 0 && (single || run || phrase)).then_some(TolerantKind {
        tolerance,
        single,
        run,
        phrase,
    })
}

/// Indexes the one-token patterns whose variants match too.
fn index_variants(text: &Texts, uses: &Uses, opts: &NormalizeOptions) -> Tolerant {
    let mut out = Tolerant {
        max_variant_bytes: 0,
        bases: Vec::new(),
        phrase_words: Vec::new(),
        typo_phrase_len: 0,
        run_tokens: 0,
        run_marks: Vec::new(),
        evasion: Vec::new(),
        masked: HashMap::default(),
        typos: MultiTable::default(),
        trigrams: Trigrams::of(std::iter::empty()),
    };
    // Each pattern's kind found once, and the typo keys counted without making them.
    let kinds: Vec<Option<TolerantKind>> = text
        .iter()
        .zip(uses.iter())
        .map(|(t, u)| tolerant_kind(t, u))
        .collect();
    let mut chars: Vec<char> = Vec::new();
    let typo_count = kinds
        .iter()
        .zip(text.iter())
        .map(|(k, t)| match k {
            Some(k) if k.tolerance & TYPO != 0 && k.tolerance & ENDING != 0 => {
                1 + t.split(' ').count()
            }
            Some(k) if k.tolerance & TYPO != 0 => 1,
            _ => 0,
        })
        .sum();
    out.typos = MultiTable::with_capacity(typo_count);
    out.trigrams = Trigrams::of(
        text.iter()
            .zip(&kinds)
            .filter(|(_, k)| k.is_some_and(|k| k.tolerance & TYPO != 0))
            .map(|(t, _)| t),
    );
    let mut key = String::new();
    let mut form = String::new();
    for (i, (t, kind)) in text.iter().zip(kinds).enumerate() {
        let Some(TolerantKind {
            tolerance,
            single,
            run,
            phrase,
        }) = kind
        else {
            continue;
        };
        if run {
            let mut n = 1;
            for m in t.chars().filter(|&c| !is_word_char(c)) {
                n += 1;
                if !out.run_marks.contains(&m) {
                    out.run_marks.push(m);
                }
            }
            out.run_tokens = out.run_tokens.max(n);
        }
        let id = i as u32;
        // A variant masks letters (a wildcard is 3 bytes) or adds up to four.
        out.max_variant_bytes = out.max_variant_bytes.max(3 * t.len() + 4);
        out.bases.push((hash_word(t), id));
        chars.clear();
        chars.extend(t.chars());
        if phrase {
            let mut n = 0;
            for w in t.split(' ') {
                out.phrase_words.push((hash_word(w), 0));
                n += 1;
            }
            out.typo_phrase_len = out.typo_phrase_len.max(n);
        }
        if (single || run) && tolerance & EVASION != 0 {
            variant_key(t, &mut key);
            out.evasion.push((hash_word(&key), id));
            if let Some(shape) = masked_shape(&chars, opts) {
                out.masked.entry(shape).or_default().push(id);
            }
        }
        if tolerance & TYPO != 0 {
            out.typos.insert(hash_word(t), id);
            // Found from a real word that is a word of the term less its final letter.
            if tolerance & ENDING != 0 && (single || phrase) {
                let mut ws = 0;
                for w in t.split(' ') {
                    let we = ws + w.len();
                    let last = w.char_indices().last().map(|(i, _)| ws + i);
                    if let (Some(l), true) = (last, w.chars().count() >= MIN_TYPO_LETTERS) {
                        form.clear();
                        form.push_str(t.get(..l).unwrap_or_default());
                        form.push_str(t.get(we..).unwrap_or_default());
                        out.typos.insert(hash_word(&form), id);
                    }
                    ws = we + 1;
                }
            }
        }
    }
    out
}
