//! Which rules a text can fire, from the lexicons it has hits of: each rule is listed
//! under the lexicons of one set of its necessary condition ([`Rule::needs`],
//! [`Rule::needs_one_of`]), so that a text is only tested against the rules listed
//! under the lexicons it has hits of, not against every rule of the policy.

use super::{LexiconId, Rule};

/// Per lexicon, the rules that may fire when it has hits (and no other of their
/// trigger set does); rules with no necessary lexicon are always tested.
#[derive(Clone, Debug, Default)]
pub(crate) struct Triggers {
    /// `rules[off[l]..off[l + 1]]`: the rules triggered by lexicon `l`, ascending.
    off: Vec<u32>,
    rules: Vec<u32>,
    /// Rules that need no lexicon, ascending.
    always: Vec<u32>,
    /// How many rules were listed (a policy whose rule count differs was not).
    count: usize,
}

impl Triggers {
    /// Lists every rule under the lexicons of one set of its necessary condition:
    /// the set whose lexicons the fewest rules mention (a lexicon many rules use,
    /// pronouns or negations, is likely common in text too).
    pub(crate) fn build(rules: &[Rule], lexicons: usize) -> Triggers {
        let sets = |r: &Rule| -> Vec<Vec<LexiconId>> {
            let mut v: Vec<Vec<LexiconId>> = r.needs.iter().map(|&l| vec![l]).collect();
            v.extend(r.needs_one_of.iter().cloned());
            v
        };
        let mut uses = vec![0u32; lexicons];
        for r in rules {
            let mut all: Vec<LexiconId> = sets(r).into_iter().flatten().collect();
            all.sort_unstable();
            all.dedup();
            for l in all {
                if let Some(n) = uses.get_mut(l.index()) {
                    *n += 1;
                }
            }
        }
        let mut per_lex: Vec<Vec<u32>> = vec![Vec::new(); lexicons];
        let mut always = Vec::new();
        for (ri, r) in rules.iter().enumerate() {
            let cost = |set: &Vec<LexiconId>| -> u64 {
                set.iter()
                    .map(|l| u64::from(uses.get(l.index()).copied().unwrap_or(0)))
                    .sum()
            };
            let best = sets(r)
                .into_iter()
                .filter(|set| set.iter().all(|l| l.index() < lexicons))
                .min_by_key(|set| (cost(set), set.len()));
            match best {
                Some(set) => {
                    for l in set {
                        if let Some(v) = per_lex.get_mut(l.index()) {
                            v.push(ri as u32);
                        }
                    }
                }
                None => always.push(ri as u32),
            }
        }
        let mut off = Vec::with_capacity(lexicons + 1);
        let mut list = Vec::new();
        off.push(0);
        for v in per_lex {
            list.extend(v);
            off.push(list.len() as u32);
        }
        Triggers {
            off,
            rules: list,
            always,
            count: rules.len(),
        }
    }

    /// The rules triggered by lexicon `l`.
    #[inline]
    pub(crate) fn of(&self, l: usize) -> &[u32] {
        let (a, b) = (
            self.off.get(l).copied().unwrap_or(0) as usize,
            self.off.get(l + 1).copied().unwrap_or(0) as usize,
        );
        self.rules.get(a..b).unwrap_or(&[])
    }

    /// Whether these are the triggers of a policy of `rules` rules.
    pub(crate) fn lists(&self, rules: usize) -> bool {
        self.count == rules
    }

    /// The rules that need no lexicon.
    pub(crate) fn always(&self) -> &[u32] {
        &self.always
    }
}
