//! Classification, in the order the data flows: cut a long text into windows of
//! whole sentences ([`window`]), and in each, normalize the text, split it into
//! tokens, sentences, clauses and quotes ([`segment`]), run the automaton once
//! ([`scan`]), drop the hits of words read in the wrong language ([`lang`]), then evaluate each rule over the hits ([`rules`]) and decide its
//! contexts ([`context`]). A fired rule becomes a finding of the [`Verdict`], with the
//! evidence of every window.

mod context;
mod lang;
mod names;
mod present;
mod rules;
mod runs;
mod scan;
mod segment;
mod signals;
mod window;

use std::cell::RefCell;
use std::sync::Arc;

use crate::compiled::{Compiled, LexiconId, Rule, VariantScratch};
use crate::normalize::Normalized;
use crate::spec::Scope;
use crate::verdict::{Evidence, Finding, Verdict, share_words};

use rules::M;
pub(crate) use rules::Outcome;
use scan::{index_hits, scan};
use segment::segment;
pub(crate) use window::windows;

/// A word of the folded text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    pub(crate) start: u32,
    pub(crate) end: u32,
    pub(crate) sentence: u32,
    pub(crate) clause: u32,
}

/// A lexicon term found in the folded text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hit {
    pub(crate) lex: LexiconId,
    /// Folded byte range.
    pub(crate) start: u32,
    pub(crate) end: u32,
    /// First and last token.
    pub(crate) ts: u32,
    pub(crate) te: u32,
    pub(crate) sentence: u32,
    pub(crate) clause: u32,
}

impl Hit {
    /// The unit (clause, sentence, or the whole text) the hit is in.
    fn unit(&self, scope: Scope) -> u32 {
        match scope {
            Scope::Clause => self.clause,
            Scope::Sentence => self.sentence,
            Scope::Text => 0,
        }
    }
}

/// Everything one call computes, kept per thread and reused so that a warm call
/// allocates only its verdict.
#[derive(Default)]
pub(crate) struct Scratch {
    pub(crate) norm: Normalized,
    pub(crate) tokens: Vec<Token>,
    pub(crate) questions: Vec<bool>,
    pub(crate) quotes: Vec<(u32, u32)>,
    pub(crate) hits: Vec<Hit>,
    /// The name hits of the text (`@name`), kept from text to text.
    name_hits: Vec<Hit>,
    /// Room for merging the token and automaton hits (see `scan`), and the name hits.
    pub(crate) merged_hits: Vec<Hit>,
    /// The lexicons with hits in the text, in each sentence and in each clause.
    pub(crate) present: present::Present,
    /// The lexicons with hits in the text and the signal lexicons (which may get
    /// hits when the signals are scored).
    pub(crate) maybe: Vec<u64>,
    /// The rules the text may fire, as bits (see `candidates`).
    pub(crate) candidates: Vec<u64>,
    pub(crate) buf: Vec<M>,
    pub(crate) arena: Vec<u32>,
    pub(crate) evidence: Vec<u32>,
    /// The hits of each lexicon.
    pub(crate) lex_index: present::LexIndex,
    pub(crate) windows: Vec<u32>,
    /// Per lexicon: where its hits of the current window start (see `rules`).
    pub(crate) cursors: Vec<(u32, u32)>,
    /// The current rule pass, which the cursors are stamped with.
    pub(crate) pass: u32,
    /// The evidence of the current match in its last sentence, when it spans several.
    pub(crate) judged: Vec<u32>,
    /// Whether the quoted regions leave words outside them.
    pub(crate) quotes_embedded: bool,
    /// Buffers of the variant lookups.
    pub(crate) variants: VariantScratch,
    /// Per token: whether it may be a word of a phrase with typo variants.
    pub(crate) in_phrase: Vec<bool>,
    /// Per token: how it may be read as a typo (`Matcher::may_be_typo`).
    pub(crate) typo_word: Vec<u8>,
    /// The words of typo phrases that tokens may stand for: (token, range in
    /// `typo_fix_text`).
    pub(crate) typo_fixes: Vec<(u32, u32, u32)>,
    pub(crate) typo_fix_text: String,
    /// The one-token terms that tokens are typos of: (token, pattern).
    pub(crate) word_typos: Vec<(u32, u32)>,
    /// Per token: its hash, for the lookups of the token itself.
    pub(crate) token_hashes: Vec<u64>,
    /// Per token: the word its doubled letters stand for, for phrase lookups.
    pub(crate) doubled: scan::DoubledScratch,
    /// What the lookups of a token's own word answered, kept from text to text.
    pub(crate) word_cache: scan::WordCache,
    /// Whether the signals of the text were scored (and their hits added).
    pub(crate) signals_ready: bool,
    /// The folded byte ranges a signal model's tagger marks.
    pub(crate) tagged: Vec<std::ops::Range<usize>>,
    /// Per sentence: its French and English function words, and its language as
    /// guessed by `lang`.
    pub(crate) sentence_votes: Vec<(u32, u32)>,
    pub(crate) sentence_langs: Vec<u8>,
    /// Per token: the language its word is more common in, once asked for (`lang`).
    pub(crate) word_langs: Vec<u8>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` with this thread's scratch space: taken out of the thread-local slot for
/// the call and put back after, so a nested call (or one during thread teardown) simply
/// starts from an empty scratch.
pub(crate) fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    let mut scratch = SCRATCH
        .try_with(|cell| {
            cell.try_borrow_mut()
                .map(|mut s| std::mem::take(&mut *s))
                .ok()
        })
        .ok()
        .flatten()
        .unwrap_or_default();
    let out = f(&mut scratch);
    let _ = SCRATCH.try_with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            *slot = scratch;
        }
    });
    out
}

/// The first rule at or after `from` marked in `bits`.
fn next_candidate(bits: &[u64], from: usize) -> Option<usize> {
    let mut wi = from / 64;
    let mut w = bits.get(wi)? & (!0u64).checked_shl((from % 64) as u32).unwrap_or(0);
    loop {
        if w != 0 {
            return Some(wi * 64 + w.trailing_zeros() as usize);
        }
        wi += 1;
        w = *bits.get(wi)?;
    }
}

/// One shared name per lexicon, given to its evidence (a verdict rests on a few
/// lexicons).
pub(crate) type Names = Vec<(LexiconId, Arc<str>)>;

impl Compiled {
    /// Normalizes, scans and segments `text` into `s`.
    pub(crate) fn prepare(&self, text: &str, s: &mut Scratch) {
        self.fold_into(text, &mut s.norm);
        let norm = std::mem::take(&mut s.norm);
        segment(norm.text(), s);
        // A text with a `*` may hold masked words read as words of the vocabulary.
        let masked = (self.normalize.masked_letters && text.contains('*')).then_some((text, &norm));
        scan(self, norm.text(), masked, s);
        lang::drop_other_language(self, norm.text(), s);
        if !self.name_lexicons.is_empty() {
            s.name_hits.clear();
            if names::push_name_hits(
                text,
                &norm,
                &s.tokens,
                &self.name_lexicons,
                &mut s.name_hits,
            ) {
                // The few name hits come in text order: merged into the sorted hits in
                // one pass (sorting every hit again cost a third of a long text's time).
                names::merge_sorted(&s.hits, &s.name_hits, &mut s.merged_hits);
                std::mem::swap(&mut s.hits, &mut s.merged_hits);
            }
        }
        index_hits(self.lexicons.len(), s);
        s.present
            .text_with(self.signals.iter().map(|u| u.lex), &mut s.maybe);
        s.norm = norm;
        s.signals_ready = false;
    }

    /// Turns hit indices into evidence in the original text, of which `text` (the text
    /// `s` was prepared from) starts at byte `offset`. `names` holds the lexicon names
    /// given out so far, shared by all the evidence of one call.
    pub(crate) fn evidence_of(
        &self,
        text: &str,
        offset: usize,
        hit_ids: &mut Vec<u32>,
        s: &Scratch,
        names: &mut Names,
    ) -> Vec<Evidence> {
        hit_ids.sort_unstable();
        hit_ids.dedup();
        let mut out: Vec<Evidence> = Vec::with_capacity(hit_ids.len());
        for &i in hit_ids.iter() {
            let Some(h) = s.hits.get(i as usize) else {
                continue;
            };
            let span = s.norm.original_range(h.start as usize..h.end as usize);
            let (start, end) = (span.start + offset, span.end + offset);
            // Hits come in text order: a repeated span (one word in two lexicons) is
            // next to its twin.
            if out.last().is_some_and(|e| e.start == start && e.end == end) {
                continue;
            }
            if text.get(span).is_none() {
                continue;
            }
            let lexicon = match names.iter().find(|(l, _)| *l == h.lex) {
                Some((_, name)) => Arc::clone(name),
                None => {
                    let name: Arc<str> = Arc::from(self.lexicon_name(h.lex));
                    names.push((h.lex, Arc::clone(&name)));
                    name
                }
            };
            out.push(Evidence {
                start,
                end,
                // Until `share_words` gives the evidence of the call its words.
                words: Arc::clone(&lexicon),
                at: 0,
                lexicon,
            });
        }
        // Longest first at each start, then drop spans inside an earlier one (`'em`
        // and `em` are one piece of evidence).
        out.sort_by_key(|e| (e.start, std::cmp::Reverse(e.end)));
        let mut reach = 0;
        out.retain(|e| {
            let keep = e.end > reach;
            reach = reach.max(e.end);
            keep
        });
        out
    }

    /// Marks in `s.candidates` the rules that the lexicons with hits (or signals) may
    /// fire ([`crate::compiled::Triggers`]); every other rule fails its necessary
    /// condition.
    fn candidates(&self, s: &mut Scratch) {
        let words = self.rules.len().div_ceil(64);
        s.candidates.clear();
        if !self.triggers.lists(self.rules.len()) {
            s.candidates.resize(words, !0);
            return;
        }
        s.candidates.resize(words, 0);
        let mark = |c: &mut Vec<u64>, r: u32| {
            if let Some(w) = c.get_mut(r as usize / 64) {
                *w |= 1 << (r % 64);
            }
        };
        for &r in self.triggers.always() {
            mark(&mut s.candidates, r);
        }
        for (wi, &w) in s.maybe.iter().enumerate() {
            let mut bits = w;
            while bits != 0 {
                let l = wi * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                for &r in self.triggers.of(l) {
                    mark(&mut s.candidates, r);
                }
            }
        }
    }

    /// Classifies `text` under a single policy.
    pub(crate) fn classify(&self, text: &str) -> Verdict {
        self.classify_layers(text)
            .into_iter()
            .next()
            .unwrap_or_default()
    }

    /// Classifies once and splits the findings into one verdict per layer.
    ///
    /// A text longer than the window size is judged window by window with the same
    /// scratch; each rule that fires in any window is one finding, with the evidence of
    /// every window in text order.
    pub(crate) fn classify_layers(&self, text: &str) -> Vec<Verdict> {
        with_scratch(|s| {
            // The findings so far, sorted by the index of their rule.
            let mut found: Vec<(usize, Finding)> = Vec::new();
            let mut names = Names::new();
            for w in windows(text, self.window_bytes) {
                let part = text.get(w.clone()).unwrap_or_default();
                self.prepare(part, s);
                self.candidates(s);
                let mut next = 0;
                while let Some(ri) = next_candidate(&s.candidates, next) {
                    next = ri + 1;
                    let Some(rule) = self.rules.get(ri) else {
                        break;
                    };
                    if !self.eval_rule(rule, s, None) {
                        continue;
                    }
                    let mut ids = std::mem::take(&mut s.evidence);
                    let evidence = self.evidence_of(part, w.start, &mut ids, s, &mut names);
                    s.evidence = ids;
                    if evidence.is_empty() {
                        continue;
                    }
                    match found.binary_search_by_key(&ri, |f| f.0) {
                        Ok(i) => {
                            if let Some(f) = found.get_mut(i) {
                                f.1.evidence.extend(evidence);
                            }
                        }
                        Err(i) => {
                            if let Some(finding) = self.finding(rule, evidence) {
                                found.insert(i, (ri, finding));
                            }
                        }
                    }
                }
            }
            let mut lists: Vec<&mut Vec<Evidence>> =
                found.iter_mut().map(|f| &mut f.1.evidence).collect();
            share_words(text, &mut lists);
            let mut verdicts: Vec<Verdict> = self
                .layers
                .iter()
                .map(|l| Verdict {
                    policy: l.id.clone(),
                    version: l.version.clone(),
                    fingerprint: l.fingerprint.clone(),
                    ..Verdict::default()
                })
                .collect();
            for (ri, finding) in found {
                let Some(verdict) = self
                    .rules
                    .get(ri)
                    .and_then(|r| verdicts.get_mut(r.layer.index()))
                else {
                    continue;
                };
                verdict.action = verdict.action.max(finding.action);
                verdict.severity = verdict.severity.max(Some(finding.severity));
                verdict.findings.push(finding);
            }
            verdicts
        })
    }

    /// The finding of `rule` with its first evidence (`None` if its category is
    /// unknown).
    fn finding(&self, rule: &Rule, evidence: Vec<Evidence>) -> Option<Finding> {
        let cat = self.category(rule.category)?;
        Some(Finding {
            policy: rule.pack.clone(),
            rule: rule.id.clone(),
            category: cat.id.clone(),
            severity: rule.severity,
            action: cat.action,
            tos_ref: cat.tos_ref.clone(),
            dsa_category: cat.dsa_category.clone(),
            dsa_keywords: cat.dsa_keywords.clone(),
            evidence,
        })
    }
}
