//! Contexts of a match: quoted, a question, or decided by cue words near it
//! (negation, hypotheticals, reporting…).

use super::scan::lex_slice;
use super::segment::in_quotes;
use super::{Hit, Scratch};
use crate::compiled::{Compiled, ContextId, ContextKind, Framed, LexiconId};
use crate::spec::{CuePosition, Scope};

/// Cue hits examined per word when walking back to a context cue (all of them in any
/// real text; a bound on adversarial input).
const MAX_MATCHES: usize = 64;

/// Fills `out` with the evidence hits a match of a `scope = "text"` rule is judged by,
/// and returns `true`, when the match spans several sentences or clauses; else returns
/// `false` (judge the whole evidence) and leaves `out` alone.
///
/// Such a match joins a claim to a group named elsewhere ("Nobody wants X here, they
/// are criminals"; "They are filthy, these X"). It is judged in its last sentence, and
/// there in the clause that holds more of its words than any other, the claim: a
/// negation or quote around the group's name does not carry over to the claim, and the
/// claim's own negation still counts. When no clause holds more words than every other
/// (the claim itself runs across a comma), the sentence's words are judged together.
pub(super) fn claim_evidence(evidence: &[u32], hits: &[Hit], out: &mut Vec<u32>) -> bool {
    let hit = |i: &u32| hits.get(*i as usize);
    let Some(sentence) = evidence.iter().filter_map(hit).map(|h| h.sentence).max() else {
        return false;
    };
    let in_sentence = |i: &&u32| hit(i).is_some_and(|h| h.sentence == sentence);
    // The clause with most evidence words, as (count, clause), and whether another
    // clause ties it: a match has a few words, so they are counted without allocating.
    let mut best: Option<(usize, u32)> = None;
    let mut tied = false;
    for h in evidence.iter().filter(in_sentence).filter_map(hit) {
        let n = evidence
            .iter()
            .filter_map(hit)
            .filter(|g| g.clause == h.clause)
            .count();
        match best {
            Some((m, c)) if c == h.clause || n < m => {}
            Some((m, _)) if n == m => tied = true,
            _ => {
                best = Some((n, h.clause));
                tied = false;
            }
        }
    }
    let Some((_, clause)) = best else {
        return false;
    };
    let in_clause = |i: &&u32| hit(i).is_some_and(|h| h.clause == clause);
    let spans_sentences = !evidence.iter().filter(in_sentence).eq(evidence.iter());
    if tied {
        // Judge the last sentence's words together (all of them, if one sentence).
        if !spans_sentences {
            return false;
        }
        out.clear();
        out.extend(evidence.iter().filter(in_sentence));
        return true;
    }
    if evidence.iter().all(|i| in_clause(&i)) {
        return false;
    }
    out.clear();
    out.extend(evidence.iter().filter(in_clause));
    true
}

impl Compiled {
    /// Whether context `ctx` holds for a match with these evidence hits.
    pub(super) fn context_holds(&self, ctx: ContextId, evidence: &[u32], s: &Scratch) -> bool {
        let Some(ctx) = self.context(ctx) else {
            return false;
        };
        let hits = &s.hits;
        match &ctx.kind {
            ContextKind::Quoted => {
                s.quotes_embedded
                    && evidence
                        .iter()
                        .filter_map(|&i| hits.get(i as usize))
                        .any(|h| in_quotes(&s.quotes, h.start, h.end))
            }
            ContextKind::Question => in_question(evidence, s),
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
                (!*question || in_question(evidence, s))
                    && (cue_holds(
                        Cue {
                            lex: *lex,
                            except: *except,
                            stops: *stops,
                            scope: *scope,
                            window: *window,
                            position: *position,
                        },
                        evidence,
                        s,
                    ) || framed.is_some_and(|f| framed_holds(f, *except, evidence, s)))
            }
        }
    }
}

/// Whether a word of the evidence lies in a sentence that ends with `?`.
fn in_question(evidence: &[u32], s: &Scratch) -> bool {
    evidence
        .iter()
        .filter_map(|&i| s.hits.get(i as usize))
        .any(|h| {
            s.questions
                .get(h.sentence as usize)
                .copied()
                .unwrap_or(false)
        })
}

/// A cue-based context, as [`ContextKind::Cue`] holds it.
struct Cue {
    lex: LexiconId,
    except: LexiconId,
    stops: Option<LexiconId>,
    scope: Scope,
    window: Option<u32>,
    position: CuePosition,
}

/// Whether a cue of the context stands in the right place for a word of the evidence.
fn cue_holds(cue: Cue, evidence: &[u32], s: &Scratch) -> bool {
    let Cue {
        lex,
        except,
        stops,
        scope,
        window,
        position,
    } = cue;
    let (lex, except, scope, window, position) = (&lex, &except, &scope, &window, &position);
    let hits = &s.hits;
    let cues = lex_slice(s, *lex);
    let exceptions = lex_slice(s, *except);
    let stops = stops.map(|l| lex_slice(s, l)).unwrap_or(&[]);
    let cancelled = |c: &Hit| cancelled(c, exceptions, hits);
    let counts = |c: &Hit| counts(c, exceptions, evidence, hits);
    // A stop that starts after cue `c`, at least one word after it, and no later than
    // word `h`, in their unit, ends the cue's reach before `h`.
    let stopped = |c: &Hit, h: &Hit| {
        let from =
            stops.partition_point(|&t| hits.get(t as usize).is_some_and(|t| t.start < c.end));
        stops
            .get(from..)
            .unwrap_or(&[])
            .iter()
            .filter_map(|&t| hits.get(t as usize))
            .take_while(|t| t.start <= h.start)
            .take(MAX_MATCHES)
            .any(|t| t.ts > c.te + 1 && t.unit(*scope) == c.unit(*scope) && !cancelled(t))
    };
    let before = matches!(position, CuePosition::Before | CuePosition::Around);
    let after = matches!(position, CuePosition::After | CuePosition::Around);
    evidence
        .iter()
        .filter_map(|&i| hits.get(i as usize))
        .any(|h| {
            let unit = h.unit(*scope);
            // Cues that end before the word, nearest first, while in its unit
            // (and window): a binary search, then a short walk back.
            let at =
                cues.partition_point(|&c| hits.get(c as usize).is_some_and(|c| c.start < h.start));
            let found_before = before
                && cues
                    .get(..at)
                    .unwrap_or(&[])
                    .iter()
                    .rev()
                    .filter_map(|&c| hits.get(c as usize))
                    .take_while(|c| {
                        c.unit(*scope) == unit
                            && window.is_none_or(|w| h.ts.saturating_sub(c.te) <= w)
                    })
                    .take(MAX_MATCHES)
                    .any(|c| c.end <= h.start && counts(c) && !stopped(c, h));
            // Cues that start after the word, nearest first, likewise.
            let found_after = after
                && cues
                    .get(at..)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|&c| hits.get(c as usize))
                    .filter(|c| c.start >= h.end)
                    .take_while(|c| {
                        c.unit(*scope) == unit
                            && window.is_none_or(|w| c.ts.saturating_sub(h.te) <= w)
                    })
                    .take(MAX_MATCHES)
                    .any(counts);
            found_before || found_after
        })
}

/// Whether cue (or stop, frame, condemnation) `c` counts: not inside one of the
/// context's exception phrases (`ne … que`, `nothing but`), and not part of the match's
/// own words (the `can't` of `can't stand` does not negate the rest of the match).
fn counts(c: &Hit, exceptions: &[u32], evidence: &[u32], hits: &[Hit]) -> bool {
    let in_evidence = evidence
        .iter()
        .filter_map(|&i| hits.get(i as usize))
        .any(|e| e.start <= c.start && c.end <= e.end);
    !in_evidence && !cancelled(c, exceptions, hits)
}

/// Whether `c` lies inside one of the exception phrases.
fn cancelled(c: &Hit, exceptions: &[u32], hits: &[Hit]) -> bool {
    let k =
        exceptions.partition_point(|&e| hits.get(e as usize).is_some_and(|e| e.start <= c.start));
    exceptions
        .get(..k)
        .unwrap_or(&[])
        .iter()
        .rev()
        .take(MAX_MATCHES)
        .filter_map(|&e| hits.get(e as usize))
        .any(|e| e.end >= c.end)
}

/// Whether, in a sentence that holds words of the match, a speaking frame ends before
/// the match's first word there and a condemnation follows its claim: the claim is
/// quoted in order to be condemned (`Saying X is disgusting`, `Anyone who says X is a
/// monster`), while the same claim with a frame alone (`I'm saying X and that's final`)
/// or a condemnation alone is not.
///
/// The condemnation starts after the match's last word, or ends the match itself when
/// a rule reads it as the claim's predicate (`X … is disgusting` in `Saying X are
/// vermin is disgusting`): then at least two words stand between the match's first
/// word and it (`are vermin`), so that it is not the group's own predicate (`I'm
/// saying X are disgusting`).
fn framed_holds(f: Framed, except: LexiconId, evidence: &[u32], s: &Scratch) -> bool {
    let hits = &s.hits;
    let frames = lex_slice(s, f.frames);
    let condemnations = lex_slice(s, f.condemnations);
    if frames.is_empty() || condemnations.is_empty() {
        return false;
    }
    let exceptions = lex_slice(s, except);
    let hit = |i: &u32| hits.get(*i as usize);
    let words = |sentence: u32| {
        evidence
            .iter()
            .filter_map(hit)
            .filter(move |e| e.sentence == sentence)
    };
    // Condemnation `d` follows the claim of the match's words in its sentence: after
    // them all, or ending them two words or more after the first.
    let follows = |d: &Hit| {
        let Some(head) = words(d.sentence).min_by_key(|e| e.ts) else {
            return false;
        };
        words(d.sentence).all(|e| e.end <= d.start)
            || head.end <= d.start
                && d.ts > head.te + 2
                && words(d.sentence)
                    .all(|e| e.end <= d.start || e.start >= d.start && e.end <= d.end)
    };
    evidence.iter().filter_map(hit).any(|h| {
        let sentence = h.sentence;
        let first = words(sentence).map(|e| e.start).min().unwrap_or(h.start);
        // Frames that end before the first word, nearest first, in its sentence.
        let at = frames.partition_point(|&c| hit(&c).is_some_and(|c| c.start < first));
        let framed = frames
            .get(..at)
            .unwrap_or(&[])
            .iter()
            .rev()
            .filter_map(hit)
            .take_while(|c| c.sentence == sentence)
            .take(MAX_MATCHES)
            .any(|c| c.end <= first && counts(c, exceptions, evidence, hits));
        // Condemnations after the first word, in its sentence.
        let at = condemnations.partition_point(|&c| hit(&c).is_some_and(|c| c.start <= first));
        framed
            && condemnations
                .get(at..)
                .unwrap_or(&[])
                .iter()
                .filter_map(hit)
                .take_while(|c| c.sentence == sentence)
                .take(MAX_MATCHES)
                .any(|d| !cancelled(d, exceptions, hits) && follows(d))
    })
}
