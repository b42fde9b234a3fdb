//! `tosguard classify`: one answer per input line, in order, flushed as it is written.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::ArgMatches;
use serde_json::{Map, Value, json};
use tosguard::Action;

use crate::output::{Exit, Out, error};
use crate::policies::{Classifier, Layers, PolicyArgs};

const ABOUT: &str = "\
Classify text: one JSON object out per input line, in input order, each written and
flushed as soon as it is decided.

Each input line is either a JSON object with a string `text` (and usually an `id`,
copied to the output), or plain text: a line that is not a JSON object is classified
whole. A JSON object without a string `text`, a line that is not UTF-8 and a line
longer than --max-line-bytes get an error object (`error`, with the `id` when it can be
read) and classification goes on. A byte order mark at the start of a line is ignored.

Every output object has `line` (the input line number, from 1), `id` (for JSON input
that has one), `action` (none, flag, review or remove: the strongest of every policy),
`policies` (each policy's id, version, fingerprint and action) and `findings` (policy,
rule, category, severity, tos_ref, spans as byte ranges of the text, evidence).";

/// How to write each answer.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line.
    Json,
    /// For people: the action, each finding, and the text with its evidence marked.
    Text,
}

/// The action at which `--fail-on` fails.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Flag,
    Review,
    Remove,
}

impl FailOn {
    fn action(self) -> Action {
        match self {
            FailOn::Flag => Action::Flag,
            FailOn::Review => Action::Review,
            FailOn::Remove => Action::Remove,
        }
    }
}

/// Classify JSON lines or plain text lines.
#[derive(clap::Args, Debug)]
#[command(long_about = ABOUT, after_help = crate::EXIT_CODES)]
pub struct Args {
    #[command(flatten)]
    policies: PolicyArgs,
    /// The input file (default: standard input; `-` also means standard input).
    #[arg(value_name = "INPUT")]
    input: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Exit with status 1 when some line's action is ACTION or stronger (flag < review
    /// < remove), and with status 5 when some line could not be classified. Every line
    /// is still answered.
    #[arg(long, value_enum, value_name = "ACTION")]
    fail_on: Option<FailOn>,
    /// Classify with N threads; the output keeps the input order.
    #[arg(short = 'j', long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    jobs: u16,
    /// Add, for content a policy removes, an EU DSA Article 17 statement of reasons in
    /// the Transparency Database's fields (`statements`).
    #[arg(long)]
    statements: bool,
    /// Add the text with every evidence span masked (`redacted`), each character
    /// replaced by MASK (default `*`).
    #[arg(long, value_name = "MASK", num_args = 0..=1, default_missing_value = "*")]
    redact: Option<char>,
    /// The longest line classified, in bytes; a longer line gets an error object.
    #[arg(long, value_name = "BYTES", default_value_t = 4 * 1024 * 1024)]
    max_line_bytes: usize,
    /// Never print the progress line (by default it is printed on standard error when
    /// that is a terminal and the input is a file).
    #[arg(long)]
    no_progress: bool,
}

/// What is shared by every line.
struct Ctx {
    classifier: Classifier,
    format: Format,
    statements: bool,
    redact: Option<char>,
    max_line_bytes: usize,
    color: bool,
}

/// One input line, as read.
struct Input {
    line: usize,
    bytes: Vec<u8>,
    /// The line was longer than the limit: `bytes` holds its beginning only.
    truncated: bool,
}

/// One answer, ready to write.
struct Answer {
    text: String,
    action: Action,
    error: bool,
}

pub fn run(args: &Args, matches: &ArgMatches) -> Result<(), Exit> {
    let policies = args.policies.load(matches)?;
    if args.statements {
        for p in &policies {
            let missing = crate::check::removals_without_statement(p, false);
            if !missing.is_empty() {
                crate::output::warning(format!(
                    "policy `{}`: {} remove content but name no `dsa_category`; --statements gives no statement of reasons for them",
                    p.id(),
                    missing.join(", ")
                ));
            }
        }
    }
    let (reader, size): (Box<dyn Read + Send>, Option<u64>) = match &args.input {
        None => stdin_reader(),
        Some(p) if p.as_os_str() == "-" => stdin_reader(),
        Some(p) => {
            crate::policies::check_input_path(p)?;
            let file = File::open(p).map_err(|e| {
                error(format!("cannot read `{}`: {e}", p.display()));
                Exit::Io
            })?;
            let size = file
                .metadata()
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len());
            (Box::new(file), size)
        }
    };
    let ctx = Ctx {
        classifier: Classifier::new(policies),
        format: args.format,
        statements: args.statements,
        redact: args.redact,
        max_line_bytes: args.max_line_bytes.max(1),
        color: Out::is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let progress = (!args.no_progress && io::stderr().is_terminal())
        .then_some(size)
        .flatten()
        .map(Progress::new);
    let mut reader = BufReader::with_capacity(64 * 1024, reader);
    let mut tally = Tally::default();
    let result = if args.jobs <= 1 {
        run_serial(&ctx, &mut reader, progress, &mut tally)
    } else {
        run_parallel(
            &ctx,
            &mut reader,
            usize::from(args.jobs),
            progress,
            &mut tally,
        )
    };
    result?;
    tally.verdict(args.fail_on)
}

/// Standard input, with its size when it is a regular file (for progress).
fn stdin_reader() -> (Box<dyn Read + Send>, Option<u64>) {
    use std::os::fd::AsFd;
    let size = io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .ok()
        .map(File::from)
        .and_then(|f| f.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len());
    (Box::new(io::stdin()), size)
}

/// Counts for `--fail-on`.
#[derive(Default)]
struct Tally {
    strongest: Action,
    errors: usize,
}

impl Tally {
    fn add(&mut self, a: &Answer) {
        self.strongest = self.strongest.max(a.action);
        self.errors += usize::from(a.error);
    }

    fn verdict(&self, fail_on: Option<FailOn>) -> Result<(), Exit> {
        let Some(fail_on) = fail_on else {
            return Ok(());
        };
        if self.strongest >= fail_on.action() {
            error(format!(
                "some line reached `{}` (--fail-on {})",
                self.strongest,
                fail_on.action()
            ));
            return Err(Exit::Found);
        }
        if self.errors > 0 {
            error(format!(
                "{} line{} could not be classified",
                self.errors,
                if self.errors == 1 { "" } else { "s" }
            ));
            return Err(Exit::Io);
        }
        Ok(())
    }
}

fn read_failed(e: &io::Error) -> Exit {
    error(format!("cannot read the input: {e}"));
    Exit::Io
}

fn run_serial(
    ctx: &Ctx,
    reader: &mut impl BufRead,
    mut progress: Option<Progress>,
    tally: &mut Tally,
) -> Result<(), Exit> {
    let mut out = Out::streaming();
    let mut line = 0;
    let mut buf = Vec::new();
    while let Some(truncated) =
        read_line(reader, &mut buf, ctx.max_line_bytes).map_err(|e| read_failed(&e))?
    {
        line += 1;
        if let Some(p) = &mut progress {
            p.update(line, buf.len(), truncated);
        }
        let answer = answer(
            ctx,
            &Input {
                line,
                bytes: std::mem::take(&mut buf),
                truncated,
            },
        );
        tally.add(&answer);
        out.text(&answer.text)?;
        out.line("")?;
    }
    if let Some(p) = &progress {
        p.clear();
    }
    out.finish()
}

/// Readers hand lines to `jobs` workers; a writer puts the answers back in order. At
/// most `4 * jobs` lines are in flight, so memory stays bounded whatever the input.
fn run_parallel(
    ctx: &Ctx,
    reader: &mut (impl BufRead + Send),
    jobs: usize,
    mut progress: Option<Progress>,
    tally: &mut Tally,
) -> Result<(), Exit> {
    let in_flight = 4 * jobs;
    let (work_tx, work_rx) = sync_channel::<Input>(in_flight);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = sync_channel::<(usize, Answer)>(in_flight);
    let (credit_tx, credit_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = credit_tx.send(());
    }
    std::thread::scope(|s| {
        for _ in 0..jobs {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            s.spawn(move || worker(ctx, &work_rx, &done_tx));
        }
        drop(done_tx);
        let writer = s.spawn(move || write_in_order(&done_rx, &credit_tx));
        let mut line = 0;
        let mut buf = Vec::new();
        let mut read_result = Ok(());
        loop {
            // Wait for room; the writer gone (closed pipe) ends the input.
            if credit_rx.recv().is_err() {
                break;
            }
            match read_line(reader, &mut buf, ctx.max_line_bytes) {
                Ok(Some(truncated)) => {
                    line += 1;
                    if let Some(p) = &mut progress {
                        p.update(line, buf.len(), truncated);
                    }
                    let input = Input {
                        line,
                        bytes: std::mem::take(&mut buf),
                        truncated,
                    };
                    if work_tx.send(input).is_err() {
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    read_result = Err(read_failed(&e));
                    break;
                }
            }
        }
        drop(work_tx);
        let written = writer.join().unwrap_or(Err(Exit::Io));
        if let Some(p) = &progress {
            p.clear();
        }
        let (answers, write_result) = match written {
            Ok(t) => (t, Ok(())),
            Err(e) => (Tally::default(), Err(e)),
        };
        tally.strongest = answers.strongest;
        tally.errors = answers.errors;
        write_result.and(read_result)
    })
}

fn worker(ctx: &Ctx, work: &Mutex<Receiver<Input>>, done: &SyncSender<(usize, Answer)>) {
    loop {
        let input = match work.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(input) = input else { return };
        let line = input.line;
        if done.send((line, answer(ctx, &input))).is_err() {
            return;
        }
    }
}

fn write_in_order(
    done: &Receiver<(usize, Answer)>,
    credits: &SyncSender<()>,
) -> Result<Tally, Exit> {
    let mut out = Out::streaming();
    let mut tally = Tally::default();
    let mut pending = BTreeMap::new();
    let mut next = 1;
    for (line, answer) in done {
        pending.insert(line, answer);
        while let Some(answer) = pending.remove(&next) {
            tally.add(&answer);
            out.text(&answer.text)?;
            out.line("")?;
            next += 1;
            let _ = credits.send(());
        }
    }
    out.finish()?;
    Ok(tally)
}

/// Reads one line into `buf` (without its line break), keeping at most `limit` bytes
/// and skipping the rest. `None` at the end of the input; `Some(true)` when the line
/// was cut.
fn read_line(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Option<bool>> {
    buf.clear();
    let mut truncated = false;
    let mut any = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (part, found) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (&chunk[..i], Some(i)),
            None => (chunk, None),
        };
        let room = limit.saturating_sub(buf.len());
        if part.len() > room {
            truncated = true;
        }
        buf.extend_from_slice(&part[..part.len().min(room)]);
        match found {
            Some(i) => {
                reader.consume(i + 1);
                break;
            }
            None => {
                let n = chunk.len();
                reader.consume(n);
            }
        }
    }
    if !any {
        return Ok(None);
    }
    if !truncated && buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(truncated))
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The answer to one line.
fn answer(ctx: &Ctx, input: &Input) -> Answer {
    let bytes = input.bytes.strip_prefix(BOM).unwrap_or(&input.bytes);
    let line = input.line;
    if input.truncated {
        let id = id_from_prefix(bytes);
        return error_answer(
            ctx,
            id,
            line,
            format!(
                "line {line}: longer than {} bytes (--max-line-bytes); not classified",
                ctx.max_line_bytes
            ),
        );
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return error_answer(ctx, None, line, format!("line {line}: not UTF-8: {e}"));
        }
    };
    match parse_line(text) {
        Parsed::Plain => classify(ctx, None, line, text),
        Parsed::Json { id, text } => classify(ctx, id, line, &text),
        Parsed::Invalid { id, message } => {
            error_answer(ctx, id, line, format!("line {line}: {message}"))
        }
    }
}

/// What a line holds.
enum Parsed {
    /// Not a JSON object: the whole line is the text.
    Plain,
    /// A JSON object with a string `text`.
    Json { id: Option<Value>, text: String },
    /// A JSON object without a string `text`.
    Invalid { id: Option<Value>, message: String },
}

fn parse_line(line: &str) -> Parsed {
    if !line.trim_start().starts_with('{') {
        return Parsed::Plain;
    }
    let Ok(Value::Object(mut obj)) = serde_json::from_str::<Value>(line) else {
        return Parsed::Plain;
    };
    let id = obj.remove("id");
    match obj.remove("text") {
        Some(Value::String(text)) => Parsed::Json { id, text },
        Some(_) => Parsed::Invalid {
            id,
            message: "`text` must be a string".into(),
        },
        None => Parsed::Invalid {
            id,
            message: "no `text` field".into(),
        },
    }
}

/// The `id` of a JSON object whose end was cut off, when it comes before the cut.
fn id_from_prefix(bytes: &[u8]) -> Option<Value> {
    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
    struct Seek<'a>(&'a mut Option<Value>);
    impl<'de> Visitor<'de> for Seek<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                if key == "id" {
                    *self.0 = Some(map.next_value::<Value>()?);
                    return Ok(());
                }
                map.next_value::<IgnoredAny>()?;
            }
            Ok(())
        }
    }
    impl<'de> DeserializeSeed<'de> for Seek<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_map(self)
        }
    }
    let mut id = None;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    // The object is cut short, so this fails; the id read before the cut is kept.
    let _ = Seek(&mut id).deserialize(&mut de);
    id
}

fn error_answer(ctx: &Ctx, id: Option<Value>, line: usize, message: String) -> Answer {
    let text = match ctx.format {
        Format::Json => {
            let mut obj = Map::new();
            if let Some(id) = id {
                obj.insert("id".into(), id);
            }
            obj.insert("line".into(), json!(line));
            obj.insert("error".into(), json!(message));
            Value::Object(obj).to_string()
        }
        Format::Text => format!("{}: error: {message}", heading(id.as_ref(), line)),
    };
    Answer {
        text,
        action: Action::None,
        error: true,
    }
}

fn heading(id: Option<&Value>, line: usize) -> String {
    match id {
        Some(Value::String(s)) => format!("line {line} (id {s})"),
        Some(v) => format!("line {line} (id {v})"),
        None => format!("line {line}"),
    }
}

fn classify(ctx: &Ctx, id: Option<Value>, line: usize, text: &str) -> Answer {
    let layers = ctx.classifier.classify(text);
    let text = match ctx.format {
        Format::Json => json_record(ctx, id, line, text, &layers).to_string(),
        Format::Text => text_record(ctx, id.as_ref(), line, text, &layers),
    };
    Answer {
        text,
        action: layers.action(),
        error: false,
    }
}

fn redacted(layers: &Layers, text: &str, mask: char) -> String {
    let spans = layers
        .verdicts()
        .iter()
        .flat_map(|v| v.findings())
        .flat_map(|f| f.evidence())
        .map(|e| e.span());
    tosguard::redact_spans(text, spans, mask)
}

fn json_record(ctx: &Ctx, id: Option<Value>, line: usize, text: &str, layers: &Layers) -> Value {
    let mut obj = Map::new();
    if let Some(id) = id {
        obj.insert("id".into(), id);
    }
    obj.insert("line".into(), json!(line));
    obj.insert("action".into(), json!(layers.action()));
    let verdicts = layers.verdicts();
    obj.insert(
        "policies".into(),
        verdicts
            .iter()
            .map(|v| {
                json!({
                    "id": v.policy(),
                    "version": v.version(),
                    "fingerprint": v.fingerprint(),
                    "action": v.action(),
                })
            })
            .collect(),
    );
    let findings: Vec<Value> = verdicts
        .iter()
        .flat_map(|v| v.findings())
        .map(|f| {
            json!({
                "policy": f.policy(),
                "rule": f.rule(),
                "category": f.category(),
                "severity": f.severity(),
                "tos_ref": f.tos_ref(),
                "spans": f.evidence().iter().map(|e| [e.span().start, e.span().end]).collect::<Vec<_>>(),
                "evidence": f.evidence().iter().map(|e| e.text()).collect::<Vec<_>>(),
            })
        })
        .collect();
    obj.insert("findings".into(), Value::Array(findings));
    if ctx.statements {
        let sors: Vec<Value> = verdicts
            .iter()
            .filter_map(|v| {
                let sor = v.statement_of_reasons()?;
                let mut o = Map::new();
                o.insert("policy".into(), json!(v.policy()));
                if let Ok(Value::Object(fields)) = serde_json::to_value(&sor) {
                    o.extend(fields);
                }
                Some(Value::Object(o))
            })
            .collect();
        if !sors.is_empty() {
            obj.insert("statements".into(), Value::Array(sors));
        }
    }
    let disagreements = layers.disagreements();
    if !disagreements.is_empty() {
        obj.insert("disagreements".into(), json!(disagreements));
    }
    if let Some(mask) = ctx.redact {
        obj.insert("redacted".into(), json!(redacted(layers, text, mask)));
    }
    Value::Object(obj)
}

fn text_record(ctx: &Ctx, id: Option<&Value>, line: usize, text: &str, layers: &Layers) -> String {
    use std::fmt::Write;
    let mut s = format!("{}: {}", heading(id, line), layers.action());
    for v in layers.verdicts() {
        for f in v.findings() {
            let _ = write!(
                s,
                "\n  {} ({}): rule {} of {}{}",
                f.category(),
                f.severity(),
                f.rule(),
                v.policy(),
                if v.version().is_empty() {
                    String::new()
                } else {
                    format!(" {}", v.version())
                }
            );
            if let Some(tos) = f.tos_ref() {
                let _ = write!(s, "\n    terms: {tos}");
            }
            let spans: Vec<_> = f.evidence().iter().map(|e| e.span()).collect();
            let _ = write!(s, "\n    {}", highlight(text, &spans, ctx.color));
        }
    }
    if let Some(mask) = ctx.redact {
        let _ = write!(s, "\n  redacted: {}", redacted(layers, text, mask));
    }
    if layers.verdicts().len() > 1 {
        for d in layers.disagreements() {
            let _ = write!(
                s,
                "\n  disagreement: {} removes, {} does not ({})",
                d.removed_by,
                d.allowed_by,
                d.categories.join(", ")
            );
        }
    }
    s
}

/// `text` on one line with the spans marked: bold red on a terminal, `[[…]]` otherwise.
fn highlight(text: &str, spans: &[std::ops::Range<usize>], color: bool) -> String {
    let (open, close) = if color {
        ("\x1b[1;31m", "\x1b[0m")
    } else {
        ("[[", "]]")
    };
    let mut spans: Vec<_> = spans
        .iter()
        .filter(|r| {
            r.start < r.end
                && r.end <= text.len()
                && text.is_char_boundary(r.start)
                && text.is_char_boundary(r.end)
        })
        .cloned()
        .collect();
    spans.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len() + 8 * spans.len());
    let mut at = 0;
    for r in spans {
        let start = r.start.max(at);
        if start >= r.end {
            continue;
        }
        out.push_str(&one_line(&text[at..start]));
        out.push_str(open);
        out.push_str(&one_line(&text[start..r.end]));
        out.push_str(close);
        at = r.end;
    }
    out.push_str(&one_line(&text[at..]));
    out
}

fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A progress line on a terminal's standard error, at most once a second.
struct Progress {
    size: u64,
    read: u64,
    last: Instant,
}

impl Progress {
    fn new(size: u64) -> Progress {
        Progress {
            size,
            read: 0,
            last: Instant::now(),
        }
    }

    fn update(&mut self, lines: usize, bytes: usize, truncated: bool) {
        // A cut line was longer than counted; the figure is a lower bound.
        let _ = truncated;
        self.read += bytes as u64 + 1;
        if self.last.elapsed() < Duration::from_secs(1) {
            return;
        }
        self.last = Instant::now();
        let pct = if self.size == 0 {
            100.0
        } else {
            (self.read as f64 * 100.0 / self.size as f64).min(100.0)
        };
        let _ = write_err(format_args!(
            "\rtosguard: {lines} lines, {:.1} of {:.1} MB ({pct:.0}%)\x1b[K",
            self.read as f64 / 1e6,
            self.size as f64 / 1e6
        ));
    }

    fn clear(&self) {
        let _ = write_err(format_args!("\r\x1b[K"));
    }
}

fn write_err(args: std::fmt::Arguments) -> io::Result<()> {
    use std::io::Write;
    io::stderr().write_fmt(args)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_cut_at_the_limit_and_the_rest_skipped() {
        let mut r = io::Cursor::new(b"abcdef\r\nxy\nlast".to_vec());
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut r, &mut buf, 4).unwrap(), Some(true));
        assert_eq!(buf, b"abcd");
        assert_eq!(read_line(&mut r, &mut buf, 4).unwrap(), Some(false));
        assert_eq!(buf, b"xy");
        assert_eq!(read_line(&mut r, &mut buf, 4).unwrap(), Some(false));
        assert_eq!(buf, b"last");
        assert_eq!(read_line(&mut r, &mut buf, 4).unwrap(), None);
    }

    #[test]
    fn the_id_of_a_cut_object_is_read_when_it_comes_first() {
        assert_eq!(
            id_from_prefix(br#"{"id": 7, "text": "aaaa"#),
            Some(json!(7))
        );
        assert_eq!(
            id_from_prefix(br#"{"lang": "fr", "id": "x", "te"#),
            Some(json!("x"))
        );
        assert_eq!(id_from_prefix(br#"{"text": "aaaa"#), None);
        assert_eq!(id_from_prefix(b"plain text"), None);
    }

    #[test]
    fn only_an_object_is_json() {
        assert!(matches!(
            parse_line("{sarcasm} I will kill you"),
            Parsed::Plain
        ));
        assert!(matches!(parse_line("[1, 2]"), Parsed::Plain));
        assert!(matches!(parse_line("\"quoted\""), Parsed::Plain));
        assert!(matches!(
            parse_line(r#"{"id": 1}"#),
            Parsed::Invalid { id: Some(_), .. }
        ));
        assert!(matches!(
            parse_line(r#" {"text": "hi"}"#),
            Parsed::Json { id: None, .. }
        ));
    }

    #[test]
    fn highlight_marks_spans_and_ignores_bad_ones() {
        assert_eq!(
            highlight("Je vais te tuer", &[11..15, 3..7], false),
            "Je [[vais]] te [[tuer]]"
        );
        assert_eq!(highlight("été", &[1..2, 0..99], false), "été");
    }
}
