//! The folded forms under which a lexicon term is compiled.

use std::collections::HashSet;
use std::hash::BuildHasher;

use super::common::{MASKED_MARGIN, fits_common, fits_mask, masked_reads_otherwise, rivals};
use super::words::is_listed;
use super::{NormalizeOptions, Normalized, WILDCARD, normalize_into};

/// Longest word (in chars) that gets masked variants; longer words are left exact
/// (the number of masked variants grows with the square of the length).
const MAX_MASKED_WORD: usize = 16;

/// Most `l`s of a term for which every subset is read as `i`; beyond, each one alone
/// and all together.
const MAX_L_SUBSETS: usize = 3;

/// Fewest letters of a word for typo variants.
const MIN_TYPO_LETTERS: usize = 4;

/// Fewest letters of a typo variant of a word (`mort` → `mrt`, never `kil` → `ki`).
const MIN_TYPO_VARIANT_LETTERS: usize = 3;

/// The folded forms under which a lexicon term is compiled (all matched as whole
/// words).
///
/// The first element is the term folded exactly as [`normalize_into`] folds text
/// (trimmed). Then, as the options allow:
///
/// - `leetspeak`: each subset of the term's `l`s read as `i` (text folds `1 ! |` to
///   `i`, so `1oser` → `ioser` matches `loser`, `ki11` → `kiii` matches `kill`).
///   Text keeps leetspeak at the edges of a word when nothing else in the word is
///   leetspeak (`mp3`, `win10`, `$HOME`, `@name` stay), so terms get those forms: the
///   last letter, or the last two, as digits (`put3`, `a55`, `ki11`); the first and the
///   last (`3ncul3`); a first `s` as `$` and a first `a` as `@` (`$alope`, `@ss`).
/// - `repeated_letters`: one letter run (or two runs, in a single-word term) made three
///   long (`kill` → `kiiill`, `killl`, `kiiilll`), matching text where a run of more
///   than three was shortened to three; and, in a one-word term of three letters or
///   more, one single letter doubled (`worst` → `woorst`, `worstt`) unless that spells
///   a word of the English and French word lists (`god` never gets `good`).
/// - `masked_letters`: in one word of at least three letters, a contiguous run of inner
///   letters (never the first or last) replaced by as many [`super::WILDCARD`]s
///   (`k\u{FDD0}ll`, `k\u{FDD0}\u{FDD0}l`): text folds `k*ll` to `k\u{FDD0}ll`. A
///   masked form matches every term with the same visible letters and length, unless
///   it fits a common word at least as common as the term's word (`t*at` is `that`,
///   never `twat`; see [`super::common`]).
/// - `fuzzy > 0`: for words of at least four letters, one letter missing, doubled, or
///   two neighbours swapped, keeping at least three letters (see [`typo_variants_of`]
///   for the form that leaves out real words).
///
/// Variants never repeat. Never empty.
///
/// # Order
///
/// An engine that keeps only the first variants of each term keeps the most useful:
/// the folded term; one inner letter masked (`k*ll`); `l` read as `i`; one letter run
/// made three long; edge leetspeak; all inner letters masked (`k**l`); typos (when
/// `fuzzy > 0`); the other masked runs; two letter runs made three long; one letter
/// doubled. A word of `n` letters has about `n` variants up to the typos, about `n²`
/// in all.
pub(crate) fn term_variants(term: &str, opts: &NormalizeOptions, fuzzy: u8) -> Vec<String> {
    term_variants_capped(term, opts, fuzzy, usize::MAX)
}

/// The first `cap` of [`term_variants`], without computing the others: the work and
/// memory are bounded by `cap` times the length of the term.
pub(crate) fn term_variants_capped(
    term: &str,
    opts: &NormalizeOptions,
    fuzzy: u8,
    cap: usize,
) -> Vec<String> {
    let mut n = Normalized::new();
    normalize_into(term.trim(), opts, &mut n);
    let base: Vec<char> = n.text().trim().chars().collect();
    let mut v = Variants::new(cap);
    v.add(&base);
    if base.is_empty() {
        return v.list;
    }
    // In order of priority (see the function's documentation).
    if opts.masked_letters {
        masked_variants(&base, &mut v, Mask::OneLetter);
    }
    if opts.leetspeak {
        l_variants(&base, &mut v);
    }
    if opts.repeated_letters {
        elongated_variants(&base, &mut v, false);
    }
    if opts.leetspeak {
        edge_leet_variants(&base, &mut v);
    }
    if opts.masked_letters {
        masked_variants(&base, &mut v, Mask::AllInner);
    }
    if fuzzy > 0 {
        typo_variants(&base, &mut v, &HashSet::new());
    }
    if opts.masked_letters {
        masked_variants(&base, &mut v, Mask::OtherRuns);
    }
    if opts.repeated_letters {
        elongated_variants(&base, &mut v, true);
        doubled_variants(&base, &mut v);
    }
    v.list
}

/// The term with its spaces, hyphens and apostrophes removed, for words run together
/// (`killthemall`, `tuezlestous` for `tuez-les tous`, `killemall` for `kill 'em all`):
/// only for terms of at least two words and eight letters. The term is folded with the
/// default options first (folding is idempotent on folded terms, so the first element
/// of [`term_variants`] may be passed as well).
#[cfg(test)]
pub(crate) fn joined_variant(term: &str) -> Option<String> {
    run_together(&fold_default(term))
}

/// Every form of a multi-word term written as one token, for lexicons with `joined =
/// true`: the words run together (`killthemall`, as `joined_variant` gives), and the words
/// joined by `_`, `-` or `.` (`kill_them_all`, `death-to-immigrants`, `kill.them.all`),
/// under the same conditions (two words and eight letters at least).
pub(crate) fn joined_forms(term: &str) -> Vec<String> {
    let text = fold_default(term);
    let Some(run) = run_together(&text) else {
        return Vec::new();
    };
    let words: Vec<&str> = text.split([' ', '\n']).filter(|w| !w.is_empty()).collect();
    let mut out = vec![run];
    for sep in ["_", "-", "."] {
        let form = words.join(sep);
        if !out.contains(&form) {
            out.push(form);
        }
    }
    out
}

/// `term` folded with the default options, trimmed.
fn fold_default(term: &str) -> String {
    let mut n = Normalized::new();
    normalize_into(term.trim(), &NormalizeOptions::default(), &mut n);
    n.text().trim().to_string()
}

/// A folded term without its spaces, hyphens and apostrophes, if it has two words and
/// eight letters at least.
fn run_together(text: &str) -> Option<String> {
    let glue = [' ', '\n', '-', '\''];
    let words = text.split(glue).filter(|w| !w.is_empty()).count();
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    (words >= 2 && letters >= 8).then(|| text.chars().filter(|c| !glue.contains(c)).collect())
}

/// A list of variants without repeats, at most `cap` long.
struct Variants {
    /// In order of first addition.
    list: Vec<String>,
    /// What `list` holds.
    seen: HashSet<String>,
    cap: usize,
}

impl Variants {
    fn new(cap: usize) -> Self {
        Variants {
            list: Vec::new(),
            seen: HashSet::new(),
            cap,
        }
    }

    /// Whether the list holds `cap` variants: the generators stop.
    fn full(&self) -> bool {
        self.list.len() >= self.cap
    }

    /// Adds a variant unless it is already there or the list is full.
    fn add(&mut self, chars: &[char]) {
        if self.full() {
            return;
        }
        let s: String = chars.iter().collect();
        if self.seen.insert(s.clone()) {
            self.list.push(s);
        }
    }
}

/// Spans `(start, end)` of the words (maximal runs of letters) of `chars`.
fn words(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut j = 0;
    while j < chars.len() {
        if !chars.get(j).is_some_and(|c| c.is_alphabetic()) {
            j += 1;
            continue;
        }
        let a = j;
        while chars.get(j).is_some_and(|c| c.is_alphabetic()) {
            j += 1;
        }
        out.push((a, j));
    }
    out
}

/// `l` read as `i`: every non-empty subset of the `l`s (or, past [`MAX_L_SUBSETS`],
/// each one alone and all of them).
fn l_variants(base: &[char], v: &mut Variants) {
    let ls: Vec<usize> = (0..base.len())
        .filter(|&j| base.get(j) == Some(&'l'))
        .collect();
    let subsets: Vec<Vec<usize>> = if ls.len() <= MAX_L_SUBSETS {
        (1u32..(1 << ls.len()))
            .map(|m| {
                ls.iter()
                    .enumerate()
                    .filter(|(b, _)| m & (1 << b) != 0)
                    .map(|(_, &j)| j)
                    .collect()
            })
            .collect()
    } else {
        let mut s: Vec<Vec<usize>> = ls.iter().map(|&j| vec![j]).collect();
        s.push(ls.clone());
        s
    };
    for subset in subsets {
        let mut c = base.to_vec();
        for j in subset {
            if let Some(x) = c.get_mut(j) {
                *x = 'i';
            }
        }
        v.add(&c);
    }
}

/// The digit a letter is written as in leetspeak (`l` too, as `1`).
fn leet_digit(c: char) -> Option<char> {
    Some(match c {
        'a' => '4',
        'b' => '8',
        'e' => '3',
        'g' => '9',
        'i' | 'l' => '1',
        'o' => '0',
        's' => '5',
        't' => '7',
        _ => return None,
    })
}

/// Leetspeak that text keeps at the edges of a word (see [`term_variants`]), one word
/// of the term at a time.
fn edge_leet_variants(base: &[char], v: &mut Variants) {
    for (ws, we) in words(base) {
        if we - ws < 2 {
            continue;
        }
        let digit_at = |j: usize| base.get(j).copied().and_then(leet_digit);
        let with = |subs: &[(usize, char)]| {
            let mut c = base.to_vec();
            for &(j, d) in subs {
                if let Some(x) = c.get_mut(j) {
                    *x = d;
                }
            }
            c
        };
        let last = we - 1;
        if let Some(d) = digit_at(last) {
            v.add(&with(&[(last, d)]));
            if we - ws >= 3
                && let Some(d2) = digit_at(last - 1)
            {
                v.add(&with(&[(last - 1, d2), (last, d)]));
            }
            if let Some(d0) = digit_at(ws) {
                v.add(&with(&[(ws, d0), (last, d)]));
            }
        }
        match base.get(ws) {
            Some('s') => v.add(&with(&[(ws, '$')])),
            Some('a') => v.add(&with(&[(ws, '@')])),
            _ => {}
        }
    }
}

/// Runs of one letter: `(start, len, char)`.
fn letter_runs(base: &[char]) -> Vec<(usize, usize, char)> {
    let mut runs: Vec<(usize, usize, char)> = Vec::new();
    for (j, &c) in base.iter().enumerate() {
        match runs.last_mut() {
            Some(r) if r.2 == c && r.0 + r.1 == j => r.1 += 1,
            _ if c.is_alphabetic() => runs.push((j, 1, c)),
            _ => {}
        }
    }
    runs
}

/// Rebuilds `base` with the given runs made three long.
fn with_runs_tripled(base: &[char], runs: &[(usize, usize, char)]) -> Vec<char> {
    let mut out = Vec::with_capacity(base.len() + 4);
    let mut j = 0;
    for &(start, len, c) in runs {
        out.extend(base.get(j..start).unwrap_or_default());
        out.extend([c; 3]);
        j = start + len;
    }
    out.extend(base.get(j..).unwrap_or_default());
    out
}

/// Fewest letters of a one-word term whose single letters may be doubled (`worst` →
/// `woorst`): shorter words have too many real words one doubled letter away (`to`,
/// `too`).
const MIN_DOUBLED_LETTERS: usize = 3;

/// Rebuilds `base` with the single letter at `at` doubled.
fn with_letter_doubled(base: &[char], at: usize) -> Vec<char> {
    let mut out = base.to_vec();
    if let Some(&c) = base.get(at) {
        out.insert(at, c);
    }
    out
}

/// Whether `tok` is `base` with the letter at `at` doubled, compared in place (the
/// scan-time check allocates nothing): `with_letter_doubled(base, at) == tok`.
fn is_letter_doubled(base: &[char], tok: &[char], at: usize) -> bool {
    tok.len() == base.len() + 1
        && base
            .get(..=at)
            .is_some_and(|head| tok.get(..=at) == Some(head))
        && tok.get(at + 1..) == base.get(at..)
}

/// Whether a one-word term may get its doubled-letter variants: one word of at least
/// [`MIN_DOUBLED_LETTERS`] letters, nothing else.
fn doubles_apply(base: &[char]) -> bool {
    matches!(words(base).as_slice(), [(0, we)] if *we == base.len() && *we >= MIN_DOUBLED_LETTERS)
}

/// Whether the doubled form `chars` is a real word (of the English and French word
/// lists), which a doubled letter must not be read out of (`good` is not `god`).
fn is_real_word(chars: &[char]) -> bool {
    let s: String = chars.iter().collect();
    is_listed(&s)
}

/// One single letter doubled in a one-word term, unless that spells a real word
/// (`worst` → `woorst`, not `god` → `good`).
fn doubled_variants(base: &[char], v: &mut Variants) {
    if !doubles_apply(base) {
        return;
    }
    for r in letter_runs(base).into_iter().filter(|r| r.1 == 1) {
        let form = with_letter_doubled(base, r.0);
        if !is_real_word(&form) {
            v.add(&form);
        }
    }
}

/// One letter run made three long (`pairs == false`), or two runs in a single-word
/// term (`pairs == true`).
fn elongated_variants(base: &[char], v: &mut Variants, pairs: bool) {
    let runs: Vec<_> = letter_runs(base).into_iter().filter(|r| r.1 < 3).collect();
    if !pairs {
        for r in &runs {
            v.add(&with_runs_tripled(base, &[*r]));
        }
    } else if words(base).len() == 1 {
        for (a, r1) in runs.iter().enumerate() {
            for r2 in runs.iter().skip(a + 1) {
                if v.full() {
                    return;
                }
                v.add(&with_runs_tripled(base, &[*r1, *r2]));
            }
        }
    }
}

/// Which masked variants to add.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mask {
    /// One inner letter.
    OneLetter,
    /// Every inner letter of the word.
    AllInner,
    /// The other contiguous runs of inner letters.
    OtherRuns,
}

/// Contiguous runs of inner letters of one word masked (never the first or last letter).
fn masked_variants(base: &[char], v: &mut Variants, which: Mask) {
    for (ws, we) in words(base) {
        let len = we - ws;
        if !(3..=MAX_MASKED_WORD).contains(&len) {
            continue;
        }
        let word = base.get(ws..we).unwrap_or_default();
        // The common words its masked forms may stand for instead, found once.
        let rivals: Vec<&[u8]> = rivals(word, MASKED_MARGIN).collect();
        for a in ws + 1..we - 1 {
            for b in a + 1..we {
                if v.full() {
                    return;
                }
                let kind = if b == a + 1 {
                    Mask::OneLetter
                } else if a == ws + 1 && b == we - 1 {
                    Mask::AllInner
                } else {
                    Mask::OtherRuns
                };
                if kind != which {
                    continue;
                }
                let mut c = base.to_vec();
                for x in c.get_mut(a..b).unwrap_or_default() {
                    *x = WILDCARD;
                }
                let masked = c.get(ws..we).unwrap_or_default();
                if !rivals.iter().any(|w| fits_mask(w, masked)) {
                    v.add(&c);
                }
            }
        }
    }
}

/// One letter missing, doubled, or two neighbours swapped, in one word of at least
/// [`MIN_TYPO_LETTERS`] letters, keeping at least [`MIN_TYPO_VARIANT_LETTERS`]; never a
/// word of `exclude` (real words one typo away: `voler` is not `violer`).
fn typo_variants<S: BuildHasher>(base: &[char], v: &mut Variants, exclude: &HashSet<String, S>) {
    for (ws, we) in words(base) {
        let len = we - ws;
        if len < MIN_TYPO_LETTERS {
            continue;
        }
        // Adds `c` unless its changed word (`ws..ws + new_len`) is excluded.
        let mut add = |c: Vec<char>, new_len: usize| {
            let word: String = c.iter().skip(ws).take(new_len).collect();
            if !exclude.contains(&word) {
                v.add(&c);
            }
        };
        for j in ws..we {
            if len > MIN_TYPO_VARIANT_LETTERS {
                let mut c = base.to_vec();
                c.remove(j);
                add(c, len - 1);
            }
            let mut c = base.to_vec();
            if let Some(&x) = base.get(j) {
                c.insert(j, x);
                add(c, len + 1);
            }
            if j + 1 < we && base.get(j) != base.get(j + 1) {
                let mut c = base.to_vec();
                c.swap(j, j + 1);
                add(c, len);
            }
        }
    }
}

/// The typo variants of a term alone (see [`term_variants`], `fuzzy > 0`), leaving out
/// those whose changed word is in `exclude` (folded words).
pub(crate) fn typo_variants_of<S: BuildHasher>(
    term: &str,
    opts: &NormalizeOptions,
    exclude: &HashSet<String, S>,
) -> Vec<String> {
    let mut n = Normalized::new();
    normalize_into(term.trim(), opts, &mut n);
    let base: Vec<char> = n.text().trim().chars().collect();
    let mut v = Variants::new(usize::MAX);
    typo_variants(&base, &mut v, exclude);
    v.list
}

/// The letter a leetspeak digit stands for in [`variant_key`] (`1` as `i`, which is
/// also what `l` becomes there).
pub(crate) fn leet_letter(c: char) -> char {
    match c {
        '4' => 'a',
        '8' => 'b',
        '3' => 'e',
        '9' => 'g',
        '1' | 'l' => 'i',
        '0' => 'o',
        '5' => 's',
        '7' => 't',
        c => c,
    }
}

/// Writes to `out` the lookup key of a token: leetspeak digits read as letters, `l`
/// as `i`, and every run of one character as one. Every variant of a term that has no
/// [`super::WILDCARD`] (`l` read as `i`, letter runs made three long, edge
/// leetspeak) has the term's key, so a token is looked up once by its key and then
/// checked against the few terms that share it ([`is_evasion_variant`]).
pub(crate) fn variant_key(token: &str, out: &mut String) {
    out.clear();
    let mut last = None;
    for c in token.chars().map(leet_letter) {
        if last != Some(c) {
            out.push(c);
            last = Some(c);
        }
    }
}

/// Whether `tok` is one of the evasion variants of the folded term `base` (see
/// [`term_variants`], `fuzzy = 0`), other than `base` itself, as the options allow:
/// a run of inner letters masked, `l`s read as `i`, edge leetspeak (without the `$`
/// and `@` forms, which are not tokens), one letter run (two in a one-word term)
/// made three long, or one single letter doubled (not into a real word). Checked directly, without generating the variants; unlike the
/// generated list, not capped in number.
pub(crate) fn is_evasion_variant(base: &[char], tok: &[char], opts: &NormalizeOptions) -> bool {
    if tok.len() == base.len() {
        if tok == base {
            return false;
        }
        (opts.masked_letters && is_masked(base, tok))
            || (opts.leetspeak && (is_l_as_i(base, tok) || is_edge_leet(base, tok)))
    } else {
        tok.len() > base.len() && opts.repeated_letters && is_elongated(base, tok)
    }
}

/// Whether the masked word `tok` (its masked letters [`WILDCARD`]s, first and last
/// letters shown) is a typo of the one-word folded term `base` (a letter missing,
/// doubled, or two neighbours swapped, as [`is_typo_variant`] reads them) with some
/// of its letters masked, and fits no common word ([`fits_common`]): `d**picble` is
/// `despicable` misspelt and masked; `t*ns` is `tons`, not `trans` misspelt.
#[cfg(test)]
pub(crate) fn is_masked_typo(base: &[char], tok: &[char]) -> bool {
    may_be_masked_typo(tok) && fits_masked_typo(base, tok)
}

/// Whether the masked word `tok` may be a masked misspelling at all: it holds a
/// [`WILDCARD`] and fits no common word (the check of [`is_masked_typo`] that does not
/// depend on the term, made once per word).
pub(crate) fn may_be_masked_typo(tok: &[char]) -> bool {
    tok.contains(&WILDCARD) && !fits_common(tok)
}

/// [`is_masked_typo`] without the check of [`may_be_masked_typo`].
pub(crate) fn fits_masked_typo(base: &[char], tok: &[char]) -> bool {
    let n = base.len();
    if words(base) != [(0, n)] || n < MIN_TYPO_LETTERS {
        return false;
    }
    let fits = |form: &mut dyn Iterator<Item = char>| fits_form(tok, form);
    match tok.len() as isize - n as isize {
        // A letter missing (not the first or the last: the mask keeps them).
        -1 if n > MIN_TYPO_VARIANT_LETTERS => (1..n - 1).any(|j| {
            fits(
                &mut base
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| i != j)
                    .map(|(_, &c)| c),
            )
        }),
        // A letter doubled.
        1 => (1..n).any(|j| {
            let c = base.get(j - 1).copied();
            fits(
                &mut base
                    .get(..j)
                    .into_iter()
                    .flatten()
                    .copied()
                    .chain(c)
                    .chain(base.get(j..).into_iter().flatten().copied()),
            )
        }),
        // Two different neighbours swapped.
        0 => (0..n.saturating_sub(1)).any(|j| {
            let (Some(&a), Some(&b)) = (base.get(j), base.get(j + 1)) else {
                return false;
            };
            a != b
                && fits(&mut base.iter().enumerate().map(|(i, &c)| match i {
                    i if i == j => b,
                    i if i == j + 1 => a,
                    _ => c,
                }))
        }),
        _ => false,
    }
}

/// Whether the chars of `form` fit the masked word `tok` one for one.
fn fits_form(tok: &[char], form: &mut dyn Iterator<Item = char>) -> bool {
    let mut t = tok.iter();
    for c in form {
        if !t.next().is_some_and(|&m| m == WILDCARD || m == c) {
            return false;
        }
    }
    t.next().is_none()
}

/// `tok` is `base` with one contiguous run of inner letters of one word (of
/// 3..=[`MAX_MASKED_WORD`] letters) replaced by as many wildcards.
fn is_masked(base: &[char], tok: &[char]) -> bool {
    let differs = |j: &usize| base.get(*j) != tok.get(*j);
    let (Some(a), Some(last)) = (
        (0..base.len()).find(differs),
        (0..base.len()).rfind(differs),
    ) else {
        return false;
    };
    if !tok
        .get(a..=last)
        .is_some_and(|r| r.iter().all(|&c| c == WILDCARD))
    {
        return false;
    }
    words(base).into_iter().any(|(ws, we)| {
        (3..=MAX_MASKED_WORD).contains(&(we - ws))
            && a > ws
            && last + 1 < we
            && !masked_reads_otherwise(
                base.get(ws..we).unwrap_or_default(),
                tok.get(ws..we).unwrap_or_default(),
                MASKED_MARGIN,
            )
    })
}

/// `tok` is `base` with a subset of its `l`s read as `i` (see [`l_variants`]).
fn is_l_as_i(base: &[char], tok: &[char]) -> bool {
    let mut changed = 0;
    for (b, t) in base.iter().zip(tok) {
        if b != t {
            if *b != 'l' || *t != 'i' {
                return false;
            }
            changed += 1;
        }
    }
    let ls = base.iter().filter(|&&c| c == 'l').count();
    changed > 0 && (ls <= MAX_L_SUBSETS || changed == 1 || changed == ls)
}

/// `tok` is one of the edge-leetspeak forms of `base` that are tokens (see
/// [`edge_leet_variants`]): in one word of two letters at least, the last letter as a
/// digit (and the one before it, or the first, too), or the first letter as `$`/`@`.
/// Checked in place: this runs for every candidate term of a token, so it allocates
/// nothing.
fn is_edge_leet(base: &[char], tok: &[char]) -> bool {
    if base.len() != tok.len() {
        return false;
    }
    // The positions where the token differs: at most two for any edge form.
    let mut diff = [usize::MAX; 2];
    let mut n = 0;
    for (j, (b, t)) in base.iter().zip(tok).enumerate() {
        if b != t {
            match diff.get_mut(n) {
                Some(d) => *d = j,
                None => return false,
            }
            n += 1;
        }
    }
    let digit = |j: usize| {
        base.get(j)
            .copied()
            .and_then(leet_digit)
            .is_some_and(|d| tok.get(j) == Some(&d))
    };
    let symbol = |j: usize| match base.get(j) {
        Some('s') => tok.get(j) == Some(&'$'),
        Some('a') => tok.get(j) == Some(&'@'),
        _ => false,
    };
    let [d0, d1] = diff;
    let mut ws = 0;
    while ws < base.len() {
        if !base.get(ws).is_some_and(|c| c.is_alphabetic()) {
            ws += 1;
            continue;
        }
        let mut we = ws;
        while base.get(we).is_some_and(|c| c.is_alphabetic()) {
            we += 1;
        }
        if we - ws >= 2 {
            let last = we - 1;
            let hit = match n {
                1 => (d0 == last && digit(last)) || (d0 == ws && symbol(ws)),
                2 => {
                    digit(d1)
                        && d1 == last
                        && digit(d0)
                        && ((we - ws >= 3 && d0 == last - 1) || d0 == ws)
                }
                _ => false,
            };
            if hit {
                return true;
            }
        }
        ws = we;
    }
    false
}

/// `tok` is `base` with one letter run made three long, or two in a one-word term, or
/// one single letter doubled in a one-word term where that is no real word (see
/// [`elongated_variants`]).
fn is_elongated(base: &[char], tok: &[char]) -> bool {
    let runs: Vec<_> = letter_runs(base).into_iter().filter(|r| r.1 < 3).collect();
    let grow = |r: &(usize, usize, char)| 3 - r.1;
    let extra = tok.len() - base.len();
    if extra == 1
        && doubles_apply(base)
        && runs
            .iter()
            .any(|r| r.1 == 1 && is_letter_doubled(base, tok, r.0))
        && !is_real_word(tok)
    {
        return true;
    }
    if runs
        .iter()
        .any(|r| grow(r) == extra && with_runs_tripled(base, &[*r]) == tok)
    {
        return true;
    }
    words(base).len() == 1
        && runs.iter().enumerate().any(|(a, r1)| {
            runs.iter().skip(a + 1).any(|r2| {
                grow(r1) + grow(r2) == extra && with_runs_tripled(base, &[*r1, *r2]) == tok
            })
        })
}

/// The shape under which a term with masked variants is found from a masked token:
/// its length in characters, first and last character. A masked variant keeps all
/// three. `None` when the options or the term's words allow no masked variant.
pub(crate) fn masked_shape(base: &[char], opts: &NormalizeOptions) -> Option<(usize, char, char)> {
    let maskable = words(base)
        .into_iter()
        .any(|(ws, we)| (3..=MAX_MASKED_WORD).contains(&(we - ws)));
    if !opts.masked_letters || !maskable {
        return None;
    }
    Some((base.len(), *base.first()?, *base.last()?))
}

/// Calls `f` with each typo form of `base` one letter shorter (a letter missing) or
/// of the same length (two neighbours swapped), as [`typo_variants_of`] makes them,
/// without the exclusions: the keys under which a fuzzy term is found from a token.
/// The forms one letter longer (a letter doubled) are found the other way, by
/// removing a doubled letter from the token.
#[cfg(test)]
pub(crate) fn typo_keys(base: &[char], mut f: impl FnMut(&[char])) {
    let mut c = Vec::with_capacity(base.len());
    for (ws, we) in words(base) {
        let len = we - ws;
        if len < MIN_TYPO_LETTERS {
            continue;
        }
        for j in ws..we {
            if len > MIN_TYPO_VARIANT_LETTERS {
                c.clear();
                c.extend_from_slice(base);
                c.remove(j);
                f(&c);
            }
            if j + 1 < we && base.get(j) != base.get(j + 1) {
                c.clear();
                c.extend_from_slice(base);
                c.swap(j, j + 1);
                f(&c);
            }
        }
    }
}

/// How many times [`typo_keys`] calls its function for `base`, without making the
/// forms.
#[cfg(test)]
pub(crate) fn typo_key_count(base: &[char]) -> usize {
    let mut n = 0;
    for (ws, we) in words(base) {
        let len = we - ws;
        if len < MIN_TYPO_LETTERS {
            continue;
        }
        for j in ws..we {
            n += usize::from(len > MIN_TYPO_VARIANT_LETTERS);
            n += usize::from(j + 1 < we && base.get(j) != base.get(j + 1));
        }
    }
    n
}

/// Whether `tok` is a typo variant of the folded term `base` whose changed word is
/// not in `exclude` (see [`typo_variants_of`]).
#[cfg(test)]
pub(crate) fn is_typo_variant<S: BuildHasher>(
    base: &[char],
    tok: &[char],
    exclude: &HashSet<String, S>,
) -> bool {
    if words(base) != [(0, base.len())] {
        // Digits or marks between the letters: as generated, word by word.
        let mut v = Variants::new(usize::MAX);
        typo_variants(base, &mut v, exclude);
        let t: String = tok.iter().collect();
        return v.seen.contains(&t);
    }
    // One word: the changed word is the whole token.
    if base.len() < MIN_TYPO_LETTERS || exclude.contains(&tok.iter().collect::<String>()) {
        return false;
    }
    let p = base.iter().zip(tok).take_while(|(b, t)| b == t).count();
    let (b_rest, t_rest) = (base.get(p..).unwrap_or(&[]), tok.get(p..).unwrap_or(&[]));
    match tok.len() as isize - base.len() as isize {
        // A letter missing (base keeps more than MIN_TYPO_VARIANT_LETTERS).
        -1 => base.len() > MIN_TYPO_VARIANT_LETTERS && b_rest.get(1..) == Some(t_rest),
        // A letter doubled: the first letter that differs repeats the one before.
        1 => p > 0 && tok.get(p) == tok.get(p - 1) && t_rest.get(1..) == Some(b_rest),
        // Two different neighbours swapped.
        0 => {
            let (Some(&b0), Some(&b1)) = (b_rest.first(), b_rest.get(1)) else {
                return false;
            };
            b0 != b1
                && t_rest.first() == Some(&b1)
                && t_rest.get(1) == Some(&b0)
                && b_rest.get(2..) == t_rest.get(2..)
        }
        _ => false,
    }
}

#[cfg(test)]
mod edge_leet_tests {
    use super::*;

    /// The in-place check agrees with the generator on every form one or two
    /// substitutions away (digits, `$`, `@`, letters), for terms of one and several
    /// words, short and long, English and French.
    #[test]
    fn is_edge_leet_agrees_with_the_generated_forms() {
        let subs = ['0', '1', '3', '4', '5', '7', '8', '9', '$', '@', 'x'];
        let mut found = 0;
        for term in [
            "kill",
            "ass",
            "salope",
            "as",
            "a",
            "abattre",
            "sale arabe",
            "go die",
            "tuez les",
            "l'ass",
            "sat",
        ] {
            let base: Vec<char> = term.chars().collect();
            let mut v = Variants::new(usize::MAX);
            edge_leet_variants(&base, &mut v);
            let mut forms: Vec<Vec<char>> = Vec::new();
            for i in 0..base.len() {
                for &a in &subs {
                    let mut one = base.clone();
                    one[i] = a;
                    forms.push(one.clone());
                    for j in i + 1..base.len() {
                        for &b in &subs {
                            let mut two = one.clone();
                            two[j] = b;
                            forms.push(two);
                        }
                    }
                }
            }
            for tok in forms {
                let s: String = tok.iter().collect();
                let want = v.seen.contains(&s);
                assert_eq!(is_edge_leet(&base, &tok), want, "{term:?} -> {s:?}");
                found += usize::from(want);
            }
        }
        assert!(found > 20, "edge forms exercised ({found})");
    }
}

#[cfg(test)]
mod masked_typo_tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars()
            .map(|c| if c == '*' { WILDCARD } else { c })
            .collect()
    }

    #[test]
    fn a_masked_misspelling_reads_as_its_term_unless_it_fits_a_common_word() {
        let yes = [
            ("despicable", "d**picble"), // a letter missing
            ("murder", "m*rdr"),         // a letter missing
            ("strangle", "s*rnagle"),    // two letters swapped
            ("torture", "t**tuer"),      // the last two swapped
            ("parasites", "p**asties"),  // two letters swapped
            ("vermin", "v**mmin"),       // a letter doubled
        ];
        for (base, tok) in yes {
            assert!(is_masked_typo(&chars(base), &chars(tok)), "{tok} of {base}");
        }
        let no = [
            ("trans", "t*ns"),    // `tons`, `tins`
            ("black", "b*ck"),    // `back`
            ("tuer", "t*ur"),     // `tour`
            ("murder", "m*rder"), // not misspelt: a masked variant, not a typo
            ("murder", "m*rd"),   // two letters missing
            ("kill", "kill"),     // nothing masked
        ];
        for (base, tok) in no {
            assert!(
                !is_masked_typo(&chars(base), &chars(tok)),
                "{tok} of {base}"
            );
        }
    }
}
