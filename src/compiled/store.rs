//! The stored form of a compiled policy ([`crate::Policy::to_bytes`],
//! [`crate::Policy::from_bytes`]): everything [`Compiled`] holds, written so that
//! loading it skips the TOML, the terms and their variant tables, the conditions and the
//! fingerprint. Only the automaton is built again, from the stored texts of its
//! patterns (the `aho-corasick` crate has no serialized form), and the rules' triggers
//! are derived again (under a millisecond).
//!
//! Layout, every integer little-endian:
//!
//! ```text
//! magic          8 bytes   "TOSGUARD"
//! format         u32       FORMAT
//! crate version  str       the tosguard version that wrote it (must be this one)
//! fingerprint    str       the policy's fingerprint
//! length         u64       bytes of the body
//! checksum       u64       hash of the fingerprint and the body, 64 KiB at a time
//! body                     sections, each opened by a 4-byte tag
//! ```
//!
//! A `str` is a `u64` length and UTF-8 bytes; a list is a `u64` count and its items.
//! The ends of a list of texts (pattern texts, lexicon terms, the vocabulary's words)
//! are stored as the difference from the end before, in LEB128 (one byte for most
//! texts instead of four), which halves what the built-in policy's embedded
//! compressed form takes of them.
//! The hash tables of the matcher (and its filter of token runs) are stored slot by
//! slot, as they are held; the hash
//! maps (masked shapes, first tokens, typo exclusions) as sorted lists; the
//! vocabulary's three sets as they are held (strings end to end, ends, hash table).
//!
//! Loading never panics: wrong magic, another format or crate version, a body that is
//! truncated, damaged (the checksum) or inconsistent (an index out of range, a table
//! without a free slot) give [`ProblemKind::InvalidStoredPolicy`].

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use super::patterns::{MultiTable, Texts, Uses};
use super::{
    Category, CategoryId, Compiled, Context, ContextId, ContextKind, Framed, LayerId, LayerMeta,
    Lexicon, LexiconId, LexiconTerms, Matcher, Node, PatternUse, Rule, SignalSource, SignalUse,
    Triggers,
};
use crate::error::{Location, PolicyError, Problem, ProblemKind};
use crate::normalize::{BuildWordHasher, Lang, NormalizeOptions, StrSet, Vocab, mix};
use crate::signal::SignalModel;
use crate::spec::{CuePosition, DetailedExample, ExampleSpec, ExamplesSpec, MatchMode, Scope};
use crate::verdict::{Action, Severity};

/// The first bytes of every stored policy.
pub(crate) const MAGIC: &[u8; 8] = b"TOSGUARD";
/// The version of the layout; a change to it (or to what the engine reads) bumps it
/// (5: the lexicons' terms by reference to the patterns' texts, see [`LexiconTerms`];
/// 4: the matcher holds the filter of the runs of tokens that start longer token
/// patterns; 3: lexicons carry the language they are read in, and the typo table holds
/// the patterns with typo variants by their own text, where 2 held their forms with a
/// letter missing or two swapped).
const FORMAT: u32 = 5;
/// The crate version that writes and reads this form.
const CRATE_VERSION: &str = env!("CARGO_PKG_VERSION");
/// How deep a stored condition may nest (compiling allows 250 by default): deeper
/// is refused rather than read with a recursion without bound.
const MAX_DEPTH: usize = 4096;

/// Why stored bytes cannot be read.
struct Bad(String);

type Res<T> = Result<T, Bad>;

fn bad<T>(msg: impl Into<String>) -> Res<T> {
    Err(Bad(msg.into()))
}

impl From<Bad> for PolicyError {
    fn from(b: Bad) -> PolicyError {
        PolicyError {
            problems: vec![Problem::new(
                ProblemKind::InvalidStoredPolicy,
                "",
                format!("not a usable stored policy: {}", b.0),
            )],
        }
    }
}

/// Bytes of the body hashed and read at a time.
const BLOCK: usize = 64 << 10;

/// The checksum before any block of the body: the fingerprint's hash.
fn checksum_start(fingerprint: &str) -> u64 {
    mix(0x7f4a_7c15_9e37_79b9, fingerprint.as_bytes())
}

/// The hash of the fingerprint and the body, block by block of [`BLOCK`] bytes
/// (FxHash-style over 8-byte words: cheap on megabytes).
fn checksum(fingerprint: &str, body: &[u8]) -> u64 {
    body.chunks(BLOCK).fold(checksum_start(fingerprint), mix)
}

// ---------------------------------------------------------------------------------
// Writing.

#[derive(Default)]
struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn tag(&mut self, t: &[u8; 4]) {
        self.out.extend_from_slice(t);
    }
    fn u8(&mut self, x: u8) {
        self.out.push(x);
    }
    fn bool(&mut self, x: bool) {
        self.u8(u8::from(x));
    }
    fn u32(&mut self, x: u32) {
        self.out.extend_from_slice(&x.to_le_bytes());
    }
    fn u64(&mut self, x: u64) {
        self.out.extend_from_slice(&x.to_le_bytes());
    }
    fn usize(&mut self, x: usize) {
        self.u64(x as u64);
    }
    fn f32(&mut self, x: f32) {
        self.u32(x.to_bits());
    }
    fn str(&mut self, s: &str) {
        self.usize(s.len());
        self.out.extend_from_slice(s.as_bytes());
    }
    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }
    fn opt_u32(&mut self, x: Option<u32>) {
        match x {
            Some(x) => {
                self.u8(1);
                self.u32(x);
            }
            None => self.u8(0),
        }
    }
    fn strs<'a>(&mut self, n: usize, items: impl Iterator<Item = &'a str>) {
        self.usize(n);
        for s in items {
            self.str(s);
        }
    }
    fn u32s(&mut self, v: &[u32]) {
        self.usize(v.len());
        self.out.reserve(v.len() * 4);
        for &x in v {
            self.u32(x);
        }
    }
    /// The ends of a list of texts: a count, then each end less the one before, in
    /// LEB128 (wrapping, so that any list is written as it is).
    fn ends(&mut self, v: &[u32]) {
        self.usize(v.len());
        let mut prev = 0u32;
        for &x in v {
            let mut d = x.wrapping_sub(prev);
            prev = x;
            while d >= 0x80 {
                self.out.push((d & 0x7f) as u8 | 0x80);
                d >>= 7;
            }
            self.out.push(d as u8);
        }
    }
    fn u64s(&mut self, v: &[u64]) {
        self.usize(v.len());
        self.out.reserve(v.len() * 8);
        for &x in v {
            self.u64(x);
        }
    }
    fn ids<T: Copy>(&mut self, v: &[T], index: impl Fn(T) -> usize) {
        self.usize(v.len());
        for &x in v {
            self.u32(index(x) as u32);
        }
    }
    fn char(&mut self, c: char) {
        self.u32(u32::from(c));
    }
}

/// The stored form of `c`.
pub(crate) fn to_bytes(c: &Compiled) -> Vec<u8> {
    let mut w = Writer::default();
    body(c, &mut w);
    seal(&c.fingerprint, &w.out)
}

/// The header for `body`, then `body`.
fn seal(fingerprint: &str, body: &[u8]) -> Vec<u8> {
    let mut h = Writer::default();
    h.out.extend_from_slice(MAGIC);
    h.u32(FORMAT);
    h.str(CRATE_VERSION);
    h.str(fingerprint);
    h.usize(body.len());
    h.u64(checksum(fingerprint, body));
    let mut out = h.out;
    out.reserve_exact(body.len());
    out.extend_from_slice(body);
    out
}

fn body(c: &Compiled, w: &mut Writer) {
    w.tag(b"META");
    w.str(&c.id);
    w.str(&c.version);
    w.opt_str(c.title.as_deref());
    w.opt_str(c.description.as_deref());
    put_options(&c.normalize, w);
    w.usize(c.window_bytes);
    w.usize(c.layers.len());
    for l in &c.layers {
        w.str(&l.id);
        w.str(&l.version);
        w.str(&l.fingerprint);
    }

    w.tag(b"CATS");
    w.usize(c.categories.len());
    for k in &c.categories {
        w.str(&k.id);
        w.opt_str(k.title.as_deref());
        w.opt_str(k.description.as_deref());
        w.opt_str(k.tos_ref.as_deref());
        w.u8(severity_code(k.severity));
        w.u8(action_code(k.action));
        w.opt_str(k.dsa_category.as_deref());
        w.strs(
            k.dsa_keywords.len(),
            k.dsa_keywords.iter().map(String::as_str),
        );
    }

    w.tag(b"LEXS");
    w.usize(c.lexicons.len());
    for l in &c.lexicons {
        w.str(&l.name);
        w.u8(mode_code(l.mode));
        w.u8(lang_code(l.lang));
    }
    // The terms by reference ([`LexiconTerms`]): most references are one more than
    // the one before (a lexicon's new terms are its new patterns), so they are stored
    // as differences too.
    let (refs, ends, other) = c.terms.parts();
    w.ends(refs);
    w.ends(ends);
    put_texts(other, w);

    w.tag(b"CTXS");
    w.usize(c.contexts.len());
    for x in &c.contexts {
        w.str(&x.name);
        match &x.kind {
            ContextKind::Cue {
                lex,
                except,
                stops,
                framed,
                scope,
                window,
                position,
                question,
            } => {
                w.u8(0);
                w.u32(lex.index() as u32);
                w.u32(except.index() as u32);
                w.opt_u32(stops.map(|s| s.index() as u32));
                match framed {
                    Some(f) => {
                        w.u8(1);
                        w.u32(f.frames.index() as u32);
                        w.u32(f.condemnations.index() as u32);
                    }
                    None => w.u8(0),
                }
                w.u8(scope_code(*scope));
                w.opt_u32(*window);
                w.u8(position_code(*position));
                w.bool(*question);
            }
            ContextKind::Quoted => w.u8(1),
            ContextKind::Question => w.u8(2),
        }
    }

    w.tag(b"RULE");
    w.usize(c.rules.len());
    for r in &c.rules {
        w.str(&r.id);
        w.str(&r.pack);
        w.u32(r.category.index() as u32);
        w.u8(severity_code(r.severity));
        put_node(&r.when, w);
        w.str(&r.when_src);
        w.ids(&r.unless, ContextId::index);
        w.ids(&r.requires, ContextId::index);
        w.u8(scope_code(r.scope));
        w.opt_str(r.description.as_deref());
        put_examples(&r.examples.violating, w);
        put_examples(&r.examples.allowed, w);
        w.u32(r.layer.index() as u32);
        w.ids(&r.needs, LexiconId::index);
        w.usize(r.needs_one_of.len());
        for set in &r.needs_one_of {
            w.ids(set, LexiconId::index);
        }
        w.ids(&r.anchors, LexiconId::index);
        w.bool(r.uses_signals);
    }

    w.tag(b"SIGS");
    w.usize(c.signal_models.len());
    let builtin = crate::signal::builtin_shared().ok();
    for s in &c.signal_models {
        w.str(&s.name);
        match &builtin {
            Some(b) if Arc::ptr_eq(b, &s.model) || **b == *s.model => {
                w.u8(0);
                w.u64(s.model.digest());
            }
            _ => {
                w.u8(1);
                let bytes = s.model.to_bytes();
                w.usize(bytes.len());
                w.out.extend_from_slice(&bytes);
            }
        }
    }
    w.usize(c.signals.len());
    for s in &c.signals {
        w.u32(s.lex.index() as u32);
        w.usize(s.model);
        w.usize(s.head);
        w.bool(s.strict);
        w.f32(s.threshold);
    }

    w.tag(b"WARN");
    w.usize(c.warnings.len());
    for p in &c.warnings {
        w.u8(kind_code(p.kind));
        w.str(&p.source);
        w.str(&p.path);
        match p.location {
            Some(l) => {
                w.u8(1);
                w.usize(l.line);
                w.usize(l.column);
            }
            None => w.u8(0),
        }
        w.str(&p.message);
        match &p.snippet {
            Some((line, col, width)) => {
                w.u8(1);
                w.str(line);
                w.usize(*col);
                w.usize(*width);
            }
            None => w.u8(0),
        }
    }

    w.tag(b"VOCB");
    for (text, ends, table) in c.vocab.parts() {
        w.str(text);
        w.ends(ends);
        w.u32s(table);
    }

    w.tag(b"PATS");
    put_texts(&c.pattern_text, w);
    let (all, ends) = c.patterns.parts();
    w.usize(all.len());
    for u in all {
        w.u32(u.lex.index() as u32);
        w.u8(mode_code(u.mode));
        w.u8(u.tolerance);
    }
    w.ends(ends);
    w.usize(c.pattern_flags.len());
    w.out.extend_from_slice(&c.pattern_flags);

    w.tag(b"MTCH");
    let m = &c.matcher;
    w.u32s(&m.automaton_ids);
    let mut starts: Vec<(&str, u32)> = m.starts().collect();
    starts.sort_unstable();
    w.usize(starts.len());
    for (s, n) in starts {
        w.str(s);
        w.u32(n);
    }
    w.u64s(&m.prefixes.bits);
    w.u32s(&m.words);
    for t in [&m.evasion, &m.typos, &m.tolerant, &m.phrase_words] {
        w.u64s(&t.slots);
    }
    w.u32s(&m.trigrams.parts());
    let mut masked: Vec<_> = m.masked.iter().collect();
    masked.sort_unstable();
    w.usize(masked.len());
    for ((n, first, last), ids) in masked {
        w.usize(*n);
        w.char(*first);
        w.char(*last);
        w.u32s(ids);
    }
    let exclude = m.typo_exclusions();
    w.strs(exclude.len(), exclude.into_iter());
    w.u32(m.typo_phrase_len);
    w.u32(m.run_tokens);
    w.usize(m.run_marks.len());
    for &c in &m.run_marks {
        w.char(c);
    }
    w.usize(m.max_variant_bytes);
    w.tag(b"END.");
}

fn put_options(o: &NormalizeOptions, w: &mut Writer) {
    let NormalizeOptions {
        confusables,
        invisible,
        leetspeak,
        separated_letters,
        repeated_letters,
        masked_letters,
    } = *o;
    for b in [
        confusables,
        invisible,
        leetspeak,
        separated_letters,
        repeated_letters,
        masked_letters,
    ] {
        w.bool(b);
    }
}

fn put_texts(t: &Texts, w: &mut Writer) {
    let (buf, ends) = t.parts();
    w.str(buf);
    w.ends(ends);
}

fn put_node(n: &Node, w: &mut Writer) {
    match n {
        Node::Lex(id) => {
            w.u8(0);
            w.u32(id.index() as u32);
        }
        Node::Not(a) => {
            w.u8(1);
            put_node(a, w);
        }
        Node::And(a, b) | Node::Or(a, b) | Node::Except(a, b) => {
            w.u8(match n {
                Node::And(..) => 2,
                Node::Or(..) => 3,
                _ => 4,
            });
            put_node(a, w);
            put_node(b, w);
        }
        Node::Before(a, b, d) | Node::Near(a, b, d) => {
            w.u8(if matches!(n, Node::Before(..)) { 5 } else { 6 });
            w.u32(*d);
            put_node(a, w);
            put_node(b, w);
        }
    }
}

fn put_examples(v: &[ExampleSpec], w: &mut Writer) {
    w.usize(v.len());
    for e in v {
        match e {
            ExampleSpec::Text(t) => {
                w.u8(0);
                w.str(t);
            }
            ExampleSpec::Detailed(d) => {
                w.u8(1);
                w.str(&d.text);
                w.opt_str(d.category.as_deref());
                w.strs(d.evidence.len(), d.evidence.iter().map(String::as_str));
            }
        }
    }
}

/// A stored code for each variant of a field-less enum, both ways: `$code(x)` gives the
/// byte, `$of(b)` the variant (an unknown byte is an error naming `$what`).
macro_rules! byte_codes {
    ($code:ident, $of:ident, $t:ident, $what:literal, { $($v:ident = $n:literal),+ $(,)? }) => {
        fn $code(x: $t) -> u8 {
            match x {
                $($t::$v => $n,)+
            }
        }

        fn $of(b: u8) -> Res<$t> {
            Ok(match b {
                $($n => $t::$v,)+
                _ => return bad(format!(concat!("unknown ", $what, " code {}"), b)),
            })
        }
    };
}

byte_codes!(severity_code, severity_of, Severity, "severity", {
    Low = 0, Medium = 1, High = 2, Critical = 3,
});
byte_codes!(action_code, action_of, Action, "action", {
    None = 0, Flag = 1, Review = 2, Remove = 3,
});
byte_codes!(mode_code, mode_of, MatchMode, "match mode", {
    Word = 0, Prefix = 1, Infix = 2,
});
/// A lexicon's language: 0 for none (every word read everywhere).
fn lang_code(l: Option<Lang>) -> u8 {
    match l {
        None => 0,
        Some(Lang::En) => 1,
        Some(Lang::Fr) => 2,
    }
}

fn lang_of(b: u8) -> Res<Option<Lang>> {
    Ok(match b {
        0 => None,
        1 => Some(Lang::En),
        2 => Some(Lang::Fr),
        _ => return bad(format!("unknown language code {b}")),
    })
}

byte_codes!(scope_code, scope_of, Scope, "scope", {
    Clause = 0, Sentence = 1, Text = 2,
});
byte_codes!(position_code, position_of, CuePosition, "cue position", {
    Before = 0, After = 1, Around = 2,
});

/// Every kind of problem, by its stored code (its index). Warnings are the only
/// problems stored; the others are listed so that the table is simply every kind.
const KINDS: [ProblemKind; 24] = [
    ProblemKind::Io,
    ProblemKind::Syntax,
    ProblemKind::InvalidValue,
    ProblemKind::UnknownLexicon,
    ProblemKind::UnknownCategory,
    ProblemKind::UnknownContext,
    ProblemKind::DuplicateId,
    ProblemKind::EmptyTerm,
    ProblemKind::BadBraces,
    ProblemKind::BadCondition,
    ProblemKind::ZeroProximity,
    ProblemKind::NoEvidence,
    ProblemKind::ExtendsCycle,
    ProblemKind::UnknownParent,
    ProblemKind::UnknownOverride,
    ProblemKind::LimitExceeded,
    ProblemKind::UnknownSignal,
    ProblemKind::InvalidSignalModel,
    ProblemKind::EmptyLexicon,
    ProblemKind::NeverFires,
    ProblemKind::ShadowedTerm,
    ProblemKind::NoStatementCategory,
    ProblemKind::InvalidStoredPolicy,
    ProblemKind::UnusedCondition,
];

fn kind_code(k: ProblemKind) -> u8 {
    // Exhaustive: a new kind must be added to `KINDS` (the match fails to compile
    // until it is handled here).
    match k {
        ProblemKind::Io
        | ProblemKind::Syntax
        | ProblemKind::InvalidValue
        | ProblemKind::UnknownLexicon
        | ProblemKind::UnknownCategory
        | ProblemKind::UnknownContext
        | ProblemKind::DuplicateId
        | ProblemKind::EmptyTerm
        | ProblemKind::BadBraces
        | ProblemKind::BadCondition
        | ProblemKind::ZeroProximity
        | ProblemKind::NoEvidence
        | ProblemKind::ExtendsCycle
        | ProblemKind::UnknownParent
        | ProblemKind::UnknownOverride
        | ProblemKind::LimitExceeded
        | ProblemKind::UnknownSignal
        | ProblemKind::InvalidSignalModel
        | ProblemKind::EmptyLexicon
        | ProblemKind::NeverFires
        | ProblemKind::ShadowedTerm
        | ProblemKind::NoStatementCategory
        | ProblemKind::InvalidStoredPolicy
        | ProblemKind::UnusedCondition => KINDS.iter().position(|&x| x == k).unwrap_or(0) as u8,
    }
}

// ---------------------------------------------------------------------------------
// Reading.

/// Reads the body of a stored policy from `src` in blocks of [`BLOCK`] bytes, hashing
/// each block as it is loaded: the whole bytes are never held at once.
struct Reader<R> {
    src: R,
    /// The block being read.
    block: Vec<u8>,
    pos: usize,
    /// Bytes of the body not loaded yet.
    unread: usize,
    /// Bytes of the body read (the offset that messages give).
    at: usize,
    /// The length of the body.
    len: usize,
    /// The checksum of the blocks loaded so far.
    hash: u64,
    /// Where a read across two blocks is put together.
    scratch: Vec<u8>,
}

/// The error of reading `src`: cut short, or failing.
fn read_error(e: &std::io::Error) -> Bad {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        Bad("truncated: the bytes end before the length they give".into())
    } else {
        Bad(format!("cannot read it: {e}"))
    }
}

impl<R: Read> Reader<R> {
    fn new(src: R, fingerprint: &str, len: usize) -> Self {
        Reader {
            src,
            block: Vec::new(),
            pos: 0,
            unread: len,
            at: 0,
            len,
            hash: checksum_start(fingerprint),
            scratch: Vec::new(),
        }
    }
    /// Bytes of the body not read yet.
    fn left(&self) -> usize {
        self.len - self.at
    }
    /// Loads the next block.
    fn fill(&mut self) -> Res<()> {
        let n = self.unread.min(BLOCK);
        self.block.resize(n, 0);
        if let Err(e) = self.src.read_exact(&mut self.block) {
            // The reader is left empty, in step with `pos`; the bytes still owed stay
            // unread, so that draining reports the same failure.
            self.block.clear();
            self.pos = 0;
            return Err(read_error(&e));
        }
        self.hash = mix(self.hash, &self.block);
        self.unread -= n;
        self.pos = 0;
        Ok(())
    }
    /// Appends the next `n` bytes to `out`.
    fn read_into(&mut self, mut n: usize, out: &mut Vec<u8>) -> Res<()> {
        if n > self.left() {
            return bad(format!(
                "truncated: {n} bytes wanted at offset {} of {}",
                self.at, self.len
            ));
        }
        out.reserve(n);
        while n > 0 {
            if self.pos == self.block.len() {
                self.fill()?;
            }
            let k = n.min(self.block.len() - self.pos);
            out.extend_from_slice(self.block.get(self.pos..self.pos + k).unwrap_or_default());
            self.pos += k;
            self.at += k;
            n -= k;
        }
        Ok(())
    }
    /// Reads the rest of the body, so that its checksum is complete.
    fn drain(&mut self) -> Res<()> {
        loop {
            self.at += self.block.len().saturating_sub(self.pos);
            self.pos = self.block.len();
            if self.unread == 0 {
                return Ok(());
            }
            self.fill()?;
        }
    }
    #[inline]
    fn take(&mut self, n: usize) -> Res<&[u8]> {
        if n <= self.block.len() - self.pos {
            let s = self.pos;
            self.pos += n;
            self.at += n;
            return Ok(self.block.get(s..s + n).unwrap_or_default());
        }
        let mut buf = std::mem::take(&mut self.scratch);
        buf.clear();
        let read = self.read_into(n, &mut buf);
        self.scratch = buf;
        read?;
        Ok(&self.scratch)
    }
    #[inline]
    fn array<const N: usize>(&mut self) -> Res<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn tag(&mut self, t: &[u8; 4]) -> Res<()> {
        let at = self.at;
        if &self.array::<4>()? != t {
            return bad(format!(
                "section `{}` expected at offset {at}",
                String::from_utf8_lossy(t)
            ));
        }
        Ok(())
    }
    #[inline]
    fn u8(&mut self) -> Res<u8> {
        let [b] = self.array::<1>()?;
        Ok(b)
    }
    #[inline]
    fn bool(&mut self) -> Res<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            b => bad(format!(
                "flag {b} at offset {} is neither 0 nor 1",
                self.at - 1
            )),
        }
    }
    #[inline]
    fn u32(&mut self) -> Res<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    #[inline]
    fn u64(&mut self) -> Res<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    #[inline]
    fn usize(&mut self) -> Res<usize> {
        let x = self.u64()?;
        usize::try_from(x).or_else(|_| bad(format!("{x} does not fit this machine's usize")))
    }
    /// A count of items of at least `each` bytes: no more than the bytes left hold
    /// (so that a damaged count never makes a huge allocation).
    fn count(&mut self, each: usize) -> Res<usize> {
        let n = self.usize()?;
        if n.checked_mul(each.max(1))
            .is_none_or(|need| need > self.left())
        {
            return bad(format!(
                "a count of {n} at offset {} exceeds the bytes left",
                self.at - 8
            ));
        }
        Ok(n)
    }
    /// A count of items of at least `each` bytes (see [`Self::count`]), then the items,
    /// each read by `item`.
    fn list<T>(&mut self, each: usize, mut item: impl FnMut(&mut Self) -> Res<T>) -> Res<Vec<T>> {
        let n = self.count(each)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(item(self)?);
        }
        Ok(out)
    }
    fn f32(&mut self) -> Res<f32> {
        Ok(f32::from_bits(self.u32()?))
    }
    fn string(&mut self) -> Res<String> {
        let n = self.count(1)?;
        let at = self.at;
        let utf8 =
            |r: Result<String, _>| r.or_else(|_| bad(format!("invalid UTF-8 at offset {at}")));
        if n <= self.block.len() - self.pos {
            // Within the block: one copy, as from a slice.
            let bytes = self.take(n)?;
            return utf8(std::str::from_utf8(bytes).map(str::to_owned));
        }
        let mut v = Vec::new();
        self.read_into(n, &mut v)?;
        utf8(String::from_utf8(v).map_err(|e| e.utf8_error()))
    }
    /// A string, borrowed from the block (or the scratch when it runs across two).
    fn take_str(&mut self) -> Res<&str> {
        let n = self.count(1)?;
        let at = self.at;
        std::str::from_utf8(self.take(n)?).or_else(|_| bad(format!("invalid UTF-8 at offset {at}")))
    }
    fn opt_string(&mut self) -> Res<Option<String>> {
        Ok(if self.bool()? {
            Some(self.string()?)
        } else {
            None
        })
    }
    fn opt_u32(&mut self) -> Res<Option<u32>> {
        Ok(if self.bool()? {
            Some(self.u32()?)
        } else {
            None
        })
    }
    fn strings(&mut self) -> Res<Vec<String>> {
        let n = self.count(8)?;
        (0..n).map(|_| self.string()).collect()
    }
    fn u32s(&mut self) -> Res<Vec<u32>> {
        let n = self.count(4)?;
        self.numbers(n, |c: [u8; 4]| Ok(u32::from_le_bytes(c)))
    }
    /// `n` items of `N` bytes each, decoded by `of` from the blocks in place: a list
    /// that runs across blocks is never put together in a copy first (the largest, the
    /// matcher's tables, are megabytes).
    fn numbers<const N: usize, T>(
        &mut self,
        n: usize,
        of: impl Fn([u8; N]) -> Res<T>,
    ) -> Res<Vec<T>> {
        if n.checked_mul(N).is_none_or(|need| need > self.left()) {
            return bad(format!(
                "truncated: {n} numbers wanted at offset {} of {}",
                self.at, self.len
            ));
        }
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            if self.pos == self.block.len() {
                self.fill()?;
            }
            let room = (self.block.len() - self.pos) / N;
            let k = room.min(n - out.len());
            if k == 0 {
                // A number across two blocks.
                out.push(of(self.array()?)?);
                continue;
            }
            let bytes = self
                .block
                .get(self.pos..self.pos + k * N)
                .unwrap_or_default();
            for c in bytes.chunks_exact(N) {
                let mut a = [0u8; N];
                a.copy_from_slice(c);
                out.push(of(a)?);
            }
            self.pos += k * N;
            self.at += k * N;
        }
        Ok(out)
    }
    /// The ends of a list of texts ([`Writer::ends`]): decoded in place within the
    /// block while it holds a whole difference (five bytes at most), byte by byte across
    /// blocks.
    fn ends(&mut self) -> Res<Vec<u32>> {
        let n = self.count(1)?;
        let mut out = Vec::with_capacity(n);
        let mut prev = 0u32;
        while out.len() < n {
            let block = self.block.get(self.pos..).unwrap_or_default();
            let mut used = 0;
            while out.len() < n && block.len() - used >= 5 {
                // Most differences are one byte.
                if let Some(&b) = block.get(used).filter(|&&b| b < 0x80) {
                    used += 1;
                    prev = prev.wrapping_add(u32::from(b));
                    out.push(prev);
                    continue;
                }
                let (d, k) = leb128(block.get(used..).unwrap_or_default())
                    .map_or_else(|| bad(too_long(self.at + used)), Ok)?;
                used += k;
                prev = prev.wrapping_add(d);
                out.push(prev);
            }
            self.pos += used;
            self.at += used;
            if out.len() < n {
                let at = self.at;
                let mut bytes = [0u8; 5];
                let mut k = 0;
                while k < 5 {
                    bytes[k] = self.u8()?;
                    k += 1;
                    if bytes[k - 1] < 0x80 {
                        break;
                    }
                }
                let (d, _) = leb128(&bytes[..k]).map_or_else(|| bad(too_long(at)), Ok)?;
                prev = prev.wrapping_add(d);
                out.push(prev);
            }
        }
        Ok(out)
    }
    fn u64s(&mut self) -> Res<Vec<u64>> {
        let n = self.count(8)?;
        self.numbers(n, |c: [u8; 8]| Ok(u64::from_le_bytes(c)))
    }
    fn ids<T>(&mut self, make: impl Fn(usize) -> T) -> Res<Vec<T>> {
        Ok(self.u32s()?.into_iter().map(|i| make(i as usize)).collect())
    }
    fn char(&mut self) -> Res<char> {
        let x = self.u32()?;
        char::from_u32(x).map_or_else(|| bad(format!("{x:#x} is not a character")), Ok)
    }
}

/// The `u32` at the start of `bytes` in LEB128 and its length in bytes; `None` if it
/// does not end within five bytes or exceeds 32 bits.
#[inline]
fn leb128(bytes: &[u8]) -> Option<(u32, usize)> {
    let mut d = 0u32;
    for (k, &b) in bytes.iter().take(5).enumerate() {
        if k == 4 && b > 0x0f {
            return None;
        }
        d |= u32::from(b & 0x7f) << (7 * k);
        if b < 0x80 {
            return Some((d, k + 1));
        }
    }
    None
}

fn too_long(at: usize) -> String {
    format!("a difference of ends at offset {at} is not a 32-bit LEB128 number")
}

/// What the header of a stored policy says, once checked.
struct Header {
    fingerprint: String,
    /// The length of the body.
    len: usize,
    /// Its checksum.
    sum: u64,
}

/// Reads exactly `buf.len()` bytes of the header.
fn exact(src: &mut impl Read, buf: &mut [u8]) -> Res<()> {
    src.read_exact(buf).map_err(|e| read_error(&e))
}

/// A `u64` of the header, as a length of at most `max`.
fn header_len(src: &mut impl Read, max: usize, what: &str) -> Res<usize> {
    let mut b = [0u8; 8];
    exact(src, &mut b)?;
    let n = u64::from_le_bytes(b);
    match usize::try_from(n) {
        Ok(n) if n <= max => Ok(n),
        _ => bad(format!("{what} of {n} bytes")),
    }
}

/// A string of the header, of at most `max` bytes.
fn header_str(src: &mut impl Read, max: usize, what: &str) -> Res<String> {
    let n = header_len(src, max, what)?;
    let mut b = vec![0u8; n];
    exact(src, &mut b)?;
    String::from_utf8(b).or_else(|_| bad(format!("{what} is not UTF-8")))
}

fn read_header(src: &mut impl Read) -> Res<Header> {
    let mut magic = [0u8; 8];
    let not_stored = "it does not start with `TOSGUARD` (not written by `Policy::to_bytes`)";
    if src.read_exact(&mut magic).is_err() || &magic != MAGIC {
        return bad(not_stored);
    }
    let mut f = [0u8; 4];
    exact(src, &mut f)?;
    let format = u32::from_le_bytes(f);
    if format != FORMAT {
        return bad(format!(
            "stored in format {format}, this build reads format {FORMAT}: compile the policy again"
        ));
    }
    let version = header_str(src, 64, "a crate version")?;
    if version != CRATE_VERSION {
        return bad(format!(
            "stored by tosguard {version}, this is tosguard {CRATE_VERSION}: compile the policy again"
        ));
    }
    let fingerprint = header_str(src, 1024, "a fingerprint")?;
    let len = header_len(src, usize::MAX, "a body")?;
    let mut b = [0u8; 8];
    exact(src, &mut b)?;
    Ok(Header {
        fingerprint,
        len,
        sum: u64::from_le_bytes(b),
    })
}

const DAMAGED: &str = "the checksum does not match: the bytes are damaged";

/// The policy stored in `bytes`. The whole body is at hand, so its checksum is checked
/// before it is read: damaged bytes are reported as such.
pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Compiled, PolicyError> {
    let mut src = bytes;
    let h = read_header(&mut src)?;
    if src.len() < h.len {
        return Err(Bad(format!(
            "truncated: a body of {} bytes, {} given",
            h.len,
            src.len()
        ))
        .into());
    }
    if src.len() > h.len {
        return Err(Bad(format!("{} bytes after the end", src.len() - h.len)).into());
    }
    if checksum(&h.fingerprint, src) != h.sum {
        return Err(Bad(DAMAGED.into()).into());
    }
    Ok(read_stream(src, h)?)
}

/// The policy stored in the bytes `src` gives, read in blocks (the checksum is checked
/// at the end: bytes that do not decode are reported as damaged when it fails).
pub(crate) fn from_reader(mut src: impl Read) -> Result<Compiled, PolicyError> {
    let h = read_header(&mut src)?;
    Ok(read_stream(src, h)?)
}

fn read_stream<R: Read>(src: R, h: Header) -> Res<Compiled> {
    let mut r = Reader::new(src, &h.fingerprint, h.len);
    let body = read_body(&mut r, &h.fingerprint);
    let complete = r.at == r.len;
    // The rest of the body, so that the checksum covers every byte.
    let drained = r.drain();
    if drained.is_ok() && r.hash != h.sum {
        return bad(DAMAGED);
    }
    let c = body?;
    drained?;
    if !complete {
        return bad("bytes after the last section");
    }
    let mut more = [0u8; 1];
    if matches!(r.src.read(&mut more), Ok(n) if n > 0) {
        return bad("bytes after the end");
    }
    check(&c)?;
    Ok(c)
}

fn read_body<R: Read>(r: &mut Reader<R>, fingerprint: &str) -> Res<Compiled> {
    r.tag(b"META")?;
    let id = r.string()?;
    let version = r.string()?;
    let title = r.opt_string()?;
    let description = r.opt_string()?;
    let normalize = read_options(r)?;
    let window_bytes = r.usize()?;
    if crate::Limits::new()
        .window_bytes(window_bytes)
        .get_window_bytes()
        != window_bytes
    {
        return bad(format!("a window of {window_bytes} bytes"));
    }
    let layers = r.list(24, |r| {
        Ok(LayerMeta {
            id: r.string()?,
            version: r.string()?,
            fingerprint: r.string()?,
        })
    })?;

    r.tag(b"CATS")?;
    let categories = r.list(8, |r| {
        Ok(Category {
            id: r.string()?,
            title: r.opt_string()?,
            description: r.opt_string()?,
            tos_ref: r.opt_string()?,
            severity: severity_of(r.u8()?)?,
            action: action_of(r.u8()?)?,
            dsa_category: r.opt_string()?,
            dsa_keywords: r.strings()?,
        })
    })?;

    r.tag(b"LEXS")?;
    let lexicons = r.list(10, |r| {
        Ok(Lexicon {
            name: r.string()?,
            mode: mode_of(r.u8()?)?,
            lang: lang_of(r.u8()?)?,
        })
    })?;
    let term_parts = (r.ends()?, r.ends()?, read_texts(r)?);

    r.tag(b"CTXS")?;
    let n = r.count(9)?;
    let mut contexts = Vec::with_capacity(n);
    for _ in 0..n {
        let name = r.string()?;
        let kind = match r.u8()? {
            0 => ContextKind::Cue {
                lex: LexiconId::new(r.u32()? as usize),
                except: LexiconId::new(r.u32()? as usize),
                stops: r.opt_u32()?.map(|s| LexiconId::new(s as usize)),
                framed: if r.bool()? {
                    Some(Framed {
                        frames: LexiconId::new(r.u32()? as usize),
                        condemnations: LexiconId::new(r.u32()? as usize),
                    })
                } else {
                    None
                },
                scope: scope_of(r.u8()?)?,
                window: r.opt_u32()?,
                position: position_of(r.u8()?)?,
                question: r.bool()?,
            },
            1 => ContextKind::Quoted,
            2 => ContextKind::Question,
            b => return bad(format!("unknown context kind {b}")),
        };
        contexts.push(Context { name, kind });
    }

    r.tag(b"RULE")?;
    let n = r.count(16)?;
    let mut rules = Vec::with_capacity(n);
    for _ in 0..n {
        let id = r.string()?;
        let pack = r.string()?;
        let category = CategoryId::new(r.u32()? as usize);
        let severity = severity_of(r.u8()?)?;
        let when = read_node(r, 0)?;
        let when_src = r.string()?;
        let unless = r.ids(ContextId::new)?;
        let requires = r.ids(ContextId::new)?;
        let scope = scope_of(r.u8()?)?;
        let description = r.opt_string()?;
        let examples = ExamplesSpec {
            violating: read_examples(r)?,
            allowed: read_examples(r)?,
        };
        let layer = LayerId::new(r.u32()? as usize);
        let needs = r.ids(LexiconId::new)?;
        let m = r.count(8)?;
        let mut needs_one_of = Vec::with_capacity(m);
        for _ in 0..m {
            needs_one_of.push(r.ids(LexiconId::new)?);
        }
        let anchors = r.ids(LexiconId::new)?;
        let uses_signals = r.bool()?;
        rules.push(Rule {
            id,
            pack,
            category,
            severity,
            when,
            when_src,
            unless,
            requires,
            scope,
            description,
            examples,
            layer,
            needs,
            needs_one_of,
            anchors,
            uses_signals,
        });
    }

    r.tag(b"SIGS")?;
    let n = r.count(9)?;
    let mut signal_models = Vec::with_capacity(n);
    for _ in 0..n {
        let name = r.string()?;
        let model = match r.u8()? {
            0 => {
                let digest = r.u64()?;
                let b = crate::signal::builtin_shared()
                    .or_else(|e| bad(format!("the built-in signal model: {e}")))?;
                if b.digest() != digest {
                    return bad(
                        "stored with another built-in signal model than this build's: compile the policy again",
                    );
                }
                b
            }
            1 => {
                let len = r.count(1)?;
                let bytes = r.take(len)?;
                let m = SignalModel::from_bytes(bytes)
                    .or_else(|e| bad(format!("signal model `{name}`: {e}")))?;
                Arc::new(m)
            }
            b => return bad(format!("unknown signal model kind {b}")),
        };
        signal_models.push(SignalSource { name, model });
    }
    let signals = r.list(21, |r| {
        Ok(SignalUse {
            lex: LexiconId::new(r.u32()? as usize),
            model: r.usize()?,
            head: r.usize()?,
            strict: r.bool()?,
            threshold: r.f32()?,
        })
    })?;

    r.tag(b"WARN")?;
    let n = r.count(35)?;
    let mut warnings = Vec::with_capacity(n);
    for _ in 0..n {
        let code = r.u8()?;
        let kind = KINDS
            .get(code as usize)
            .copied()
            .map_or_else(|| bad(format!("unknown problem kind {code}")), Ok)?;
        let source = r.string()?;
        let path = r.string()?;
        let location = if r.bool()? {
            Some(Location {
                line: r.usize()?,
                column: r.usize()?,
            })
        } else {
            None
        };
        let message = r.string()?;
        let snippet = if r.bool()? {
            let (line, col, width) = (r.string()?, r.usize()?, r.usize()?);
            let room = line.chars().count() + 1;
            if col > room || width > room {
                return bad("a warning's place is beyond its line");
            }
            Some((line, col, width))
        } else {
            None
        };
        warnings.push(Problem {
            kind,
            source,
            path,
            location,
            message,
            snippet,
        });
    }

    r.tag(b"VOCB")?;
    let mut parts: [(String, Vec<u32>, Vec<u32>); 3] = Default::default();
    for part in &mut parts {
        *part = (r.string()?, r.ends()?, r.u32s()?);
    }
    let vocab = Vocab::from_parts(parts)
        .map_or_else(|| bad("the vocabulary's sets are not consistent"), Ok)?;

    r.tag(b"PATS")?;
    let pattern_text = read_texts(r)?;
    let n = r.count(6)?;
    let all = r.numbers(n, |[a, b, c, d, mode, tolerance]: [u8; 6]| {
        Ok(PatternUse {
            lex: LexiconId::new(u32::from_le_bytes([a, b, c, d]) as usize),
            mode: mode_of(mode)?,
            tolerance,
        })
    })?;
    let ends = r.ends()?;
    let patterns =
        Uses::from_parts(all, ends).map_or_else(|| bad("the pattern uses are not in order"), Ok)?;
    if patterns.len() != pattern_text.len() {
        return bad(format!(
            "{} patterns but the uses of {}",
            pattern_text.len(),
            patterns.len()
        ));
    }

    let (refs, ends, other) = term_parts;
    if ends.len() != lexicons.len() {
        return bad(format!(
            "{} lexicons but the terms of {}",
            lexicons.len(),
            ends.len()
        ));
    }
    let terms = LexiconTerms::from_parts(refs, ends, other, pattern_text.len()).map_or_else(
        || bad("the lexicons' terms are not in order or out of range"),
        Ok,
    )?;

    let n = r.count(1)?;
    let pattern_flags = r.take(n)?.to_vec();
    if n != pattern_text.len() {
        return bad(format!(
            "{} patterns but the flags of {n}",
            pattern_text.len()
        ));
    }

    r.tag(b"MTCH")?;
    let automaton_ids = r.u32s()?;
    // Built before the matcher's tables are read: what building takes beyond the
    // automaton is freed before the tables take their place (the peak of loading).
    let auto_text: Vec<&str> = automaton_ids
        .iter()
        .map(|&i| pattern_text.get(i as usize))
        .collect::<Option<_>>()
        .map_or_else(|| bad("an automaton pattern out of range"), Ok)?;
    let automaton = super::build_automaton(&auto_text)
        .or_else(|e| bad(format!("the automaton cannot be built: {e}")))?;
    drop(auto_text);
    let n = r.count(12)?;
    let mut starts = StrSet::spread_for(n);
    let mut start_words = Vec::with_capacity(n);
    for _ in 0..n {
        let s = r.take_str()?;
        if !starts.insert(s) {
            return bad("a first word of the token patterns twice");
        }
        start_words.push(r.u32()?);
    }
    starts.shrink_to_fit();
    starts.spread();
    let prefixes = super::patterns::RunPrefixes::from_bits(r.u64s()?)
        .map_or_else(|| bad("the run prefixes have a bad size"), Ok)?;
    let words = r.u32s()?;
    let mut tables: [MultiTable; 4] = Default::default();
    for t in &mut tables {
        *t = MultiTable::from_slots(r.u64s()?)
            .map_or_else(|| bad("a variant table has no free slot or a bad size"), Ok)?;
    }
    let [evasion, typos, tolerant, phrase_words] = tables;
    let trigrams = super::patterns::Trigrams::from_parts(&r.u32s()?)
        .map_or_else(|| bad("the typo trigrams have a bad size"), Ok)?;
    let n = r.count(24)?;
    let mut masked: HashMap<(usize, char, char), Vec<u32>, BuildWordHasher> = HashMap::default();
    masked.reserve(n);
    for _ in 0..n {
        let key = (r.usize()?, r.char()?, r.char()?);
        masked.insert(key, r.u32s()?);
    }
    let n = r.count(8)?;
    let mut exclude = StrSet::spread_for(n);
    for _ in 0..n {
        exclude.insert(r.take_str()?);
    }
    exclude.shrink_to_fit();
    exclude.spread();
    let typo_phrase_len = r.u32()?;
    let run_tokens = r.u32()?;
    let run_marks = r.list(4, Reader::char)?;
    let max_variant_bytes = r.usize()?;
    r.tag(b"END.")?;

    let matcher = Matcher {
        automaton,
        automaton_ids,
        starts,
        start_words,
        prefixes,
        words,
        evasion,
        masked,
        typos,
        tolerant,
        exclude,
        phrase_words,
        typo_phrase_len,
        run_tokens,
        run_marks,
        max_variant_bytes,
        opts: normalize.clone(),
        trigrams,
        id: super::patterns::next_matcher_id(),
    };
    if !super::patterns::valid_word_table(&matcher.words) {
        return bad("the word table has no free slot or a bad size");
    }
    Ok(Compiled {
        id,
        version,
        title,
        description,
        normalize,
        categories,
        triggers: Triggers::build(&rules, lexicons.len()),
        lexicon_langs: super::lang_codes(&lexicons),
        name_lexicons: super::name_lexicons(&lexicons),
        lexicons,
        contexts,
        rules,
        vocab,
        matcher,
        pattern_flags,
        patterns,
        pattern_text,
        terms,
        fingerprint: fingerprint.to_string(),
        layers,
        warnings,
        signal_models,
        signals,
        window_bytes,
    })
}

fn read_options<R: Read>(r: &mut Reader<R>) -> Res<NormalizeOptions> {
    Ok(NormalizeOptions {
        confusables: r.bool()?,
        invisible: r.bool()?,
        leetspeak: r.bool()?,
        separated_letters: r.bool()?,
        repeated_letters: r.bool()?,
        masked_letters: r.bool()?,
    })
}

fn read_texts<R: Read>(r: &mut Reader<R>) -> Res<Texts> {
    let buf = r.string()?;
    let ends = r.ends()?;
    Texts::from_parts(buf, ends).map_or_else(|| bad("a list of texts is not in order"), Ok)
}

fn read_node<R: Read>(r: &mut Reader<R>, depth: usize) -> Res<Node> {
    if depth > MAX_DEPTH {
        return bad(format!("a condition nests deeper than {MAX_DEPTH}"));
    }
    let sub = |r: &mut Reader<R>| read_node(r, depth + 1).map(Box::new);
    Ok(match r.u8()? {
        0 => Node::Lex(LexiconId::new(r.u32()? as usize)),
        1 => Node::Not(sub(r)?),
        2 => Node::And(sub(r)?, sub(r)?),
        3 => Node::Or(sub(r)?, sub(r)?),
        4 => Node::Except(sub(r)?, sub(r)?),
        5 => {
            let d = r.u32()?;
            Node::Before(sub(r)?, sub(r)?, d)
        }
        6 => {
            let d = r.u32()?;
            Node::Near(sub(r)?, sub(r)?, d)
        }
        b => return bad(format!("unknown condition node {b}")),
    })
}

fn read_examples<R: Read>(r: &mut Reader<R>) -> Res<Vec<ExampleSpec>> {
    let out = r.list(9, |r| {
        Ok(match r.u8()? {
            0 => ExampleSpec::Text(r.string()?),
            1 => ExampleSpec::Detailed(DetailedExample {
                text: r.string()?,
                category: r.opt_string()?,
                evidence: r.strings()?,
            }),
            b => return bad(format!("unknown example kind {b}")),
        })
    })?;
    Ok(out)
}

/// Every index the engine follows is in range: a stored policy whose checksum holds
/// but whose content does not (written by hand, or by another program) is refused
/// rather than left to misbehave.
fn check(c: &Compiled) -> Res<()> {
    let (nlex, ncat, nctx, npat) = (
        c.lexicons.len(),
        c.categories.len(),
        c.contexts.len(),
        c.pattern_text.len(),
    );
    let lex = |l: LexiconId, what: &str| -> Res<()> {
        if l.index() < nlex {
            Ok(())
        } else {
            bad(format!("{what}: lexicon {} of {nlex}", l.index()))
        }
    };
    for x in &c.contexts {
        if let ContextKind::Cue {
            lex: l,
            except,
            stops,
            framed,
            ..
        } = &x.kind
        {
            let what = format!("context `{}`", x.name);
            lex(*l, &what)?;
            lex(*except, &what)?;
            if let Some(s) = stops {
                lex(*s, &what)?;
            }
            if let Some(f) = framed {
                lex(f.frames, &what)?;
                lex(f.condemnations, &what)?;
            }
        }
    }
    for r in &c.rules {
        let what = format!("rule `{}`", r.id);
        if r.category.index() >= ncat {
            return bad(format!("{what}: category {} of {ncat}", r.category.index()));
        }
        if r.layer.index() >= c.layers.len().max(1) {
            return bad(format!("{what}: layer {}", r.layer.index()));
        }
        if let Some(x) = r
            .unless
            .iter()
            .chain(&r.requires)
            .find(|x| x.index() >= nctx)
        {
            return bad(format!("{what}: context {} of {nctx}", x.index()));
        }
        let mut out_of_range = None;
        r.when.mentions(&mut |l| {
            if l.index() >= nlex {
                out_of_range = Some(l);
            }
            false
        });
        if let Some(l) = out_of_range {
            lex(l, &what)?;
        }
        for &l in r
            .needs
            .iter()
            .chain(r.needs_one_of.iter().flatten())
            .chain(&r.anchors)
        {
            lex(l, &what)?;
        }
    }
    for s in &c.signals {
        lex(s.lex, "a signal")?;
        let heads = c
            .signal_models
            .get(s.model)
            .map_or(0, |m| m.model.categories().count());
        if s.head >= heads {
            return bad(format!("a signal: model {} head {}", s.model, s.head));
        }
    }
    for u in c.patterns.parts().0 {
        lex(u.lex, "a pattern")?;
    }
    let m = &c.matcher;
    let pat = |id: u32| (id as usize) < npat;
    let ok = m.automaton_ids.iter().all(|&i| pat(i))
        && m.words
            .iter()
            .all(|&i| i == super::patterns::EMPTY || pat(i))
        && [&m.evasion, &m.typos, &m.tolerant, &m.phrase_words]
            .iter()
            .all(|t| t.ids_below(npat))
        && m.masked.values().flatten().all(|&i| pat(i));
    if !ok {
        return bad(format!("the matcher names a pattern beyond the {npat}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Writer, body, seal};
    use crate::Policy;

    const SMALL: &str = r#"
        [policy]
        id = "small"
        extends = ["taxonomy"]
        [lexicons.harm]
        fuzzy = 1
        terms = ["kill{,s}", "stab"]
        [lexicons.slur]
        match = "prefix"
        terms = ["vermin"]
        [lexicons.you]
        terms = ["you", "fils-de-pute"]
        [contexts.game]
        cues = ["in the game"]
        [[rules]]
        id = "threat"
        category = "violence.threat"
        when = '"i will" before(2) harm near(3) you and not slur'
        unless = ["negated", "game"]
        [rules.examples]
        violating = ["I will kill you"]
        [[rules]]
        id = "hate"
        category = "hate.dehumanization"
        when = "signal(hate) >= 0.9 or slur except harm"
    "#;

    const TEXTS: [&str; 4] = [
        "I will k1ll you",
        "I will kil you in the game, verminous fils-de-$ute",
        "\"I will stab you?\" k*ll k i l l",
        "",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Bytes changed inside the body and sealed again with a checksum that holds
        /// (as a program writing its own bytes would) are refused or give a policy that
        /// classifies, explains and tests without panicking.
        #[test]
        fn resealed_damage_never_panics(at in 0.0f64..1.0, x in 1u8..=255, two in any::<bool>()) {
            let policy = Policy::from_toml_str(SMALL).unwrap();
            let c = policy.compiled_for_tests();
            let mut w = Writer::default();
            body(c, &mut w);
            let mut b = w.out;
            let i = ((b.len() - 1) as f64 * at) as usize;
            b[i] ^= x;
            if two && i + 1 < b.len() {
                b[i + 1] ^= x.rotate_left(3);
            }
            let sealed = seal(&c.fingerprint, &b);
            let streamed = Policy::from_reader(&sealed[..]);
            let loaded = Policy::from_bytes(&sealed);
            prop_assert_eq!(streamed.is_ok(), loaded.is_ok());
            if let Ok(p) = loaded {
                for t in TEXTS {
                    let _ = p.classify(t);
                    let _ = p.explain(t);
                }
                let _ = p.check_examples();
                let _ = p.to_bytes();
                let _ = p.warnings().iter().map(ToString::to_string).count();
            }
        }
    }

    /// What `classify` reads and the public API does not show is loaded as it was
    /// compiled.
    /// Ends in LEB128 differences read back as written, whatever their order (the
    /// lists' own checks refuse a list out of order), and a difference longer than 32
    /// bits is refused.
    #[test]
    fn ends_round_trip() {
        let ends = [0, 5, 5, 127, 128, 300, 16_384, u32::MAX, 3, 0, 1 << 28];
        let mut w = Writer::default();
        w.ends(&ends);
        w.ends(&[]);
        let mut r = super::Reader::new(&w.out[..], "", w.out.len());
        assert_eq!(r.ends().ok(), Some(ends.to_vec()));
        assert_eq!(r.ends().ok(), Some(Vec::new()));
        assert_eq!(r.left(), 0);
        let mut long = Writer::default();
        long.usize(1);
        long.out.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x1f]);
        let mut r = super::Reader::new(&long.out[..], "", long.out.len());
        assert!(r.ends().is_err());
    }

    #[test]
    fn the_loaded_parts_are_the_compiled_ones() {
        let policy = Policy::builtin("baseline").unwrap();
        let c = policy.compiled_for_tests();
        let Ok(l) = super::from_bytes(&policy.to_bytes()) else {
            panic!("the baseline loads");
        };
        assert!(l.vocab == c.vocab);
        assert_eq!(l.vocab.parts(), c.vocab.parts());
        assert_eq!(l.pattern_flags, c.pattern_flags);
        assert_eq!(
            l.pattern_flags,
            crate::compiled::flags(&l.pattern_text, &l.patterns)
        );
        assert_eq!(format!("{:?}", l.triggers), format!("{:?}", c.triggers));
        assert_eq!(format!("{:?}", l.rules), format!("{:?}", c.rules));
        assert_eq!(l.matcher.memory_usage(), c.matcher.memory_usage());
        assert_eq!(l.terms.lexicons(), c.lexicons.len());
        for i in 0..c.lexicons.len() {
            assert!(l.lexicon_terms(i).eq(c.lexicon_terms(i)), "lexicon {i}");
        }
    }

    #[test]
    fn an_index_out_of_range_is_refused() {
        let policy = Policy::from_toml_str(SMALL).unwrap();
        let Ok(mut c) = super::from_bytes(&policy.to_bytes()) else {
            panic!("the small policy loads");
        };
        c.rules[0].category = crate::compiled::CategoryId::new(9999);
        let err = Policy::from_bytes(&super::to_bytes(&c)).unwrap_err();
        assert!(
            err.to_string().contains("rule `threat`: category 9999"),
            "{err}"
        );
        assert!(Policy::from_bytes(&policy.to_bytes()).is_ok());
    }
}
