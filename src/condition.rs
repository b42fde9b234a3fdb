//! The condition language of rules (`when = "…"`): lexicon names, inline phrases,
//! signal comparisons (`signal(hate) >= 0.8`), built-in operands (`@name`), `and`, `or`,
//! `not`, parentheses, the proximity operators `before(N)` and `near(N)`, and `except`.
//!
//! Precedence, loosest first: `or`, `and`, `not`, proximity and `except`. Proximity and
//! `except` chains read left to right.

use std::ops::Range;

use crate::error::ProblemKind;
use crate::suggest;

/// A parsed condition. Spans are byte ranges into the condition string.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Expr {
    /// A lexicon reference.
    Lexicon(String, Range<usize>),
    /// `signal(NAME) >= X` (or `> X`): a learned signal's score compared with a
    /// threshold in `0..=1`. `NAME` is a category of the built-in model or
    /// `MODEL.CATEGORY`.
    Signal(SignalCmp, Range<usize>),
    /// An inline phrase.
    Phrase(String, Range<usize>),
    Not(Box<Expr>, Range<usize>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    /// `a before(n) b`: b starts at most n tokens after a ends.
    Before(Box<Expr>, Box<Expr>, u32),
    /// `a near(n) b`: at most n tokens apart, either order.
    Near(Box<Expr>, Box<Expr>, u32),
    /// `a except b`: the matches of a that share no word with a match of b.
    Except(Box<Expr>, Box<Expr>),
}

/// A mistake in a condition, with its byte span in the condition string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CondError {
    pub(crate) kind: ProblemKind,
    pub(crate) message: String,
    pub(crate) span: Range<usize>,
}

/// The comparison of a `signal(…)` operand.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SignalCmp {
    /// What is inside the parentheses: `hate` or `model.hate`.
    pub(crate) name: String,
    /// `>` rather than `>=`.
    pub(crate) strict: bool,
    /// The threshold, in `0..=1`.
    pub(crate) threshold: f32,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Signal(SignalCmp),
    Phrase(String),
    And,
    Or,
    Not,
    Before(u32),
    Near(u32),
    Except,
    Open,
    Close,
}

fn err(kind: ProblemKind, message: impl Into<String>, span: Range<usize>) -> CondError {
    CondError {
        kind,
        message: message.into(),
        span,
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.' || c == '-'
}

fn lex(src: &str, errors: &mut Vec<CondError>) -> Option<Vec<(Tok, Range<usize>)>> {
    let mut toks = Vec::new();
    let mut it = src.char_indices().peekable();
    while let Some(&(i, c)) = it.peek() {
        if c.is_whitespace() {
            it.next();
            continue;
        }
        match c {
            '(' => {
                it.next();
                toks.push((Tok::Open, i..i + 1));
            }
            ')' => {
                it.next();
                toks.push((Tok::Close, i..i + 1));
            }
            '"' => {
                it.next();
                let mut text = String::new();
                let mut end = None;
                while let Some((j, d)) = it.next() {
                    match d {
                        '"' => {
                            end = Some(j + 1);
                            break;
                        }
                        '\\' => {
                            if let Some((_, e)) = it.next() {
                                text.push(e);
                            }
                        }
                        _ => text.push(d),
                    }
                }
                let Some(end) = end else {
                    errors.push(err(
                        ProblemKind::BadCondition,
                        "unclosed `\"`",
                        i..src.len(),
                    ));
                    return None;
                };
                if text.trim().is_empty() {
                    errors.push(err(ProblemKind::EmptyTerm, "empty phrase", i..end));
                }
                toks.push((Tok::Phrase(text), i..end));
            }
            c if is_ident_char(c) || c == '@' => {
                let mut end = i + c.len_utf8();
                it.next();
                while let Some(&(j, d)) = it.peek() {
                    if is_ident_char(d) {
                        end = j + d.len_utf8();
                        it.next();
                    } else {
                        break;
                    }
                }
                let word = &src[i..end];
                if word.eq_ignore_ascii_case("signal") && src[end..].trim_start().starts_with('(') {
                    match signal_arg(src, end) {
                        Ok((cmp, arg_end)) => {
                            while it.peek().is_some_and(|&(j, _)| j < arg_end) {
                                it.next();
                            }
                            toks.push((Tok::Signal(cmp), i..arg_end));
                        }
                        Err((message, span)) => {
                            errors.push(err(ProblemKind::BadCondition, message, span));
                            return None;
                        }
                    }
                    continue;
                }
                let tok = match word.to_ascii_lowercase().as_str() {
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    "not" => Tok::Not,
                    "except" => Tok::Except,
                    op @ ("before" | "near") => {
                        match proximity_arg(src, end, &mut it) {
                            Ok((n, arg_end)) => {
                                if n == 0 {
                                    errors.push(err(
                                        ProblemKind::ZeroProximity,
                                        format!("`{op}(0)`: a distance must be at least 1 word"),
                                        i..arg_end,
                                    ));
                                }
                                toks.push((
                                    if op == "before" {
                                        Tok::Before(n)
                                    } else {
                                        Tok::Near(n)
                                    },
                                    i..arg_end,
                                ));
                            }
                            Err(e) => {
                                errors.push(err(
                                    ProblemKind::BadCondition,
                                    format!(
                                        "`{op}` needs a distance in words, as in `{op}(3)`: {e}"
                                    ),
                                    i..end,
                                ));
                                return None;
                            }
                        }
                        continue;
                    }
                    _ => {
                        let lower = word.to_ascii_lowercase();
                        if src[end..].trim_start().starts_with('(')
                            && suggest::did_you_mean(&lower, ["signal"]).is_some()
                        {
                            // `sginal(hate) >= 0.8`: a mistyped `signal`.
                            errors.push(err(
                                ProblemKind::BadCondition,
                                format!("unknown operator `{word}(…)` (did you mean `signal`?)"),
                                i..end,
                            ));
                            return None;
                        }
                        if let Some(n) = call_arg(&src[end..]) {
                            // `beofre(3)`: a mistyped proximity operator, not a name.
                            let fix = suggest::did_you_mean(&word.to_ascii_lowercase(), OPERATORS)
                                .filter(|op| matches!(*op, "before" | "near"))
                                .map(|op| format!(" (did you mean `{op}({n})`?)"))
                                .unwrap_or_default();
                            errors.push(err(
                                ProblemKind::BadCondition,
                                format!(
                                    "unknown operator `{word}({n})`{fix}: the proximity operators are `before(N)` and `near(N)`"
                                ),
                                i..end,
                            ));
                            return None;
                        }
                        Tok::Ident(word.to_string())
                    }
                };
                toks.push((tok, i..end));
            }
            other => {
                errors.push(err(
                    ProblemKind::BadCondition,
                    format!("unexpected `{other}`"),
                    i..i + other.len_utf8(),
                ));
                return None;
            }
        }
    }
    Some(toks)
}

/// The operators of the condition language, for suggestions.
const OPERATORS: [&str; 6] = ["and", "or", "not", "before", "near", "except"];

/// N, when `rest` starts with `(N)` (spaces allowed): what follows a proximity operator.
fn call_arg(rest: &str) -> Option<u32> {
    let inner = rest.trim_start().strip_prefix('(')?;
    let close = inner.find(')')?;
    inner[..close].trim().parse().ok()
}

/// Parses `(NAME) >= X` (or `> X`) after the keyword `signal` ending at byte `from`;
/// returns the comparison and the end offset, or a message and its span.
fn signal_arg(src: &str, from: usize) -> Result<(SignalCmp, usize), (String, Range<usize>)> {
    const FORM: &str = "write a signal as `signal(CATEGORY) >= X` or `signal(MODEL.CATEGORY) > X`, with X from 0 to 1";
    let skip_ws = |at: usize| {
        src.get(at..)
            .map_or(at, |r| at + (r.len() - r.trim_start().len()))
    };
    let open = skip_ws(from);
    let rest = src.get(open + 1..).unwrap_or("");
    let Some(close_rel) = rest.find(')') else {
        return Err((
            format!("unclosed `signal(`: {FORM}"),
            from.saturating_sub(6)..src.len(),
        ));
    };
    let close = open + 1 + close_rel;
    let inner = rest.get(..close_rel).unwrap_or("").trim();
    let name_ok = !inner.is_empty()
        && inner
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if !name_ok {
        return Err((
            format!(
                "`signal({inner})`: the name is a category (`hate`) or MODEL.CATEGORY (`mine.hate`)"
            ),
            open..close + 1,
        ));
    }
    let op_at = skip_ws(close + 1);
    let after = src.get(op_at..).unwrap_or("");
    let (strict, op_len) = if after.starts_with(">=") {
        (false, 2)
    } else if after.starts_with('>') {
        (true, 1)
    } else {
        let hint = if after.starts_with('<') {
            ": for a score below a threshold, write `… and not signal(…) >= X`"
        } else {
            ""
        };
        return Err((
            format!("`signal({inner})` needs a comparison: {FORM}{hint}"),
            op_at..(op_at + 1).min(src.len()).max(op_at),
        ));
    };
    let num_at = skip_ws(op_at + op_len);
    let num_len = src
        .get(num_at..)
        .unwrap_or("")
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(src.len() - num_at.min(src.len()));
    let num = src.get(num_at..num_at + num_len).unwrap_or("");
    let end = num_at + num_len;
    match num.parse::<f32>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok((
            SignalCmp {
                name: inner.to_ascii_lowercase(),
                strict,
                threshold: x,
            },
            end,
        )),
        _ => Err((
            format!(
                "`{}` is not a threshold from 0 to 1: {FORM}",
                if num.is_empty() { "(nothing)" } else { num }
            ),
            num_at..end.max(num_at + 1).min(src.len().max(num_at)),
        )),
    }
}

/// Parses `(N)` after a proximity keyword; returns N and the end offset.
fn proximity_arg(
    src: &str,
    from: usize,
    it: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
) -> Result<(u32, usize), String> {
    let rest = &src[from..];
    let trimmed = rest.trim_start();
    let lead = rest.len() - trimmed.len();
    if !trimmed.starts_with('(') {
        return Err("missing `(`".into());
    }
    let close = trimmed.find(')').ok_or("missing `)`")?;
    let inner = trimmed[1..close].trim();
    let n: u32 = inner
        .parse()
        .map_err(|_| format!("`{inner}` is not a whole number"))?;
    let end = from + lead + close + 1;
    while let Some(&(j, _)) = it.peek() {
        if j < end {
            it.next();
        } else {
            break;
        }
    }
    Ok((n, end))
}

struct Parser<'a> {
    toks: &'a [(Tok, Range<usize>)],
    pos: usize,
    len: usize,
    /// How deep the condition may nest.
    nest_limit: usize,
    /// Open parentheses and `not`s around the current position.
    open: usize,
}

/// A parsed (sub)condition and how deep its tree is (a name or a phrase is 0 deep).
type Parsed = (Expr, usize);

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }

    fn here(&self) -> Range<usize> {
        self.toks
            .get(self.pos)
            .map(|t| t.1.clone())
            .unwrap_or(self.len..self.len)
    }

    /// Fails if a tree `depth` deep, or `open` parentheses and `not`s, would nest
    /// deeper than the limit; `span` is the operator that would.
    fn check_depth(&self, depth: usize, span: Range<usize>) -> Result<(), CondError> {
        if depth.max(self.open) <= self.nest_limit {
            return Ok(());
        }
        Err(err(
            ProblemKind::LimitExceeded,
            format!(
                "the condition nests deeper than {} levels (each parenthesis, `not` and operator of a chain is one): put long lists of alternatives in a lexicon",
                self.nest_limit
            ),
            span,
        ))
    }

    /// A chain of `op`-separated operands, read left to right.
    fn chain(
        &mut self,
        op: &Tok,
        operand: fn(&mut Self) -> Result<Parsed, CondError>,
        join: fn(Box<Expr>, Box<Expr>) -> Expr,
    ) -> Result<Parsed, CondError> {
        let (mut left, mut depth) = operand(self)?;
        while self.peek() == Some(op) {
            let span = self.here();
            self.pos += 1;
            let (right, d) = operand(self)?;
            depth = depth.max(d) + 1;
            self.check_depth(depth, span)?;
            left = join(Box::new(left), Box::new(right));
        }
        Ok((left, depth))
    }

    fn or(&mut self) -> Result<Parsed, CondError> {
        self.chain(&Tok::Or, Self::and, Expr::Or)
    }

    fn and(&mut self) -> Result<Parsed, CondError> {
        self.chain(&Tok::And, Self::unary, Expr::And)
    }

    fn unary(&mut self) -> Result<Parsed, CondError> {
        if self.peek() == Some(&Tok::Not) {
            let start = self.here().start;
            self.open += 1;
            self.check_depth(0, self.here())?;
            self.pos += 1;
            let (inner, depth) = self.unary()?;
            self.open -= 1;
            let end = self
                .toks
                .get(self.pos.saturating_sub(1))
                .map(|t| t.1.end)
                .unwrap_or(self.len);
            return Ok((Expr::Not(Box::new(inner), start..end), depth + 1));
        }
        self.proximity()
    }

    fn proximity(&mut self) -> Result<Parsed, CondError> {
        let (mut left, mut depth) = self.atom()?;
        loop {
            let span = self.here();
            let op = match self.peek() {
                Some(t @ (Tok::Before(_) | Tok::Near(_) | Tok::Except)) => t.clone(),
                _ => return Ok((left, depth)),
            };
            self.pos += 1;
            let (right, d) = self.atom()?;
            depth = depth.max(d) + 1;
            self.check_depth(depth, span)?;
            let (a, b) = (Box::new(left), Box::new(right));
            left = match op {
                Tok::Near(n) => Expr::Near(a, b, n),
                Tok::Before(n) => Expr::Before(a, b, n),
                _ => Expr::Except(a, b),
            };
        }
    }

    fn atom(&mut self) -> Result<Parsed, CondError> {
        let span = self.here();
        let Some(tok) = self.peek().cloned() else {
            return Err(err(
                ProblemKind::BadCondition,
                "the condition ends too early: expected a lexicon name, a \"phrase\" or `(`",
                span,
            ));
        };
        self.pos += 1;
        match tok {
            Tok::Ident(name) => Ok((Expr::Lexicon(name, span), 0)),
            Tok::Signal(cmp) => Ok((Expr::Signal(cmp, span), 0)),
            Tok::Phrase(text) => Ok((Expr::Phrase(text, span), 0)),
            Tok::Open => {
                self.open += 1;
                self.check_depth(0, span)?;
                let inner = self.or()?;
                self.open -= 1;
                if self.peek() == Some(&Tok::Close) {
                    self.pos += 1;
                    Ok(inner)
                } else {
                    Err(err(ProblemKind::BadCondition, "expected `)`", self.here()))
                }
            }
            Tok::Not => Err(err(
                ProblemKind::BadCondition,
                "`not` cannot stand here: put the negated part in parentheses, as in `a before(2) (b or c)` or `a and not b`",
                span,
            )),
            other => Err(err(
                ProblemKind::BadCondition,
                format!(
                    "expected a lexicon name, a \"phrase\" or `(`, found {}",
                    describe(&other)
                ),
                span,
            )),
        }
    }
}

fn describe(t: &Tok) -> &'static str {
    match t {
        Tok::Ident(_) => "a name",
        Tok::Signal(_) => "a signal",
        Tok::Phrase(_) => "a phrase",
        Tok::And => "`and`",
        Tok::Or => "`or`",
        Tok::Not => "`not`",
        Tok::Before(_) => "`before`",
        Tok::Near(_) => "`near`",
        Tok::Except => "`except`",
        Tok::Open => "`(`",
        Tok::Close => "`)`",
    }
}

/// Parses a condition nesting at most `nest_limit` levels, returning every mistake
/// found. No tree deeper than the limit is ever built, so every later walk of the
/// condition is bounded too.
pub(crate) fn parse(src: &str, nest_limit: usize) -> Result<Expr, Vec<CondError>> {
    let mut errors = Vec::new();
    let Some(toks) = lex(src, &mut errors) else {
        return Err(errors);
    };
    if toks.is_empty() {
        errors.push(err(
            ProblemKind::BadCondition,
            "the condition is empty",
            0..src.len(),
        ));
        return Err(errors);
    }
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        len: src.len(),
        nest_limit,
        open: 0,
    };
    match p.or() {
        Ok((expr, _)) => {
            if p.pos < toks.len() {
                let span = p.here();
                let tok = toks.get(p.pos).map(|t| &t.0);
                let what = tok.map(describe).unwrap_or("text");
                // `a adn b`: a name where an operator belongs may be a mistyped one.
                let fix = match tok {
                    Some(Tok::Ident(name)) => suggest::hint(
                        &name.to_ascii_lowercase(),
                        ["and", "or", "before", "near", "except"],
                    ),
                    _ => String::new(),
                };
                errors.push(err(
                    ProblemKind::BadCondition,
                    format!(
                        "unexpected {what}{fix}: expected `and`, `or`, `before(N)`, `near(N)`, `except` or the end"
                    ),
                    span,
                ));
            }
            if let Err(e) = check_evidence(&expr) {
                errors.push(e);
            }
            if errors.is_empty() {
                Ok(expr)
            } else {
                Err(errors)
            }
        }
        Err(e) => {
            errors.push(e);
            Err(errors)
        }
    }
}

/// `not` only stands as an operand of `and` beside a positive condition: a match must
/// always point at some words.
fn check_evidence(e: &Expr) -> Result<(), CondError> {
    match e {
        Expr::Lexicon(..) | Expr::Phrase(..) | Expr::Signal(..) => Ok(()),
        Expr::Not(_, span) => Err(err(
            ProblemKind::NoEvidence,
            "`not …` can match without pointing at any words: combine it with `and`, as in `threat and not idiom`",
            span.clone(),
        )),
        Expr::And(a, b) => {
            let a_not = matches!(**a, Expr::Not(..));
            let b_not = matches!(**b, Expr::Not(..));
            if a_not && b_not {
                return check_evidence(a);
            }
            if let Expr::Not(inner, _) = &**a {
                check_inner(inner)?;
            } else {
                check_evidence(a)?;
            }
            if let Expr::Not(inner, _) = &**b {
                check_inner(inner)?;
            } else {
                check_evidence(b)?;
            }
            Ok(())
        }
        Expr::Or(a, b) | Expr::Before(a, b, _) | Expr::Near(a, b, _) => {
            check_evidence(a)?;
            check_evidence(b)
        }
        // What `except` takes away only needs to parse, as the operand of a `not`.
        Expr::Except(a, b) => {
            check_evidence(a)?;
            check_inner(b)
        }
    }
}

/// The operand of a `not` may itself be anything that parses; a `not` inside it needs
/// the same pairing.
fn check_inner(e: &Expr) -> Result<(), CondError> {
    match e {
        Expr::Not(inner, _) => check_inner(inner),
        other => check_evidence(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<Expr, Vec<CondError>> {
        super::parse(src, 250)
    }

    fn show(e: &Expr) -> String {
        match e {
            Expr::Lexicon(n, _) => n.clone(),
            Expr::Signal(c, _) => {
                format!(
                    "signal({}){}{}",
                    c.name,
                    if c.strict { ">" } else { ">=" },
                    c.threshold
                )
            }
            Expr::Phrase(p, _) => format!("{p:?}"),
            Expr::Not(a, _) => format!("(not {})", show(a)),
            Expr::And(a, b) => format!("({} and {})", show(a), show(b)),
            Expr::Or(a, b) => format!("({} or {})", show(a), show(b)),
            Expr::Before(a, b, n) => format!("({} before{n} {})", show(a), show(b)),
            Expr::Near(a, b, n) => format!("({} near{n} {})", show(a), show(b)),
            Expr::Except(a, b) => format!("({} except {})", show(a), show(b)),
        }
    }

    #[test]
    fn except_binds_like_proximity() {
        let e = parse("a near(3) b except c and d").unwrap();
        assert_eq!(show(&e), "(((a near3 b) except c) and d)");
        let e = parse("a near(3) (b except (c or d))").unwrap();
        assert_eq!(show(&e), "(a near3 (b except (c or d)))");
        let e = parse("a except not b").unwrap_err();
        assert_eq!(e[0].kind, ProblemKind::BadCondition);
        let e = parse("except a").unwrap_err();
        assert!(e[0].message.contains("`except`"), "{}", e[0].message);
        // Its right operand may be anything that parses, `not` pairs included.
        assert!(parse("a except (b and not c)").is_ok());
    }

    #[test]
    fn precedence_and_chains() {
        let e = parse("a before(2) b and not c or d").unwrap();
        assert_eq!(show(&e), "(((a before2 b) and (not c)) or d)");
        let e = parse("a before(3) b before( 2 ) c").unwrap();
        assert_eq!(show(&e), "((a before3 b) before2 c)");
        let e = parse("\"kill 'em all\" or (x near(5) y)").unwrap();
        assert_eq!(show(&e), "(\"kill 'em all\" or (x near5 y))");
        let e = parse("a AND NOT (b or c)").unwrap();
        assert_eq!(show(&e), "(a and (not (b or c)))");
    }

    #[test]
    fn errors_have_spans() {
        let errs = parse("a before(0) b").unwrap_err();
        assert_eq!(errs[0].kind, ProblemKind::ZeroProximity);
        assert_eq!(errs[0].span, 2..11);
        let errs = parse("a and").unwrap_err();
        assert_eq!(errs[0].kind, ProblemKind::BadCondition);
        assert_eq!(errs[0].span, 5..5);
        let errs = parse("a before b").unwrap_err();
        assert!(errs[0].message.contains("before(3)"));
        let errs = parse("(a or b").unwrap_err();
        assert!(errs[0].message.contains("expected `)`"));
        let errs = parse("a b").unwrap_err();
        assert_eq!(errs[0].span, 2..3);
        let errs = parse("\"open").unwrap_err();
        assert!(errs[0].message.contains("unclosed"));
        let errs = parse("a # b").unwrap_err();
        assert_eq!(errs[0].span, 2..3);
        assert!(parse("").is_err());
        assert!(parse("a before(x) b").is_err());
    }

    #[test]
    fn signals_are_operands() {
        let e = parse("signal(hate) >= 0.8 and en_group").unwrap();
        assert_eq!(show(&e), "(signal(hate)>=0.8 and en_group)");
        let e = parse("a before(2) SIGNAL( mine.violence )>0.25 or not_a_signal").unwrap();
        assert_eq!(
            show(&e),
            "((a before2 signal(mine.violence)>0.25) or not_a_signal)"
        );
        let e = parse("x and not signal(hate)>=1").unwrap();
        assert_eq!(show(&e), "(x and (not signal(hate)>=1))");
        // A lexicon may still be called `signal` when no `(` follows.
        assert_eq!(show(&parse("signal and x").unwrap()), "(signal and x)");
        assert!(parse("signal(hate) >= 0.8").is_ok());
    }

    #[test]
    fn signal_mistakes_are_located() {
        let src = "a and signal(hate) >= 1.5";
        let errs = parse(src).unwrap_err();
        assert_eq!(errs[0].kind, ProblemKind::BadCondition);
        assert_eq!(&src[errs[0].span.clone()], "1.5");
        let errs = parse("signal(hate) < 0.2").unwrap_err();
        assert!(
            errs[0].message.contains("and not signal"),
            "{}",
            errs[0].message
        );
        let errs = parse("signal(hate) 0.2").unwrap_err();
        assert!(errs[0].message.contains("needs a comparison"));
        let errs = parse("signal(ha te) >= 0.2").unwrap_err();
        assert!(errs[0].message.contains("the name is a category"));
        assert!(parse("signal(hate >= 0.2").is_err());
        assert!(parse("signal(hate) >=").is_err());
        assert!(parse("signal() >= 0.5").is_err());
        assert_eq!(
            parse("not signal(hate) >= 0.5").unwrap_err()[0].kind,
            ProblemKind::NoEvidence
        );
    }

    #[test]
    fn not_needs_a_positive_partner() {
        assert_eq!(parse("not a").unwrap_err()[0].kind, ProblemKind::NoEvidence);
        assert_eq!(
            parse("a or not b").unwrap_err()[0].kind,
            ProblemKind::NoEvidence
        );
        assert_eq!(
            parse("not a and not b").unwrap_err()[0].kind,
            ProblemKind::NoEvidence
        );
        assert!(parse("not a and b").is_ok());
        assert!(parse("a and not (b before(2) c)").is_ok());
    }

    #[test]
    fn nesting_is_limited_before_the_tree_is_built() {
        let deep = |n: usize| format!("{}a{}", "(".repeat(n), ")".repeat(n));
        assert!(super::parse(&deep(10), 10).is_ok());
        let errs = super::parse(&deep(11), 10).unwrap_err();
        assert_eq!(errs[0].kind, ProblemKind::LimitExceeded);
        assert_eq!(errs[0].span, 10..11, "the parenthesis one too deep");
        let chain = |n: usize| vec!["a"; n + 1].join(" or ");
        assert!(super::parse(&chain(10), 10).is_ok());
        let errs = super::parse(&chain(11), 10).unwrap_err();
        assert_eq!(errs[0].kind, ProblemKind::LimitExceeded);
        let nots = format!("a and {}b", "not ".repeat(11));
        assert_eq!(
            super::parse(&nots, 10).unwrap_err()[0].kind,
            ProblemKind::LimitExceeded
        );
        let before = ["a"; 12].join(" before(2) ");
        assert_eq!(
            super::parse(&before, 10).unwrap_err()[0].kind,
            ProblemKind::LimitExceeded
        );
    }
}
