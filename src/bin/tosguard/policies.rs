//! `--policy FILE` and `--builtin NAME`, compiled in the order given.

use std::path::{Path, PathBuf};

use clap::ArgMatches;
use clap::builder::PossibleValuesParser;
use tosguard::{Policy, PolicyStack, StackVerdict, Verdict};

use crate::output::{Exit, error};

/// The policies a command runs.
#[derive(clap::Args, Debug, Clone)]
pub struct PolicyArgs {
    /// A policy file. Repeat it (or mix it with --builtin) to stack layers, such as a
    /// host's policy and a platform's; layers keep the order given.
    #[arg(short = 'p', long = "policy", value_name = "FILE")]
    pub policy: Vec<PathBuf>,
    /// A built-in policy (`tosguard builtins` lists them). Without --policy or
    /// --builtin, the built-in `baseline` policy is used.
    #[arg(short = 'b', long = "builtin", value_name = "NAME", value_parser = builtin_parser())]
    pub builtin: Vec<String>,
}

fn builtin_parser() -> PossibleValuesParser {
    PossibleValuesParser::new(tosguard::builtin_names().collect::<Vec<_>>())
}

/// Where a policy comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Builtin(String),
}

impl PolicyArgs {
    /// The sources in command-line order (`--policy` and `--builtin` interleaved as
    /// written).
    pub fn sources(&self, matches: &ArgMatches) -> Vec<Source> {
        let mut ordered: Vec<(usize, Source)> = Vec::new();
        if let Some(idx) = matches.indices_of("policy") {
            ordered.extend(
                idx.zip(&self.policy)
                    .map(|(i, p)| (i, Source::File(p.clone()))),
            );
        }
        if let Some(idx) = matches.indices_of("builtin") {
            ordered.extend(
                idx.zip(&self.builtin)
                    .map(|(i, b)| (i, Source::Builtin(b.clone()))),
            );
        }
        ordered.sort_by_key(|(i, _)| *i);
        ordered.into_iter().map(|(_, s)| s).collect()
    }

    /// Compiles every policy (the baseline when none is given); reports every one that
    /// does not compile before failing.
    pub fn load(&self, matches: &ArgMatches) -> Result<Vec<Policy>, Exit> {
        let sources = self.sources(matches);
        if sources.is_empty() {
            return match Policy::try_baseline() {
                Ok(p) => Ok(vec![p]),
                Err(e) => {
                    error(format!(
                        "the built-in baseline policy does not compile:\n{e}"
                    ));
                    Err(Exit::Policy)
                }
            };
        }
        let mut policies = Vec::new();
        let mut worst = None;
        for source in &sources {
            match load_one(source) {
                Ok(p) => policies.push(p),
                Err(exit) => worst = worst.max(Some(exit)),
            }
        }
        match worst {
            Some(exit) => Err(exit),
            None => Ok(policies),
        }
    }
}

/// Compiles one policy, printing why it cannot be.
pub fn load_one(source: &Source) -> Result<Policy, Exit> {
    match source {
        Source::File(path) => {
            check_policy_path(path)?;
            from_path(path).map_err(|e| {
                error(format!(
                    "policy `{}` does not compile:\n{e}",
                    path.display()
                ));
                Exit::Policy
            })
        }
        Source::Builtin(name) => Policy::builtin(name).map_err(|e| {
            error(format!("built-in policy `{name}` does not compile:\n{e}"));
            Exit::Policy
        }),
    }
}

/// The policy of a file: a stored policy (`tosguard store`, `Policy::to_bytes`) is
/// loaded, any other file compiled.
pub fn from_path(path: &Path) -> Result<Policy, tosguard::PolicyError> {
    use std::io::Read;
    let mut head = [0u8; 8];
    let stored = std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && Policy::is_stored(&head);
    if !stored {
        return Policy::from_file(path);
    }
    match std::fs::File::open(path) {
        // Read in blocks: the file's bytes are not held beside the policy.
        Ok(file) => Policy::from_reader(file),
        // Compiling reports the read error as it does for any policy file.
        Err(_) => Policy::from_file(path),
    }
}

/// The metadata of a path given on the command line, or "no such file".
fn metadata(path: &Path) -> Result<std::fs::Metadata, Exit> {
    std::fs::metadata(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            error(format!("no such file: `{}`", path.display()));
        } else {
            error(format!("cannot read `{}`: {e}", path.display()));
        }
        Exit::Io
    })
}

/// "no such file" and "is a directory", before the compiler sees the path.
pub fn check_policy_path(path: &Path) -> Result<(), Exit> {
    if metadata(path)?.is_dir() {
        error(format!(
            "`{}` is a directory: give a policy file (`tosguard test` accepts directories)",
            path.display()
        ));
        return Err(Exit::Usage);
    }
    Ok(())
}

/// "no such file" and "is a directory" for an input file.
pub fn check_input_path(path: &Path) -> Result<(), Exit> {
    if metadata(path)?.is_dir() {
        error(format!("`{}` is a directory, not a file", path.display()));
        return Err(Exit::Io);
    }
    Ok(())
}

/// "no such file" for a file or directory.
pub fn check_input_path_or_dir(path: &Path) -> Result<(), Exit> {
    metadata(path).map(|_| ())
}

/// One policy classifies on its own; several are layers of a stack.
pub enum Classifier {
    One(Policy),
    Stack(PolicyStack),
}

impl Classifier {
    pub fn new(mut policies: Vec<Policy>) -> Classifier {
        if policies.len() == 1 {
            if let Some(p) = policies.pop() {
                return Classifier::One(p);
            }
        }
        Classifier::Stack(
            policies
                .into_iter()
                .fold(PolicyStack::new(), PolicyStack::layer),
        )
    }

    /// The verdict of every layer, in order.
    pub fn classify(&self, text: &str) -> Layers {
        match self {
            Classifier::One(p) => Layers::One(p.classify(text)),
            Classifier::Stack(s) => Layers::Stack(s.classify(text)),
        }
    }
}

/// What [`Classifier::classify`] returns.
pub enum Layers {
    One(Verdict),
    Stack(StackVerdict),
}

impl Layers {
    pub fn verdicts(&self) -> &[Verdict] {
        match self {
            Layers::One(v) => std::slice::from_ref(v),
            Layers::Stack(s) => s.layers(),
        }
    }

    pub fn action(&self) -> tosguard::Action {
        match self {
            Layers::One(v) => v.action(),
            Layers::Stack(s) => s.action(),
        }
    }

    pub fn disagreements(&self) -> Vec<tosguard::Disagreement> {
        match self {
            Layers::One(_) => Vec::new(),
            Layers::Stack(s) => s.disagreements(),
        }
    }
}

/// Every `*.toml` file under `dir` whose name `keep` accepts, sorted; hidden files and
/// directories and `target` directories are skipped.
pub fn toml_files(
    dir: &Path,
    keep: &dyn Fn(&str) -> bool,
    out: &mut Vec<PathBuf>,
) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if p.is_dir() {
            if name != "target" {
                toml_files(&p, keep, out)?;
            }
        } else if name.ends_with(".toml") && keep(&name) {
            out.push(p);
        }
    }
    Ok(())
}
