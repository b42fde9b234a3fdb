//! Brace expansion for lexicon terms: `tu{er,é,ée}` is `tuer`, `tué`, `tuée`.

/// Expands every `{a,b,…}` group of `term` (groups multiply, do not nest).
/// Returns an error message on unbalanced or nested braces.
pub(crate) fn expand(term: &str) -> Result<Vec<String>, String> {
    if !term.contains(['{', '}']) {
        // Most terms have no braces: one copy, no formatting.
        return Ok(vec![term.to_string()]);
    }
    let mut out = vec![String::new()];
    let mut rest = term;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(format!("`}}` without `{{` in `{term}`"));
        }
        let (lit, after) = rest.split_at(open);
        let after = &after[1..];
        let close = after
            .find(['{', '}'])
            .filter(|&i| after[i..].starts_with('}'))
            .ok_or_else(|| {
                if after.contains('}') {
                    format!("nested braces in `{term}`")
                } else {
                    format!("unclosed `{{` in `{term}`")
                }
            })?;
        let alternatives: Vec<&str> = after[..close].split(',').collect();
        if alternatives.len() < 2 && alternatives.iter().all(|a| a.is_empty()) {
            return Err(format!("empty braces in `{term}`"));
        }
        let mut next = Vec::with_capacity(out.len() * alternatives.len());
        for prefix in &out {
            for alt in &alternatives {
                let mut t = String::with_capacity(prefix.len() + lit.len() + alt.len());
                t.push_str(prefix);
                t.push_str(lit);
                t.push_str(alt);
                next.push(t);
            }
        }
        if next.len() > 4096 {
            return Err(format!("`{term}` expands to more than 4096 terms"));
        }
        // Each term of the expansion is at most as long as `term`: the expansion is
        // bounded by 4096 times its length.
        out = next;
        rest = &after[close + 1..];
    }
    for s in &mut out {
        s.push_str(rest);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::expand;

    #[test]
    fn expands_groups() {
        assert_eq!(
            expand("kill{,s,ed,ing}").unwrap(),
            ["kill", "kills", "killed", "killing"]
        );
        assert_eq!(
            expand("tu{er,é}{,s}").unwrap(),
            ["tuer", "tuers", "tué", "tués"]
        );
        assert_eq!(expand("plain").unwrap(), ["plain"]);
        assert_eq!(expand("{a,b} c").unwrap(), ["a c", "b c"]);
    }

    #[test]
    fn rejects_bad_braces() {
        assert!(expand("kill{s,ed").unwrap_err().contains("unclosed"));
        assert!(expand("kill}s").unwrap_err().contains("without"));
        assert!(expand("a{b{c}}").unwrap_err().contains("nested"));
        assert!(expand("a{}").unwrap_err().contains("empty"));
        assert!(
            expand("{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}").is_err()
        );
    }
}
