//! Where a long text is cut into the windows it is judged in, so that one call's
//! memory is bounded by the window size rather than by the text.
//!
//! A window is at most `max` bytes of the original text, and at least half of that
//! unless it is the last. Its end is the best cut in its last half, searched from the
//! end: after a line break; else after a sentence end (`.` `!` `?` `…` followed by
//! whitespace) not closing a single letter (the `k. i. l. l.` of a spelled-out word);
//! else at whitespace with a word of two letters or more on one side (a space of
//! `k i l l` is never chosen while another is); else at any whitespace; else at the
//! last char boundary (never inside a UTF-8 char). The whitespace of a cut stays at the end of
//! the earlier window; every byte of the text is in exactly one window.

use std::ops::Range;

/// The windows of `text`, in order: contiguous, covering it, each non-empty (an empty
/// text is one empty window) and at most `max` bytes unless one char is longer.
pub(crate) fn windows(text: &str, max: usize) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let end = window_end(text, start, max);
        done = end >= text.len();
        let w = start..end;
        start = end;
        Some(w)
    })
}

/// Is `b` ASCII whitespace (the cuts consider no other)?
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

/// Whether a word (run of non-whitespace bytes) holds at most one char other than ASCII
/// punctuation: a spelled-out letter (`k`, `k.`) or a separator (`-`).
fn small(word: impl Iterator<Item = u8>) -> bool {
    let mut chars = 0;
    for x in word {
        if x & 0xC0 != 0x80 && !x.is_ascii_punctuation() {
            chars += 1;
            if chars > 1 {
                return false;
            }
        }
    }
    true
}

/// Whether the word that ends at byte `end` is [`small`], looking back no further
/// than `floor`.
fn small_before(b: &[u8], floor: usize, end: usize) -> bool {
    let word = b.get(floor..end).unwrap_or_default();
    small(word.iter().rev().copied().take_while(|&x| !is_space(x)))
}

/// Whether the word that starts at byte `start` is [`small`].
fn small_after(b: &[u8], start: usize) -> bool {
    let word = b.get(start..).unwrap_or_default();
    small(word.iter().copied().take_while(|&x| !is_space(x)))
}

/// How good a cut after the whitespace `b[run]` is (higher is better): 3 after a line
/// break, 2 after a sentence end, 1 between two words one of which is not [`small`],
/// 0 else (inside a spelled-out word).
fn rank(b: &[u8], floor: usize, run: Range<usize>) -> usize {
    if b.get(run.clone()).is_some_and(|ws| ws.contains(&b'\n')) {
        return 3;
    }
    let before = b.get(floor..run.start).unwrap_or_default();
    let mark = if before.ends_with("…".as_bytes()) {
        Some(run.start - "…".len())
    } else if matches!(before.last(), Some(b'.' | b'!' | b'?')) {
        Some(run.start - 1)
    } else {
        None
    };
    if mark.is_some_and(|m| !small_before(b, floor, m)) {
        return 2;
    }
    if !(small_before(b, floor, run.start) && small_after(b, run.end)) {
        return 1;
    }
    0
}

/// The end of the window of `text` that starts at byte `start` (a char boundary).
fn window_end(text: &str, start: usize, max: usize) -> usize {
    let b = text.as_bytes();
    let max = max.max(1);
    if b.len().saturating_sub(start) <= max {
        return b.len();
    }
    let limit = start + max;
    let floor = start + max / 2;
    // The last cut of each rank in (floor, limit]: a cut is a position right after a
    // whitespace run, before a non-whitespace byte.
    let mut best: [Option<usize>; 4] = [None; 4];
    let mut p = limit;
    while p > floor {
        let (Some(&prev), Some(&here)) = (b.get(p - 1), b.get(p)) else {
            break;
        };
        if !is_space(prev) || is_space(here) {
            p -= 1;
            continue;
        }
        let mut q = p - 1;
        while q > start && b.get(q - 1).copied().is_some_and(is_space) {
            q -= 1;
        }
        let r = rank(b, start, q..p);
        if let Some(slot) = best.get_mut(r) {
            slot.get_or_insert(p);
        }
        if r == 3 {
            break;
        }
        p = q;
    }
    if let Some(cut) = best.iter().rev().find_map(|c| *c) {
        return cut;
    }
    // No whitespace in the last half: the last char boundary, or past the first char
    // if it alone is longer than the window.
    let mut end = limit;
    while end > start && !text.is_char_boundary(end) {
        end -= 1;
    }
    if end == start {
        end = start + 1;
        while end < b.len() && !text.is_char_boundary(end) {
            end += 1;
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::windows;

    fn cut(text: &str, max: usize) -> Vec<&str> {
        windows(text, max).map(|w| &text[w]).collect()
    }

    #[test]
    fn a_text_within_the_window_is_one_window() {
        assert_eq!(cut("", 8), [""]);
        assert_eq!(cut("abc def", 7), ["abc def"]);
        assert_eq!(cut("abc defg", 7), ["abc ", "defg"]);
    }

    #[test]
    fn line_breaks_then_sentence_ends_then_words_are_preferred() {
        assert_eq!(
            cut("one two three.\nfour. five six", 22),
            ["one two three.\n", "four. five six"]
        );
        assert_eq!(
            cut("one two. three four five", 16),
            ["one two. ", "three four five"]
        );
        assert_eq!(
            cut("one two three four five", 20),
            ["one two three four ", "five"]
        );
    }

    #[test]
    fn spelled_out_words_are_not_split_when_another_cut_exists() {
        // The spaces of `k i l l` come last in the window, but the cut is before them.
        assert_eq!(
            cut("stop it now k i l l them", 17),
            ["stop it now ", "k i l l them"]
        );
        // Nor is `k. i. l. l.` read as sentences.
        assert_eq!(
            cut("ab cd ef k. i. l. l. them", 16),
            ["ab cd ef ", "k. i. l. l. them"]
        );
        // Either side of a run will do.
        assert_eq!(
            cut("well then k i l l them", 20),
            ["well then k i l l ", "them"]
        );
        // Only single letters: any space will do.
        assert_eq!(
            cut("a b c d e f g h i j k", 8),
            ["a b c d ", "e f g h ", "i j k"]
        );
    }

    #[test]
    fn cuts_never_split_a_char_and_always_advance() {
        let text = "éééééééééé";
        for max in 1..=text.len() + 1 {
            let parts = cut(text, max);
            assert_eq!(parts.concat(), text, "window {max}");
            assert!(parts.iter().all(|p| !p.is_empty()));
            assert!(parts.iter().all(|p| p.len() <= max.max(2)), "window {max}");
        }
        // A char longer than the window is a window of its own.
        assert_eq!(cut("😀😀", 1), ["😀", "😀"]);
    }
}
