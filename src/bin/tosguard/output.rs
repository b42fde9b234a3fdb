//! Exit statuses, and output that stops quietly when the reader goes away.

use std::fmt::Display;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

/// Why a command did not succeed; each has its own exit status (see `--help`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Exit 1: `classify --fail-on` found a line at the action; `fmt --check` found a
    /// file to reformat.
    Found,
    /// Exit 2: bad arguments (after the message was printed).
    Usage,
    /// Exit 3: a policy does not compile.
    Policy,
    /// Exit 4: tests failed.
    Tests,
    /// Exit 5: input or output could not be read or written.
    Io,
    /// Stdout was closed by its reader: stop quietly, exit 0 (as `head` expects).
    ClosedPipe,
}

impl Exit {
    pub fn code(self) -> ExitCode {
        match self {
            Exit::Found => ExitCode::from(1),
            Exit::Usage => ExitCode::from(2),
            Exit::Policy => ExitCode::from(3),
            Exit::Tests => ExitCode::from(4),
            Exit::Io => ExitCode::from(5),
            Exit::ClosedPipe => ExitCode::SUCCESS,
        }
    }
}

/// Prints `tosguard: <message>` on stderr.
pub fn error(message: impl Display) {
    let _ = writeln!(io::stderr(), "tosguard: {message}");
}

/// Prints `tosguard: warning: <message>` on stderr.
pub fn warning(message: impl Display) {
    let _ = writeln!(io::stderr(), "tosguard: warning: {message}");
}

/// Prints a usage error on stderr and returns [`Exit::Usage`].
pub fn usage(message: impl Display) -> Exit {
    error(message);
    Exit::Usage
}

/// Maps a write error: a closed pipe ends the command quietly, anything else is an
/// I/O error.
pub fn write_failed(e: &io::Error) -> Exit {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Exit::ClosedPipe
    } else {
        error(format!("cannot write the output: {e}"));
        Exit::Io
    }
}

/// Buffered stdout; every write error is an [`Exit`].
pub struct Out {
    w: BufWriter<io::StdoutLock<'static>>,
    /// Flush after every line (for streams read as they come).
    line_flush: bool,
}

impl Out {
    pub fn stdout() -> Out {
        Out {
            w: BufWriter::new(io::stdout().lock()),
            line_flush: false,
        }
    }

    /// A writer that flushes after every line.
    pub fn streaming() -> Out {
        Out {
            line_flush: true,
            ..Out::stdout()
        }
    }

    /// Whether stdout is a terminal (for colour).
    pub fn is_terminal() -> bool {
        io::stdout().is_terminal()
    }

    /// Writes `text` and a newline.
    pub fn line(&mut self, text: impl Display) -> Result<(), Exit> {
        writeln!(self.w, "{text}").map_err(|e| write_failed(&e))?;
        if self.line_flush {
            self.w.flush().map_err(|e| write_failed(&e))?;
        }
        Ok(())
    }

    /// Writes `text` as is.
    pub fn text(&mut self, text: impl Display) -> Result<(), Exit> {
        write!(self.w, "{text}").map_err(|e| write_failed(&e))
    }

    /// Flushes what is buffered.
    pub fn finish(mut self) -> Result<(), Exit> {
        self.w.flush().map_err(|e| write_failed(&e))
    }
}
