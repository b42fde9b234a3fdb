//! A set of short strings stored end to end in one buffer.
//!
//! The vocabulary holds hundreds of thousands of words and neighbour pairs: one heap
//! allocation each (a `Box<str>` in a `HashSet`) cost several megabytes of allocator
//! overhead. Here the strings are one `String`, their ends one `Vec<u32>`, and the
//! lookup an open-addressing table of indices into those ends.

use super::hash::mix;

/// An empty slot of [`StrSet::table`].
const EMPTY: u32 = u32::MAX;

/// A set of strings, in insertion order, stored end to end.
#[derive(Clone, Debug, Default)]
pub(crate) struct StrSet {
    /// The strings, end to end.
    text: String,
    /// Where each string ends in `text` (it starts where the one before ends).
    ends: Vec<u32>,
    /// Open addressing, linear probing: indices into `ends`, or [`EMPTY`]. Its length
    /// is zero or a power of two, kept above 8/7 of the number of strings.
    table: Vec<u32>,
}

/// The hash of `s` (the word hasher's, see [`super::BuildWordHasher`]).
fn hash(s: &str) -> u64 {
    let h = mix(0, s.as_bytes());
    h ^ (h >> 29)
}

/// The length of a spread table for `n` strings: at most a quarter full.
fn spread_size(n: usize) -> usize {
    (n * 4).max(16).next_power_of_two()
}

impl StrSet {
    /// How many strings it holds.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The `i`-th string added.
    fn get(&self, i: usize) -> &str {
        let start = match i.checked_sub(1) {
            Some(p) => self.ends.get(p).map_or(0, |&e| e as usize),
            None => 0,
        };
        let end = self.ends.get(i).map_or(start, |&e| e as usize);
        self.text.get(start..end).unwrap_or_default()
    }

    /// The slot of `table` holding `s`, or the empty slot where it would go.
    fn slot(&self, s: &str) -> usize {
        self.slot_hashed(s, hash(s))
    }

    /// [`StrSet::slot`] of `s` whose hash `h` is known.
    #[inline]
    fn slot_hashed(&self, s: &str, h: u64) -> usize {
        let mask = self.table.len().wrapping_sub(1);
        let mut at = h as usize & mask;
        loop {
            match self.table.get(at) {
                Some(&i) if i != EMPTY && self.get(i as usize) != s => at = (at + 1) & mask,
                _ => return at,
            }
        }
    }

    /// Is `s` in the set?
    pub(crate) fn contains(&self, s: &str) -> bool {
        if self.table.is_empty() {
            return false;
        }
        self.table.get(self.slot(s)).is_some_and(|&i| i != EMPTY)
    }

    /// The index of `s` (the number of strings added before it), if it is in the set.
    #[cfg(test)]
    pub(crate) fn index_of(&self, s: &str) -> Option<u32> {
        self.index_of_hashed(s, hash(s))
    }

    /// [`StrSet::index_of`] of `s` whose hash `h` is known: the scan's hash of a token
    /// (`hash_word`, the same function), so that the token is not hashed again.
    #[inline]
    pub(crate) fn index_of_hashed(&self, s: &str, h: u64) -> Option<u32> {
        if self.table.is_empty() {
            return None;
        }
        self.table
            .get(self.slot_hashed(s, h))
            .copied()
            .filter(|&i| i != EMPTY)
    }

    /// The bytes it holds.
    pub(crate) fn memory_usage(&self) -> usize {
        self.text.len() + (self.ends.len() + self.table.len()) * 4
    }

    /// Adds `s`; returns whether it was new. A string past the offsets' range
    /// (4 GiB of text) is not added.
    pub(crate) fn insert(&mut self, s: &str) -> bool {
        if self.contains(s) {
            return false;
        }
        let (Ok(end), Ok(index)) = (
            u32::try_from(self.text.len() + s.len()),
            u32::try_from(self.ends.len()),
        ) else {
            return false;
        };
        if index == EMPTY {
            return false;
        }
        if (self.ends.len() + 1) * 8 > self.table.len() * 7 {
            self.grow();
        }
        self.text.push_str(s);
        self.ends.push(end);
        let at = self.slot(s);
        if let Some(slot) = self.table.get_mut(at) {
            *slot = index;
        }
        true
    }

    /// An empty set for `n` strings with its table spread already (see
    /// [`StrSet::spread`]): filled without growing.
    pub(crate) fn spread_for(n: usize) -> StrSet {
        StrSet {
            text: String::new(),
            ends: Vec::with_capacity(n),
            table: vec![EMPTY; spread_size(n)],
        }
    }

    /// Makes the table at least four times as long as the strings are many, so that a
    /// string that is not in the set is told apart in a probe or two (at the load
    /// `insert` keeps, up to 7/8, such a lookup probes a long run): for sets asked of
    /// every token, most of which are not in them.
    pub(crate) fn spread(&mut self) {
        let size = spread_size(self.ends.len());
        if size > self.table.len() {
            self.rebuild(size);
        }
    }

    /// Doubles the table and puts every string back in it.
    fn grow(&mut self) {
        self.rebuild((self.table.len() * 2).max(16));
    }

    /// A table of `size` slots (a power of two) with every string put back in it.
    fn rebuild(&mut self, size: usize) {
        self.table = vec![EMPTY; size];
        let mask = size - 1;
        for i in 0..self.ends.len() {
            let mut at = hash(self.get(i)) as usize & mask;
            while self.table.get(at).is_some_and(|&x| x != EMPTY) {
                at = (at + 1) & mask;
            }
            if let (Some(slot), Ok(i)) = (self.table.get_mut(at), u32::try_from(i)) {
                *slot = i;
            }
        }
    }

    /// The strings, in the order they were added.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|i| self.get(i))
    }

    /// The `i`-th string added, for an index kept by the caller.
    pub(crate) fn at(&self, i: u32) -> &str {
        self.get(i as usize)
    }

    /// Its strings end to end, where each ends, and its table: what a stored policy
    /// keeps (`src/compiled/store.rs`).
    pub(crate) fn parts(&self) -> (&str, &[u32], &[u32]) {
        (&self.text, &self.ends, &self.table)
    }

    /// The set of [`StrSet::parts`], if they can be one: the ends rise on characters
    /// of `text`, the last at its end; the table is a power of two long (or empty with
    /// no string), holds each string's index once and keeps a free slot in eight, as
    /// [`StrSet::insert`] does (a lookup stops at a free slot). A stored set whose
    /// strings and table disagree finds wrong strings, never loops or panics.
    pub(crate) fn from_parts(text: String, ends: Vec<u32>, table: Vec<u32>) -> Option<StrSet> {
        let mut start = 0;
        for &e in &ends {
            let e = e as usize;
            if e < start || !text.is_char_boundary(e) {
                return None;
            }
            start = e;
        }
        let n = ends.len();
        let mut seen = vec![false; n];
        for &i in table.iter().filter(|&&i| i != EMPTY) {
            match seen.get_mut(i as usize) {
                Some(s) if !*s => *s = true,
                _ => return None,
            }
        }
        let sized = if table.is_empty() {
            n == 0
        } else {
            table.len().is_power_of_two() && n * 8 <= table.len() * 7
        };
        (start == text.len() && sized && seen.iter().all(|&s| s)).then_some(StrSet {
            text,
            ends,
            table,
        })
    }

    /// Gives back the spare capacity of the buffers.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

impl PartialEq for StrSet {
    /// The same strings, in any order.
    fn eq(&self, other: &StrSet) -> bool {
        self.len() == other.len() && self.iter().all(|s| other.contains(s))
    }
}

#[cfg(test)]
mod tests {
    use super::StrSet;

    #[test]
    fn holds_what_was_added_once() {
        let mut s = StrSet::default();
        assert!(!s.contains("a"));
        let words: Vec<String> = (0..1000).map(|i| format!("w{i}")).collect();
        for w in &words {
            assert!(s.insert(w));
        }
        assert!(!s.insert("w7"));
        assert!(s.insert(""));
        assert_eq!(s.len(), 1001);
        assert!(words.iter().all(|w| s.contains(w)));
        assert!(s.contains(""));
        assert!(!s.contains("w1000"));
        assert_eq!(s.iter().nth(3), Some("w3"));
        assert_eq!(s.at(999), "w999");
        assert_eq!(s.index_of("w999"), Some(999));
        assert_eq!(s.index_of(""), Some(1000));
        assert_eq!(s.index_of("w1000"), None);
        assert_eq!(StrSet::default().index_of(""), None);
        let mut spread = s.clone();
        spread.spread();
        assert!(spread.parts().2.len() >= 4 * spread.len());
        assert_eq!(spread.index_of("w999"), Some(999));
        assert!(spread == s && !spread.contains("w1000"));
        let mut pre = StrSet::spread_for(1001);
        for w in s.iter() {
            pre.insert(w);
        }
        assert_eq!(pre.parts().2.len(), spread.parts().2.len());
        assert!(pre == s);
        let mut t = StrSet::default();
        for w in words.iter().rev() {
            t.insert(w);
        }
        assert!(s != t);
        t.insert("");
        assert!(s == t);
    }
}
