#!/usr/bin/env python3
"""Writes tests/data/normalize/disguised.txt: disguised forms of English and French
terms, one per line, `term<TAB>text`, the disguised span of `text` in [brackets].

Usage: python3 tools/gen_normalize_corpus.py > tests/data/normalize/disguised.txt

The hand-written cases (HAND) come first; the rest applies each evasion family to a
list of terms, deterministically (no randomness), inside sentence templates.
"""

EN = ["kill", "murder", "shoot", "stab", "rape", "hang", "bitch", "slut", "whore",
      "retard", "idiot", "loser", "hate", "bomb", "behead", "lynch", "faggot", "asshole",
      "terrorist", "strangle"]
FR = ["tuer", "buter", "pendre", "violer", "egorger", "crever", "salope", "pute",
      "connard", "encule", "mourir", "abattre", "massacrer", "bruler", "poignarder",
      "fusiller", "decapiter", "tabasser", "lyncher", "gazer"]
EN_T = ["I will {} you", "{} them all", "go {} yourself", "you {}!", "they should {} him."]
FR_T = ["je vais te {}", "il faut les {} tous", "sale {} !", "on va {} ce type", "{}, voilà."]

LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7", "g": "9", "b": "8"}
SYM = {"a": "@", "s": "$", "i": "!"}
CYR = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"}
GRK = {"o": "ο", "a": "α", "v": "ν", "k": "κ"}

HAND = [
    ("kill", "I will [k1ll] you"),
    ("kill", "I will [K.I.L.L] you"),
    ("kill", "I will [k i l l] you"),
    ("kill", "I will [k-i-l-l] you"),
    ("kill", "I will [k_i_l_l] you"),
    ("kill", "I will [k . i . l . l] you"),
    ("kill", "I will [k. i. l. l] you"),
    ("kill", "I will [kiiiiill] you"),
    ("kill", "I will [kiiiilllll] you"),
    ("kill", "I will [k*ll] you"),
    ("kill", "I will [k**l] you"),
    ("kill", "I will [kіll] you"),
    ("kill", "I will [КІLL] you"),
    ("kill", "I will [ｋｉｌｌ] you"),
    ("kill", "I will [𝐤𝐢𝐥𝐥] you"),
    ("kill", "I will [𝓴𝓲𝓵𝓵] you"),
    ("kill", "I will [ⓚⓘⓛⓛ] you"),
    ("kill", "I will [⒦⒤⒧⒧] you"),
    ("kill", "I will [🅺🅸🅻🅻] you"),
    ("kill", "I will [ᴋɪʟʟ] you"),
    ("kill", "I will [k\u200bi\u200bl\u200bl] you"),
    ("kill", "I will [k\u00adi\u00adl\u00adl] you"),
    ("kill", "I will [k\u202ei\u202cll] you"),
    ("kill", "I will [k̷i̷l̷l̷] you"),
    ("kill", "I will [k̶̢i̴͓l̵̙l̸̗] you"),
    ("kill", "I will [kíll] you"),
    ("kill", "I will [ki11] you"),
    ("kill", "I will [k!ll] you"),
    ("!kill", "I will [k1|l] you"),  # `|` is not read as a letter
    ("kill", "I will [K 1 L L] you"),
    ("kill", "I will [KiLl] you"),
    ("kill", "I will [k\ufe0fill] you"),
    ("kill them all", "[killthemall]"),
    ("kill them all", "[KillThemAll] now"),
    ("shoot", "[$h00t] them"),
    ("shoot", "[sh00t] them"),
    ("shoot", "[shooooot] them"),
    ("shoot", "[5hoot] them"),
    ("shit", "what a [sh!t] day"),
    ("shit", "what a [5h1t] day"),
    ("shit", "what a [sh*t] day"),
    ("fuck", "[f*ck] you"),
    ("fuck", "[f**k] you"),
    ("fuck", "[fuuuuck] you"),
    ("fuck", "[ｆｕｃｋ] you"),
    ("!nigger", "you [n***er]"),  # fits `number`, more common
    ("nigger", "you [n1gg3r]"),
    ("ass", "kiss my [4ss]"),
    ("ass", "kiss my [a$$]"),
    ("ass", "kiss my [@ss] pal"),
    ("ass", "kiss my [asssss]"),
    ("asshole", "you [a$$hole]"),
    ("rape", "I will [r@pe] you"),
    ("rape", "I will [r4pe] you"),
    ("die", "[d1e] now"),
    ("die", "[d i e] now"),
    ("die", "[diiiiie] now"),
    ("fag", "you [f4g]"),
    ("loser", "you [1oser]"),
    ("loser", "you [l0ser]"),
    ("idiot", "you [1d10t]"),
    ("hacker", "[h4ck3r]"),
    ("murder", "[muuuurder] them"),
    ("murder", "[MURDER] them"),
    ("murder", "[murdr] them"),
    ("murder", "[mudrer] them"),
    ("murder", "[murrder] them"),
    ("strangle", "[strangel] him"),
    ("behead", "[b3h34d] them"),
    ("tuer", "je vais te [TUEEEEER]"),
    ("tuer", "je vais te [tu3r]"),
    ("tuer", "je vais te [t u e r]"),
    ("tuer", "je vais te [t.u.e.r]"),
    ("tuer", "je vais te [tυer]"),
    ("tuer", "je vais te [t*er]"),
    ("tuer", "je vais te [ＴＵＥＲ]"),
    ("pendre", "il faut les [p e n d r e]"),
    ("pendre", "il faut les [p-e-n-d-r-e]"),
    ("pendre", "il faut les [p3ndr3]"),
    ("pendre", "il faut les [pеndrе]"),
    ("egorger", "il faut les [égorger]"),
    ("egorger", "il faut les [ÉGORGER]"),
    ("egorger", "il faut les [3g0rg3r]"),
    ("salope", "sale [s@lope]"),
    ("salope", "sale [$alope]"),
    ("salope", "sale [s4l0p3]"),
    ("salope", "sale [s*lope]"),
    ("salope", "sale [saloooope]"),
    ("salope", "sale [sаlоpе]"),
    ("pute", "sale [p*te]"),  # fits `pote`, more common but not ten times
    ("pute", "sale [put3]"),
    ("pute", "sale [p.u.t.e]"),
    ("encule", "sale [enculé]"),
    ("encule", "sale [ENCULÉ]"),
    ("encule", "sale [encul3]"),
    ("encule", "sale [3ncul3]"),
    ("connard", "sale [c0nnard]"),
    ("connard", "sale [ç0nnard]"),
    ("connard", "sale [connnnnard]"),
    ("connard", "sale [conard]"),
    ("bruler", "on va les [brûler]"),
    ("bruler", "on va les [br\u00fbl3r]"),
    ("mourir", "tu vas [m0urir]"),
    ("mourir", "tu vas [m o u r i r]"),
    ("violer", "je vais te [v10ler]"),
    ("violer", "je vais te [vi0ler]"),
    ("violer", "je vais te [V I O L E R]"),
    ("crever", "tu vas [cr3v3r]"),
    ("crever", "tu vas [crevеr]"),
]


def templates(term, fr):
    t = FR_T if fr else EN_T
    return t


def inner_sub(word, table, max_subs):
    out = list(word)
    n = 0
    for i in range(1, len(word) - 1):
        if word[i] in table and n < max_subs:
            out[i] = table[word[i]]
            n += 1
    return "".join(out) if n else None


def families(word):
    yield inner_sub(word, LEET, 2)
    yield inner_sub(word, SYM, 1)
    yield " ".join(word)
    yield ".".join(word)
    yield "-".join(word)
    yield "_".join(word)
    # repeated letters: the second letter five times
    yield word[0] + word[1] * 5 + word[2:]
    yield inner_sub(word, CYR, 2)
    yield inner_sub(word, GRK, 1)
    yield "\u200b".join(word)
    yield "".join(chr(ord(c) - ord("a") + 0xFF41) for c in word)  # fullwidth
    yield "".join(chr(ord(c) - ord("a") + 0x1D41A) for c in word)  # math bold
    yield "".join(chr(ord(c) - ord("a") + 0x24D0) for c in word)  # circled
    if len(word) >= 4:
        yield word[0] + "*" + word[2:]
    yield word.upper()


# Masks that also fit a word ten times as common, which the engine reads as neither
# (`n***er`: `number`; `s*ut`: `shut`, which the policy's vocabulary also holds):
# known failures. (`p*te`, `l*ser`, `l*nch`, `c*ever` fit `pote`, `laser`, `lunch`,
# `clever`, more common but not ten times: read as the term.)
MASK_FITS_COMMONER = {
    ("nigger", "n***er"), ("slut", "s*ut"),
}


def main():
    lines = ["# Generated by tools/gen_normalize_corpus.py: term<TAB>text, disguised span in [brackets].",
             "# A line starting with ! is a known failure (the test fails when it starts passing)."]
    seen = set()
    for term, text in HAND:
        lines.append(f"{term}\t{text}")
        seen.add(text)
    for fr, words in ((False, EN), (True, FR)):
        t = FR_T if fr else EN_T
        for wi, word in enumerate(words):
            for fi, form in enumerate(families(word)):
                if form is None:
                    continue
                text = t[(wi + fi) % len(t)].format(f"[{form}]")
                if text not in seen:
                    seen.add(text)
                    mark = "!" if (word, form) in MASK_FITS_COMMONER else ""
                    lines.append(f"{mark}{word}\t{text}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
