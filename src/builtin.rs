//! Built-in policy packs, compiled into the binary from `policies/`.

/// `(name, source)` of every built-in pack.
pub(crate) const PACKS: &[(&str, &str)] = &[
    ("contexts", include_str!("../policies/contexts.toml")),
    ("taxonomy", include_str!("../policies/taxonomy.toml")),
    ("typos", include_str!("../policies/typos.toml")),
    ("baseline", include_str!("../policies/baseline.toml")),
    (
        "baseline.en.vocab",
        include_str!("../policies/baseline/en.vocab.toml"),
    ),
    ("baseline.en", include_str!("../policies/baseline/en.toml")),
    ("baseline.fr", include_str!("../policies/baseline/fr.toml")),
    (
        "baseline.signal",
        include_str!("../policies/baseline/signal.toml"),
    ),
    (
        "baseline.fr.vocab",
        include_str!("../policies/baseline/fr.vocab.toml"),
    ),
];

/// The names of the built-in packs that `extends` and `--builtin` accept.
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    PACKS.iter().map(|(n, _)| *n)
}

pub(crate) fn source(name: &str) -> Option<&'static str> {
    PACKS.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}
