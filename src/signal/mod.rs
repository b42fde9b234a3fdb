//! A learned signal beside the rules: per category, a compact linear model over hashed
//! features of the folded text, with int8 weights, and a token tagger for evidence.
//!
//! Rules give precision and explanations; a signal gives recall on text no rule
//! foresaw. A [`SignalModel`] scores a text per category (`toxic`, `hate`, `violence`,
//! `harassment`, `profanity` in the built-in model) in `0.0..=1.0`:
//!
//! ```
//! use tosguard::signal::SignalModel;
//!
//! let model = SignalModel::builtin().expect("the built-in model loads");
//! let scores = model.score("You are a worthless idiot and everyone hates you");
//! let calm = model.score("Thanks for the recipe, the cake was lovely");
//! assert!(scores.get("harassment").unwrap() > calm.get("harassment").unwrap());
//! // The tagger points at the words behind the score, as byte ranges of the text.
//! let text = "shut up you stupid idiot";
//! let spans = model.evidence(text);
//! assert!(spans.iter().any(|r| text[r.clone()].contains("idiot")));
//! ```
//!
//! Scoring is deterministic: integer sums of int8 weights, then a fixed sequence of
//! IEEE operations, so a text gets the same score bits on every platform. It allocates
//! nothing once the thread's folding buffer is warm. Models are trained by
//! `tosguard train` (the `cli` feature) from JSON lines; see [`train`] (the `train`
//! feature) for what it learns and reports.

mod features;
mod model;
#[cfg(feature = "train")]
pub mod train;

use std::cell::RefCell;
use std::ops::Range;
use std::sync::Arc;

use once_cell::sync::Lazy;

use crate::normalize::{NormalizeOptions, Normalized, normalize_into};

pub(crate) use model::valid_name;
pub use model::{MAX_HEADS, SignalError, SignalModel, SignalScores};

/// The bytes of the built-in model.
const BUILTIN: &[u8] = include_bytes!("../../policies/signal/builtin.bin");

static BUILTIN_MODEL: Lazy<Result<Arc<SignalModel>, SignalError>> =
    Lazy::new(|| SignalModel::from_static(BUILTIN).map(Arc::new));

/// The name under which policies find the built-in model: `signal(hate)` is
/// `signal(builtin.hate)`.
pub const BUILTIN_NAME: &str = "builtin";

/// The built-in model, shared.
pub(crate) fn builtin_shared() -> Result<Arc<SignalModel>, SignalError> {
    BUILTIN_MODEL.clone()
}

static DEFAULT_OPTIONS: Lazy<NormalizeOptions> = Lazy::new(NormalizeOptions::default);

thread_local! {
    static FOLD: RefCell<Normalized> = RefCell::new(Normalized::new());
}

/// Runs `f` on `text` folded with the default options, in this thread's reused buffer.
fn with_folded<R>(text: &str, f: impl FnOnce(&Normalized) -> R) -> R {
    let mut norm = FOLD
        .try_with(|c| c.try_borrow_mut().map(|mut n| std::mem::take(&mut *n)).ok())
        .ok()
        .flatten()
        .unwrap_or_default();
    normalize_into(text, &DEFAULT_OPTIONS, &mut norm);
    let out = f(&norm);
    let _ = FOLD.try_with(|c| {
        if let Ok(mut slot) = c.try_borrow_mut() {
            *slot = norm;
        }
    });
    out
}

/// One feature of a text and its weight for a category, as `explain` shows them.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SignalFeature {
    /// What the feature reads: `word:idiot`, `pair:you idiot`, `chars:<idi`.
    pub feature: String,
    /// Its int8 weight for the category (positive pushes the score up), times the
    /// number of times it occurs.
    pub weight: i32,
    /// What it adds to the score's logit: the category's scale times `weight`, divided
    /// by the square root of the number of features in the text (the score is the
    /// logistic of the bias plus the sum of these over every feature). Comparable
    /// between texts of different lengths, where `weight` is not.
    pub logit: f32,
}

impl SignalModel {
    /// The built-in model, trained by `tosguard train` on training data whose licences
    /// allow shipping weights (the repository's `policies/signal/README.md` lists them
    /// and the exact command). Loaded once, shared.
    pub fn builtin() -> Result<&'static SignalModel, SignalError> {
        BUILTIN_MODEL.as_ref().map(|m| &**m).map_err(Clone::clone)
    }

    /// Scores `text`, folded with the default [`NormalizeOptions`] (those the built-in
    /// model was trained with).
    pub fn score(&self, text: &str) -> SignalScores<'_> {
        with_folded(text, |n| self.score_folded(n.text()))
    }

    /// The byte ranges of `text` that the model's token tagger marks as abusive, in
    /// order (empty without a tagger).
    pub fn evidence(&self, text: &str) -> Vec<Range<usize>> {
        with_folded(text, |n| {
            let mut folded = Vec::new();
            self.tag_folded(n.text(), &mut folded);
            folded.into_iter().map(|r| n.original_range(r)).collect()
        })
    }

    /// The `top` features of `text` with the largest weights for `category`, strongest
    /// first (for explanations; this allocates). Empty for an unknown category.
    pub fn strongest_features(&self, text: &str, category: &str, top: usize) -> Vec<SignalFeature> {
        let Some(k) = self.head_index(category) else {
            return Vec::new();
        };
        with_folded(text, |n| self.strongest_in_folded(n.text(), k, top))
    }

    /// [`SignalModel::strongest_features`] on folded text, for head `k`.
    pub(crate) fn strongest_in_folded(
        &self,
        folded: &str,
        k: usize,
        top: usize,
    ) -> Vec<SignalFeature> {
        let heads = self.heads.len();
        let Some(head) = self.heads.get(k) else {
            return Vec::new();
        };
        // A map, not a list search: a window of text has tens of thousands of features.
        let mut sums: std::collections::HashMap<String, i32> = std::collections::HashMap::new();
        let mut n = 0u64;
        features::described_features(folded, |h, name| {
            n += 1;
            let w = self
                .weights
                .get(features::bucket(h, self.bits) * heads + k)
                .map_or(0, |&w| i32::from(w as i8));
            *sums.entry(name).or_insert(0) += w;
        });
        let mut all: Vec<SignalFeature> = sums
            .into_iter()
            .filter(|&(_, w)| w > 0)
            .map(|(feature, weight)| SignalFeature {
                logit: (model::logit(0.0, head.scale, i64::from(weight), n)) as f32,
                feature,
                weight,
            })
            .collect();
        all.sort_by(|a, b| {
            b.weight
                .cmp(&a.weight)
                .then_with(|| a.feature.cmp(&b.feature))
        });
        all.truncate(top);
        all
    }
}

#[cfg(test)]
mod tests;
