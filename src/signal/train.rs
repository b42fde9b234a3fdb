//! Training a [`SignalModel`] from labelled JSON lines (the `train` feature).
//!
//! # Data
//!
//! One JSON object a line with `text`, `label` (`"violation"` or `"none"`), optional
//! `categories` (taxonomy ids such as `hate.derogation`), `id`, `source` and `spans`
//! (`[[start, end], ...]`, UTF-8 byte offsets of the abusive words).
//!
//! # What is learned
//!
//! - A head `toxic`: positive for every `violation`, negative for every `none`.
//! - A head per taxonomy family (the id's part before the dot: `hate`, `violence`,
//!   `harassment`, `profanity`, `sexual`, `self_harm`, ...) with at least
//!   [`TrainOptions::min_positives`] positive training rows; `hate.threat` also counts
//!   for `violence`. A row is negative for a family when it is `none`, or a violation
//!   whose categories do not name the family while other rows of its `source` do (the
//!   source labels that family); other violations are left out of that head (the
//!   source did not say).
//! - A token tagger, from the rows with `spans`: a token is positive when it overlaps a
//!   span.
//!
//! # Method
//!
//! Rows are split by a hash of their `id` (of the text when there is none): FNV-1a 64
//! modulo 10 is 0 for the test split, 1 for the validation split, the rest train.
//! Logistic regression with AdaGrad over the hashed features, rows visited in an order
//! fixed by the seed, one thread; weights are then quantized to int8 (per head, the
//! scale maps the 99.9th percentile of |w| to 127), calibrated by Platt scaling on the
//! validation split, and each head's thresholds are chosen there (best F1, and the
//! lowest score with precision at least 0.9). The test split is only reported.
//! The same data and options give the same model bytes.

// Heads are parallel arrays indexed by head number throughout.
#![allow(clippy::needless_range_loop)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

use serde::Deserialize;

use super::features::{Tok, bucket, doc_features, token_features, tokens};
use super::model::{Head, MAX_HEADS, SignalModel, Tagger, fnv64, logit, sigmoid};
use crate::normalize::{NormalizeOptions, Normalized, normalize_into};

/// Why training failed.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// A data file could not be read.
    #[error("cannot read `{path}`: {message}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// A line is not a valid row.
    #[error("{path}:{line}: {message}")]
    Row {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The data cannot train a model.
    #[error("{0}")]
    Data(String),
    /// The command line is wrong.
    #[error("{0}\n\nusage: {USAGE}")]
    Usage(String),
}

/// One labelled row.
#[derive(Clone, Debug, Deserialize)]
pub struct TrainRow {
    /// Identifier (decides the split); the text's hash when absent.
    #[serde(default, deserialize_with = "id_string")]
    pub id: Option<String>,
    /// The text.
    pub text: String,
    /// `violation` or `none`.
    pub label: String,
    /// Taxonomy ids.
    #[serde(default)]
    pub categories: Vec<String>,
    /// The data set the row comes from (for per-source reports and filters).
    #[serde(default)]
    pub source: Option<String>,
    /// The language of the text (`en`, `fr`, ...), if known.
    #[serde(default)]
    pub lang: Option<String>,
    /// Abusive spans, UTF-8 byte offsets into `text`.
    #[serde(default)]
    pub spans: Option<Vec<[usize; 2]>>,
}

fn id_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    })
}

/// Reads the rows of a JSON-lines file, skipping rows whose `source` is in `exclude`.
pub fn read_rows(path: &str, exclude: &[String]) -> Result<Vec<TrainRow>, TrainError> {
    let data = std::fs::read_to_string(path).map_err(|e| TrainError::Io {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    let mut rows = Vec::new();
    for (i, line) in data.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: TrainRow = serde_json::from_str(line).map_err(|e| TrainError::Row {
            path: path.to_string(),
            line: i + 1,
            message: e.to_string(),
        })?;
        if row.label != "violation" && row.label != "none" {
            return Err(TrainError::Row {
                path: path.to_string(),
                line: i + 1,
                message: format!("label `{}`: expected `violation` or `none`", row.label),
            });
        }
        if row.source.as_ref().is_some_and(|s| exclude.contains(s)) {
            continue;
        }
        rows.push(row);
    }
    Ok(rows)
}

/// Training settings. [`TrainOptions::default`] is what built the built-in model.
#[derive(Clone, Debug)]
pub struct TrainOptions {
    /// The document table has `2^doc_bits` rows.
    pub doc_bits: u32,
    /// The tagger table has `2^tag_bits` rows.
    pub tag_bits: u32,
    /// Passes over the training split.
    pub epochs: u32,
    /// AdaGrad learning rate.
    pub learning_rate: f32,
    /// L2 penalty per update.
    pub l2: f32,
    /// Seed of the visiting order.
    pub seed: u64,
    /// A family head needs this many positive training rows.
    pub min_positives: usize,
    /// Weigh the positive and negative rows of a head within each source and language
    /// so that both classes weigh half of that group's rows: the model cannot learn a
    /// source's style or a language as a sign of abuse from a group that is mostly one
    /// class.
    pub balance_sources: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            doc_bits: 18,
            tag_bits: 18,
            epochs: 6,
            learning_rate: 0.2,
            l2: 1e-6,
            seed: 12,
            min_positives: 50,
            balance_sources: true,
        }
    }
}

/// Which split a row with key `key` falls in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Split {
    /// 80%: fits the weights.
    Train,
    /// 10%: calibration and thresholds.
    Validation,
    /// 10%: reported only.
    Test,
}

/// The split of a row: FNV-1a 64 of its id (or text) modulo 10.
pub fn split_of(row: &TrainRow) -> Split {
    let key = row.id.as_deref().unwrap_or(&row.text);
    match fnv64(key.as_bytes()) % 10 {
        0 => Split::Test,
        1 => Split::Validation,
        _ => Split::Train,
    }
}

/// The family heads a category id counts for.
fn families(cat: &str) -> impl Iterator<Item = &str> {
    let family = cat.split('.').next().unwrap_or(cat);
    let extra = (cat == "hate.threat").then_some("violence");
    std::iter::once(family).chain(extra)
}

/// A trained model and its report.
pub struct Trained {
    /// The model.
    pub model: SignalModel,
    /// The report: per head and split, precision, recall, F1, calibration.
    pub report: String,
}

struct Example {
    feats: Vec<u32>,
    labels: [i8; MAX_HEADS],
    split: Split,
    source: String,
    /// Source and language: the group whose classes [`TrainOptions::balance_sources`]
    /// balances.
    group: String,
}

/// xorshift64*: the visiting order.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// Trains a model on `rows`.
pub fn train(rows: &[TrainRow], opts: &TrainOptions) -> Result<Trained, TrainError> {
    if !(8..=24).contains(&opts.doc_bits) || !(8..=24).contains(&opts.tag_bits) {
        return Err(TrainError::Data(
            "table sizes must be 2^8 to 2^24 rows".into(),
        ));
    }
    let mut report = String::new();
    // Heads: `toxic`, then the families with enough positive training rows.
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for r in rows
        .iter()
        .filter(|r| split_of(r) == Split::Train && r.label == "violation")
    {
        let mut fams: Vec<&str> = r.categories.iter().flat_map(|c| families(c)).collect();
        fams.sort_unstable();
        fams.dedup();
        for f in fams {
            *counts.entry(f.to_string()).or_default() += 1;
        }
    }
    let mut names = vec!["toxic".to_string()];
    for (fam, n) in &counts {
        if !super::model::valid_name(fam) || fam == "toxic" {
            continue;
        }
        if *n >= opts.min_positives && names.len() < MAX_HEADS {
            names.push(fam.clone());
        } else {
            let _ = writeln!(
                report,
                "skipped category `{fam}`: {n} positive training rows"
            );
        }
    }
    let k = names.len();
    // The families each source labels at all: only there is a violation that does not
    // name a family evidence against it.
    let mut annotated: Vec<(&str, &str)> = Vec::new();
    for r in rows.iter().filter(|r| r.label == "violation") {
        let src = r.source.as_deref().unwrap_or("-");
        for c in &r.categories {
            for f in families(c) {
                if !annotated.contains(&(src, f)) {
                    annotated.push((src, f));
                }
            }
        }
    }
    let opts_norm = NormalizeOptions::default();
    let mut norm = Normalized::new();
    let mut examples = Vec::with_capacity(rows.len());
    let mut tag_examples: Vec<TagPost> = Vec::new();
    for r in rows {
        normalize_into(&r.text, &opts_norm, &mut norm);
        let mut feats = Vec::new();
        doc_features(norm.text(), |h| feats.push(bucket(h, opts.doc_bits) as u32));
        let mut labels = [-1i8; MAX_HEADS];
        let violation = r.label == "violation";
        labels[0] = i8::from(violation);
        let fams: Vec<&str> = r.categories.iter().flat_map(|c| families(c)).collect();
        let source = r.source.clone().unwrap_or_else(|| "-".to_string());
        for (j, name) in names.iter().enumerate().skip(1) {
            labels[j] = if !violation {
                0
            } else if fams.contains(&name.as_str()) {
                1
            } else if annotated.contains(&(source.as_str(), name.as_str())) {
                0
            } else {
                -1
            };
        }
        let split = split_of(r);
        let group = format!("{source}/{}", r.lang.as_deref().unwrap_or("-"));
        if let Some(spans) = &r.spans {
            tag_examples.push(TagPost::new(r, spans, &norm, split, opts.tag_bits));
        }
        examples.push(Example {
            feats,
            labels,
            split,
            source,
            group,
        });
    }
    let n_train = examples.iter().filter(|e| e.split == Split::Train).count();
    if n_train == 0 {
        return Err(TrainError::Data("no rows in the training split".into()));
    }
    let _ = writeln!(
        report,
        "rows: {} (train {}, validation {}, test {}); heads: {}",
        examples.len(),
        n_train,
        examples
            .iter()
            .filter(|e| e.split == Split::Validation)
            .count(),
        examples.iter().filter(|e| e.split == Split::Test).count(),
        names.join(", ")
    );

    // Per source and head, the weight of a positive and of a negative row.
    let mut class_counts: BTreeMap<(&str, usize), (usize, usize)> = BTreeMap::new();
    for e in examples.iter().filter(|e| e.split == Split::Train) {
        for j in 0..k {
            let c = class_counts.entry((e.group.as_str(), j)).or_default();
            match e.labels[j] {
                1 => c.0 += 1,
                0 => c.1 += 1,
                _ => {}
            }
        }
    }
    let weight_of = |e: &Example, j: usize| -> f64 {
        if !opts.balance_sources {
            return 1.0;
        }
        let (p, n) = class_counts
            .get(&(e.group.as_str(), j))
            .copied()
            .unwrap_or((0, 0));
        if p == 0 || n == 0 {
            return 1.0;
        }
        let total = (p + n) as f64;
        let w = if e.labels[j] == 1 {
            total / (2.0 * p as f64)
        } else {
            total / (2.0 * n as f64)
        };
        w.clamp(0.1, 10.0)
    };

    // Fit.
    let rows_n = 1usize << opts.doc_bits;
    let mut w = vec![0f32; rows_n * k];
    let mut g2 = vec![0f32; rows_n * k];
    let mut bias = vec![0f64; k];
    let mut order: Vec<usize> = (0..examples.len())
        .filter(|&i| examples.get(i).is_some_and(|e| e.split == Split::Train))
        .collect();
    let mut rng = Rng(opts.seed.max(1));
    for epoch in 0..opts.epochs {
        rng.shuffle(&mut order);
        let lr = opts.learning_rate / (1.0 + epoch as f32 * 0.5);
        for &i in &order {
            let e = &examples[i];
            let inv = 1.0 / (e.feats.len().max(1) as f32).sqrt();
            let mut z = [0f64; MAX_HEADS];
            for &f in &e.feats {
                let row = f as usize * k;
                for (j, zj) in z.iter_mut().enumerate().take(k) {
                    *zj += f64::from(w[row + j]);
                }
            }
            let mut grad = [0f32; MAX_HEADS];
            for j in 0..k {
                if e.labels[j] < 0 {
                    continue;
                }
                let p = sigmoid(bias[j] + z[j] * f64::from(inv));
                let g = (p - f64::from(e.labels[j])) * weight_of(e, j);
                grad[j] = g as f32;
                bias[j] -= 0.01 * f64::from(lr) * g;
            }
            for &f in &e.feats {
                let row = f as usize * k;
                for j in 0..k {
                    if e.labels[j] < 0 {
                        continue;
                    }
                    let idx = row + j;
                    let gr = grad[j] * inv + opts.l2 * w[idx];
                    g2[idx] += gr * gr;
                    w[idx] -= lr * gr / (g2[idx] + 1e-8).sqrt();
                }
            }
        }
    }

    // Quantize.
    let mut heads = Vec::with_capacity(k);
    let mut qw = vec![0i8; rows_n * k];
    for j in 0..k {
        let mut mags: Vec<f32> = (0..rows_n).map(|b| w[b * k + j].abs()).collect();
        mags.sort_by(f32::total_cmp);
        let q = mags[(mags.len() as f64 * 0.999) as usize].max(1e-6);
        let scale = q / 127.0;
        for b in 0..rows_n {
            qw[b * k + j] = (w[b * k + j] / scale).round().clamp(-127.0, 127.0) as i8;
        }
        heads.push(Head {
            name: names[j].clone(),
            bias: bias[j] as f32,
            scale,
            threshold: 0.5,
            strict: 1.0,
        });
    }
    let mut model = SignalModel {
        heads,
        bits: opts.doc_bits,
        weights: super::model::padded_table(qw),
        tagger: None,
        digest: 0,
    };

    // Calibrate and choose thresholds on the validation split; report.
    let raw = |model: &SignalModel, e: &Example| -> [f64; MAX_HEADS] {
        let mut s = [0i64; MAX_HEADS];
        for &f in &e.feats {
            let row = f as usize * k;
            for j in 0..k {
                s[j] += i64::from(model.weights[row + j] as i8);
            }
        }
        let mut out = [0f64; MAX_HEADS];
        for j in 0..k {
            let h = &model.heads[j];
            out[j] = logit(h.bias, h.scale, s[j], e.feats.len() as u64);
        }
        out
    };
    let logits: Vec<[f64; MAX_HEADS]> = examples.iter().map(|e| raw(&model, e)).collect();
    for j in 0..k {
        let val: Vec<(f64, bool)> = examples
            .iter()
            .zip(&logits)
            .filter(|(e, _)| e.split == Split::Validation && e.labels[j] >= 0)
            .map(|(e, l)| (l[j], e.labels[j] == 1))
            .collect();
        let (a, c) = platt(&val);
        let h = &mut model.heads[j];
        h.bias = (a * f64::from(h.bias) + c) as f32;
        h.scale = (a * f64::from(h.scale)) as f32;
    }
    let scores: Vec<[f64; MAX_HEADS]> = examples.iter().map(|e| raw(&model, e)).collect();
    let scored = |split: Split, j: usize, source: Option<&str>| -> Vec<(f32, bool)> {
        examples
            .iter()
            .zip(&scores)
            .filter(|(e, _)| e.split == split && e.labels[j] >= 0)
            .filter(|(e, _)| source.is_none_or(|s| e.source == s))
            .map(|(e, l)| (sigmoid(l[j]) as f32, e.labels[j] == 1))
            .collect()
    };
    for j in 0..k {
        let val = scored(Split::Validation, j, None);
        let (t, strict) = choose_thresholds(&val);
        model.heads[j].threshold = t;
        model.heads[j].strict = strict;
    }
    let _ = writeln!(
        report,
        "\nper head (threshold: best F1 on validation; strict: precision >= 0.9 there)"
    );
    for j in 0..k {
        let h = &model.heads[j];
        let _ = writeln!(
            report,
            "\n{}: threshold {:.3}, strict {:.3}",
            h.name, h.threshold, h.strict
        );
        for (split, label) in [(Split::Validation, "validation"), (Split::Test, "test")] {
            let s = scored(split, j, None);
            let _ = writeln!(
                report,
                "  {label:10} {}",
                prf_line(&s, h.threshold, h.strict)
            );
            let _ = writeln!(report, "  {:10} {}", "", calibration_line(&s));
        }
    }
    let mut sources: Vec<&str> = examples.iter().map(|e| e.source.as_str()).collect();
    sources.sort_unstable();
    sources.dedup();
    let _ = writeln!(report, "\nper source, test split, at each head's threshold");
    for src in sources {
        for j in 0..k {
            let s = scored(Split::Test, j, Some(src));
            if s.iter().any(|x| x.1) {
                let h = &model.heads[j];
                let _ = writeln!(
                    report,
                    "  {src:18} {:10} {}",
                    h.name,
                    prf_line(&s, h.threshold, h.strict)
                );
            }
        }
    }

    if !tag_examples.is_empty() {
        let (tagger, text) = train_tagger(&tag_examples, opts);
        model.tagger = Some(tagger);
        report.push_str(&text);
    }
    let bytes = model.to_bytes();
    let model = SignalModel::from_bytes(&bytes).map_err(|e| TrainError::Data(e.to_string()))?;
    let _ = writeln!(
        report,
        "\nmodel: {} bytes, digest {:016x}",
        bytes.len(),
        model.digest()
    );
    Ok(Trained { model, report })
}

/// Platt scaling: `(a, c)` minimizing the log loss of `sigmoid(a·z + c)`, by Newton's
/// method from `(1, 0)`, a fixed number of steps.
fn platt(data: &[(f64, bool)]) -> (f64, f64) {
    if data.iter().all(|d| d.1) || data.iter().all(|d| !d.1) {
        return (1.0, 0.0);
    }
    let (mut a, mut c) = (1.0f64, 0.0f64);
    for _ in 0..50 {
        let (mut ga, mut gc, mut haa, mut hac, mut hcc) = (0.0, 0.0, 1e-9, 0.0, 1e-9);
        for &(z, y) in data {
            let p = sigmoid(a * z + c);
            let d = p - f64::from(u8::from(y));
            ga += d * z;
            gc += d;
            let wgt = p * (1.0 - p);
            haa += wgt * z * z;
            hac += wgt * z;
            hcc += wgt;
        }
        let det = haa * hcc - hac * hac;
        if det.abs() < 1e-12 {
            break;
        }
        let da = (hcc * ga - hac * gc) / det;
        let dc = (haa * gc - hac * ga) / det;
        a -= da;
        c -= dc;
        if da.abs() < 1e-10 && dc.abs() < 1e-10 {
            break;
        }
    }
    if a.is_finite() && c.is_finite() && a > 0.0 {
        (a, c)
    } else {
        (1.0, 0.0)
    }
}

/// `(best-F1 threshold, strict threshold)` on scored rows.
fn choose_thresholds(data: &[(f32, bool)]) -> (f32, f32) {
    let mut sorted = data.to_vec();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let pos = sorted.iter().filter(|d| d.1).count();
    let (mut tp, mut fp) = (0usize, 0usize);
    let (mut best_f1, mut best_t) = (-1.0f64, 0.5f32);
    let mut strict = 1.0f32;
    let mut i = 0;
    while i < sorted.len() {
        let t = sorted[i].0;
        // Every row with this score is in or out together.
        while i < sorted.len() && sorted[i].0 == t {
            if sorted[i].1 {
                tp += 1;
            } else {
                fp += 1;
            }
            i += 1;
        }
        let p = tp as f64 / (tp + fp) as f64;
        let r = if pos == 0 {
            0.0
        } else {
            tp as f64 / pos as f64
        };
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        if f1 > best_f1 {
            best_f1 = f1;
            best_t = t;
        }
        if p >= 0.9 && tp + fp >= 10 {
            strict = t;
        }
    }
    (best_t.clamp(0.0, 1.0), strict.clamp(0.0, 1.0))
}

/// Precision, recall, F1 at a threshold.
fn prf(data: &[(f32, bool)], t: f32) -> (f64, f64, f64) {
    let tp = data.iter().filter(|d| d.1 && d.0 >= t).count() as f64;
    let fp = data.iter().filter(|d| !d.1 && d.0 >= t).count() as f64;
    let fnn = data.iter().filter(|d| d.1 && d.0 < t).count() as f64;
    let p = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let r = if tp + fnn > 0.0 { tp / (tp + fnn) } else { 0.0 };
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

fn prf_line(data: &[(f32, bool)], t: f32, strict: f32) -> String {
    let pos = data.iter().filter(|d| d.1).count();
    let (p, r, f) = prf(data, t);
    let (sp, sr, sf) = prf(data, strict);
    format!(
        "n={:6} pos={:6}  P={p:.3} R={r:.3} F1={f:.3}  strict: P={sp:.3} R={sr:.3} F1={sf:.3}",
        data.len(),
        pos
    )
}

/// Brier score, expected calibration error over ten bins, and each bin's mean score
/// against its positive rate.
fn calibration_line(data: &[(f32, bool)]) -> String {
    if data.is_empty() {
        return "no rows".to_string();
    }
    let n = data.len() as f64;
    let brier = data
        .iter()
        .map(|&(s, y)| (f64::from(s) - f64::from(u8::from(y))).powi(2))
        .sum::<f64>()
        / n;
    let mut bins = [(0usize, 0f64, 0usize); 10];
    for &(s, y) in data {
        let b = ((s * 10.0) as usize).min(9);
        bins[b].0 += 1;
        bins[b].1 += f64::from(s);
        bins[b].2 += usize::from(y);
    }
    let mut ece = 0.0;
    let mut cells = String::new();
    for (c, sum, pos) in bins {
        if c == 0 {
            continue;
        }
        let mean = sum / c as f64;
        let rate = pos as f64 / c as f64;
        ece += (c as f64 / n) * (mean - rate).abs();
        let _ = write!(cells, " {mean:.2}->{rate:.2}({c})");
    }
    format!("Brier={brier:.3} ECE={ece:.3} bins:{cells}")
}

/// One post with spans, for the tagger.
struct TagPost {
    text: String,
    gold: Vec<Range<usize>>,
    folded: String,
    toks: Vec<Tok>,
    feats: Vec<Vec<u32>>,
    labels: Vec<bool>,
    split: Split,
    /// Each folded byte's original range (to map predicted spans back).
    norm: Normalized,
}

impl TagPost {
    fn new(r: &TrainRow, spans: &[[usize; 2]], norm: &Normalized, split: Split, bits: u32) -> Self {
        let folded = norm.text().to_string();
        let mut toks = Vec::new();
        tokens(&folded, |t| toks.push(t));
        let gold: Vec<Range<usize>> = spans
            .iter()
            .map(|s| s[0].min(r.text.len())..s[1].min(r.text.len()))
            .collect();
        let labels = toks
            .iter()
            .map(|t| norm.original_range(t.range()))
            .map(|o| gold.iter().any(|g| g.start < o.end && o.start < g.end))
            .collect();
        let feats = (0..toks.len())
            .map(|i| {
                let mut v = Vec::new();
                token_features(&folded, &toks, i, |h| v.push(bucket(h, bits) as u32));
                v
            })
            .collect();
        TagPost {
            text: r.text.clone(),
            gold,
            folded,
            toks,
            feats,
            labels,
            split,
            norm: norm.clone(),
        }
    }
}

/// Character-level F1 of predicted byte ranges against gold ones on `text` (SemEval
/// 2021 Task 5: 1 when both are empty, 0 when only one is).
pub fn char_f1(text: &str, pred: &[Range<usize>], gold: &[Range<usize>]) -> f64 {
    let inside = |rs: &[Range<usize>], i: usize| rs.iter().any(|r| r.start <= i && i < r.end);
    let (mut p, mut g, mut both) = (0usize, 0usize, 0usize);
    for (i, _) in text.char_indices() {
        let (a, b) = (inside(pred, i), inside(gold, i));
        p += usize::from(a);
        g += usize::from(b);
        both += usize::from(a && b);
    }
    match (p, g) {
        (0, 0) => 1.0,
        (0, _) | (_, 0) => 0.0,
        _ => 2.0 * both as f64 / (p + g) as f64,
    }
}

fn train_tagger(posts: &[TagPost], opts: &TrainOptions) -> (Tagger, String) {
    let rows_n = 1usize << opts.tag_bits;
    let mut w = vec![0f32; rows_n];
    let mut g2 = vec![0f32; rows_n];
    let mut bias = 0f64;
    let mut order: Vec<(usize, usize)> = posts
        .iter()
        .enumerate()
        .filter(|(_, p)| p.split == Split::Train)
        .flat_map(|(i, p)| (0..p.toks.len()).map(move |t| (i, t)))
        .collect();
    let mut rng = Rng(opts.seed.max(1) ^ 0x7461_6767);
    for epoch in 0..opts.epochs {
        rng.shuffle(&mut order);
        let lr = opts.learning_rate / (1.0 + epoch as f32 * 0.5);
        for &(i, t) in &order {
            let feats = &posts[i].feats[t];
            let y = posts[i].labels[t];
            let inv = 1.0 / (feats.len().max(1) as f32).sqrt();
            let z: f64 = feats.iter().map(|&f| f64::from(w[f as usize])).sum();
            let p = sigmoid(bias + z * f64::from(inv));
            let g = p - f64::from(u8::from(y));
            bias -= 0.01 * f64::from(lr) * g;
            for &f in feats {
                let idx = f as usize;
                let gr = g as f32 * inv + opts.l2 * w[idx];
                g2[idx] += gr * gr;
                w[idx] -= lr * gr / (g2[idx] + 1e-8).sqrt();
            }
        }
    }
    let mut mags: Vec<f32> = w.iter().map(|x| x.abs()).collect();
    mags.sort_by(f32::total_cmp);
    let scale = mags[(mags.len() as f64 * 0.999) as usize].max(1e-6) / 127.0;
    let weights: Vec<u8> = w
        .iter()
        .map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8 as u8)
        .collect();
    let mut tagger = Tagger {
        bits: opts.tag_bits,
        bias: bias as f32,
        scale,
        threshold: 0.5,
        weights: weights.into(),
    };
    let token_logits = |tagger: &Tagger, p: &TagPost| -> Vec<f64> {
        p.feats
            .iter()
            .map(|fs| {
                let s: i64 = fs
                    .iter()
                    .map(|&f| i64::from(tagger.weights[f as usize] as i8))
                    .sum();
                logit(tagger.bias, tagger.scale, s, fs.len() as u64)
            })
            .collect()
    };
    let val: Vec<(f64, bool)> = posts
        .iter()
        .filter(|p| p.split == Split::Validation)
        .flat_map(|p| {
            token_logits(&tagger, p)
                .into_iter()
                .zip(p.labels.iter().copied())
        })
        .collect();
    let (a, c) = platt(&val);
    tagger.bias = (a * f64::from(tagger.bias) + c) as f32;
    tagger.scale = (a * f64::from(tagger.scale)) as f32;

    // The threshold: the best mean character F1 on validation posts, on a fixed grid.
    let mean_f1 = |tagger: &Tagger, split: Split, t: f32| -> (f64, usize) {
        let model = SignalModel {
            heads: Vec::new(),
            bits: 8,
            weights: Vec::new().into(),
            tagger: Some(Tagger {
                threshold: t,
                ..tagger.clone()
            }),
            digest: 0,
        };
        let mut sum = 0.0;
        let mut n = 0;
        let mut spans = Vec::new();
        for p in posts.iter().filter(|p| p.split == split) {
            model.tag_folded(&p.folded, &mut spans);
            let pred: Vec<Range<usize>> = spans
                .iter()
                .map(|r| p.norm.original_range(r.clone()))
                .collect();
            sum += char_f1(&p.text, &pred, &p.gold);
            n += 1;
        }
        (if n == 0 { 0.0 } else { sum / n as f64 }, n)
    };
    let mut best = (-1.0, 0.5f32);
    for step in 1..40 {
        let t = step as f32 * 0.025;
        let (f, _) = mean_f1(&tagger, Split::Validation, t);
        if f > best.0 {
            best = (f, t);
        }
    }
    tagger.threshold = best.1;
    let (val_f1, nv) = mean_f1(&tagger, Split::Validation, best.1);
    let (test_f1, nt) = mean_f1(&tagger, Split::Test, best.1);
    let tok_test: Vec<(f32, bool)> = posts
        .iter()
        .filter(|p| p.split == Split::Test)
        .flat_map(|p| {
            token_logits(&tagger, p)
                .into_iter()
                .map(|l| sigmoid(l) as f32)
                .zip(p.labels.iter().copied())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut text = String::new();
    let _ = writeln!(
        text,
        "\ntagger: threshold {:.3} (best mean character F1 on validation posts)\n  \
         character F1 (SemEval 2021 Task 5, mean over posts): validation {val_f1:.4} ({nv} posts), test {test_f1:.4} ({nt} posts)\n  \
         tokens, test: {}\n  {}",
        best.1,
        prf_line(&tok_test, best.1, best.1),
        calibration_line(&tok_test)
    );
    (tagger, text)
}

/// The usage of `tosguard train`.
pub const USAGE: &str = "\
tosguard train --data FILE.jsonl... --out MODEL [--exclude-source NAME]... [--report FILE]
      Trains a signal model (a linear model per category over hashed features, int8
      weights, and a token tagger from rows with `spans`) on labelled JSON lines
      (`text`, `label` = violation|none, optional `categories`, `id`, `source`,
      `spans`). Rows are split by a hash of their id: 80% train, 10% validation
      (calibration and thresholds), 10% test. Prints precision, recall and
      calibration per category and split; the same data gives the same bytes.
      --exclude-source drops rows whose `source` is NAME.";

/// Runs `tosguard train` with `args` (the words after `train`): trains, writes the
/// model file, and returns the report.
pub fn run(args: &[String]) -> Result<String, TrainError> {
    let usage = |m: &str| TrainError::Usage(m.to_string());
    let mut data = Vec::new();
    let (mut out, mut report_file) = (None, None);
    let mut exclude = Vec::new();
    let mut it = args.iter();
    let mut in_data = false;
    while let Some(a) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| usage(&format!("`{flag}` needs a value")))
        };
        match a.as_str() {
            "--data" => {
                data.push(value("--data")?);
                in_data = true;
                continue;
            }
            "--out" | "-o" => out = Some(value("--out")?),
            "--report" => report_file = Some(value("--report")?),
            "--exclude-source" => exclude.push(value("--exclude-source")?),
            s if s.starts_with('-') => return Err(usage(&format!("unknown option `{s}`"))),
            s if in_data => {
                data.push(s.to_string());
                continue;
            }
            s => return Err(usage(&format!("unexpected argument `{s}`"))),
        }
        in_data = false;
    }
    let out = out.ok_or_else(|| usage("`--out MODEL` is required"))?;
    if data.is_empty() {
        return Err(usage("`--data FILE.jsonl` is required"));
    }
    let mut rows = Vec::new();
    for path in &data {
        rows.extend(read_rows(path, &exclude)?);
    }
    let trained = train(&rows, &TrainOptions::default())?;
    let io = |path: &str| {
        let path = path.to_string();
        move |e: std::io::Error| TrainError::Io {
            path,
            message: e.to_string(),
        }
    };
    std::fs::write(&out, trained.model.to_bytes()).map_err(io(&out))?;
    if let Some(r) = &report_file {
        std::fs::write(r, &trained.report).map_err(io(r))?;
    }
    Ok(trained.report)
}
