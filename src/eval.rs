//! Measuring a policy against labelled data (feature `eval`).
//!
//! [`load_cases`] reads a JSON-lines file in one of two formats, and [`evaluate`] runs a
//! [`Policy`] over the cases and scores its verdicts.
//!
//! # HateCheck-style cases
//!
//! ```json
//! {"id": "en-8", "functionality": "derog_neg_emote_h", "label": "hateful", "text": "..."}
//! ```
//!
//! `label` is `hateful` or `non-hateful`; `functionality` names the phenomenon the case
//! tests (optional; cases without one are grouped under `(none)`). A case is predicted
//! hateful when the verdict holds a finding in a `hate.*` category. The report gives
//! accuracy, precision, recall and F1 (the positive class is *hateful*), the accuracy of
//! every functionality (worst first), and the misclassified cases.
//!
//! # Moderation-style cases
//!
//! ```json
//! {"id": "oai-0", "labels": {"S": 0, "H": 1, "V": 0, "HR": 0}, "text": "..."}
//! ```
//!
//! `labels` holds some of the keys `S`, `H`, `V`, `HR`, `SH`, `S3`, `H2`, `V2`, each `0`
//! or `1` (`true`/`false` are accepted too); a missing key means *unknown*, and the case
//! does not count for that label. Findings are mapped to labels by their category
//! ([`moderation_labels`]):
//!
//! | category | labels |
//! |---|---|
//! | `violence.threat` | `V`, `HR` (harassment/threatening) |
//! | `violence.incitement`, `violence.glorification`, `extremism.support` | `V` |
//! | `violence.sexual` | `V`, `S` |
//! | `violence.graphic` | `V`, `V2` |
//! | `hate.derogation`, `hate.dehumanization`, `hate.slur` | `H` |
//! | `hate.threat` | `H`, `H2`, `V` |
//! | `harassment.insult` | `HR` |
//! | `self_harm.encouragement` | `SH`, `HR` |
//! | `self_harm.intent` | `SH` |
//! | `sexual.explicit` | `S` |
//! | `sexual.minors` | `S`, `S3` |
//! | `profanity`, any other category | none |
//!
//! `hate.threat` counts for `V` as well: the table gives it MLCommons `S1` (violent
//! crimes) beside `S10`, and OpenAI's *hate/threatening* is hate that threatens violence
//! (in the moderation development data, 22 of the 23 `H2` cases are also `V`, and only 3
//! are `HR`). Threats against a person (`violence.threat`) count for `HR`, as the
//! table's *harassment/threatening* says.
//!
//! The report gives, per label, precision, recall, F1 and support (the number of cases
//! where the label is 1), an overall accuracy (a case is *flagged* when some finding maps
//! to a label, and *positive* when some known label is 1), and the cases where a known
//! label disagrees with the prediction.
//!
//! # Labelled real-world posts
//!
//! ```json
//! {"id": "davidson-1", "lang": "en", "label": "violation", "categories": ["harassment.insult"], "text": "..."}
//! ```
//!
//! `label` is `violation` or `none`; `categories` (optional) lists taxonomy ids, and
//! `lang` (optional) the language. Other fields are ignored. A case is *flagged* when
//! its verdict holds any finding. The report gives:
//!
//! - overall precision, recall and F1 of *flagged* against `violation`, and the same per
//!   `lang`;
//! - per labelled category, precision, recall and F1. A category is scored on the cases
//!   where it is known: a `none` case is negative for every category, a `violation` with
//!   categories is positive for those and negative for the others, and a `violation`
//!   without categories (the source did not type it) is left out. Only categories
//!   that some case is positive for are scored. A finding counts for a labelled category
//!   by [`counts_for`]: the same id, or a finer id that the label's coarse id stands for
//!   (a generic `hate.derogation` label is met by any `hate.*` finding);
//! - per category the policy fired, on how many cases it fired and how many of them are
//!   labelled `violation` (its precision against the overall label);
//! - the cases the policy got wrong (a missed violation, a flagged `none`, or a known
//!   category missed or spurious).
//!
//! A file may mix the formats; the report then has a part for each.
//!
//! ```
//! use tosguard::eval::{evaluate, Case, Gold};
//! let policy = tosguard::Policy::baseline();
//! let cases = vec![
//!     Case::hatecheck("a", "derog_dehum_h", true, "Muslims are vermin."),
//!     Case::hatecheck("b", "ident_pos_nh", false, "Muslims are wonderful neighbours."),
//! ];
//! let report = evaluate(&policy, &cases);
//! let hc = report.hatecheck.as_ref().unwrap();
//! assert_eq!(hc.total, 2);
//! println!("{report}");
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::Policy;

/// The moderation labels, in report order.
pub const MODERATION_LABELS: [&str; 8] = ["S", "H", "V", "HR", "SH", "S3", "H2", "V2"];

/// The moderation labels a finding of `category` counts for (see the module docs).
pub fn moderation_labels(category: &str) -> &'static [&'static str] {
    match category {
        "violence.threat" => &["V", "HR"],
        "violence.incitement" | "violence.glorification" | "extremism.support" => &["V"],
        "violence.sexual" => &["V", "S"],
        "violence.graphic" => &["V", "V2"],
        "hate.threat" => &["H", "H2", "V"],
        "harassment.insult" => &["HR"],
        "self_harm.encouragement" => &["SH", "HR"],
        "self_harm.intent" => &["SH"],
        "sexual.minors" => &["S", "S3"],
        c if c.starts_with("hate.") => &["H"],
        c if c.starts_with("sexual.") => &["S"],
        _ => &[],
    }
}

/// Whether a finding of category `finding` counts for a case labelled with the taxonomy
/// id `label` (see the module docs):
///
/// | label | findings that count |
/// |---|---|
/// | `hate.derogation` (the id a generic "hate" label maps to) | any `hate.*` |
/// | `violence.threat`, `hate.threat` | `violence.threat`, `hate.threat`, `violence.incitement` |
/// | `harassment.insult` | any `harassment.*` |
/// | any other id | the same id |
pub fn counts_for(label: &str, finding: &str) -> bool {
    match label {
        "hate.derogation" => finding.starts_with("hate."),
        "violence.threat" | "hate.threat" => matches!(
            finding,
            "violence.threat" | "hate.threat" | "violence.incitement"
        ),
        "harassment.insult" => finding.starts_with("harassment."),
        _ => label == finding,
    }
}

/// What a case is labelled with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "format")]
pub enum Gold {
    /// A HateCheck-style case.
    HateCheck {
        /// The phenomenon the case tests (`(none)` when the file gives none).
        functionality: String,
        /// Whether the case is hateful.
        hateful: bool,
    },
    /// A moderation-style case: the known labels (a missing label is unknown).
    Moderation {
        /// Label → whether it applies.
        labels: BTreeMap<String, bool>,
    },
    /// A labelled real-world post.
    Labelled {
        /// `label` is `violation` (true) or `none` (false).
        violation: bool,
        /// The taxonomy ids the post is labelled with (empty when the source does not
        /// type it, and for `none`).
        categories: Vec<String>,
        /// Its language, when the file gives one.
        lang: Option<String>,
    },
}

/// One labelled text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Case {
    /// The case id (a string; numeric ids are written in decimal).
    pub id: String,
    /// The text to classify.
    pub text: String,
    /// Its labels.
    pub gold: Gold,
}

impl Case {
    /// A HateCheck-style case.
    pub fn hatecheck(id: &str, functionality: &str, hateful: bool, text: &str) -> Case {
        Case {
            id: id.to_string(),
            text: text.to_string(),
            gold: Gold::HateCheck {
                functionality: functionality.to_string(),
                hateful,
            },
        }
    }

    /// A labelled real-world post: `violation` or not, with its taxonomy ids.
    pub fn labelled(
        id: &str,
        violation: bool,
        categories: &[&str],
        lang: Option<&str>,
        text: &str,
    ) -> Case {
        Case {
            id: id.to_string(),
            text: text.to_string(),
            gold: Gold::Labelled {
                violation,
                categories: categories.iter().map(|c| c.to_string()).collect(),
                lang: lang.map(str::to_string),
            },
        }
    }

    /// A moderation-style case with the given known labels.
    pub fn moderation(id: &str, labels: &[(&str, bool)], text: &str) -> Case {
        Case {
            id: id.to_string(),
            text: text.to_string(),
            gold: Gold::Moderation {
                labels: labels.iter().map(|&(l, v)| (l.to_string(), v)).collect(),
            },
        }
    }
}

/// Why cases could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// The file could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A line is not a valid case.
    #[error("{}:{line}: {message}", path.display())]
    Line {
        /// The file.
        path: PathBuf,
        /// The line number, from 1.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Reads the cases of a JSON-lines file (blank lines are skipped). A malformed line is
/// an error that names its line number.
pub fn load_cases(path: &Path) -> Result<Vec<Case>, EvalError> {
    let src = std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_cases(&src).map_err(|(line, message)| EvalError::Line {
        path: path.to_path_buf(),
        line,
        message,
    })
}

/// Parses JSON-lines cases; an error is `(line number, message)`.
fn parse_cases(src: &str) -> Result<Vec<Case>, (usize, String)> {
    let mut cases = Vec::new();
    for (i, line) in src.lines().enumerate() {
        let lineno = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        cases.push(parse_case(line).map_err(|m| (lineno, m))?);
    }
    Ok(cases)
}

fn parse_case(line: &str) -> Result<Case, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(obj) = v else {
        return Err("a case must be a JSON object".into());
    };
    let id = match obj.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => return Err("`id` must be a string or a number".into()),
        None => return Err("no `id` field".into()),
    };
    let text = match obj.get("text") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err("`text` must be a string".into()),
        None => return Err("no `text` field".into()),
    };
    let gold = match (obj.get("label"), obj.get("labels")) {
        (Some(_), Some(_)) => return Err("a case has `label` or `labels`, not both".into()),
        (Some(Value::String(l)), None) if l == "violation" || l == "none" => {
            labelled_gold(&obj, l == "violation")?
        }
        (Some(label), None) => {
            let hateful = match label.as_str() {
                Some("hateful") => true,
                Some("non-hateful") => false,
                _ => {
                    return Err(format!(
                        "`label` must be \"hateful\" or \"non-hateful\" (HateCheck-style), or \"violation\" or \"none\" (labelled posts), not {label}"
                    ));
                }
            };
            let functionality = match obj.get("functionality") {
                Some(Value::String(s)) => s.clone(),
                None | Some(Value::Null) => "(none)".to_string(),
                Some(_) => return Err("`functionality` must be a string".into()),
            };
            Gold::HateCheck {
                functionality,
                hateful,
            }
        }
        (None, Some(Value::Object(map))) => {
            let mut labels = BTreeMap::new();
            for (k, v) in map {
                if !MODERATION_LABELS.contains(&k.as_str()) {
                    return Err(format!(
                        "unknown label `{k}`: labels are {}",
                        MODERATION_LABELS.join(", ")
                    ));
                }
                let on = match v {
                    Value::Bool(b) => *b,
                    Value::Number(n) if n.as_u64() == Some(0) => false,
                    Value::Number(n) if n.as_u64() == Some(1) => true,
                    Value::Null => continue,
                    other => return Err(format!("label `{k}` must be 0 or 1, not {other}")),
                };
                labels.insert(k.clone(), on);
            }
            Gold::Moderation { labels }
        }
        (None, Some(_)) => return Err("`labels` must be an object".into()),
        (None, None) => {
            return Err(
                "no `label` (HateCheck-style or labelled posts) or `labels` (moderation) field"
                    .into(),
            );
        }
    };
    Ok(Case { id, text, gold })
}

fn labelled_gold(obj: &serde_json::Map<String, Value>, violation: bool) -> Result<Gold, String> {
    let categories = match obj.get("categories") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|c| match c {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!("`categories` must hold strings, not {other}")),
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err("`categories` must be a list of taxonomy ids".into()),
    };
    if !violation && !categories.is_empty() {
        return Err("a case labelled \"none\" cannot have categories".into());
    }
    let lang = match obj.get("lang") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err("`lang` must be a string".into()),
    };
    Ok(Gold::Labelled {
        violation,
        categories,
        lang,
    })
}

/// Counts of a binary confusion matrix.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Confusion {
    /// Predicted positive, truly positive.
    pub tp: usize,
    /// Predicted positive, truly negative.
    pub fp: usize,
    /// Predicted negative, truly positive.
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// Predicted negative, truly negative.
    pub tn: usize,
}

impl Confusion {
    fn add(&mut self, predicted: bool, truth: bool) {
        match (predicted, truth) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }

    /// All counted cases.
    pub fn total(&self) -> usize {
        self.tp + self.fp + self.fn_ + self.tn
    }

    /// (tp + tn) / total; 0 when empty.
    pub fn accuracy(&self) -> f64 {
        ratio(self.tp + self.tn, self.total())
    }

    /// tp / (tp + fp); 0 when nothing was predicted positive.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// tp / (tp + fn); 0 when nothing is truly positive.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// The harmonic mean of precision and recall; 0 when both are 0.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    /// Truly positive cases.
    pub fn support(&self) -> usize {
        self.tp + self.fn_
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Precision, recall and F1 of one score, for serialisation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scores {
    /// Accuracy.
    pub accuracy: f64,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// The counts behind them.
    pub confusion: Confusion,
}

impl From<Confusion> for Scores {
    fn from(c: Confusion) -> Scores {
        Scores {
            accuracy: c.accuracy(),
            precision: c.precision(),
            recall: c.recall(),
            f1: c.f1(),
            confusion: c,
        }
    }
}

/// The accuracy on one functionality.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FunctionalityScore {
    /// The functionality.
    pub functionality: String,
    /// Correctly classified cases.
    pub correct: usize,
    /// All its cases.
    pub total: usize,
    /// correct / total.
    pub accuracy: f64,
}

/// A misclassified HateCheck-style case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HateCheckError {
    /// The case id.
    pub id: String,
    /// Its functionality.
    pub functionality: String,
    /// The text.
    pub text: String,
    /// The gold label (`hateful` or `non-hateful`).
    pub expected: &'static str,
    /// The prediction.
    pub got: &'static str,
    /// Every rule that fired, with its category (`rule (category)`).
    pub rules: Vec<String>,
}

/// The HateCheck-style part of a report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HateCheckReport {
    /// Cases scored.
    pub total: usize,
    /// Scores, the positive class being *hateful*.
    pub scores: Scores,
    /// Accuracy per functionality, worst first (ties by name).
    pub functionalities: Vec<FunctionalityScore>,
    /// How many cases were misclassified (`errors` may hold fewer, see
    /// [`Report::truncate_errors`]).
    pub error_count: usize,
    /// Misclassified cases, in input order.
    pub errors: Vec<HateCheckError>,
}

/// The scores of one moderation label.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabelScore {
    /// The label (`H`, `V`, ...).
    pub label: String,
    /// Cases where the label is 1.
    pub support: usize,
    /// Cases where the label is known.
    pub known: usize,
    /// Scores on the cases where the label is known.
    pub scores: Scores,
}

/// A moderation-style case where a known label disagrees with the prediction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModerationError {
    /// The case id.
    pub id: String,
    /// The text.
    pub text: String,
    /// The known labels that are 1.
    pub expected: Vec<String>,
    /// The labels the findings map to.
    pub got: Vec<String>,
    /// The known labels that were missed.
    pub missed: Vec<String>,
    /// The known-0 labels that were predicted.
    pub spurious: Vec<String>,
    /// Every rule that fired, with its category (`rule (category)`).
    pub rules: Vec<String>,
}

/// The moderation-style part of a report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModerationReport {
    /// Cases scored.
    pub total: usize,
    /// Any label flagged against any known label true.
    pub overall: Scores,
    /// Per label, in the order of [`MODERATION_LABELS`]; labels known in no case are left out.
    pub labels: Vec<LabelScore>,
    /// How many cases hold a wrong label (`errors` may hold fewer).
    pub error_count: usize,
    /// Those cases, in input order.
    pub errors: Vec<ModerationError>,
}

/// The scores of one labelled category (see the module docs for which cases count).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CategoryScore {
    /// The taxonomy id.
    pub category: String,
    /// Cases labelled with it.
    pub support: usize,
    /// Cases where it is known (positive or negative).
    pub known: usize,
    /// Scores on those cases.
    pub scores: Scores,
}

/// The scores of the labelled cases of one language.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LangScore {
    /// The `lang` field (`(none)` for cases without one).
    pub lang: String,
    /// Flagged against `violation`, on this language's cases.
    pub scores: Scores,
}

/// How often the policy fired one category, and how often rightly.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FiredCategory {
    /// The category of the findings.
    pub category: String,
    /// Cases with a finding of this category.
    pub cases: usize,
    /// Of them, the cases labelled `violation`.
    pub on_violations: usize,
    /// on_violations / cases.
    pub precision: f64,
}

/// A labelled case the policy got wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LabelledError {
    /// The case id.
    pub id: String,
    /// The text.
    pub text: String,
    /// `violation` or `none`.
    pub expected: &'static str,
    /// `violation` (some finding) or `none`.
    pub got: &'static str,
    /// The case's categories.
    pub categories: Vec<String>,
    /// Known categories no finding counts for.
    pub missed: Vec<String>,
    /// Known-negative categories some finding counts for.
    pub spurious: Vec<String>,
    /// Every rule that fired, with its category (`rule (category)`).
    pub rules: Vec<String>,
}

/// The labelled-posts part of a report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabelledReport {
    /// Cases scored.
    pub total: usize,
    /// Cases labelled `violation`.
    pub violations: usize,
    /// Flagged (any finding) against `violation`.
    pub overall: Scores,
    /// The same per language, by name; empty when no case has a `lang`.
    pub languages: Vec<LangScore>,
    /// Per labelled category, by name.
    pub categories: Vec<CategoryScore>,
    /// Per category the policy fired, most cases first.
    pub fired: Vec<FiredCategory>,
    /// How many cases were wrong (`errors` may hold fewer).
    pub error_count: usize,
    /// Those cases, in input order.
    pub errors: Vec<LabelledError>,
}

/// Accumulates the labelled part of a report.
#[derive(Default)]
struct LabelledTally {
    total: usize,
    violations: usize,
    overall: Confusion,
    per_lang: BTreeMap<String, Confusion>,
    /// Every category some case is positive for.
    labelled: std::collections::BTreeSet<String>,
    fired: BTreeMap<String, (usize, usize)>,
    /// (case index, finding categories, rules), for a second pass once every labelled
    /// category is known.
    seen: Vec<(usize, Vec<String>, Vec<String>)>,
}

impl LabelledTally {
    fn add(&mut self, index: usize, verdict: &crate::Verdict, gold: &Gold) {
        let Gold::Labelled {
            violation,
            categories,
            lang,
        } = gold
        else {
            return;
        };
        self.total += 1;
        self.violations += usize::from(*violation);
        let flagged = !verdict.is_clean();
        self.overall.add(flagged, *violation);
        if let Some(lang) = lang {
            self.per_lang
                .entry(lang.clone())
                .or_default()
                .add(flagged, *violation);
        }
        self.labelled.extend(categories.iter().cloned());
        let mut found: Vec<String> = verdict
            .findings()
            .iter()
            .map(|f| f.category().to_string())
            .collect();
        found.sort();
        found.dedup();
        for c in &found {
            let e = self.fired.entry(c.clone()).or_default();
            e.0 += 1;
            e.1 += usize::from(*violation);
        }
        self.seen.push((index, found, rules_of(verdict)));
    }

    fn finish(self, cases: &[Case]) -> Option<LabelledReport> {
        if self.total == 0 {
            return None;
        }
        let mut per_cat: BTreeMap<&str, Confusion> = BTreeMap::new();
        let mut errors = Vec::new();
        for (index, found, rules) in self.seen {
            let case = &cases[index];
            let Gold::Labelled {
                violation,
                categories,
                ..
            } = &case.gold
            else {
                continue;
            };
            let flagged = !found.is_empty();
            let (mut missed, mut spurious) = (Vec::new(), Vec::new());
            // A violation the source did not type says nothing about any category.
            if !*violation || !categories.is_empty() {
                for label in &self.labelled {
                    let truth = categories.contains(label);
                    let predicted = found.iter().any(|f| counts_for(label, f));
                    per_cat
                        .entry(label.as_str())
                        .or_default()
                        .add(predicted, truth);
                    if truth && !predicted {
                        missed.push(label.clone());
                    } else if predicted && !truth {
                        spurious.push(label.clone());
                    }
                }
            }
            if flagged != *violation || !missed.is_empty() || !spurious.is_empty() {
                errors.push(LabelledError {
                    id: case.id.clone(),
                    text: case.text.clone(),
                    expected: violation_name(*violation),
                    got: violation_name(flagged),
                    categories: categories.clone(),
                    missed,
                    spurious,
                    rules,
                });
            }
        }
        let mut fired: Vec<FiredCategory> = self
            .fired
            .into_iter()
            .map(|(category, (cases, on_violations))| FiredCategory {
                category,
                cases,
                on_violations,
                precision: ratio(on_violations, cases),
            })
            .collect();
        fired.sort_by(|a, b| b.cases.cmp(&a.cases).then(a.category.cmp(&b.category)));
        Some(LabelledReport {
            total: self.total,
            violations: self.violations,
            overall: self.overall.into(),
            languages: self
                .per_lang
                .into_iter()
                .map(|(lang, c)| LangScore {
                    lang,
                    scores: c.into(),
                })
                .collect(),
            categories: per_cat
                .into_iter()
                .map(|(c, conf)| CategoryScore {
                    category: c.to_string(),
                    support: conf.support(),
                    known: conf.total(),
                    scores: conf.into(),
                })
                .collect(),
            fired,
            error_count: errors.len(),
            errors,
        })
    }
}

fn violation_name(violation: bool) -> &'static str {
    if violation { "violation" } else { "none" }
}

/// The outcome of [`evaluate`]: serialisable, and printable as a plain-text table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The policy evaluated.
    pub policy: String,
    /// Cases scored.
    pub cases: usize,
    /// Scores on the HateCheck-style cases, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hatecheck: Option<HateCheckReport>,
    /// Scores on the moderation-style cases, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moderation: Option<ModerationReport>,
    /// Scores on the labelled real-world posts, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labelled: Option<LabelledReport>,
}

impl Report {
    /// Keeps at most `n` misclassified cases in each part (the counts stay whole).
    pub fn truncate_errors(&mut self, n: usize) {
        if let Some(h) = &mut self.hatecheck {
            h.errors.truncate(n);
        }
        if let Some(m) = &mut self.moderation {
            m.errors.truncate(n);
        }
        if let Some(l) = &mut self.labelled {
            l.errors.truncate(n);
        }
    }
}

fn rules_of(verdict: &crate::Verdict) -> Vec<String> {
    verdict
        .findings()
        .iter()
        .map(|f| format!("{} ({})", f.rule(), f.category()))
        .collect()
}

/// Classifies every case with `policy` and scores the verdicts.
pub fn evaluate(policy: &Policy, cases: &[Case]) -> Report {
    let mut hc_conf = Confusion::default();
    let mut per_func: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut hc_errors = Vec::new();
    let mut hc_total = 0usize;

    let mut mod_total = 0usize;
    let mut overall = Confusion::default();
    let mut per_label: BTreeMap<&str, Confusion> = BTreeMap::new();
    let mut mod_errors = Vec::new();
    let mut labelled = LabelledTally::default();

    for (index, case) in cases.iter().enumerate() {
        let verdict = policy.classify(&case.text);
        match &case.gold {
            Gold::Labelled { .. } => labelled.add(index, &verdict, &case.gold),
            Gold::HateCheck {
                functionality,
                hateful,
            } => {
                hc_total += 1;
                let predicted = verdict.has_category("hate.");
                hc_conf.add(predicted, *hateful);
                let e = per_func.entry(functionality.as_str()).or_default();
                e.1 += 1;
                if predicted == *hateful {
                    e.0 += 1;
                } else {
                    hc_errors.push(HateCheckError {
                        id: case.id.clone(),
                        functionality: functionality.clone(),
                        text: case.text.clone(),
                        expected: hate_name(*hateful),
                        got: hate_name(predicted),
                        rules: rules_of(&verdict),
                    });
                }
            }
            Gold::Moderation { labels } => {
                mod_total += 1;
                let mut got: Vec<&str> = verdict
                    .findings()
                    .iter()
                    .flat_map(|f| moderation_labels(f.category()).iter().copied())
                    .collect();
                got.sort_unstable_by_key(|l| label_rank(l));
                got.dedup();
                overall.add(!got.is_empty(), labels.values().any(|&v| v));
                let (mut missed, mut spurious) = (Vec::new(), Vec::new());
                for (label, &truth) in labels {
                    let predicted = got.contains(&label.as_str());
                    per_label
                        .entry(label_static(label))
                        .or_default()
                        .add(predicted, truth);
                    if predicted && !truth {
                        spurious.push(label.clone());
                    } else if truth && !predicted {
                        missed.push(label.clone());
                    }
                }
                if !missed.is_empty() || !spurious.is_empty() {
                    let mut expected: Vec<String> = labels
                        .iter()
                        .filter(|(_, v)| **v)
                        .map(|(k, _)| k.clone())
                        .collect();
                    expected.sort_by_key(|l| label_rank(l));
                    missed.sort_by_key(|l| label_rank(l));
                    spurious.sort_by_key(|l| label_rank(l));
                    mod_errors.push(ModerationError {
                        id: case.id.clone(),
                        text: case.text.clone(),
                        expected,
                        got: got.iter().map(|s| s.to_string()).collect(),
                        missed,
                        spurious,
                        rules: rules_of(&verdict),
                    });
                }
            }
        }
    }

    let hatecheck = (hc_total > 0).then(|| {
        let mut functionalities: Vec<FunctionalityScore> = per_func
            .into_iter()
            .map(|(f, (correct, total))| FunctionalityScore {
                functionality: f.to_string(),
                correct,
                total,
                accuracy: ratio(correct, total),
            })
            .collect();
        functionalities.sort_by(|a, b| {
            a.accuracy
                .total_cmp(&b.accuracy)
                .then_with(|| a.functionality.cmp(&b.functionality))
        });
        HateCheckReport {
            total: hc_total,
            scores: hc_conf.into(),
            functionalities,
            error_count: hc_errors.len(),
            errors: hc_errors,
        }
    });
    let moderation = (mod_total > 0).then(|| ModerationReport {
        total: mod_total,
        overall: overall.into(),
        labels: MODERATION_LABELS
            .iter()
            .filter_map(|&l| {
                per_label.get(l).map(|c| LabelScore {
                    label: l.to_string(),
                    support: c.support(),
                    known: c.total(),
                    scores: (*c).into(),
                })
            })
            .collect(),
        error_count: mod_errors.len(),
        errors: mod_errors,
    });
    Report {
        policy: policy.id().to_string(),
        cases: cases.len(),
        hatecheck,
        moderation,
        labelled: labelled.finish(cases),
    }
}

fn hate_name(hateful: bool) -> &'static str {
    if hateful { "hateful" } else { "non-hateful" }
}

fn label_rank(label: &str) -> usize {
    MODERATION_LABELS
        .iter()
        .position(|l| *l == label)
        .unwrap_or(MODERATION_LABELS.len())
}

fn label_static(label: &str) -> &'static str {
    MODERATION_LABELS
        .iter()
        .find(|l| **l == label)
        .copied()
        .unwrap_or("?")
}

/// A text shortened to `max` chars on one line, for tables.
fn clip(text: &str, max: usize) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut s: String = one_line.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "policy {}: {} cases", self.policy, self.cases)?;
        if let Some(h) = &self.hatecheck {
            let s = &h.scores;
            writeln!(
                f,
                "\nHateCheck-style: {} cases (positive = hateful)",
                h.total
            )?;
            writeln!(
                f,
                "  accuracy {:.3}  precision {:.3}  recall {:.3}  F1 {:.3}  (tp {} fp {} fn {} tn {})",
                s.accuracy,
                s.precision,
                s.recall,
                s.f1,
                s.confusion.tp,
                s.confusion.fp,
                s.confusion.fn_,
                s.confusion.tn
            )?;
            writeln!(f, "\n  accuracy  correct/total  functionality")?;
            for fs in &h.functionalities {
                writeln!(
                    f,
                    "  {:>8.3}  {:>7}/{:<5}  {}",
                    fs.accuracy, fs.correct, fs.total, fs.functionality
                )?;
            }
            if h.error_count > 0 {
                writeln!(
                    f,
                    "\n  misclassified: {} (showing {})",
                    h.error_count,
                    h.errors.len()
                )?;
                for e in &h.errors {
                    writeln!(
                        f,
                        "  {} [{}] expected {}, got {}: {:?}",
                        e.id,
                        e.functionality,
                        e.expected,
                        e.got,
                        clip(&e.text, 100)
                    )?;
                    if !e.rules.is_empty() {
                        writeln!(f, "      fired: {}", e.rules.join(", "))?;
                    }
                }
            }
        }
        if let Some(m) = &self.moderation {
            let o = &m.overall;
            writeln!(f, "\nModeration-style: {} cases", m.total)?;
            writeln!(
                f,
                "  overall (any label): accuracy {:.3}  precision {:.3}  recall {:.3}  F1 {:.3}",
                o.accuracy, o.precision, o.recall, o.f1
            )?;
            writeln!(f, "\n  label  precision  recall     F1  support  known")?;
            for l in &m.labels {
                writeln!(
                    f,
                    "  {:<5}  {:>9.3}  {:>6.3}  {:>5.3}  {:>7}  {:>5}",
                    l.label, l.scores.precision, l.scores.recall, l.scores.f1, l.support, l.known
                )?;
            }
            if m.error_count > 0 {
                writeln!(
                    f,
                    "\n  wrong: {} (showing {})",
                    m.error_count,
                    m.errors.len()
                )?;
                for e in &m.errors {
                    writeln!(
                        f,
                        "  {} expected [{}] got [{}]: {:?}",
                        e.id,
                        e.expected.join(","),
                        e.got.join(","),
                        clip(&e.text, 100)
                    )?;
                    if !e.rules.is_empty() {
                        writeln!(f, "      fired: {}", e.rules.join(", "))?;
                    }
                }
            }
        }
        if let Some(l) = &self.labelled {
            write_labelled(f, l)?;
        }
        Ok(())
    }
}

fn write_scores_row(f: &mut fmt::Formatter<'_>, name: &str, s: &Scores) -> fmt::Result {
    writeln!(
        f,
        "  {:<22} {:>9.3}  {:>6.3}  {:>5.3}  {:>7}  {:>6}  {:>6}",
        name,
        s.precision,
        s.recall,
        s.f1,
        s.confusion.support(),
        s.confusion.tp + s.confusion.fp,
        s.confusion.total()
    )
}

fn write_labelled(f: &mut fmt::Formatter<'_>, l: &LabelledReport) -> fmt::Result {
    writeln!(
        f,
        "\nLabelled posts: {} cases, {} violations",
        l.total, l.violations
    )?;
    writeln!(
        f,
        "\n  {:<22} {:>9}  {:>6}  {:>5}  {:>7}  {:>6}  {:>6}",
        "", "precision", "recall", "F1", "support", "flagged", "known"
    )?;
    write_scores_row(f, "overall (any finding)", &l.overall)?;
    for lang in &l.languages {
        write_scores_row(f, &format!("lang {}", lang.lang), &lang.scores)?;
    }
    for c in &l.categories {
        write_scores_row(f, &c.category, &c.scores)?;
    }
    if !l.fired.is_empty() {
        writeln!(
            f,
            "\n  fired category           cases  on violations  precision"
        )?;
        for c in &l.fired {
            writeln!(
                f,
                "  {:<24} {:>6}  {:>13}  {:>9.3}",
                c.category, c.cases, c.on_violations, c.precision
            )?;
        }
    }
    if l.error_count > 0 {
        writeln!(
            f,
            "\n  wrong: {} (showing {})",
            l.error_count,
            l.errors.len()
        )?;
        for e in &l.errors {
            let mut detail = Vec::new();
            if !e.missed.is_empty() {
                detail.push(format!("missed {}", e.missed.join(",")));
            }
            if !e.spurious.is_empty() {
                detail.push(format!("spurious {}", e.spurious.join(",")));
            }
            writeln!(
                f,
                "  {} expected {} [{}] got {}{}: {:?}",
                e.id,
                e.expected,
                e.categories.join(","),
                e.got,
                if detail.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", detail.join("; "))
                },
                clip(&e.text, 100)
            )?;
            if !e.rules.is_empty() {
                writeln!(f, "      fired: {}", e.rules.join(", "))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    /// A tiny policy: "vermin" is hate, "kill you" a threat, "idiot" harassment, "rape"
    /// sexual violence.
    fn policy() -> Policy {
        Policy::from_toml_str(
            r#"
[policy]
id = "eval-test"
extends = ["taxonomy"]

[lexicons.t_hate]
terms = ["vermin"]

[lexicons.t_threat]
terms = ["kill you"]

[lexicons.t_insult]
terms = ["idiot"]

[lexicons.t_rape]
terms = ["rape you"]

[[rules]]
id = "t.hate"
category = "hate.dehumanization"
when = "t_hate"
examples.violating = ["they are vermin"]
examples.allowed = ["they are neighbours"]

[[rules]]
id = "t.threat"
category = "violence.threat"
when = "t_threat"
examples.violating = ["I will kill you"]
examples.allowed = ["I will call you"]

[[rules]]
id = "t.insult"
category = "harassment.insult"
when = "t_insult"
examples.violating = ["you idiot"]
examples.allowed = ["you genius"]

[[rules]]
id = "t.rape"
category = "violence.sexual"
when = "t_rape"
examples.violating = ["I will rape you"]
examples.allowed = ["I will help you"]
"#,
        )
        .unwrap()
    }

    #[test]
    fn confusion_metrics_on_a_known_matrix() {
        let c = Confusion {
            tp: 6,
            fp: 2,
            fn_: 3,
            tn: 9,
        };
        assert_eq!(c.total(), 20);
        assert!((c.accuracy() - 0.75).abs() < 1e-12);
        assert!((c.precision() - 0.75).abs() < 1e-12);
        assert!((c.recall() - 6.0 / 9.0).abs() < 1e-12);
        let f1 = 2.0 * 0.75 * (6.0 / 9.0) / (0.75 + 6.0 / 9.0);
        assert!((c.f1() - f1).abs() < 1e-12);
        assert_eq!(c.support(), 9);
        let empty = Confusion::default();
        assert_eq!(
            (
                empty.accuracy(),
                empty.precision(),
                empty.recall(),
                empty.f1()
            ),
            (0.0, 0.0, 0.0, 0.0)
        );
    }

    #[test]
    fn hatecheck_scores_functionalities_and_errors() {
        let cases = vec![
            Case::hatecheck("1", "dehum_h", true, "They are vermin."),
            Case::hatecheck("2", "dehum_h", true, "They are a plague."),
            Case::hatecheck("3", "counter_nh", false, "Calling them vermin is wrong."),
            Case::hatecheck("4", "counter_nh", false, "They are neighbours."),
            // A threat is not hate: predicted non-hateful.
            Case::hatecheck("5", "threat_nh", false, "I will kill you."),
        ];
        let r = evaluate(&policy(), &cases);
        assert!(r.moderation.is_none());
        let h = r.hatecheck.unwrap();
        assert_eq!(h.total, 5);
        let c = h.scores.confusion;
        assert_eq!((c.tp, c.fp, c.fn_, c.tn), (1, 1, 1, 2));
        assert!((h.scores.accuracy - 0.6).abs() < 1e-12);
        assert!((h.scores.precision - 0.5).abs() < 1e-12);
        assert!((h.scores.recall - 0.5).abs() < 1e-12);
        // Worst first, ties by name.
        let order: Vec<(&str, usize, usize)> = h
            .functionalities
            .iter()
            .map(|f| (f.functionality.as_str(), f.correct, f.total))
            .collect();
        assert_eq!(
            order,
            vec![("counter_nh", 1, 2), ("dehum_h", 1, 2), ("threat_nh", 1, 1)]
        );
        assert_eq!(h.error_count, 2);
        assert_eq!(h.errors[0].id, "2");
        assert_eq!(h.errors[0].expected, "hateful");
        assert_eq!(h.errors[0].got, "non-hateful");
        assert!(h.errors[0].rules.is_empty());
        assert_eq!(h.errors[1].id, "3");
        assert_eq!(h.errors[1].rules, vec!["t.hate (hate.dehumanization)"]);
    }

    #[test]
    fn moderation_maps_categories_and_skips_unknown_labels() {
        let cases = vec![
            // Threat: V and HR.
            Case::moderation(
                "a",
                &[("V", true), ("HR", true), ("H", false)],
                "I will kill you",
            ),
            // Insult labelled only HR; V unknown, so a V prediction could not count.
            Case::moderation("b", &[("HR", true)], "you idiot"),
            // Clean, and labelled clean.
            Case::moderation("c", &[("H", false), ("V", false), ("HR", false)], "hello"),
            // Hate missed; H is true.
            Case::moderation("d", &[("H", true), ("V", false)], "they are a plague"),
            // Sexual violence: V and S; S labelled 0 here, so it is a spurious S.
            Case::moderation("e", &[("V", true), ("S", false)], "I will rape you"),
        ];
        let r = evaluate(&policy(), &cases);
        assert!(r.hatecheck.is_none());
        let m = r.moderation.unwrap();
        assert_eq!(m.total, 5);
        let get = |l: &str| m.labels.iter().find(|s| s.label == l).unwrap();
        let v = get("V");
        assert_eq!((v.known, v.support), (4, 2));
        assert_eq!(
            (
                v.scores.confusion.tp,
                v.scores.confusion.fp,
                v.scores.confusion.fn_
            ),
            (2, 0, 0)
        );
        let h = get("H");
        assert_eq!((h.known, h.support), (3, 1));
        assert_eq!(h.scores.recall, 0.0);
        let hr = get("HR");
        assert_eq!((hr.scores.confusion.tp, hr.scores.confusion.tn), (2, 1));
        let s = get("S");
        assert_eq!((s.known, s.scores.confusion.fp), (1, 1));
        // Labels never known are left out.
        assert!(m.labels.iter().all(|l| l.label != "SH"));
        // Order follows MODERATION_LABELS.
        let order: Vec<&str> = m.labels.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(order, vec!["S", "H", "V", "HR"]);
        // Overall: a, b, e flagged and positive; d positive, missed; c clean.
        let o = m.overall.confusion;
        assert_eq!((o.tp, o.fp, o.fn_, o.tn), (3, 0, 1, 1));
        let ids: Vec<&str> = m.errors.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, vec!["d", "e"]);
        assert_eq!(m.errors[0].missed, vec!["H"]);
        assert_eq!(m.errors[1].spurious, vec!["S"]);
        assert_eq!(m.errors[1].got, vec!["S", "V"]);
    }

    #[test]
    fn labelled_posts_score_overall_per_language_and_per_category() {
        let cases = vec![
            // Generic hate label, met by a finer hate finding.
            Case::labelled(
                "1",
                true,
                &["hate.derogation"],
                Some("en"),
                "they are vermin",
            ),
            // Insult caught; hate.derogation known negative here.
            Case::labelled("2", true, &["harassment.insult"], Some("en"), "you idiot"),
            // A threat labelled as a threat, in French.
            Case::labelled(
                "3",
                true,
                &["violence.threat"],
                Some("fr"),
                "I will kill you",
            ),
            // Missed hate.
            Case::labelled(
                "4",
                true,
                &["hate.derogation"],
                Some("en"),
                "they are a plague",
            ),
            // Untyped violation, caught: counts overall, for no category.
            Case::labelled("5", true, &[], Some("fr"), "sale idiot"),
            // A false flag.
            Case::labelled("6", false, &[], Some("en"), "what vermin did to the crops"),
            // Clean and left alone.
            Case::labelled("7", false, &[], None, "hello"),
        ];
        let r = evaluate(&policy(), &cases);
        assert!(r.hatecheck.is_none() && r.moderation.is_none());
        let l = r.labelled.unwrap();
        assert_eq!((l.total, l.violations), (7, 5));
        let o = l.overall.confusion;
        assert_eq!((o.tp, o.fp, o.fn_, o.tn), (4, 1, 1, 1));
        let langs: Vec<(&str, usize, usize)> = l
            .languages
            .iter()
            .map(|s| {
                (
                    s.lang.as_str(),
                    s.scores.confusion.tp,
                    s.scores.confusion.fp,
                )
            })
            .collect();
        assert_eq!(langs, vec![("en", 2, 1), ("fr", 2, 0)]);
        let get = |c: &str| l.categories.iter().find(|s| s.category == c).unwrap();
        let hate = get("hate.derogation");
        // Known on 1, 2, 3, 4, 6, 7 (not on the untyped 5).
        assert_eq!((hate.known, hate.support), (6, 2));
        let c = hate.scores.confusion;
        assert_eq!((c.tp, c.fp, c.fn_, c.tn), (1, 1, 1, 3));
        let insult = get("harassment.insult");
        assert_eq!(
            (
                insult.support,
                insult.scores.confusion.tp,
                insult.scores.confusion.fp
            ),
            (1, 1, 0)
        );
        let threat = get("violence.threat");
        assert_eq!((threat.support, threat.scores.recall), (1, 1.0));
        // Only categories some case is labelled with are scored.
        assert_eq!(l.categories.len(), 3);
        let fired: Vec<(&str, usize, usize)> = l
            .fired
            .iter()
            .map(|f| (f.category.as_str(), f.cases, f.on_violations))
            .collect();
        assert_eq!(
            fired,
            vec![
                ("harassment.insult", 2, 2),
                ("hate.dehumanization", 2, 1),
                ("violence.threat", 1, 1)
            ]
        );
        let wrong: Vec<&str> = l.errors.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(wrong, vec!["4", "6"]);
        assert_eq!(l.errors[0].missed, vec!["hate.derogation"]);
        assert_eq!(
            (l.errors[1].expected, l.errors[1].got),
            ("none", "violation")
        );
        assert_eq!(l.errors[1].spurious, vec!["hate.derogation"]);
        let text = r_display(&cases);
        assert!(
            text.contains("Labelled posts: 7 cases, 5 violations"),
            "{text}"
        );
        assert!(text.contains("hate.derogation"), "{text}");
    }

    fn r_display(cases: &[Case]) -> String {
        evaluate(&policy(), cases).to_string()
    }

    #[test]
    fn labelled_categories_count_by_the_table() {
        assert!(counts_for("hate.derogation", "hate.slur"));
        assert!(counts_for("hate.derogation", "hate.threat"));
        assert!(!counts_for("hate.derogation", "harassment.insult"));
        assert!(counts_for("violence.threat", "hate.threat"));
        assert!(counts_for("hate.threat", "violence.incitement"));
        assert!(!counts_for("violence.threat", "violence.graphic"));
        assert!(counts_for("harassment.insult", "harassment.insult"));
        assert!(counts_for("profanity", "profanity"));
        assert!(!counts_for("profanity", "harassment.insult"));
    }

    #[test]
    fn mapping_follows_the_taxonomy_table() {
        assert_eq!(moderation_labels("hate.slur"), &["H"]);
        assert_eq!(moderation_labels("hate.threat"), &["H", "H2", "V"]);
        assert_eq!(moderation_labels("violence.threat"), &["V", "HR"]);
        assert_eq!(moderation_labels("extremism.support"), &["V"]);
        assert_eq!(moderation_labels("sexual.minors"), &["S", "S3"]);
        assert_eq!(moderation_labels("sexual.explicit"), &["S"]);
        assert_eq!(moderation_labels("self_harm.encouragement"), &["SH", "HR"]);
        assert!(moderation_labels("profanity").is_empty());
        assert!(moderation_labels("custom.thing").is_empty());
    }

    #[test]
    fn parses_both_formats_and_names_the_bad_line() {
        let src = concat!(
            r#"{"id": "h1", "functionality": "slur_h", "label": "hateful", "target": "x", "text": "t1"}"#,
            "\n\n",
            r#"{"id": 7, "labels": {"H": 1, "V": 0, "S3": true}, "text": "t2"}"#,
            "\n",
            r#"{"id": "d-1", "lang": "fr", "text": "t3", "label": "violation", "categories": ["harassment.insult"], "source": "x"}"#,
            "\n",
            r#"{"id": "d-2", "text": "t4", "label": "none"}"#,
            "\n",
        );
        let cases = parse_cases(src).unwrap();
        assert_eq!(cases.len(), 4);
        assert_eq!(
            cases[2],
            Case::labelled("d-1", true, &["harassment.insult"], Some("fr"), "t3")
        );
        assert_eq!(cases[3], Case::labelled("d-2", false, &[], None, "t4"));
        assert_eq!(cases[0], Case::hatecheck("h1", "slur_h", true, "t1"));
        assert_eq!(
            cases[1],
            Case::moderation("7", &[("H", true), ("V", false), ("S3", true)], "t2")
        );

        let bad = concat!(
            r#"{"id": "a", "label": "hateful", "text": "x"}"#,
            "\n",
            r#"{"id": "b", "label": "maybe", "text": "x"}"#,
            "\n"
        );
        let (line, msg) = parse_cases(bad).unwrap_err();
        assert_eq!(line, 2);
        assert!(msg.contains("hateful"), "{msg}");

        for (src, needle) in [
            ("{not json", "invalid JSON"),
            (r#"{"id": "a", "text": "x"}"#, "no `label`"),
            (
                r#"{"id": "a", "labels": {"Q": 1}, "text": "x"}"#,
                "unknown label `Q`",
            ),
            (
                r#"{"id": "a", "labels": {"H": 2}, "text": "x"}"#,
                "must be 0 or 1",
            ),
            (r#"{"label": "hateful", "text": "x"}"#, "no `id`"),
            (r#"{"id": "a", "label": "hateful"}"#, "no `text`"),
            ("[1, 2]", "JSON object"),
            (
                r#"{"id": "a", "label": "none", "categories": ["x"], "text": "x"}"#,
                "cannot have categories",
            ),
            (
                r#"{"id": "a", "label": "violation", "categories": "x", "text": "x"}"#,
                "list of taxonomy ids",
            ),
            (
                r#"{"id": "a", "label": "toxic", "text": "x"}"#,
                "\"violation\"",
            ),
        ] {
            let (line, msg) = parse_cases(&format!("\n{src}\n")).unwrap_err();
            assert_eq!(line, 2, "{src}");
            assert!(msg.contains(needle), "{src}: {msg}");
        }
    }

    #[test]
    fn load_cases_reports_path_and_line() {
        let dir = std::env::temp_dir().join(format!("tosguard-eval-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("cases.jsonl");
        std::fs::write(
            &path,
            "{\"id\":1,\"label\":\"non-hateful\",\"text\":\"hi\"}\n{\"id\":2,\n",
        )
        .unwrap();
        let err = load_cases(&path).unwrap_err();
        match &err {
            EvalError::Line { line, .. } => assert_eq!(*line, 2),
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("cases.jsonl:2:"), "{err}");
        let missing = load_cases(&dir.join("nope.jsonl")).unwrap_err();
        assert!(matches!(missing, EvalError::Io { .. }));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn truncate_keeps_counts_and_display_shows_both_parts() {
        let cases = vec![
            Case::hatecheck("1", "f_h", true, "nothing here"),
            Case::hatecheck("2", "f_h", true, "nothing there"),
            Case::moderation("m", &[("HR", true)], "plain"),
        ];
        let mut r = evaluate(&policy(), &cases);
        r.truncate_errors(1);
        let h = r.hatecheck.as_ref().unwrap();
        assert_eq!((h.error_count, h.errors.len()), (2, 1));
        let text = r.to_string();
        assert!(text.contains("HateCheck-style: 2 cases"), "{text}");
        assert!(text.contains("misclassified: 2 (showing 1)"), "{text}");
        assert!(text.contains("Moderation-style: 1 cases"), "{text}");
        assert!(text.contains("HR"), "{text}");
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["hatecheck"]["scores"]["confusion"]["fn"], 2);
        assert_eq!(json["moderation"]["labels"][0]["label"], "HR");
    }
}
