//! Signals: `[signals.NAME]` model files are loaded (relative to their policy file),
//! and each `signal(…) >= X` of a condition becomes a lexicon without terms that the
//! engine fills from the model's tagger when the score passes.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Builder;
use crate::compiled::{LexiconId, SignalSource, SignalUse};
use crate::condition::SignalCmp;
use crate::error::{Problem, ProblemKind};
use crate::signal::{BUILTIN_NAME, SignalError, SignalModel, builtin_shared, valid_name};
use crate::source::Origin;
use crate::spec::MatchMode;
use crate::suggest::did_you_mean;

/// Loads the model of every `[signals.NAME]` of every pack, reporting unreadable or
/// invalid files where they are named.
pub(super) fn load(b: &mut Builder<'_>) {
    let packs = b.packs;
    for (pi, pack) in packs.iter().enumerate() {
        for (name, spec) in &pack.file.signals {
            let path = format!("signals.{name}");
            let file = &spec.get_ref().file;
            let problem = if !valid_name(name) {
                Some((
                    ProblemKind::InvalidValue,
                    format!(
                        "`{name}` is not a valid signal name: use lower-case letters, digits and `_`"
                    ),
                    spec.span(),
                ))
            } else if name == BUILTIN_NAME {
                Some((
                    ProblemKind::InvalidValue,
                    format!(
                        "`{BUILTIN_NAME}` names the built-in model: give this model another name"
                    ),
                    spec.span(),
                ))
            } else if b.signal_defs.iter().any(|(n, _)| n == name) {
                Some((
                    ProblemKind::DuplicateId,
                    format!(
                        "signal model `{name}` is already defined by a policy this one extends"
                    ),
                    spec.span(),
                ))
            } else {
                None
            };
            if let Some((kind, message, span)) = problem {
                b.report(pi, Problem::new(kind, path, message), span);
                continue;
            }
            let full = model_path(&pack.origin, file.get_ref());
            let model = match SignalModel::from_file(&full) {
                Ok(m) => Some(Arc::new(m)),
                Err(e) => {
                    let (kind, message) = match e {
                        SignalError::Io { message, .. } => (
                            ProblemKind::Io,
                            format!("cannot read signal model `{}`: {message}", full.display()),
                        ),
                        SignalError::Format(m) => (
                            ProblemKind::InvalidSignalModel,
                            format!(
                                "`{}` is not a valid signal model: {m} (models are written by `tosguard train`)",
                                full.display()
                            ),
                        ),
                    };
                    b.report(
                        pi,
                        Problem::new(kind, format!("{path}.file"), message),
                        file.span(),
                    );
                    None
                }
            };
            b.signal_defs.push((name.clone(), model));
        }
    }
}

/// A model file named in a policy: relative to the policy file's folder, or to the
/// current directory for a policy that is not a file.
fn model_path(origin: &Origin, file: &str) -> PathBuf {
    match origin {
        Origin::File(p) => p.parent().unwrap_or(Path::new(".")).join(file),
        _ => PathBuf::from(file),
    }
}

/// The closest of `names` to `name`, for "did you mean".
fn closest<'n>(name: &str, names: impl Iterator<Item = &'n str>) -> Option<&'n str> {
    let mut names: Vec<&str> = names.collect();
    // Sorted, so that a tie always suggests the same name.
    names.sort_unstable();
    did_you_mean(name, names)
}

/// `a`, `b` and `c`, quoted.
fn quoted_list<'n>(names: impl Iterator<Item = &'n str>) -> String {
    names
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Builder<'_> {
    /// The lexicon standing for the signal comparison `cmp`, found at bytes `at` of
    /// pack `pack`; `None` (reported) if it names no model or category.
    pub(super) fn signal_lexicon(
        &mut self,
        pack: usize,
        path: &str,
        cmp: &SignalCmp,
        at: Range<usize>,
    ) -> Option<LexiconId> {
        let (model_name, category) = match cmp.name.split_once('.') {
            Some((m, c)) => (m, c),
            None => (BUILTIN_NAME, cmp.name.as_str()),
        };
        let model = if model_name == BUILTIN_NAME {
            match builtin_shared() {
                Ok(m) => m,
                Err(e) => {
                    self.report(
                        pack,
                        Problem::new(
                            ProblemKind::InvalidSignalModel,
                            path,
                            format!("the built-in signal model does not load: {e}"),
                        ),
                        at,
                    );
                    return None;
                }
            }
        } else {
            match self.signal_defs.iter().find(|(n, _)| n == model_name) {
                Some((_, Some(m))) => m.clone(),
                // Its definition was reported already.
                Some((_, None)) => return None,
                None => {
                    let names = || {
                        std::iter::once(BUILTIN_NAME)
                            .chain(self.signal_defs.iter().map(|(n, _)| n.as_str()))
                    };
                    let mut msg = format!("unknown signal model `{model_name}`");
                    if let Some(s) = closest(model_name, names()) {
                        msg.push_str(&format!(" (did you mean `{s}`?)"));
                    }
                    msg.push_str(&format!(
                        ": models are {}; define one with `[signals.{model_name}] file = \"…\"`",
                        quoted_list(names())
                    ));
                    self.report(
                        pack,
                        Problem::new(ProblemKind::UnknownSignal, path, msg),
                        at,
                    );
                    return None;
                }
            }
        };
        let Some(head) = model.head_index(category) else {
            let mut msg = format!("signal model `{model_name}` has no category `{category}`");
            if let Some(s) = closest(category, model.categories()) {
                msg.push_str(&format!(" (did you mean `{s}`?)"));
            }
            msg.push_str(&format!(
                ": its categories are {}",
                quoted_list(model.categories())
            ));
            self.report(
                pack,
                Problem::new(ProblemKind::UnknownSignal, path, msg),
                at,
            );
            return None;
        };
        let shown = if model_name == BUILTIN_NAME {
            category.to_string()
        } else {
            format!("{model_name}.{category}")
        };
        let op = if cmp.strict { ">" } else { ">=" };
        let key = format!("signal({shown}) {op} {}", cmp.threshold);
        if let Some(&id) = self.lex_index.get(&key) {
            return Some(id);
        }
        let mi = match self.signal_models.iter().position(|s| s.name == model_name) {
            Some(i) => i,
            None => {
                self.signal_models.push(SignalSource {
                    name: model_name.to_string(),
                    model,
                });
                self.signal_models.len() - 1
            }
        };
        let id = self.new_lexicon(key, MatchMode::Word);
        self.signals.push(SignalUse {
            lex: id,
            model: mi,
            head,
            strict: cmp.strict,
            threshold: cmp.threshold,
        });
        Some(id)
    }

    /// Whether lexicon `id` stands for a signal comparison.
    pub(super) fn is_signal(&self, id: LexiconId) -> bool {
        self.signals.iter().any(|u| u.lex == id)
    }
}
