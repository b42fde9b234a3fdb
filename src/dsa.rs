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

/// The statement categories of the DSA Transparency Database API (`category`): those
/// of its current schema and the earlier names it still documents
/// (`STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE`, now `…_OTHER_VIOLATION_TC`).
pub const DSA_STATEMENT_CATEGORIES: &[&str] = &[
    "STATEMENT_CATEGORY_ANIMAL_WELFARE",
    "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
    "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR",
    "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
    "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT",
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
    "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
    "STATEMENT_CATEGORY_SELF_HARM",
    "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS",
    "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "STATEMENT_CATEGORY_VIOLENCE",
];

/// The keywords of the DSA Transparency Database API (`category_specification`), of
/// its current schema and the earlier ones.
pub const DSA_KEYWORDS: &[&str] = &[
    "KEYWORD_ADULT_SEXUAL_MATERIAL",
    "KEYWORD_AGE_SPECIFIC_RESTRICTIONS",
    "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS",
    "KEYWORD_ANIMAL_HARM",
    "KEYWORD_BIOMETRIC_DATA_BREACH",
    "KEYWORD_BULLYING_AGAINST_GIRLS",
    "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",
    "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
    "KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS",
    "KEYWORD_COORDINATED_HARM",
    "KEYWORD_COPYRIGHT_INFRINGEMENT",
    "KEYWORD_CYBER_BULLYING_INTIMIDATION",
    "KEYWORD_CYBER_HARASSMENT",
    "KEYWORD_CYBER_HARASSMENT_AGAINST_WOMEN",
    "KEYWORD_CYBER_INCITEMENT",
    "KEYWORD_CYBER_STALKING",
    "KEYWORD_CYBER_STALKING_AGAINST_WOMEN",
    "KEYWORD_DANGEROUS_TOYS",
    "KEYWORD_DATA_FALSIFICATION",
    "KEYWORD_DEFAMATION",
    "KEYWORD_DESIGN_INFRINGEMENT",
    "KEYWORD_DISCRIMINATION",
    "KEYWORD_DISINFORMATION",
    "KEYWORD_FEMALE_GENDERED_DISINFORMATION",
    "KEYWORD_FOREIGN_INFORMATION_MANIPULATION",
    "KEYWORD_GENDER_BASED_VIOLENCE",
    "KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT",
    "KEYWORD_GEOGRAPHICAL_REQUIREMENTS",
    "KEYWORD_GOODS_SERVICES_NOT_PERMITTED",
    "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",
    "KEYWORD_HATE_SPEECH",
    "KEYWORD_HIDDEN_ADVERTISEMENT",
    "KEYWORD_HUMAN_EXPLOITATION",
    "KEYWORD_HUMAN_TRAFFICKING",
    "KEYWORD_ILLEGAL_ORGANIZATIONS",
    "KEYWORD_IMAGE_BASED_SEXUAL_ABUSE",
    "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING",
    "KEYWORD_INAUTHENTIC_ACCOUNTS",
    "KEYWORD_INAUTHENTIC_LISTINGS",
    "KEYWORD_INAUTHENTIC_USER_REVIEWS",
    "KEYWORD_INCITEMENT_AGAINST_WOMEN",
    "KEYWORD_INCITEMENT_VIOLENCE_HATRED",
    "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS",
    "KEYWORD_INSUFFICIENT_INFORMATION_TRADERS",
    "KEYWORD_LANGUAGE_REQUIREMENTS",
    "KEYWORD_MISINFORMATION",
    "KEYWORD_MISINFORMATION_DISINFORMATION",
    "KEYWORD_MISLEADING_INFO_CONSUMER_RIGHTS",
    "KEYWORD_MISLEADING_INFO_GOODS_SERVICES",
    "KEYWORD_MISSING_PROCESSING_GROUND",
    "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING",
    "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
    "KEYWORD_NON_CONSENSUAL_ITEMS_DEEPFAKE",
    "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",
    "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",
    "KEYWORD_NONCOMPLIANCE_PRICING",
    "KEYWORD_NUDITY",
    "KEYWORD_ONLINE_BULLYING_INTIMIDATION",
    "KEYWORD_OTHER",
    "KEYWORD_PATENT_INFRINGEMENT",
    "KEYWORD_PHISHING",
    "KEYWORD_PROHIBITED_PRODUCTS",
    "KEYWORD_PYRAMID_SCHEMES",
    "KEYWORD_REGULATED_GOODS_SERVICES",
    "KEYWORD_RIGHT_TO_BE_FORGOTTEN",
    "KEYWORD_RISK_ENVIRONMENTAL_DAMAGE",
    "KEYWORD_RISK_PUBLIC_HEALTH",
    "KEYWORD_SELF_MUTILATION",
    "KEYWORD_STALKING",
    "KEYWORD_SUICIDE",
    "KEYWORD_TERRORIST_CONTENT",
    "KEYWORD_TRADE_SECRET_INFRINGEMENT",
    "KEYWORD_TRADEMARK_INFRINGEMENT",
    "KEYWORD_TRAFFICKING_WOMEN_GIRLS",
    "KEYWORD_UNLAWFUL_SALE_ANIMALS",
    "KEYWORD_UNSAFE_CHALLENGES",
    "KEYWORD_UNSAFE_PRODUCTS",
];
