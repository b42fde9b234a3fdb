//! Statements of reasons (EU Digital Services Act, Article 17) in the field names of
//! the DSA Transparency Database API, for content a verdict removes.

use serde::{Deserialize, Serialize};

use crate::verdict::{Action, Verdict};

/// How far a decision was automated (`automated_decision` in the API).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AutomatedDecision {
    /// Decided by tosguard alone (the default).
    #[default]
    #[serde(rename = "AUTOMATED_DECISION_FULLY")]
    Fully,
    /// tosguard's verdict confirmed by a person.
    #[serde(rename = "AUTOMATED_DECISION_PARTIALLY")]
    Partially,
    /// Decided by a person.
    #[serde(rename = "AUTOMATED_DECISION_NOT_AUTOMATED")]
    NotAutomated,
}

/// A statement of reasons for removed content, with the field names and values of the
/// DSA Transparency Database API. Fields the platform alone knows (`puid`,
/// `content_date`, `application_date`, territorial scope…) are left to the caller,
/// except `puid`, which [`StatementOptions`] can set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementOfReasons {
    /// `["DECISION_VISIBILITY_CONTENT_REMOVED"]`.
    pub decision_visibility: Vec<String>,
    /// `DECISION_GROUND_INCOMPATIBLE_CONTENT`: the content breaks the terms of service.
    pub decision_ground: String,
    /// The terms-of-service clause the removing rule enforces.
    pub incompatible_content_ground: String,
    /// Which rules found what, in plain words.
    pub incompatible_content_explanation: String,
    /// The DSA statement category (`STATEMENT_CATEGORY_…`).
    pub category: String,
    /// DSA keywords (`KEYWORD_…`) of the removing categories.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub category_specification: Vec<String>,
    /// `["CONTENT_TYPE_TEXT"]`.
    pub content_type: Vec<String>,
    /// The evidence: the words of the text each removing rule rests on.
    pub decision_facts: String,
    /// `"Yes"`: the content was detected by automated means.
    pub automated_detection: String,
    /// How far the decision was automated.
    pub automated_decision: AutomatedDecision,
    /// `SOURCE_VOLUNTARY`: found by the provider's own moderation.
    pub source_type: String,
    /// The platform's unique id of the statement, if given.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub puid: Option<String>,
}

/// Choices that [`Verdict::statement_of_reasons_with`] cannot infer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatementOptions {
    /// How far the decision was automated.
    pub automated_decision: AutomatedDecision,
    /// The platform's unique id for the statement.
    pub puid: Option<String>,
}

impl Verdict {
    /// The statement of reasons for this verdict, if it removes the content and the
    /// removing finding's category names a DSA statement category.
    ///
    /// ```
    /// let v = tosguard::Policy::baseline().classify("I will kill you");
    /// let sor = v.statement_of_reasons().unwrap();
    /// assert_eq!(sor.decision_ground, "DECISION_GROUND_INCOMPATIBLE_CONTENT");
    /// assert_eq!(sor.category, "STATEMENT_CATEGORY_VIOLENCE");
    /// ```
    pub fn statement_of_reasons(&self) -> Option<StatementOfReasons> {
        self.statement_of_reasons_with(&StatementOptions::default())
    }

    /// [`Verdict::statement_of_reasons`] with the caller's choices.
    pub fn statement_of_reasons_with(
        &self,
        options: &StatementOptions,
    ) -> Option<StatementOfReasons> {
        if self.action() != Action::Remove {
            return None;
        }
        let removing: Vec<_> = self
            .findings()
            .iter()
            .filter(|f| f.action() == Action::Remove)
            .collect();
        // The most severe removing finding that names a DSA category decides the
        // category and ground; the others are listed in the explanation and facts.
        let primary = removing
            .iter()
            .filter(|f| f.dsa_category().is_some())
            .max_by_key(|f| f.severity())?;
        let mut keywords: Vec<String> = removing
            .iter()
            .flat_map(|f| f.dsa_keywords().iter().cloned())
            .collect();
        keywords.sort();
        keywords.dedup();
        let explanation = removing
            .iter()
            .map(|f| {
                format!(
                    "rule `{}` of policy `{}` found {} ({} severity)",
                    f.rule(),
                    self.policy(),
                    f.category(),
                    f.severity()
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let facts = removing
            .iter()
            .map(|f| {
                let quoted: Vec<String> = f
                    .evidence()
                    .iter()
                    .map(|e| format!("\"{}\"", e.text()))
                    .collect();
                format!("{}: {}", f.category(), quoted.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ");
        Some(StatementOfReasons {
            decision_visibility: vec!["DECISION_VISIBILITY_CONTENT_REMOVED".into()],
            decision_ground: "DECISION_GROUND_INCOMPATIBLE_CONTENT".into(),
            incompatible_content_ground: primary
                .tos_ref()
                .unwrap_or(primary.category())
                .to_string(),
            incompatible_content_explanation: format!(
                "{explanation}. Decided by policy `{}` version `{}` ({}).",
                self.policy(),
                self.version(),
                self.fingerprint()
            ),
            category: primary.dsa_category().unwrap_or_default().to_string(),
            category_specification: keywords,
            content_type: vec!["CONTENT_TYPE_TEXT".into()],
            decision_facts: format!("Evidence in the content: {facts}."),
            automated_detection: "Yes".into(),
            automated_decision: options.automated_decision,
            source_type: "SOURCE_VOLUNTARY".into(),
            puid: options.puid.clone(),
        })
    }
}
