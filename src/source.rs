//! Policy sources: parse TOML into packs, follow `extends` to registered sources,
//! built-in packs and files, and order the packs parents first.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::builtin;
use crate::error::{Problem, ProblemKind};
use crate::spec::PolicyFile;
use crate::suggest;

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
    /// The TOML text (borrowed for a built-in pack: not copied).
    pub(crate) src: Option<Cow<'static, str>>,
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
pub(crate) fn parse_pack(
    origin: Origin,
    display: String,
    src: Cow<'static, str>,
) -> Result<Pack, Problem> {
    match toml::from_str::<PolicyFile>(&src) {
        Ok(file) => Ok(Pack {
            origin,
            display,
            src: Some(src),
            file,
        }),
        Err(e) => {
            let mut p = syntax_problem(&src, &e);
            p.source = display;
            Err(p)
        }
    }
}

/// A TOML syntax error as a problem. The parser finds a missing `,` or `]` only at the
/// next element or line, possibly lines later: the caret goes back to the end of the
/// element a comma should follow, and the message says where the array opened.
pub(crate) fn syntax_problem(src: &str, e: &toml::de::Error) -> Problem {
    let mut msg = lower_first(e.message().trim().trim_end_matches('.'));
    let Some(mut span) = e.span() else {
        return Problem::new(ProblemKind::Syntax, "", msg);
    };
    if let Some(open) = open_array_at(src, span.start) {
        if msg.contains("missing comma") {
            let end = end_of_previous_token(src, span.start).max(open + 1);
            span = end..end + 1;
        }
        let opened = crate::error::Location::of_offset(src, open);
        if opened.line < crate::error::Location::of_offset(src, span.start).line {
            msg.push_str(&format!(
                " (in the array opened at line {}, column {}: is a `,` or `]` missing?)",
                opened.line, opened.column
            ));
        }
    }
    Problem::new(ProblemKind::Syntax, "", msg).at(src, span)
}

/// The offset of the innermost `[` of a value that is still open at `offset`, skipping
/// strings and comments; table headers (`[x]`, `[[x]]` at the start of a line outside
/// any array) are not values.
fn open_array_at(src: &str, offset: usize) -> Option<usize> {
    let bytes = src.as_bytes();
    let mut open: Vec<usize> = Vec::new();
    let mut i = 0;
    let mut line_start = true;
    while i < offset.min(bytes.len()) {
        let b = bytes[i];
        match b {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' => {
                i = skip_string(bytes, i);
                line_start = false;
                continue;
            }
            b'\n' => line_start = true,
            b'[' if line_start && open.is_empty() => {
                // A table header: skip to the end of its line.
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'[' => open.push(i),
            b']' => {
                open.pop();
            }
            b' ' | b'\t' | b'\r' => {}
            _ => line_start = false,
        }
        if b != b'\n' && !matches!(b, b' ' | b'\t' | b'\r') {
            line_start = false;
        }
        i += 1;
    }
    open.last().copied()
}

/// The offset just past the string that starts at `at` (basic or literal, one-line or
/// multi-line), or the end of the text if it is not closed.
fn skip_string(bytes: &[u8], at: usize) -> usize {
    let q = bytes[at];
    let triple = bytes.get(at..at + 3) == Some(&[q, q, q][..]);
    let mut i = at + if triple { 3 } else { 1 };
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\\' && q == b'"' {
            i += 2;
            continue;
        }
        if b == q && (!triple || bytes.get(i..i + 3) == Some(&[q, q, q][..])) {
            return i + if triple { 3 } else { 1 };
        }
        if b == b'\n' && !triple {
            return i;
        }
        i += 1;
    }
    bytes.len()
}

/// The offset just past the last token before `offset`, skipping whitespace and
/// comments.
fn end_of_previous_token(src: &str, offset: usize) -> usize {
    let mut end = offset.min(src.len());
    loop {
        let before = src[..end].trim_end();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        match comment_start(&before[line_start..]) {
            Some(h) => end = line_start + h,
            None => return before.len(),
        }
    }
}

/// Where the comment of a line starts, if it has one (a `#` outside strings).
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => return Some(i),
            b'"' | b'\'' => i = skip_string(bytes, i),
            _ => i += 1,
        }
    }
    None
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
) -> Result<(Origin, String, Cow<'static, str>), String> {
    if let Some(src) = sources.get(name) {
        return Ok((Origin::Named(name.into()), name.into(), src.clone().into()));
    }
    if let Some(src) = builtin::source(name) {
        return Ok((Origin::Builtin(name.into()), name.into(), src.into()));
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
            Ok(src) => Ok((
                Origin::File(path.clone()),
                path.display().to_string(),
                src.into(),
            )),
            Err(e) => Err(format!("cannot read `{}`: {e}", path.display())),
        };
    }
    let names: Vec<&str> = builtin::builtin_names().collect();
    let mut known: Vec<&str> = names.clone();
    known.extend(sources.keys().map(String::as_str));
    Err(format!(
        "unknown policy `{name}`{}: built-in policies are {}; a file must end in `.toml`",
        suggest::hint(name, known),
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// How long a chain of `extends` may be: packs are loaded depth first, one stack
/// frame per pack.
const MAX_EXTENDS_DEPTH: usize = 64;

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
        if stack.len() >= MAX_EXTENDS_DEPTH {
            problems.push(pack.problem(
                Problem::new(
                    ProblemKind::LimitExceeded,
                    path,
                    format!("policies extend each other more than {MAX_EXTENDS_DEPTH} deep"),
                ),
                parent.span(),
            ));
            continue;
        }
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

/// Where each byte of a TOML string value sits in the source: escapes (`\"`, `\\`,
/// `\u00e9`, a line-ending backslash) make the two differ, and an error inside a
/// condition must point at the source.
pub(crate) struct ValueOffsets {
    /// The source offset of each byte of the value, then of its end.
    table: Vec<usize>,
}

impl ValueOffsets {
    /// The offsets of the string value whose source span (quotes included) is `span`;
    /// without a source, every offset maps to 0 (no location).
    pub(crate) fn new(src: Option<&str>, span: &Range<usize>) -> Self {
        let Some(src) = src else {
            return ValueOffsets { table: Vec::new() };
        };
        let rest = src.get(span.start..span.end).unwrap_or("");
        let (basic, quote) = if rest.starts_with("\"\"\"") {
            (true, 3)
        } else if rest.starts_with("'''") {
            (false, 3)
        } else if rest.starts_with('"') {
            (true, 1)
        } else if rest.starts_with('\'') {
            (false, 1)
        } else {
            (false, 0)
        };
        let mut at = span.start + quote;
        let body = src.get(at..span.end.saturating_sub(quote)).unwrap_or("");
        let mut body = body;
        // A newline right after the opening quotes of a multi-line string is not
        // part of the value.
        if quote == 3 {
            for nl in ["\r\n", "\n"] {
                if let Some(b) = body.strip_prefix(nl) {
                    at += nl.len();
                    body = b;
                    break;
                }
            }
        }
        let mut table = Vec::with_capacity(body.len() + 1);
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let here = at + i;
            if !(basic && c == '\\') {
                table.extend(std::iter::repeat_n(here, c.len_utf8()));
                continue;
            }
            let Some(&(_, e)) = chars.peek() else { break };
            let value_len = match e {
                'u' | 'U' | 'x' => {
                    let digits = match e {
                        'u' => 4,
                        'U' => 8,
                        _ => 2,
                    };
                    chars.next();
                    let mut hex = String::new();
                    for _ in 0..digits {
                        if let Some((_, d)) = chars.next() {
                            hex.push(d);
                        }
                    }
                    u32::from_str_radix(&hex, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .map_or(1, char::len_utf8)
                }
                e if e.is_whitespace() => {
                    // A line-ending backslash: the whitespace that follows is dropped.
                    while chars.peek().is_some_and(|&(_, w)| w.is_whitespace()) {
                        chars.next();
                    }
                    0
                }
                _ => {
                    chars.next();
                    1
                }
            };
            table.extend(std::iter::repeat_n(here, value_len));
        }
        table.push(at + body.len());
        ValueOffsets { table }
    }

    /// The source offset of byte `offset` of the value.
    pub(crate) fn at(&self, offset: usize) -> usize {
        self.table
            .get(offset)
            .or(self.table.last())
            .copied()
            .unwrap_or(0)
    }

    /// The source range of bytes `range` of the value.
    pub(crate) fn range(&self, range: Range<usize>) -> Range<usize> {
        self.at(range.start)..self.at(range.end)
    }
}
