//! "Did you mean" suggestions for a mistyped name. The command-line tool includes this
//! file too, for its own names (built-in policies, rule ids).

/// The closest of `candidates` to `word`, if one is close enough to be a likely typo:
/// at most one edit in three characters (at least one edit), and not `word` itself.
/// Ties go to the first candidate given.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        let d = edit_distance(word, c);
        let limit = (word.chars().count().max(c.chars().count()) / 3).max(1);
        if d == 0 || d > limit {
            continue;
        }
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `" (did you mean `x`?)"` for the closest candidate, or nothing.
pub fn hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(word, candidates)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

/// The edit distance between two strings, in chars, where swapping two neighbouring
/// chars is one edit (`beofre` is one edit from `before`).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the optimal-string-alignment table: two back, one back, current.
    let mut two: Vec<usize> = vec![0; b.len() + 1];
    let mut one: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let sub = one[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut d = sub.min(one[j] + 1).min(cur[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(two[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut two, &mut one);
        std::mem::swap(&mut one, &mut cur);
    }
    one[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("beofre", "before"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("héllo", "hello"), 1);
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("baselin", ["baseline", "taxonomy"]),
            Some("baseline")
        );
        assert_eq!(
            did_you_mean("violence.threta", ["violence.threat", "hate.threat"]),
            Some("violence.threat")
        );
        assert_eq!(did_you_mean("zzz", ["baseline", "taxonomy"]), None);
        assert_eq!(did_you_mean("baseline", ["baseline"]), None);
        assert_eq!(hint("nera", ["near", "before"]), " (did you mean `near`?)");
        assert_eq!(hint("xyz", ["near", "before"]), "");
    }
}
