//! Every code block of `README.md` and `docs/*.md` is checked, so the docs cannot
//! drift from the code:
//!
//! - `rust` blocks are doc tests (the files are included in `src/lib.rs` under
//!   `cfg(doctest)`); here we check they are included, and that the README's blocks
//!   are complete programs (no hidden `# ` lines), as they are pasted.
//! - `toml` blocks: a block with `[policy]` must compile; a block with `[[case]]` is a
//!   test file and must pass against the first policy of its document; a
//!   `[dependencies]` block must name a path or a git URL; a `[profile...]` block must
//!   parse; any other block is a fragment and must compile appended to the first policy
//!   of its document (its main example).
//! - `json` blocks: each line must parse.
//! - `sh` blocks (feature `cli`): run with `tosguard` and `cargo run ... -- ARGS` as
//!   the built binary, in a directory holding the repository's `examples/` and every
//!   block marked `file=NAME`; each must exit 0. Other `cargo` commands are not run.
//! - `text` blocks are output samples and are not checked; `python` blocks belong to
//!   the Python package (`python/`) and are not checked here.

use std::path::{Path, PathBuf};

use tosguard::Policy;

/// A fenced code block.
struct Block {
    doc: String,
    line: usize,
    lang: String,
    /// `file=NAME` in the info string.
    file: Option<String>,
    code: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn docs() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md")];
    let mut more: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    more.sort();
    files.extend(more);
    files
}

fn blocks(path: &Path) -> Vec<Block> {
    let src = std::fs::read_to_string(path).unwrap();
    let doc = path.strip_prefix(root()).unwrap().display().to_string();
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in src.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    let mut words = info.split_whitespace();
                    let lang = words.next().unwrap_or("").to_string();
                    let file = words
                        .find_map(|w| w.strip_prefix("file="))
                        .map(str::to_string);
                    open = Some(Block {
                        doc: doc.clone(),
                        line: i + 1,
                        lang,
                        file,
                        code: String::new(),
                    });
                }
            }
            Some(b) => {
                if trimmed == "```" {
                    out.push(open.take().unwrap());
                } else {
                    b.code.push_str(line);
                    b.code.push('\n');
                }
            }
        }
    }
    assert!(open.is_none(), "{doc}: unclosed code block");
    out
}

fn all_blocks() -> Vec<Block> {
    docs().iter().flat_map(|p| blocks(p)).collect()
}

#[test]
fn every_block_has_a_known_language() {
    let blocks = all_blocks();
    assert!(blocks.len() > 10, "found only {} blocks", blocks.len());
    for b in &blocks {
        assert!(
            ["rust", "toml", "json", "sh", "text", "python"].contains(&b.lang.as_str()),
            "{}:{}: a code block needs a language (rust, toml, json, sh or text), not {:?}",
            b.doc,
            b.line,
            b.lang
        );
    }
}

#[test]
fn rust_blocks_are_doc_tests_and_the_readme_ones_are_complete() {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    for b in all_blocks().iter().filter(|b| b.lang == "rust") {
        let include = format!("include_str!(\"../{}\")", b.doc);
        assert!(
            lib.contains(&include),
            "{}: has Rust blocks but src/lib.rs does not {include} under cfg(doctest)",
            b.doc
        );
        if b.doc == "README.md" {
            assert!(
                !b.code.lines().any(|l| l.trim_start().starts_with("# ")),
                "{}:{}: a hidden `# ` line: the block must compile as pasted",
                b.doc,
                b.line
            );
            assert!(
                b.code.contains("fn main()") || b.code.contains("#[test]"),
                "{}:{}: a README example is a whole `main.rs` or a whole test",
                b.doc,
                b.line
            );
        }
    }
}

#[test]
fn toml_blocks_compile_or_pass() {
    let mut checked = 0;
    for doc in docs() {
        let mut main_policy: Option<String> = None;
        for b in blocks(&doc).iter().filter(|b| b.lang == "toml") {
            let at = format!("{}:{}", b.doc, b.line);
            let table: toml::Table = b
                .code
                .parse()
                .unwrap_or_else(|e| panic!("{at}: not valid TOML: {e}"));
            if table.contains_key("dependencies") {
                let dep = &table["dependencies"]["tosguard"];
                assert!(
                    dep.get("path").is_some() || dep.get("git").is_some(),
                    "{at}: the dependency line names a path or a git URL"
                );
            } else if table.contains_key("profile") {
                // Cargo settings: valid TOML is all we can check here.
            } else if table.contains_key("policy") {
                if let Err(e) = Policy::from_toml_str(&b.code) {
                    panic!("{at}: the policy does not compile:\n{e}");
                }
                main_policy.get_or_insert_with(|| b.code.clone());
            } else if table.contains_key("case") {
                let policy = match &main_policy {
                    Some(src) => Policy::from_toml_str(src).unwrap(),
                    None => Policy::baseline(),
                };
                let report = tosguard::testing::run_test_str(&policy, "doc", &b.code)
                    .unwrap_or_else(|e| panic!("{at}: invalid test file:\n{e}"));
                assert!(
                    report.is_ok() && report.passed > 0,
                    "{at}: the test file fails: {:?}",
                    report.failures
                );
            } else {
                let base = main_policy
                    .as_deref()
                    .unwrap_or_else(|| panic!("{at}: a fragment with no policy before it"));
                let whole = format!("{base}\n{}", b.code);
                if let Err(e) = Policy::from_toml_str(&whole) {
                    panic!(
                        "{at}: the fragment does not compile in the document's first policy:\n{e}"
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} TOML blocks");
}

#[test]
fn json_blocks_parse() {
    for b in all_blocks().iter().filter(|b| b.lang == "json") {
        for (i, line) in b
            .code
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(line) {
                panic!("{}:{}: not JSON: {e}", b.doc, b.line + 1 + i);
            }
        }
    }
}

#[cfg(feature = "cli")]
#[test]
fn sh_blocks_run() {
    use std::process::Command;
    let dir = std::env::temp_dir().join(format!("tosguard-docs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("examples/policies")).unwrap();
    for e in std::fs::read_dir(root().join("examples/policies")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(
            &p,
            dir.join("examples/policies").join(p.file_name().unwrap()),
        )
        .unwrap();
    }
    let blocks = all_blocks();
    for b in blocks.iter().filter(|b| b.file.is_some()) {
        std::fs::write(dir.join(b.file.as_ref().unwrap()), &b.code).unwrap();
    }
    let prelude = "tosguard() { \"$TOSGUARD\" \"$@\"; }\n\
        cargo() { if [ \"$1\" = run ]; then while [ \"$#\" -gt 0 ] && [ \"$1\" != -- ]; do shift; done; \
        if [ \"$#\" -eq 0 ]; then return 0; fi; shift; \"$TOSGUARD\" \"$@\"; fi; }\n";
    let mut ran = 0;
    // Blocks that install or run the Python package (`pip`, `python`) are that
    // package's to check.
    for b in blocks
        .iter()
        .filter(|b| b.lang == "sh" && !b.code.contains("pip ") && !b.code.contains("python "))
    {
        let out = Command::new("sh")
            .arg("-ec")
            .arg(format!("{prelude}{}", b.code))
            .env("TOSGUARD", env!("CARGO_BIN_EXE_tosguard"))
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}:{}: the block fails ({}):\n{}\nstdout:\n{}\nstderr:\n{}",
            b.doc,
            b.line,
            out.status,
            b.code,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        ran += 1;
    }
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(ran >= 3, "only {ran} shell blocks");
}
