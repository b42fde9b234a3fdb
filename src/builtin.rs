//! Built-in policy packs, compiled into the binary from `policies/`.
//!
//! The list below is expanded by `built_packs!`, which the library (`lib.rs`: each
//! source embedded with `include_str!`) and the build script (`build.rs`: each source
//! read when it runs, so that editing a pack does not rebuild the build script) define
//! each in their own way.

built_packs! {
    "contexts" => "contexts.toml",
    "taxonomy" => "taxonomy.toml",
    "typos" => "typos.toml",
    "baseline" => "baseline.toml",
    "baseline.en.vocab" => "baseline/en.vocab.toml",
    "baseline.names" => "baseline/names.toml",
    "baseline.en" => "baseline/en.toml",
    "baseline.fr" => "baseline/fr.toml",
    "baseline.signal" => "baseline/signal.toml",
    "baseline.fr.vocab" => "baseline/fr.vocab.toml",
}

/// The names of the built-in packs that `extends` and `--builtin` accept.
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    PACKS.iter().map(|(n, _)| *n)
}

pub(crate) fn source(name: &str) -> Option<&'static str> {
    PACKS.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}
