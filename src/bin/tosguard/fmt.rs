//! `tosguard fmt`: a safe normalisation of policy and test files.
//!
//! The file is rewritten line by line, never inside a string or a multi-line array,
//! and the result must parse to exactly the same TOML values as the original, or the
//! file is left alone. Comments and the order of everything are kept.

use std::path::PathBuf;

use crate::output::{Exit, Out, error};

const ABOUT: &str = "\
Normalise the layout of policy and test files (`*.toml`), keeping every comment and
the order of everything: line endings become LF; trailing whitespace goes (outside
multi-line strings); top-level keys and table headers lose their indentation;
`key=value` becomes `key = value`; runs of blank lines become one; a table header
gets one blank line before it (unless a comment sits right above it); the file ends
with one newline. The result must parse to the same values as the original, or the
file is left unchanged and reported.";

/// Normalise the layout of policy files.
#[derive(clap::Args, Debug)]
#[command(long_about = ABOUT, after_help = crate::EXIT_CODES)]
pub struct Args {
    /// Policy or test files, or directories (every `*.toml` under them).
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    /// Change nothing; list the files that would change and exit 1 if there are any.
    #[arg(long)]
    check: bool,
}

pub fn run(args: &Args) -> Result<(), Exit> {
    let mut files = Vec::new();
    for p in &args.paths {
        crate::policies::check_input_path_or_dir(p)?;
        if p.is_dir() {
            crate::policies::toml_files(p, &|_| true, &mut files).map_err(|e| {
                error(format!("cannot read the directory `{}`: {e}", p.display()));
                Exit::Io
            })?;
        } else {
            files.push(p.clone());
        }
    }
    let mut out = Out::stdout();
    let mut worst: Option<Exit> = None;
    for file in &files {
        let src = match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => {
                error(format!("cannot read `{}`: {e}", file.display()));
                worst = worst.max(Some(Exit::Io));
                continue;
            }
        };
        let formatted = match format_checked(&src) {
            Ok(f) => f,
            Err(message) => {
                error(format!("{}: {message}", file.display()));
                worst = worst.max(Some(Exit::Policy));
                continue;
            }
        };
        if formatted == src {
            continue;
        }
        if args.check {
            out.line(format!("would reformat {}", file.display()))?;
            worst = worst.max(Some(Exit::Found));
        } else if let Err(e) = std::fs::write(file, &formatted) {
            error(format!("cannot write `{}`: {e}", file.display()));
            worst = worst.max(Some(Exit::Io));
        } else {
            out.line(format!("formatted {}", file.display()))?;
        }
    }
    out.finish()?;
    worst.map_or(Ok(()), Err)
}

/// Formats `src`, or says why it cannot: invalid TOML, or a result that would not mean
/// the same.
pub fn format_checked(src: &str) -> Result<String, String> {
    let before: toml::Table = src
        .parse()
        .map_err(|e: toml::de::Error| format!("not valid TOML: {}", e.message().trim()))?;
    let formatted = format(src);
    match formatted.parse::<toml::Table>() {
        Ok(after) if after == before => Ok(formatted),
        _ => Err("cannot be normalised safely; left unchanged".to_string()),
    }
}

/// Where the scanner is at the start of a line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Normal,
    MultiBasic,
    MultiLiteral,
}

/// The state at the end of `line`, and the bracket depth, given the state at its start.
fn scan(line: &str, mut state: State, mut depth: i32) -> (State, i32) {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match state {
            State::MultiBasic => {
                if b[i] == b'\\' {
                    i += 2;
                    continue;
                }
                if b[i..].starts_with(b"\"\"\"") {
                    // A closing delimiter may be followed by up to two more quotes.
                    i += 3;
                    while i < b.len() && b[i] == b'"' {
                        i += 1;
                    }
                    state = State::Normal;
                    continue;
                }
                i += 1;
            }
            State::MultiLiteral => {
                if b[i..].starts_with(b"'''") {
                    i += 3;
                    while i < b.len() && b[i] == b'\'' {
                        i += 1;
                    }
                    state = State::Normal;
                    continue;
                }
                i += 1;
            }
            State::Normal => match b[i] {
                b'#' => break,
                b'"' if b[i..].starts_with(b"\"\"\"") => {
                    state = State::MultiBasic;
                    i += 3;
                }
                b'\'' if b[i..].starts_with(b"'''") => {
                    state = State::MultiLiteral;
                    i += 3;
                }
                b'"' => {
                    i += 1;
                    while i < b.len() && b[i] != b'"' {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                }
                b'\'' => {
                    i += 1;
                    while i < b.len() && b[i] != b'\'' {
                        i += 1;
                    }
                    i += 1;
                }
                b'[' | b'{' => {
                    depth += 1;
                    i += 1;
                }
                b']' | b'}' => {
                    depth -= 1;
                    i += 1;
                }
                _ => i += 1,
            },
        }
    }
    (state, depth)
}

/// The normalised layout (see the module docs); [`format_checked`] verifies it.
fn format(src: &str) -> String {
    let src = src.replace("\r\n", "\n");
    let mut out: Vec<String> = Vec::new();
    let mut state = State::Normal;
    let mut depth = 0;
    for raw in src.split('\n') {
        let start_state = state;
        let start_depth = depth;
        (state, depth) = scan(raw, state, depth);
        if start_state != State::Normal {
            // Inside a multi-line string: the line is part of a value.
            let keep = if state == State::Normal {
                raw.trim_end().to_string()
            } else {
                raw.to_string()
            };
            out.push(keep);
            continue;
        }
        let mut line = if state == State::Normal {
            raw.trim_end().to_string()
        } else {
            raw.to_string()
        };
        if start_depth == 0 {
            line = line.trim_start().to_string();
            if line.is_empty() {
                if out.last().is_none_or(|l| l.is_empty()) {
                    continue;
                }
                out.push(line);
                continue;
            }
            if line.starts_with('[') {
                if let Some(prev) = out.last() {
                    if !prev.is_empty() && !prev.starts_with('#') {
                        out.push(String::new());
                    }
                }
            } else if !line.starts_with('#') {
                line = space_equals(&line);
            }
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}

/// `key=value` → `key = value`, for a line that starts with a key.
fn space_equals(line: &str) -> String {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => {
                let q = b[i];
                i += 1;
                while i < b.len() && b[i] != q {
                    i += if q == b'"' && b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'=' => {
                let key = line[..i].trim_end();
                let value = line[i + 1..].trim_start();
                return format!("{key} = {value}");
            }
            c if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b' ' | b'\t') => {
                i += 1
            }
            _ => return line.to_string(),
        }
    }
    line.to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn normalises_layout_and_keeps_comments_and_strings() {
        let src = "\r\n\n  [policy]\r\nid=\"x\"   \n# about rules\n[[rules]]\n\n\n  when =  'a before(2) b'  # trailing  \ntext = \"\"\"\nkeep   \n   this\"\"\"\nterms = [\n    \"a\",   \n  \"b\" ]\n[x]\n\n\n";
        let f = format_checked(src).unwrap();
        assert_eq!(
            f,
            "[policy]\nid = \"x\"\n# about rules\n[[rules]]\n\nwhen = 'a before(2) b'  # trailing\ntext = \"\"\"\nkeep   \n   this\"\"\"\nterms = [\n    \"a\",\n  \"b\" ]\n\n[x]\n"
        );
        // Idempotent.
        assert_eq!(format_checked(&f).unwrap(), f);
    }

    #[test]
    fn equals_inside_strings_is_left_alone() {
        assert_eq!(space_equals("\"a=b\"=1"), "\"a=b\" = 1");
        assert_eq!(space_equals("[x]"), "[x]");
    }

    #[test]
    fn invalid_toml_is_reported() {
        assert!(
            format_checked("a = ")
                .unwrap_err()
                .contains("not valid TOML")
        );
    }
}
