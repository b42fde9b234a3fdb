//! Policy sources: parse TOML into packs, follow `extends` to registered sources,
//! built-in packs and files, and order the packs parents first.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::builtin;
use crate::error::{Problem, ProblemKind};
use crate::spec::PolicyFile;

/// Where a pack came from, used to find its parents and detect cycles.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Origin {
    Builtin(String),
    Named(String),
    File(PathBuf),
    Memory,
}

/// A parsed policy file with its text, for error locations.
pub(crate) struct Pack {
    pub(crate) origin: Origin,
    /// How errors name this pack: a path, a built-in name, or `<policy>`.
    pub(crate) display: String,
    pub(crate) src: Option<String>,
    pub(crate) file: PolicyFile,
}

impl Pack {
    pub(crate) fn problem(&self, p: Problem, span: std::ops::Range<usize>) -> Problem {
        let mut p = match &self.src {
            Some(src) if span.end > 0 => p.at(src, span),
            _ => p,
        };
        p.source = self.display.clone();
        p
    }
}

/// Parses TOML into a pack, or the syntax problem.
#[allow(clippy::result_large_err)]
pub(crate) fn parse_pack(origin: Origin, display: String, src: String) -> Result<Pack, Problem> {
    match toml::from_str::<PolicyFile>(&src) {
        Ok(file) => Ok(Pack {
            origin,
            display,
            src: Some(src),
            file,
        }),
        Err(e) => {
            let msg = e.message().trim().trim_end_matches('.').to_string();
            let mut p = Problem::new(ProblemKind::Syntax, "", lower_first(&msg));
            if let Some(span) = e.span() {
                p = p.at(&src, span);
            }
            p.source = display;
            Err(p)
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Named sources a host registered, consulted before built-in packs.
pub(crate) type Sources = BTreeMap<String, String>;

fn resolve(
    name: &str,
    from: &Origin,
    sources: &Sources,
) -> Result<(Origin, String, String), String> {
    if let Some(src) = sources.get(name) {
        return Ok((Origin::Named(name.into()), name.into(), src.clone()));
    }
    if let Some(src) = builtin::source(name) {
        return Ok((Origin::Builtin(name.into()), name.into(), src.to_string()));
    }
    let looks_like_path = name.ends_with(".toml") || name.contains('/');
    if looks_like_path {
        let base = match from {
            Origin::File(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            _ => PathBuf::from("."),
        };
        let path = base.join(name);
        let path = path.canonicalize().unwrap_or(path);
        return match std::fs::read_to_string(&path) {
            Ok(src) => Ok((Origin::File(path.clone()), path.display().to_string(), src)),
            Err(e) => Err(format!("cannot read `{}`: {e}", path.display())),
        };
    }
    let names: Vec<&str> = builtin::builtin_names().collect();
    Err(format!(
        "unknown policy `{name}`: built-in policies are {}; a file must end in `.toml`",
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// Loads `root` and everything it extends, parents first, each pack once. The
/// `contexts` pack always comes first.
pub(crate) fn load_tree(root: Pack, sources: &Sources, problems: &mut Vec<Problem>) -> Vec<Pack> {
    let mut out = Vec::new();
    let mut visited = HashSet::new();
    let mut stack = Vec::new();
    if root.origin != Origin::Builtin("contexts".into()) {
        if let Some(src) = builtin::source("contexts") {
            match parse_pack(
                Origin::Builtin("contexts".into()),
                "contexts".into(),
                src.into(),
            ) {
                Ok(p) => {
                    visited.insert(p.origin.clone());
                    out.push(p);
                }
                Err(p) => problems.push(p),
            }
        }
    }
    visit(root, sources, &mut stack, &mut visited, &mut out, problems);
    out
}

fn visit(
    pack: Pack,
    sources: &Sources,
    stack: &mut Vec<Origin>,
    visited: &mut HashSet<Origin>,
    out: &mut Vec<Pack>,
    problems: &mut Vec<Problem>,
) {
    visited.insert(pack.origin.clone());
    stack.push(pack.origin.clone());
    for (i, parent) in pack.file.policy.extends.iter().enumerate() {
        let path = format!("policy.extends[{i}]");
        match resolve(parent.get_ref(), &pack.origin, sources) {
            Ok((origin, display, src)) => {
                if stack.contains(&origin) {
                    let chain: Vec<String> = stack
                        .iter()
                        .map(origin_name)
                        .chain(std::iter::once(origin_name(&origin)))
                        .collect();
                    problems.push(pack.problem(
                        Problem::new(
                            ProblemKind::ExtendsCycle,
                            path,
                            format!(
                                "policies extend each other in a cycle: {}",
                                chain.join(" -> ")
                            ),
                        ),
                        parent.span(),
                    ));
                    continue;
                }
                if visited.contains(&origin) {
                    continue;
                }
                match parse_pack(origin, display, src) {
                    Ok(child) => visit(child, sources, stack, visited, out, problems),
                    Err(p) => problems.push(p),
                }
            }
            Err(msg) => problems.push(pack.problem(
                Problem::new(ProblemKind::UnknownParent, path, msg),
                parent.span(),
            )),
        }
    }
    stack.pop();
    out.push(pack);
}

fn origin_name(o: &Origin) -> String {
    match o {
        Origin::Builtin(n) | Origin::Named(n) => n.clone(),
        Origin::File(p) => p.display().to_string(),
        Origin::Memory => "<policy>".into(),
    }
}
