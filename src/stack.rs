//! Several policies over the same content: a host's acceptable-use policy and a
//! platform's terms of service, each deciding, with one normalization and one scan.

use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::compiled::{Compiled, merge_layers};
use crate::error::PolicyError;
use crate::policy::Policy;
use crate::verdict::{Action, Verdict};

/// Policy layers evaluated together: one verdict per layer, and where they disagree.
///
/// Layers that fold text alike (and judge long texts in windows of the same size,
/// [`Limits::window_bytes`](crate::Limits::window_bytes)) are merged into one
/// automaton, so that the whole stack costs one normalization and one scan. The merge
/// happens once, when the stack is finished: [`PolicyStack::build`] merges and reports
/// a merge that fails (the merged automaton over the compile limits) as an error; a
/// stack used without `build` merges on its first use.
///
/// ```
/// use tosguard::{Action, Policy, PolicyStack};
///
/// let host = Policy::from_toml_str(r#"
///     [policy]
///     id = "host-aup"
///     extends = ["taxonomy"]
///     [lexicons.kill]
///     terms = ["kill 'em all"]
///     [[rules]]
///     id = "aup.incitement"
///     category = "violence.incitement"
///     when = "kill"
/// "#)?;
/// let platform = Policy::from_toml_str("[policy]\nid = \"platform-tos\"\nextends = [\"taxonomy\"]\n")?;
/// let stack = PolicyStack::new().layer(host).layer(platform);
///
/// let v = stack.classify("Kill 'em all");
/// assert_eq!(v.layer("host-aup").unwrap().action(), Action::Remove);
/// assert_eq!(v.layer("platform-tos").unwrap().action(), Action::None);
/// let d = &v.disagreements()[0];
/// assert_eq!((d.removed_by.as_str(), d.allowed_by.as_str()), ("host-aup", "platform-tos"));
/// assert_eq!(d.removing_rules, ["aup.incitement"]);
/// # Ok::<(), tosguard::PolicyError>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct PolicyStack {
    layers: Vec<Policy>,
    /// The merged layers, once merged: `None` when they fold text differently or have
    /// different window sizes, an error when merging failed.
    merged: Arc<OnceLock<Merged>>,
}

type Merged = Result<Option<Arc<Compiled>>, PolicyError>;

impl PolicyStack {
    /// An empty stack.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a layer on top; layers keep the order they are added in. Cheap: the
    /// layers are merged once, by [`PolicyStack::build`] or on first use.
    pub fn layer(mut self, policy: Policy) -> Self {
        self.layers.push(policy);
        self.merged = Arc::default();
        self
    }

    /// Finishes the stack: merges the layers that share a normalization into one
    /// automaton, once. Fails if the merged automaton cannot be built (the layers
    /// together go over the compile limits), rather than falling back to one scan per
    /// layer without saying so.
    pub fn build(self) -> Result<PolicyStack, PolicyError> {
        match self.merged() {
            Err(e) => Err(e.clone()),
            Ok(_) => Ok(self),
        }
    }

    fn merged(&self) -> &Merged {
        self.merged.get_or_init(|| {
            let compiled: Vec<&Compiled> = self.layers.iter().map(Policy::compiled).collect();
            merge_layers(&compiled).map(|m| m.map(Arc::new))
        })
    }

    /// The layers, in order.
    pub fn layers(&self) -> &[Policy] {
        &self.layers
    }

    /// Whether every layer is decided from one shared normalization and scan (true
    /// unless the layers' policies switch different folding families off, or were
    /// loaded with different [`Limits::window_bytes`](crate::Limits::window_bytes)).
    pub fn is_single_pass(&self) -> bool {
        matches!(self.merged(), Ok(Some(_)))
    }

    /// Classifies `text` under every layer. A stack whose merge failed (see
    /// [`PolicyStack::build`]) classifies each layer with its own scan: the same
    /// verdicts, at the cost of one scan per layer.
    pub fn classify(&self, text: &str) -> StackVerdict {
        let layers = match self.merged() {
            Ok(Some(m)) => m.classify_layers(text),
            _ => self.layers.iter().map(|p| p.classify(text)).collect(),
        };
        StackVerdict { layers }
    }
}

/// One verdict per layer of a [`PolicyStack`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackVerdict {
    layers: Vec<Verdict>,
}

impl StackVerdict {
    /// The verdicts, in layer order.
    pub fn layers(&self) -> &[Verdict] {
        &self.layers
    }

    /// The verdict of the layer whose policy id is `id`.
    pub fn layer(&self, id: &str) -> Option<&Verdict> {
        self.layers.iter().find(|v| v.policy() == id)
    }

    /// The strongest action of any layer.
    pub fn action(&self) -> Action {
        self.layers
            .iter()
            .map(Verdict::action)
            .max()
            .unwrap_or_default()
    }

    /// Every pair of layers where one removes the content and the other does not,
    /// with the rules on each side.
    pub fn disagreements(&self) -> Vec<Disagreement> {
        let mut out = Vec::new();
        for remover in self.layers.iter().filter(|v| v.action() == Action::Remove) {
            for other in self.layers.iter().filter(|v| v.action() < Action::Remove) {
                let removing: Vec<_> = remover
                    .findings()
                    .iter()
                    .filter(|f| f.action() == Action::Remove)
                    .collect();
                let mut categories: Vec<String> =
                    removing.iter().map(|f| f.category().to_string()).collect();
                categories.sort();
                categories.dedup();
                out.push(Disagreement {
                    removed_by: remover.policy().to_string(),
                    allowed_by: other.policy().to_string(),
                    allowing_action: other.action(),
                    categories,
                    removing_rules: removing.iter().map(|f| f.rule().to_string()).collect(),
                    allowing_rules: other
                        .findings()
                        .iter()
                        .map(|f| f.rule().to_string())
                        .collect(),
                });
            }
        }
        out
    }
}

/// One layer removes the content, another keeps it up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disagreement {
    /// The policy that removes.
    pub removed_by: String,
    /// The policy that does not.
    pub allowed_by: String,
    /// What the allowing policy does instead (`none`, `flag` or `review`).
    pub allowing_action: Action,
    /// The categories the removing rules enforce.
    pub categories: Vec<String>,
    /// The rules that remove.
    pub removing_rules: Vec<String>,
    /// The rules of the allowing policy that fired with a weaker action, if any.
    pub allowing_rules: Vec<String>,
}

impl fmt::Display for Disagreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} removes ({}: {}) but {} {}",
            self.removed_by,
            self.categories.join(", "),
            self.removing_rules.join(", "),
            self.allowed_by,
            match self.allowing_action {
                Action::None => "allows it".to_string(),
                a => format!("only asks to {a}"),
            }
        )?;
        if !self.allowing_rules.is_empty() {
            write!(f, " ({})", self.allowing_rules.join(", "))?;
        }
        Ok(())
    }
}
