//! Phase 3: contexts. `quoted` and `question` are built in; every other context is
//! decided by cues, and packs that name the same context add to its cues and may
//! change its scope, window and position.

use std::collections::HashMap;

use super::terms::TermOptions;
use super::{Builder, valid_id};
use crate::compiled::{Context, ContextId, ContextKind, Framed, LexiconId};
use crate::error::{Problem, ProblemKind};
use crate::spec::{ContextSpec, CuePosition, MatchMode, S, Scope};

/// The contexts, with an index by name.
pub(super) struct Contexts {
    pub(super) list: Vec<Context>,
    pub(super) index: HashMap<String, ContextId>,
}

/// The built-in contexts, then the cue-based ones of every pack, merged by name.
pub(super) fn compile(b: &mut Builder<'_>) -> Contexts {
    let list = vec![
        Context {
            name: "quoted".into(),
            kind: ContextKind::Quoted,
        },
        Context {
            name: "question".into(),
            kind: ContextKind::Question,
        },
    ];
    let index = list
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.clone(), ContextId::new(i)))
        .collect();
    let mut ctxs = Contexts { list, index };
    for (pi, pack) in b.packs.iter().enumerate() {
        for (name, ctx) in &pack.file.contexts {
            if check(b, pi, name, ctx) {
                add(b, &mut ctxs, pi, name, ctx.get_ref());
            }
        }
    }
    ctxs
}

/// Whether context `name` of pack `pi` may take cues; reports why not.
fn check(b: &mut Builder<'_>, pi: usize, name: &str, ctx: &S<ContextSpec>) -> bool {
    let path = format!("contexts.{name}");
    let message = if matches!(name, "quoted" | "question") {
        format!("`{name}` is built in and takes no cues")
    } else if !valid_id(name) {
        format!("`{name}` is not a valid context name")
    } else {
        if let Some(w) = &ctx.get_ref().window {
            if *w.get_ref() == 0 {
                b.report(
                    pi,
                    Problem::new(
                        ProblemKind::ZeroProximity,
                        format!("{path}.window"),
                        "a window must be at least 1 word",
                    ),
                    w.span(),
                );
            }
        }
        return true;
    };
    b.report(
        pi,
        Problem::new(ProblemKind::InvalidValue, path, message),
        ctx.span(),
    );
    false
}

/// Adds pack `pi`'s definition of context `name`: a new context, or more cues and
/// settings for one an earlier pack defined.
fn add(b: &mut Builder<'_>, ctxs: &mut Contexts, pi: usize, name: &str, c: &ContextSpec) {
    let Some((ci, lex, except)) = cue_lexicons(b, ctxs, name) else {
        return;
    };
    if let Some(ContextKind::Cue {
        scope,
        window,
        position,
        question,
        ..
    }) = ctxs.list.get_mut(ci.index()).map(|c| &mut c.kind)
    {
        if let Some(q) = c.question {
            *question = q;
        }
        if let Some(s) = c.scope {
            *scope = s;
        }
        if let Some(p) = c.position {
            *position = p;
        }
        if let Some(w) = &c.window {
            *window = Some(*w.get_ref());
        }
    }
    let path = format!("contexts.{name}");
    add_optional(b, ctxs, pi, ci, name, &path, c);
    add_cues(b, pi, lex, &format!("{path}.cues"), &c.cues);
    add_cues(b, pi, except, &format!("{path}.except"), &c.except);
}

/// Adds terms to a context's lexicon `lex`: whole words with their evasion variants
/// (a negation or condemnation disguised like the claim still counts), no typos.
fn add_cues(b: &mut Builder<'_>, pi: usize, lex: LexiconId, path: &str, terms: &[S<String>]) {
    b.add_terms(pi, lex, path, terms, TermOptions::cues(), &mut []);
}

/// Adds pack `pi`'s stops, frames and condemnations to context `ci`, creating their
/// lexicons on first use (a context without them has none, so its fingerprint is what
/// it was before they existed). A pack that gives frames without condemnations, or the
/// reverse, to a context that has none yet, is reported: the pair holds only together.
fn add_optional(
    b: &mut Builder<'_>,
    ctxs: &mut Contexts,
    pi: usize,
    ci: ContextId,
    name: &str,
    path: &str,
    c: &ContextSpec,
) {
    let Some(ContextKind::Cue { stops, framed, .. }) =
        ctxs.list.get_mut(ci.index()).map(|c| &mut c.kind)
    else {
        return;
    };
    if !c.stops.is_empty() {
        let lex =
            *stops.get_or_insert_with(|| b.new_lexicon(format!("@{name}.stops"), MatchMode::Word));
        add_cues(b, pi, lex, &format!("{path}.stops"), &c.stops);
    }
    if c.frames.is_empty() && c.condemnations.is_empty() {
        return;
    }
    if framed.is_none() && (c.frames.is_empty() || c.condemnations.is_empty()) {
        let (given, missing, terms) = if c.frames.is_empty() {
            ("condemnations", "frames", &c.condemnations)
        } else {
            ("frames", "condemnations", &c.frames)
        };
        let span = terms.first().map(|t| t.span()).unwrap_or_default();
        b.report(
            pi,
            Problem::new(
                ProblemKind::InvalidValue,
                format!("{path}.{given}"),
                format!("`{given}` needs `{missing}`: the context holds when a frame stands before the match and a condemnation after it"),
            ),
            span,
        );
        return;
    }
    let f = *framed.get_or_insert_with(|| Framed {
        frames: b.new_lexicon(format!("@{name}.frames"), MatchMode::Word),
        condemnations: b.new_lexicon(format!("@{name}.condemnations"), MatchMode::Word),
    });
    add_cues(b, pi, f.frames, &format!("{path}.frames"), &c.frames);
    add_cues(
        b,
        pi,
        f.condemnations,
        &format!("{path}.condemnations"),
        &c.condemnations,
    );
}

/// The context named `name` and its cue and exception lexicons, created on first use.
fn cue_lexicons(
    b: &mut Builder<'_>,
    ctxs: &mut Contexts,
    name: &str,
) -> Option<(ContextId, LexiconId, LexiconId)> {
    if let Some(&ci) = ctxs.index.get(name) {
        return match ctxs.list.get(ci.index()).map(|c| &c.kind) {
            Some(ContextKind::Cue { lex, except, .. }) => Some((ci, *lex, *except)),
            _ => None,
        };
    }
    let lex = b.new_lexicon(format!("@{name}"), MatchMode::Word);
    let except = b.new_lexicon(format!("@{name}.except"), MatchMode::Word);
    let ci = ContextId::new(ctxs.list.len());
    ctxs.list.push(Context {
        name: name.to_string(),
        kind: ContextKind::Cue {
            lex,
            except,
            stops: None,
            framed: None,
            scope: Scope::Sentence,
            window: None,
            position: CuePosition::Before,
            question: false,
        },
    });
    ctxs.index.insert(name.to_string(), ci);
    Some((ci, lex, except))
}
