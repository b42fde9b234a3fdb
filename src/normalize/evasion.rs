//! Evasion folding over the units of the core folding: confusables, leetspeak and masked
//! letters per word, separated single letters joined, long letter runs shortened.
//!
//! Every pass is linear in the number of units.

use std::mem;

use super::{NormalizeOptions, Unit, WILDCARD, is_word_char};

/// Runs the passes switched on in `opts`. `scratch` is a reusable second buffer.
///
/// The word pass also notes whether the other two passes have anything to do (a
/// one-char word, a run of four identical letters), so most texts skip them.
pub(super) fn apply(opts: &NormalizeOptions, units: &mut Vec<Unit>, scratch: &mut Vec<Unit>) {
    let seen = words_pass(opts, units);
    let mut joined = false;
    if opts.separated_letters && seen.single {
        joined = join_separated(opts, units, scratch);
        if joined {
            mem::swap(units, scratch);
        }
    }
    if opts.repeated_letters && (seen.long_run || joined) {
        collapse_repeats(units, scratch);
        mem::swap(units, scratch);
    }
}

/// What the word pass saw.
#[derive(Default)]
struct Seen {
    /// A word of one char (a candidate for the separated-letters pass).
    single: bool,
    /// A run of more than three identical letters.
    long_run: bool,
}

/// Folded whitespace.
fn is_space(c: char) -> bool {
    c == ' ' || c == '\n'
}

/// Symbols read as letters inside words.
fn is_leet_symbol(c: char) -> bool {
    matches!(c, '@' | '$' | '!')
}

/// Digits and symbols that may be leetspeak.
fn is_leetish(c: char) -> bool {
    c.is_ascii_digit() || is_leet_symbol(c)
}

/// The letter a leetspeak char reads as. `1` and `!` read `i` (terms get the `l`
/// readings as variants); `2` and `6` have no reading (they mark codes: `b2b`, `x86`).
/// `|` is not read (too common as a separator: `x|y`, tables); `k|ll` stays.
pub(super) fn leet_of(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' | '!' => 'i',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        '8' => 'b',
        '9' => 'g',
        _ => return None,
    })
}

/// Words that look like leetspeak but are codes or names: left as they are.
const CODES: &[&str] = &[
    "i18n", "l10n", "a11y", "g11n", "m17n", "k8s", "k3s", "w3c", "c3po", "h1n1", "h5n1", "h7n9",
    "mp3s", "mp4s", "4chan", "8chan", "9gag", "3com", "7up", "4ever", "0day", "y2k", "web3",
];

/// Letters after a leading number that make it a quantity, an ordinal or a date
/// (`1st`, `10am`, `5km`, `3eme`, `30ans`), not leetspeak.
const UNIT_SUFFIXES: &[&str] = &[
    "st", "nd", "rd", "th", "s", "am", "pm", "h", "k", "g", "x", "d", "p", "m", "km", "kg", "mg",
    "mb", "gb", "kb", "tb", "px", "fps", "hz", "khz", "mhz", "ghz", "min", "mn", "ms", "er", "ere",
    "e", "eme", "ieme", "em", "an", "ans", "mois", "jours", "cm", "mm", "ml", "cl", "lb", "lbs",
    "oz", "ft", "yo", "yrs", "kw", "mw", "ah", "mah", "hp", "bit", "bits", "sec", "hrs", "eur",
    "usd", "btc", "ko", "mo", "go", "to", "bis", "ter",
];

/// Do the units spell exactly `s`?
fn spells(w: &[Unit], s: &str) -> bool {
    let mut it = w.iter();
    s.chars().all(|c| it.next().is_some_and(|u| u.c == c)) && it.next().is_none()
}

/// Does the token (whitespace-delimited) look like a URL or an e-mail address?
fn looks_like_url(tok: &[Unit]) -> bool {
    let scheme = tok
        .windows(3)
        .any(|w| matches!(w, [a, b, c] if a.c == ':' && b.c == '/' && c.c == '/'));
    let www = tok.len() > 4 && tok.iter().take(4).map(|u| u.c).eq("www.".chars());
    let email = tok
        .iter()
        .position(|u| u.c == '@')
        .is_some_and(|p| p > 0 && tok.iter().skip(p).any(|u| u.c == '.'));
    scheme || www || email
}

/// The per-word pass: confusables, leetspeak, masked letters (as switched on).
fn words_pass(opts: &NormalizeOptions, units: &mut [Unit]) -> Seen {
    let mut seen = Seen::default();
    // The token (whitespace-delimited) of the last word that needed it, and whether it
    // is a URL or an address: computed once per token, only for words with symbols.
    let mut token: Option<(usize, usize, bool)> = None;
    let n = units.len();
    let mut k = 0;
    while k < n {
        if units.get(k).is_none_or(|u| !u.is_pass()) {
            k += 1;
            continue;
        }
        let ws = k;
        let mut stats = WordStats::default();
        let mut run = ('\0', 0usize);
        while let Some(u) = units.get(k).filter(|u| u.is_pass()) {
            stats.add(u, &mut run);
            k += 1;
        }
        seen.single |= stats.word_chars == 1;
        seen.long_run |= stats.long_run;
        let fold_symbols = (opts.leetspeak || opts.masked_letters)
            && (stats.leetish || stats.star)
            && !token_is_url(units, ws, &mut token);
        if let Some(w) = units.get_mut(ws..k) {
            let confusables = opts.confusables && stats.alt;
            if confusables {
                fold_confusables(w);
            }
            if fold_symbols {
                // `k*i*l*l` is left to the separated-letters pass.
                seen.single |= fold_word(opts, w, &stats);
            }
            // Folded letters may make a long run (`sh0000t`, `kііііll`).
            if (confusables || fold_symbols) && !seen.long_run {
                seen.long_run = scan_word(w).long_run;
            }
        }
    }
    seen
}

/// Is the token holding the unit at `at` a URL or an e-mail address? `cache` keeps the
/// last token's bounds and answer (words are visited left to right, so every token is
/// scanned at most once).
fn token_is_url(units: &[Unit], at: usize, cache: &mut Option<(usize, usize, bool)>) -> bool {
    if let Some((s, e, url)) = *cache
        && s <= at
        && at < e
    {
        return url;
    }
    let back = units
        .get(..at)
        .map_or(0, |b| b.iter().rev().take_while(|u| !is_space(u.c)).count());
    let fwd = units
        .get(at..)
        .map_or(0, |f| f.iter().take_while(|u| !is_space(u.c)).count());
    let (s, e) = (at - back, at + fwd);
    let url = units.get(s..e).is_some_and(looks_like_url);
    *cache = Some((s, e, url));
    url
}

/// What one scan of a word finds.
#[derive(Default)]
struct WordStats {
    /// A unit with a confusable reading.
    alt: bool,
    /// A leetspeak digit or symbol.
    leetish: bool,
    /// A `*`.
    star: bool,
    /// An ASCII digit.
    digit: bool,
    /// Letters.
    letters: usize,
    /// Word chars.
    word_chars: usize,
    /// A run of more than three identical letters.
    long_run: bool,
}

impl WordStats {
    /// Counts the next unit of the word; `run` is the current run of one char.
    fn add(&mut self, u: &Unit, run: &mut (char, usize)) {
        if !u.c.is_ascii_alphabetic() {
            self.alt |= u.alt != '\0';
            self.leetish |= is_leetish(u.c);
            self.star |= u.c == '*';
            self.digit |= u.c.is_ascii_digit();
        }
        self.letters += usize::from(u.is_alpha());
        self.word_chars += usize::from(u.is_word());
        *run = if u.c == run.0 {
            (u.c, run.1 + 1)
        } else {
            (u.c, 1)
        };
        self.long_run |= run.1 > 3 && u.is_alpha();
    }
}

/// Scans a word once.
fn scan_word(w: &[Unit]) -> WordStats {
    let mut st = WordStats::default();
    let mut run = ('\0', 0usize);
    for u in w {
        st.add(u, &mut run);
    }
    st
}

/// Is the char Latin script (after the core folding)?
pub(super) fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(c,
            '\u{00C0}'..='\u{024F}' | '\u{0250}'..='\u{02AF}' | '\u{1D00}'..='\u{1DBF}'
            | '\u{1E00}'..='\u{1EFF}' | '\u{2C60}'..='\u{2C7F}' | '\u{A720}'..='\u{A7FF}'
            | '\u{AB30}'..='\u{AB6F}')
            && c.is_alphabetic()
}

/// Reads the confusables of a word as Latin letters if the word is Latin-dominant: some
/// Latin letter, and at least as many Latin letters as letters of other scripts that
/// have no Latin reading.
fn fold_confusables(w: &mut [Unit]) {
    let (mut latin, mut foreign) = (0usize, 0usize);
    for u in w.iter() {
        if is_latin(u.c) {
            latin += 1;
        } else if u.alt == '\0' && u.is_alpha() {
            foreign += 1;
        }
    }
    if latin > 0 && latin >= foreign {
        for u in w.iter_mut() {
            if u.alt != '\0' {
                u.set(u.alt);
            }
        }
    }
}

/// Reads the leetspeak and masked letters of one word (a maximal run of
/// [`Unit::is_pass`] units inside a token that is not a URL). Returns whether the word
/// is spelled-out single chars (`k*i*l*l`), left for the separated-letters pass.
fn fold_word(opts: &NormalizeOptions, w: &mut [Unit], st: &WordStats) -> bool {
    // At least two letters, or one when no digit is involved (`a$$`).
    let min_letters = if st.digit { 2 } else { 1 };
    if st.letters < min_letters {
        return false;
    }
    if is_spaced_pattern(w) {
        return true;
    }
    // `@name` is a mention, not leetspeak.
    if opts.leetspeak && st.leetish && w.first().is_none_or(|u| u.c != '@') {
        leet_word(w);
    }
    // `a*b` is arithmetic; `f*ck`, `f**k` are four long.
    if opts.masked_letters && st.star && w.len() >= 4 {
        mask_word(w);
    }
    false
}

/// `k*i*l*l`, `k|i|l|l`: single chars alternating with one symbol, left for the
/// separated-letters pass rather than read as masked or leet letters.
fn is_spaced_pattern(w: &[Unit]) -> bool {
    let Some(sym) = w.get(1).map(|u| u.c) else {
        return false;
    };
    w.len() >= 5
        && w.len() % 2 == 1
        && !is_word_char(sym)
        && w.iter()
            .enumerate()
            .all(|(j, u)| if j % 2 == 0 { u.is_word() } else { u.c == sym })
}

/// The next maximal run of leetish units at or after `from`, as `(start, end)`.
fn next_run(w: &[Unit], from: usize) -> Option<(usize, usize)> {
    let rest = w.get(from..)?;
    let a = from + rest.iter().position(|u| is_leetish(u.c))?;
    let len = w.get(a..)?.iter().take_while(|u| is_leetish(u.c)).count();
    Some((a, a + len))
}

/// How a run of leetish units is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RunFold {
    /// Left as it is.
    Keep,
    /// Read as letters.
    Fold,
    /// Trailing: read as letters only if another run of the word was.
    IfEvidence,
}

/// Decides a run. `None`: the whole word is a code, leave it.
fn classify_run(w: &[Unit], a: usize, b: usize) -> Option<RunFold> {
    let run = w.get(a..b)?;
    let digits = run.iter().filter(|u| u.c.is_ascii_digit()).count();
    let first_digit = run.iter().find(|u| u.c.is_ascii_digit()).map(|u| u.c);
    let same_digit = run
        .iter()
        .filter(|u| u.c.is_ascii_digit())
        .all(|u| Some(u.c) == first_digit);
    if digits >= 3 && !same_digit {
        return None; // a number: 2021, x1000
    }
    let dollar = run.iter().any(|u| u.c == '$');
    let symbol = run.iter().any(|u| is_leet_symbol(u.c));
    let leading = a == 0;
    let trailing = b == w.len();
    if leading && digits > 0 {
        let rest = w.get(b..)?;
        if UNIT_SUFFIXES.iter().any(|s| spells(rest, s)) {
            return None; // 1st, 10am, 5km
        }
    }
    if digits > 0 && dollar {
        return Some(RunFold::Keep); // a price
    }
    Some(if !leading && !trailing {
        RunFold::Fold
    } else if leading && !trailing {
        if symbol {
            // @mention, !command, $HOME: terms get `$`/`@` initial variants instead.
            RunFold::Keep
        } else {
            RunFold::Fold
        }
    } else if run.iter().any(|u| u.c == '!' || u.c == '@') {
        RunFold::Keep // hello!
    } else if digits == 0 && run.len() >= 2 {
        RunFold::Fold // a$$
    } else {
        RunFold::IfEvidence
    })
}

/// Reads leetspeak digits and symbols of one word as letters, unless the word looks
/// like a number, a quantity, a code or a price.
fn leet_word(w: &mut [Unit]) {
    let first_digit = w.first().is_some_and(|u| u.c.is_ascii_digit());
    let last_digit = w.last().is_some_and(|u| u.c.is_ascii_digit());
    if (first_digit && last_digit)
        || w.iter()
            .any(|u| u.c.is_ascii_digit() && leet_of(u.c).is_none())
        || CODES.iter().any(|s| spells(w, s))
    {
        return;
    }
    let mut evidence = false;
    let mut from = 0;
    while let Some((a, b)) = next_run(w, from) {
        match classify_run(w, a, b) {
            None => return,
            Some(RunFold::Fold) => evidence = true,
            Some(_) => {}
        }
        from = b;
    }
    let mut from = 0;
    while let Some((a, b)) = next_run(w, from) {
        let fold = match classify_run(w, a, b) {
            Some(RunFold::Fold) => true,
            Some(RunFold::IfEvidence) => evidence,
            _ => false,
        };
        if fold && let Some(run) = w.get_mut(a..b) {
            for u in run {
                if let Some(l) = leet_of(u.c) {
                    u.set(l);
                }
            }
        }
        from = b;
    }
}

/// Turns runs of `*` between letters into [`WILDCARD`]s, one per star.
fn mask_word(w: &mut [Unit]) {
    let n = w.len();
    let mut j = 0;
    while j < n {
        if w.get(j).is_none_or(|u| u.c != '*') {
            j += 1;
            continue;
        }
        let a = j;
        while w.get(j).is_some_and(|u| u.c == '*') {
            j += 1;
        }
        if a > 0
            && j < n
            && let Some(run) = w.get_mut(a..j)
        {
            for u in run {
                u.set(WILDCARD);
            }
        }
    }
}

/// Separator chars between spelled-out letters (`k.i.l.l`, `k-i-l-l`, `k_i_l_l`).
fn is_sep_char(c: char) -> bool {
    matches!(
        c,
        '.' | '-' | '_' | '/' | '|' | '*' | '+' | '~' | '·' | '•' | '‧' | '=' | ':'
    )
}

/// Separators also common between single letters in ordinary text (`x|y|z`, `a/b/c`,
/// `a+b+c`, initials `J. R. R.`): a run joined by one of them needs four singles, not three.
fn is_weak_sep(sep: &Sep) -> bool {
    matches!(sep[1], '/' | '|' | '*' | '+' | '~' | '=' | ':') || *sep == ['\0', '.', ' ']
}

/// One-letter words of English and French (and the Romance languages), which a run
/// joined by plain spaces must not consist of only (`il y a à`).
fn is_common_single(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// A separator: up to three chars, `'\0'`-padded.
type Sep = [char; 3];

/// Reads a separator at `j`: an optional space, an optional separator char, an optional
/// space (at least one of them). Returns it and its length.
fn read_sep(units: &[Unit], j: usize) -> Option<(Sep, usize)> {
    let mut sep = ['\0'; 3];
    let mut len = 0;
    let at = |k: usize| units.get(k).map(|u| u.c);
    if at(j) == Some(' ') {
        sep[0] = ' ';
        len = 1;
    }
    if let Some(c) = at(j + len).filter(|&c| is_sep_char(c)) {
        sep[1] = c;
        len += 1;
        if at(j + len) == Some(' ') {
            sep[2] = ' ';
            len += 1;
        }
    }
    (len > 0).then_some((sep, len))
}

/// Is the unit at `k` a free-standing single letter (or leet digit)? Returns whether
/// it is a letter.
fn single_at(units: &[Unit], k: usize, leet: bool) -> Option<bool> {
    let u = units.get(k)?;
    // Latin letters only: one-letter words of other scripts (Russian `а я в`) and
    // spaced CJK stay as they are.
    let letter = u.c.is_ascii_alphabetic();
    if !(letter || (leet && u.c.is_ascii_digit() && leet_of(u.c).is_some())) {
        return None;
    }
    let free = |o: Option<&Unit>| o.is_none_or(|v| !v.is_word() && v.c != '\'');
    let before = k.checked_sub(1).and_then(|p| units.get(p));
    (free(before) && free(units.get(k + 1))).then_some(letter)
}

/// A run of separated singles starting at `i`.
struct Run {
    /// Index of the last single.
    last: usize,
    /// Whether the run is joined.
    valid: bool,
}

/// Counts of the singles of a run.
#[derive(Default)]
struct Tally {
    /// Singles seen.
    singles: usize,
    /// Singles that are letters (the others are leet digits).
    letters: usize,
    /// Whether a single is not a common one-letter word.
    uncommon: bool,
}

impl Tally {
    /// Counts the single at `k`.
    fn add(&mut self, units: &[Unit], k: usize, letter: bool) {
        self.singles += 1;
        if letter {
            self.letters += 1;
        }
        if units.get(k).is_some_and(|u| !is_common_single(u.c)) {
            self.uncommon = true;
        }
    }
}

/// Scans the run of singles starting at `i`, if `i` holds a single.
fn scan_run(units: &[Unit], i: usize, leet: bool) -> Option<Run> {
    let first_letter = single_at(units, i, leet)?;
    let (sep, sep_len) = read_sep(units, i + 1)?;
    let mut t = Tally::default();
    t.add(units, i, first_letter);
    let mut last = i;
    let mut next = i + 1 + sep_len;
    while let Some(letter) = single_at(units, next, leet) {
        t.add(units, next, letter);
        last = next;
        match read_sep(units, next + 1) {
            Some((s, l)) if s == sep => next = next + 1 + l,
            _ => break,
        }
    }
    let space_only = sep == [' ', '\0', '\0'];
    let min_singles = if is_weak_sep(&sep) { 4 } else { 3 };
    let valid = t.singles >= min_singles
        && (t.letters == t.singles || t.letters >= 3)
        && (!space_only || t.uncommon)
        && last > i;
    Some(Run { last, valid })
}

/// Joins runs of ≥ 3 single letters separated by the same separator (`k i l l`) into
/// `out`. Returns whether it joined anything (if not, `out` is to be ignored).
fn join_separated(opts: &NormalizeOptions, units: &[Unit], out: &mut Vec<Unit>) -> bool {
    out.clear();
    // Units before `copied` are in `out`; nothing is copied until a run is joined.
    let mut copied = 0;
    let n = units.len();
    let mut i = 0;
    while i < n {
        // Inside a word of two chars or more no run starts: skip to its end.
        if units.get(i).is_some_and(Unit::is_word) && units.get(i + 1).is_some_and(Unit::is_word) {
            i += 2;
            while units.get(i).is_some_and(Unit::is_word) {
                i += 1;
            }
            continue;
        }
        match scan_run(units, i, opts.leetspeak) {
            Some(run) if run.valid => {
                out.extend(units.get(copied..i).unwrap_or_default());
                if let Some(span) = units.get(i..=run.last) {
                    let mut k = 0;
                    while let Some(u) = span.get(k) {
                        let mut u = *u;
                        if let Some(l) = leet_of(u.c).filter(|_| u.c.is_ascii_digit()) {
                            u.set(l);
                        }
                        out.push(u);
                        k += 1;
                        // skip the separator
                        while span.get(k).is_some_and(|v| !v.is_word()) {
                            k += 1;
                        }
                    }
                }
                i = run.last + 1;
                copied = i;
            }
            Some(run) if run.last > i => i = run.last,
            _ => i += 1,
        }
    }
    if copied == 0 {
        return false;
    }
    out.extend(units.get(copied..).unwrap_or_default());
    true
}

/// Shortens runs of more than three identical letters to three, the third covering the
/// rest of the run.
fn collapse_repeats(units: &[Unit], out: &mut Vec<Unit>) {
    out.clear();
    let mut run_c = '\0';
    let mut run_len = 0usize;
    for u in units {
        if u.c == run_c && u.is_alpha() {
            run_len += 1;
        } else {
            run_c = u.c;
            run_len = 1;
        }
        if run_len > 3 {
            if let Some(last) = out.last_mut() {
                last.end = u.end;
            }
        } else {
            out.push(*u);
        }
    }
}
