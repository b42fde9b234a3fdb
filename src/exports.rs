// The crate's public re-exports, included by `lib.rs` and by the build script
// (`build.rs`), whose copy of the modules refers to them as `crate::...` too.

pub use builtin::builtin_names;
pub use dsa::{
    AutomatedDecision, DSA_KEYWORDS, DSA_STATEMENT_CATEGORIES, StatementOfReasons, StatementOptions,
};
pub use error::{Location, PolicyError, Problem, ProblemKind};
pub use explain::{ExplainedHit, ExplainedMatch, ExplainedRule, ExplainedSignal, Explanation};
pub use limits::Limits;
pub use normalize::NormalizeOptions;
pub use policy::{CategoryInfo, Loader, Policy, PolicyBuilder, RuleDef, RuleInfo};
pub use spec::{CuePosition, MatchMode, Scope};
pub use stack::{Disagreement, PolicyStack, StackVerdict};
pub use verdict::{Action, Evidence, Finding, Severity, Verdict, redact_spans};
