//! The signal model file: format, loader, and the integer scoring it defines.
//!
//! # Format (version 1, little endian)
//!
//! ```text
//! magic      8 bytes  "TGSIGNAL"
//! version    u32      1
//! doc_bits   u8       the document table has 2^doc_bits rows (8..=24)
//! tag_bits   u8       the tagger table has 2^tag_bits rows (8..=24), 0 = no tagger
//! heads      u8       number of categories (1..=16)
//! reserved   u8       0
//! per head:  u8 name length, name (ASCII a-z 0-9 _), f32 bias, f32 scale,
//!            f32 threshold (best F1 on the training data's validation split),
//!            f32 strict threshold (precision >= 0.9 there, or 1.0 if none reaches it)
//! doc table  2^doc_bits * heads i8, row-major (one row per bucket, one column a head)
//! tagger     f32 bias, f32 scale, f32 threshold, 2^tag_bits i8   (only if tag_bits > 0)
//! checksum   u64      FNV-1a 64 of every byte before it
//! ```
//!
//! # Scoring
//!
//! For text with `n` features whose buckets are `b_1 .. b_n` (with repeats), head `k`
//! sums its weights as an integer, `S_k = Σ w[b_i][k]`, and its score is
//! `sigmoid(bias_k + scale_k · S_k / √max(n, 1))`, computed in `f64` with a fixed
//! sequence of IEEE operations (square root, products, sums and a hand-written `exp`
//! using only those), so the same text gives the same score bits on every platform.

use std::borrow::Cow;
use std::fmt;

use super::features::{
    BIGRAM, Tok, bucket, char_grams, doc_features, step, token_features, tokens,
};

/// Magic bytes at the start of a model file.
pub(crate) const MAGIC: &[u8; 8] = b"TGSIGNAL";
/// The format version this crate reads and writes.
pub(crate) const VERSION: u32 = 1;
/// The most categories a model may have.
pub const MAX_HEADS: usize = 16;

/// Why a model file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignalError {
    /// The file could not be read.
    #[error("cannot read signal model `{path}`: {message}")]
    Io {
        /// The path given.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// The bytes are not a valid model.
    #[error("invalid signal model: {0}")]
    Format(String),
}

/// One category of a model.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Head {
    pub(crate) name: String,
    pub(crate) bias: f32,
    pub(crate) scale: f32,
    pub(crate) threshold: f32,
    pub(crate) strict: f32,
}

/// The token tagger: one linear score per token.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Tagger {
    pub(crate) bits: u32,
    pub(crate) bias: f32,
    pub(crate) scale: f32,
    pub(crate) threshold: f32,
    /// One int8 weight a row, kept as the byte it is stored as (`w as u8`): the
    /// built-in model's are read in place from the bytes embedded in the binary.
    pub(crate) weights: Cow<'static, [u8]>,
}

/// A learned signal: per category, a linear model over hashed features of the folded
/// text with int8 weights, and optionally a token tagger that finds the words backing a
/// finding.
///
/// Load one with [`SignalModel::from_bytes`] or [`SignalModel::from_file`] (files
/// written by `tosguard train`), or use the built-in model,
/// [`SignalModel::builtin`]. A model is immutable: load it once and share it.
#[derive(Clone)]
pub struct SignalModel {
    pub(crate) heads: Vec<Head>,
    pub(crate) bits: u32,
    /// The document table, row-major, int8 weights kept as the bytes they are stored
    /// as (`w as u8`), then at least [`MAX_HEADS`] more bytes ([`padded_table`]): the
    /// built-in model's table is read in place from the bytes embedded in the binary
    /// (followed by the rest of the file), a loaded one is copied.
    pub(crate) weights: Cow<'static, [u8]>,
    pub(crate) tagger: Option<Tagger>,
    pub(crate) digest: u64,
}

/// Equal models have the same heads, tables and tagger (whatever the bytes after the
/// document table: zeros, or the rest of the file it is read from in place).
impl PartialEq for SignalModel {
    fn eq(&self, other: &Self) -> bool {
        self.heads == other.heads
            && self.bits == other.bits
            && self.table() == other.table()
            && self.tagger == other.tagger
            && self.digest == other.digest
    }
}

impl fmt::Debug for SignalModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignalModel")
            .field("categories", &self.categories().collect::<Vec<_>>())
            .field("doc_bits", &self.bits)
            .field("tagger", &self.tagger.is_some())
            .field("digest", &format_args!("{:016x}", self.digest))
            .finish()
    }
}

/// The document table `weights` (`rows * heads` bytes) followed by [`MAX_HEADS`] zero
/// bytes, so that a fixed-width read from the start of any row stays in bounds.
pub(crate) fn padded_table(weights: Vec<i8>) -> Cow<'static, [u8]> {
    let mut bytes: Vec<u8> = weights.into_iter().map(|w| w as u8).collect();
    // Exact: growing by the usual doubling would keep a second table's worth of memory.
    bytes.reserve_exact(MAX_HEADS);
    bytes.extend([0; MAX_HEADS]);
    Cow::Owned(bytes)
}

/// FNV-1a 64 of `bytes`.
pub(crate) fn fnv64(bytes: &[u8]) -> u64 {
    fnv64_on(0xcbf2_9ce4_8422_2325, bytes)
}

/// FNV-1a 64 of some bytes whose hash so far is `h`, followed by `bytes`.
fn fnv64_on(h: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(h, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `e^x`, with only IEEE basic operations: the same bits everywhere.
pub(crate) fn exp_det(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let x = x.clamp(-700.0, 700.0);
    // ln 2 split in a high part with a short mantissa and the rest (fdlibm's values).
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    const INV_LN2: f64 = std::f64::consts::LOG2_E;
    let k = (x * INV_LN2).round();
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // Taylor series of e^r for |r| <= 0.35, Horner form: 13 terms is below an ulp.
    let mut p = 1.0 / 479_001_600.0;
    for d in [
        39_916_800.0,
        3_628_800.0,
        362_880.0,
        40_320.0,
        5_040.0,
        720.0,
        120.0,
        24.0,
        6.0,
        2.0,
        1.0,
        1.0,
    ] {
        p = p * r + 1.0 / d;
    }
    // 2^k by its bits; k is in -1010..=1010.
    let k = k as i64;
    let (k1, k2) = (k / 2, k - k / 2);
    let pow = |e: i64| f64::from_bits(((1023 + e) as u64) << 52);
    p * pow(k1) * pow(k2)
}

/// The logistic function on top of [`exp_det`].
pub(crate) fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + exp_det(-x))
    } else {
        let e = exp_det(x);
        e / (1.0 + e)
    }
}

/// The logit of head `bias`/`scale` for integer sum `sum` over `n` features.
#[inline]
pub(crate) fn logit(bias: f32, scale: f32, sum: i64, n: u64) -> f64 {
    let norm = (n.max(1) as f64).sqrt();
    f64::from(bias) + f64::from(scale) * (sum as f64) / norm
}

/// The scores of one text under one model, one per category; no allocation.
#[derive(Clone, Copy)]
pub struct SignalScores<'m> {
    model: &'m SignalModel,
    values: [f32; MAX_HEADS],
}

impl<'m> SignalScores<'m> {
    /// The score of category `name` in `0.0..=1.0`, if the model has that category.
    pub fn get(&self, name: &str) -> Option<f32> {
        let i = self.model.head_index(name)?;
        self.values.get(i).copied()
    }

    /// The score of the category at index `i` of the model (0 past the end).
    pub(crate) fn value(&self, i: usize) -> f32 {
        self.values.get(i).copied().unwrap_or(0.0)
    }

    /// Every category's name and score, in the model's order.
    pub fn iter(&self) -> impl Iterator<Item = (&'m str, f32)> + '_ {
        self.model
            .heads
            .iter()
            .zip(self.values.iter())
            .map(|(h, v)| (h.name.as_str(), *v))
    }
}

impl fmt::Debug for SignalScores<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl SignalModel {
    /// The categories of the model, in order.
    pub fn categories(&self) -> impl Iterator<Item = &str> {
        self.heads.iter().map(|h| h.name.as_str())
    }

    /// The threshold chosen for `category` on the training data's validation split:
    /// `(best_f1, strict)`, where `strict` is the lowest score at which precision there
    /// reached 0.9 (1.0 if it never did).
    pub fn thresholds(&self, category: &str) -> Option<(f32, f32)> {
        let h = self.heads.get(self.head_index(category)?)?;
        Some((h.threshold, h.strict))
    }

    /// Does the model have a token tagger (for evidence spans)?
    pub fn has_tagger(&self) -> bool {
        self.tagger.is_some()
    }

    /// FNV-1a 64 of the model's bytes: what a policy fingerprint includes.
    pub fn digest(&self) -> u64 {
        self.digest
    }

    /// The index of head `name`.
    pub(crate) fn head_index(&self, name: &str) -> Option<usize> {
        self.heads.iter().position(|h| h.name == name)
    }

    /// The document table, `2^bits` rows of one int8 weight per head (without the
    /// padding after it).
    pub(crate) fn table(&self) -> &[u8] {
        let len = (1usize << self.bits) * self.heads.len();
        self.weights.get(..len).unwrap_or(&self.weights)
    }

    /// Size of the document table in bytes (for reports).
    pub fn size_bytes(&self) -> usize {
        self.table().len() + self.tagger.as_ref().map_or(0, |t| t.weights.len())
    }

    /// The integer sums of every head over the features of `folded`, and the number of
    /// features.
    pub(crate) fn sums(&self, folded: &str, sums: &mut [i64; MAX_HEADS]) -> u64 {
        if self.heads.len() <= 8 {
            self.sums_in_lanes::<8>(folded, sums)
        } else {
            self.sums_in_lanes::<16>(folded, sums)
        }
    }

    /// [`SignalModel::sums`] with a `W`-lane accumulator (`W >= heads`): each feature
    /// adds the `W` bytes from the start of its row, a fixed-width add the compiler
    /// turns into a few vector instructions. Lanes past the model's heads read the next
    /// row's weights (or the zero padding after the table) and are thrown away.
    fn sums_in_lanes<const W: usize>(&self, folded: &str, sums: &mut [i64; MAX_HEADS]) -> u64 {
        // |lane| <= 127 * FLUSH < 2^31: the i32 lanes cannot overflow between flushes.
        const FLUSH: u32 = 1 << 24;
        let k = self.heads.len();
        let bits = self.bits;
        let w: &[u8] = &self.weights;
        let mut lanes = [0i32; W];
        let mut since = 0u32;
        let mut n = 0u64;
        *sums = [0; MAX_HEADS];
        let flush = |lanes: &mut [i32; W], sums: &mut [i64; MAX_HEADS]| {
            for (s, l) in sums.iter_mut().zip(lanes.iter_mut()).take(k) {
                *s += i64::from(*l);
            }
            *lanes = [0; W];
        };
        doc_features(folded, |h| {
            let row = bucket(h, bits) * k;
            if let Some(r) = w.get(row..row + W) {
                for (l, &x) in lanes.iter_mut().zip(r) {
                    *l = l.wrapping_add(i32::from(x as i8));
                }
            } else if let Some(r) = w.get(row..row + k) {
                // A table without padding (the last rows): head by head.
                for (l, &x) in lanes.iter_mut().zip(r) {
                    *l += i32::from(x as i8);
                }
            }
            n += 1;
            since += 1;
            if since == FLUSH {
                flush(&mut lanes, sums);
                since = 0;
            }
        });
        flush(&mut lanes, sums);
        n
    }

    /// Scores already folded text (text folded as the policy folds it; the built-in
    /// model was trained on text folded with the default options). No allocation.
    pub fn score_folded(&self, folded: &str) -> SignalScores<'_> {
        let mut sums = [0i64; MAX_HEADS];
        let n = self.sums(folded, &mut sums);
        let mut values = [0f32; MAX_HEADS];
        for ((v, h), &s) in values.iter_mut().zip(&self.heads).zip(sums.iter()) {
            *v = sigmoid(logit(h.bias, h.scale, s, n)) as f32;
        }
        SignalScores {
            model: self,
            values,
        }
    }

    /// The token of `folded` whose features add most to head `k`'s sum (the word that
    /// pushes that category's score up most), if one adds anything. No allocation.
    pub(crate) fn strongest_token(&self, folded: &str, k: usize) -> Option<std::ops::Range<usize>> {
        let heads = self.heads.len();
        let w = |h: u32| {
            self.weights
                .get(bucket(h, self.bits) * heads + k)
                .map_or(0, |&x| i64::from(x as i8))
        };
        let mut best: Option<(i64, std::ops::Range<usize>)> = None;
        let mut prev: Option<u32> = None;
        tokens(folded, |t| {
            let mut sum = w(t.hash);
            if let Some(p) = prev {
                sum += w(step(step(BIGRAM, p), t.hash));
            }
            prev = Some(t.hash);
            if let Some(word) = folded.get(t.range()) {
                char_grams(word, |h| sum += w(h));
            }
            if sum > 0 && best.as_ref().is_none_or(|(b, _)| sum > *b) {
                best = Some((sum, t.range()));
            }
        });
        best.map(|(_, r)| r)
    }

    /// The tagger's score logits for every token of `toks` over `folded`, into `out`.
    pub(crate) fn tag_logits(&self, folded: &str, toks: &[Tok], out: &mut Vec<f64>) {
        out.clear();
        let Some(t) = &self.tagger else { return };
        for i in 0..toks.len() {
            let mut sum = 0i64;
            let mut n = 0u64;
            token_features(folded, toks, i, |h| {
                sum += i64::from(t.weights.get(bucket(h, t.bits)).map_or(0, |&w| w as i8));
                n += 1;
            });
            out.push(logit(t.bias, t.scale, sum, n));
        }
    }

    /// The byte ranges of `folded` the tagger marks: runs of tokens whose tagger score
    /// reaches its threshold, joined across the spaces between them.
    pub(crate) fn tag_folded(&self, folded: &str, out: &mut Vec<std::ops::Range<usize>>) {
        out.clear();
        let Some(t) = &self.tagger else { return };
        let mut toks = Vec::new();
        tokens(folded, |tok| toks.push(tok));
        let mut logits = Vec::new();
        self.tag_logits(folded, &toks, &mut logits);
        let cut = threshold_logit(t.threshold);
        let mut cur: Option<std::ops::Range<usize>> = None;
        for (tok, &l) in toks.iter().zip(&logits) {
            if l < cut {
                if let Some(r) = cur.take() {
                    out.push(r);
                }
                continue;
            }
            let r = tok.range();
            cur = match cur.take() {
                Some(c)
                    if folded
                        .get(c.end..r.start)
                        .is_some_and(|g| g.trim().is_empty()) =>
                {
                    Some(c.start..r.end)
                }
                Some(c) => {
                    out.push(c);
                    Some(r)
                }
                None => Some(r),
            };
        }
        out.extend(cur);
    }

    /// Reads a model from the bytes of a model file.
    pub fn from_bytes(bytes: &[u8]) -> Result<SignalModel, SignalError> {
        SignalModel::read(bytes, None)
    }

    /// Reads a model from bytes that live as long as the program (the built-in
    /// model's, embedded in the binary): its document table is read in place, not
    /// copied.
    pub(crate) fn from_static(bytes: &'static [u8]) -> Result<SignalModel, SignalError> {
        SignalModel::read(bytes, Some(bytes))
    }

    /// Reads a model from `bytes`, borrowing its document table from `whole` (the same
    /// bytes) when given.
    fn read(bytes: &[u8], whole: Option<&'static [u8]>) -> Result<SignalModel, SignalError> {
        let bad = |m: &str| SignalError::Format(m.to_string());
        if bytes.len() < 8 + 4 + 4 + 8 {
            return Err(bad("file too short"));
        }
        let (body, sum) = bytes.split_at(bytes.len() - 8);
        let mut r = Reader { bytes: body, at: 0 };
        if r.take(8)? != MAGIC {
            return Err(bad("not a tosguard signal model (wrong magic bytes)"));
        }
        let mut stored = [0u8; 8];
        stored.copy_from_slice(sum);
        let stored = u64::from_le_bytes(stored);
        // The built-in model's bytes are checked once, by a test
        // (`builtin_checksum_is_the_hash_of_its_bytes`): hashing them at every start
        // would read all 1.5 MB of them from the binary.
        let body_hash = if whole.is_some() { stored } else { fnv64(body) };
        if stored != body_hash {
            return Err(bad("checksum mismatch: the file is damaged or truncated"));
        }
        let version = r.u32()?;
        if version != VERSION {
            return Err(SignalError::Format(format!(
                "format version {version}; this build reads version {VERSION}"
            )));
        }
        let doc_bits = u32::from(r.u8()?);
        let tag_bits = u32::from(r.u8()?);
        let nheads = usize::from(r.u8()?);
        r.u8()?;
        if !(8..=24).contains(&doc_bits) {
            return Err(bad("document table size out of range (2^8..=2^24 rows)"));
        }
        if tag_bits != 0 && !(8..=24).contains(&tag_bits) {
            return Err(bad("tagger table size out of range (2^8..=2^24 rows)"));
        }
        if !(1..=MAX_HEADS).contains(&nheads) {
            return Err(SignalError::Format(format!(
                "{nheads} categories; a model has 1 to {MAX_HEADS}"
            )));
        }
        let mut heads: Vec<Head> = Vec::with_capacity(nheads);
        for _ in 0..nheads {
            let len = usize::from(r.u8()?);
            let name = std::str::from_utf8(r.take(len)?)
                .ok()
                .filter(|n| valid_name(n))
                .ok_or_else(|| bad("a category name is not lower-case ASCII (a-z, 0-9, _)"))?
                .to_string();
            if heads.iter().any(|h| h.name == name) {
                return Err(SignalError::Format(format!("category `{name}` twice")));
            }
            let head = Head {
                name,
                bias: r.f32()?,
                scale: r.f32()?,
                threshold: r.f32()?,
                strict: r.f32()?,
            };
            if !(0.0..=1.0).contains(&head.threshold) || !(0.0..=1.0).contains(&head.strict) {
                return Err(bad("a threshold is outside 0..=1"));
            }
            heads.push(head);
        }
        let (at, len) = (r.at, (1usize << doc_bits) * nheads);
        let table = r.take(len)?;
        // In place: the bytes after the table (the tagger, the checksum) are read past
        // its last row by the fixed-width sums and thrown away, as padding is.
        let weights = match whole.and_then(|w| w.get(at..at + len + MAX_HEADS)) {
            Some(in_place) => Cow::Borrowed(in_place),
            None => padded_table(table.iter().map(|&b| b as i8).collect()),
        };
        let tagger = if tag_bits > 0 {
            let bias = r.f32()?;
            let scale = r.f32()?;
            let threshold = r.f32()?;
            if !(0.0..=1.0).contains(&threshold) {
                return Err(bad("the tagger threshold is outside 0..=1"));
            }
            Some(Tagger {
                bits: tag_bits,
                bias,
                scale,
                threshold,
                weights: {
                    let (at, len) = (r.at, 1usize << tag_bits);
                    let table = r.take(len)?;
                    match whole.and_then(|w| w.get(at..at + len)) {
                        Some(in_place) => Cow::Borrowed(in_place),
                        None => Cow::Owned(table.to_vec()),
                    }
                },
            })
        } else {
            None
        };
        if r.at != body.len() {
            return Err(bad("trailing bytes after the tables"));
        }
        Ok(SignalModel {
            heads,
            bits: doc_bits,
            weights,
            tagger,
            digest: fnv64_on(body_hash, sum),
        })
    }

    /// Reads a model file written by `tosguard train`.
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<SignalModel, SignalError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| SignalError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        SignalModel::from_bytes(&bytes)
    }

    /// The model's file bytes: [`SignalModel::from_bytes`] reads them back unchanged.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.size_bytes() + 256);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.push(self.bits as u8);
        out.push(self.tagger.as_ref().map_or(0, |t| t.bits as u8));
        out.push(self.heads.len() as u8);
        out.push(0);
        for h in &self.heads {
            out.push(h.name.len() as u8);
            out.extend_from_slice(h.name.as_bytes());
            for v in [h.bias, h.scale, h.threshold, h.strict] {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        out.extend_from_slice(self.table());
        if let Some(t) = &self.tagger {
            for v in [t.bias, t.scale, t.threshold] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            out.extend_from_slice(&t.weights);
        }
        let sum = fnv64(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }
}

/// The logit a probability threshold `p` stands for (`p` in `0..=1`).
pub(crate) fn threshold_logit(p: f32) -> f64 {
    let p = f64::from(p);
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    // Bisection on the deterministic sigmoid: no transcendental library call.
    let (mut lo, mut hi) = (-50.0f64, 50.0f64);
    for _ in 0..80 {
        let mid = 0.5 * (lo + hi);
        if sigmoid(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

/// Is `name` a valid category name?
pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A bounds-checked little-endian reader.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], SignalError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let Some(end) = end else {
            return Err(SignalError::Format("file truncated".to_string()));
        };
        let s = self.bytes.get(self.at..end).unwrap_or(&[]);
        self.at = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, SignalError> {
        Ok(self.take(1)?.first().copied().unwrap_or(0))
    }

    fn u32(&mut self) -> Result<u32, SignalError> {
        let mut b = [0u8; 4];
        b.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(b))
    }

    fn f32(&mut self) -> Result<f32, SignalError> {
        let v = f32::from_bits(self.u32()?);
        if v.is_finite() {
            Ok(v)
        } else {
            Err(SignalError::Format(
                "a bias, scale or threshold is not a finite number".to_string(),
            ))
        }
    }
}
