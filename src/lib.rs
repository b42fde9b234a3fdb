//! # tosguard
//!
//! An embeddable content-moderation library: a [`Policy`] is compiled from written
//! terms-of-service rules, and [`Policy::classify`] returns the categories a text
//! violates — threats, incitement to violence, sexual violence, hate speech,
//! harassment — with evidence spans that point at the exact words of the original text.
//!
//! Deterministic, explainable, offline: the same answer for the same text and policy,
//! and every finding names its rule and its words.
//!
//! ```
//! let policy = tosguard::Policy::baseline();
//! let text = "I will kill you";
//! let verdict = tosguard::classify(&policy, text);
//! for finding in verdict.findings() {
//!     println!("{} ({}): {:?}", finding.rule(), finding.category(),
//!         finding.evidence().iter().map(|e| &text[e.span()]).collect::<Vec<_>>());
//! }
//! assert!(verdict.has_category("violence.threat"));
//! ```
//!
//! Compiling can fail, with a [`PolicyError`] that lists every problem with its file,
//! field and line; classifying cannot fail. See `docs/policy-format.md` for the policy
//! file format.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod built;

/// `PACKS`: the `(name, source)` of every built-in pack, from `name => path under
/// policies/` (`builtin.rs`), each source embedded.
macro_rules! built_packs {
    ($($name:literal => $path:literal),* $(,)?) => {
        /// `(name, source)` of every built-in pack.
        pub(crate) static PACKS: &[(&str, &str)] = &[$((
            $name,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/policies/", $path)),
        )),*];
    };
}

// The build script (`build.rs`) compiles these modules too (`#[path]`), all but `eval`:
// a module the compiler needs must be named there as well.
mod builtin;
mod compile;
mod compiled;
mod condition;
pub mod disguise;
mod dsa;
mod engine;
mod error;
#[cfg(feature = "eval")]
pub mod eval;
mod expand;
mod explain;
mod limits;
mod normalize;
mod policy;
pub mod signal;
mod source;
mod spec;
mod stack;
mod suggest;
pub mod testing;
mod verdict;

include!("exports.rs");

/// Classifies `text` under `policy`: the same as [`Policy::classify`].
pub fn classify(policy: &Policy, text: &str) -> Verdict {
    policy.classify(text)
}

/// Support for the crate's own benchmarks. Not part of the public API: it may change
/// in any release.
#[doc(hidden)]
pub mod __bench {
    use crate::policy::Policy;

    /// The built-in baseline loaded again from its embedded stored form (not the
    /// shared one [`Policy::baseline`] returns).
    pub fn load_baseline() -> Result<Policy, crate::PolicyError> {
        crate::policy::load_baseline()
    }

    /// Whether the build script embedded the built-in baseline's stored form (it
    /// leaves it out, with a warning, only if the packs do not compile).
    pub fn baseline_is_stored() -> bool {
        !crate::built::BASELINE.is_empty()
    }

    /// The size of the embedded stored baseline (compressed).
    pub fn baseline_stored_len() -> usize {
        crate::built::BASELINE.len()
    }

    /// The folded text `classify` would scan.
    pub fn fold(policy: &Policy, text: &str) -> String {
        policy.fold_for_bench(text)
    }

    /// Every lexicon term of the policy, folded as text is folded (no variants).
    pub fn terms(policy: &Policy) -> Vec<String> {
        policy.terms_for_bench()
    }

    /// An automaton over `patterns` built exactly as a policy builds its own.
    pub fn automaton(
        patterns: &[String],
    ) -> Result<aho_corasick::AhoCorasick, aho_corasick::BuildError> {
        crate::compiled::build_automaton(patterns)
    }
}

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The policy-format guide's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../docs/policy-format.md")]
struct PolicyFormatDoctests;
