//! Phase 1: policy ids, categories, and `[override.categories]`.
//!
//! A category override sets the severity, the action, the terms-of-service clause or
//! the title of a category an earlier pack defined. Setting only the severity also
//! resets the action to that severity's default action, even when the defining pack
//! chose an action explicitly; an override that means to keep a particular action
//! names it again.

use std::collections::HashMap;

use super::{Builder, valid_id};
use crate::compiled::{Category, CategoryId};
use crate::dsa::{DSA_KEYWORDS, DSA_STATEMENT_CATEGORIES};
use crate::error::{Problem, ProblemKind};
use crate::source::Pack;
use crate::spec::{CategorySpec, S};
use crate::suggest;

/// The categories of every pack, with an index by id.
pub(super) struct Categories {
    pub(super) list: Vec<Category>,
    pub(super) index: HashMap<String, CategoryId>,
}

impl Categories {
    pub(super) fn get(&self, id: CategoryId) -> Option<&Category> {
        self.list.get(id.index())
    }

    /// Every category id, in definition order.
    pub(super) fn names(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|c| c.id.as_str())
    }
}

/// Checks every pack's id, collects the categories in pack order, and applies the
/// category overrides.
pub(super) fn compile(b: &mut Builder<'_>) -> Categories {
    let mut cats = Categories {
        list: Vec::new(),
        index: HashMap::new(),
    };
    let mut owner: HashMap<String, String> = HashMap::new();
    for (pi, pack) in b.packs.iter().enumerate() {
        check_policy_id(b, pi, pack);
        for (cid, cat) in &pack.file.categories {
            if let Some(c) = define(b, pi, cid, cat, &owner) {
                owner.insert(cid.clone(), pack.display.clone());
                cats.index
                    .insert(cid.clone(), CategoryId::new(cats.list.len()));
                cats.list.push(c);
            }
        }
    }
    apply_overrides(b, &mut cats);
    cats
}

fn check_policy_id(b: &mut Builder<'_>, pi: usize, pack: &Pack) {
    let id = &pack.file.policy.id;
    if !valid_id(id.get_ref()) {
        b.report(
            pi,
            Problem::new(
                ProblemKind::InvalidValue,
                "policy.id",
                format!(
                    "`{}` is not a valid id: use letters, digits, `.`, `_` and `-`",
                    id.get_ref()
                ),
            ),
            id.span(),
        );
    }
}

/// Validates category `cid` of pack `pi`; `None` if another pack already defines it.
fn define(
    b: &mut Builder<'_>,
    pi: usize,
    cid: &str,
    cat: &S<CategorySpec>,
    owner: &HashMap<String, String>,
) -> Option<Category> {
    let path = format!("categories.{cid}");
    if !valid_id(cid) {
        b.report(
            pi,
            Problem::new(
                ProblemKind::InvalidValue,
                path.clone(),
                format!("`{cid}` is not a valid category id"),
            ),
            cat.span(),
        );
    }
    if let Some(owner) = owner.get(cid) {
        b.report(
            pi,
            Problem::new(
                ProblemKind::DuplicateId,
                path,
                format!("category `{cid}` is already defined by `{owner}`"),
            ),
            cat.span(),
        );
        return None;
    }
    let c = cat.get_ref();
    if let Some(d) = &c.dsa_category {
        check_dsa_value(b, pi, &path, "dsa_category", d, DSA_STATEMENT_CATEGORIES);
    }
    for k in &c.dsa_keywords {
        check_dsa_value(b, pi, &path, "dsa_keywords", k, DSA_KEYWORDS);
    }
    Some(Category {
        id: cid.to_string(),
        title: c.title.clone(),
        description: c.description.clone(),
        tos_ref: c.tos_ref.clone(),
        severity: c.severity,
        action: c.action.unwrap_or_else(|| c.severity.default_action()),
        dsa_category: c.dsa_category.as_ref().map(|d| d.get_ref().clone()),
        dsa_keywords: c.dsa_keywords.iter().map(|k| k.get_ref().clone()).collect(),
    })
}

/// Reports `value` of field `field` unless it is one of the Transparency Database's
/// `allowed` values.
fn check_dsa_value(
    b: &mut Builder<'_>,
    pi: usize,
    path: &str,
    field: &str,
    value: &S<String>,
    allowed: &[&str],
) {
    let v = value.get_ref();
    if allowed.contains(&v.as_str()) {
        return;
    }
    let (what, prefix) = if field == "dsa_category" {
        ("statement category", "STATEMENT_CATEGORY_")
    } else {
        ("keyword", "KEYWORD_")
    };
    // `violence` or `HATE_SPEECH`: the value without its prefix.
    let upper = v.to_ascii_uppercase();
    let prefixed = format!("{prefix}{upper}");
    let fix = match allowed.iter().find(|a| **a == upper || **a == prefixed) {
        Some(a) => format!(" (did you mean `{a}`?)"),
        None => suggest::hint(&upper, allowed.iter().copied()),
    };
    b.report(
        pi,
        Problem::new(
            ProblemKind::InvalidValue,
            format!("{path}.{field}"),
            format!("`{v}` is not a DSA Transparency Database {what}{fix}"),
        ),
        value.span(),
    );
}

/// `[override.categories]` of every pack, in pack order.
fn apply_overrides(b: &mut Builder<'_>, cats: &mut Categories) {
    for (pi, pack) in b.packs.iter().enumerate() {
        for (cid, ov) in &pack.file.overrides.categories {
            let o = ov.get_ref();
            let found = cats
                .index
                .get(cid)
                .and_then(|&i| cats.list.get_mut(i.index()));
            match found {
                Some(c) => {
                    if let Some(sev) = o.severity {
                        c.severity = sev;
                        if o.action.is_none() {
                            c.action = sev.default_action();
                        }
                    }
                    if let Some(a) = o.action {
                        c.action = a;
                    }
                    if let Some(t) = &o.tos_ref {
                        c.tos_ref = Some(t.clone());
                    }
                    if let Some(t) = &o.title {
                        c.title = Some(t.clone());
                    }
                }
                None => b.report(
                    pi,
                    Problem::new(
                        ProblemKind::UnknownOverride,
                        format!("override.categories.{cid}"),
                        format!("no category `{cid}` to override"),
                    ),
                    ov.span(),
                ),
            }
        }
    }
}
