//! Merging the compiled layers of a policy stack into one compiled form, so that a
//! stack is classified with one normalization and one scan.

use std::sync::Arc;

use super::{
    Compiled, Context, ContextKind, LayerId, LexiconTerms, Matcher, PatternSet, SignalSource,
    SignalUse, Triggers, flags,
};
use crate::error::{PolicyError, Problem, ProblemKind};
use crate::normalize::Vocab;

/// The context `c` of a layer whose lexicons now start at `lex0`.
fn shifted_context(c: &Context, lex0: usize) -> Context {
    Context {
        name: c.name.clone(),
        kind: match &c.kind {
            ContextKind::Cue {
                lex,
                except,
                stops,
                framed,
                scope,
                window,
                position,
                question,
            } => ContextKind::Cue {
                lex: lex.shifted(lex0),
                except: except.shifted(lex0),
                stops: stops.map(|s| s.shifted(lex0)),
                framed: framed.map(|f| f.shifted(lex0)),
                scope: *scope,
                window: *window,
                position: *position,
                question: *question,
            },
            other => other.clone(),
        },
    }
}

/// Merges compiled policies that share normalization options and window size into
/// one, with one automaton: a stack's layers are classified with one normalization and
/// one scan. Returns `None` when there are no layers or they fold text differently or
/// judge long texts in windows of different sizes (each layer then judges alone, as it
/// would outside the stack), an error when the merged automaton cannot be built.
pub(crate) fn merge_layers(layers: &[&Compiled]) -> Result<Option<Compiled>, PolicyError> {
    let Some(first) = layers.first() else {
        return Ok(None);
    };
    if layers
        .iter()
        .any(|l| l.normalize != first.normalize || l.window_bytes != first.window_bytes)
    {
        return Ok(None);
    }
    let mut lexicons = Vec::new();
    let mut categories = Vec::new();
    let mut contexts = Vec::new();
    let mut rules = Vec::new();
    let mut patterns = PatternSet::default();
    let mut metas = Vec::new();
    // A word that any layer knows as a real word is never read as a typo.
    let mut exclude = std::collections::HashSet::new();
    let mut vocab = Vocab::default();
    let mut signal_models = Vec::new();
    let mut signals = Vec::new();
    for (li, layer) in layers.iter().enumerate() {
        exclude.extend(layer.matcher.exclude().iter().map(String::from));
        let (lex0, cat0, ctx0) = (lexicons.len(), categories.len(), contexts.len());
        // A model two layers share (the built-in one) is scored once.
        let models: Vec<usize> = layer
            .signal_models
            .iter()
            .map(|m| {
                let same = |o: &SignalSource| Arc::ptr_eq(&o.model, &m.model);
                signal_models.iter().position(same).unwrap_or_else(|| {
                    signal_models.push(m.clone());
                    signal_models.len() - 1
                })
            })
            .collect();
        signals.extend(layer.signals.iter().map(|u| SignalUse {
            lex: u.lex.shifted(lex0),
            model: models.get(u.model).copied().unwrap_or(u.model),
            ..u.clone()
        }));
        lexicons.extend(layer.lexicons.iter().cloned());
        vocab.extend(&layer.vocab);
        categories.extend(layer.categories.iter().cloned());
        contexts.extend(layer.contexts.iter().map(|c| shifted_context(c, lex0)));
        for (text, uses) in layer.pattern_text.iter().zip(layer.patterns.iter()) {
            for u in uses {
                patterns.add(text, u.lex.shifted(lex0), u.mode, u.tolerance);
            }
        }
        for r in &layer.rules {
            let mut r = r.clone();
            r.when = r.when.shifted(lex0);
            r.category = r.category.shifted(cat0);
            r.unless.iter_mut().for_each(|c| *c = c.shifted(ctx0));
            r.requires.iter_mut().for_each(|c| *c = c.shifted(ctx0));
            r.needs.iter_mut().for_each(|l| *l = l.shifted(lex0));
            r.anchors.iter_mut().for_each(|l| *l = l.shifted(lex0));
            r.needs_one_of
                .iter_mut()
                .flatten()
                .for_each(|l| *l = l.shifted(lex0));
            r.layer = LayerId::new(li);
            rules.push(r);
        }
        metas.extend(layer.layers.first().cloned());
    }
    let (pattern_text, patterns) = patterns.finish();
    let terms = LexiconTerms::build(
        &pattern_text,
        layers
            .iter()
            .flat_map(|l| (0..l.lexicons.len()).map(|i| l.lexicon_terms(i))),
    )
    .ok_or_else(|| PolicyError {
        problems: vec![Problem::new(
            ProblemKind::LimitExceeded,
            "",
            "the layers' terms are more than 4 billion",
        )],
    })?;
    let matcher =
        Matcher::build(&pattern_text, &patterns, &first.normalize, exclude).map_err(|e| {
            PolicyError {
                problems: vec![Problem::new(
                    ProblemKind::LimitExceeded,
                    "",
                    format!("the layers' terms do not fit in one automaton: {e}"),
                )],
            }
        })?;
    vocab.shrink_to_fit();
    Ok(Some(Compiled {
        id: metas
            .iter()
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>()
            .join("+"),
        version: String::new(),
        title: None,
        description: None,
        normalize: first.normalize.clone(),
        categories,
        vocab,
        triggers: Triggers::build(&rules, lexicons.len()),
        lexicon_langs: super::lang_codes(&lexicons),
        name_lexicons: super::name_lexicons(&lexicons),
        lexicons,
        contexts,
        rules,
        matcher,
        pattern_flags: flags(&pattern_text, &patterns),
        patterns,
        pattern_text,
        terms,
        fingerprint: metas
            .iter()
            .map(|m| m.fingerprint.as_str())
            .collect::<Vec<_>>()
            .join("+"),
        layers: metas,
        warnings: Vec::new(),
        signal_models,
        signals,
        window_bytes: first.window_bytes,
    }))
}
