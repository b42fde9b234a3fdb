#!/usr/bin/env python3
"""Generate policies/typos.toml: real words never read as typos of a lexicon term.

Regenerate (from the repository root, on Debian bookworm with apt lists present,
i.e. after `apt-get update`; no root needed):

    python3 tools/gen-typo-exclusions/gen.py > policies/typos.toml

What it does
------------
The engine compiles "typo variants" of lexicon terms into its matcher: in every word
of at least 4 letters, one letter deleted (keeping at least 3), one letter doubled, or
two neighbouring different letters swapped. Some of those variants are real words
(`violer` -> `voler`, `rien` -> `rein`, `filles` -> `files`) and must not be read as
typos. This script lists them:

1. Terms: every string of every `[lexicons.<name>] terms` array of
   policies/baseline/en.toml and policies/baseline/fr.toml (all lexicons, whatever
   their `fuzzy`), brace-expanded like src/expand.rs (`tu{er,é}{,s}`), folded like the
   engine (NFKD, combining marks dropped, casefold, `œ`->`oe`, `æ`->`ae`, `ø`->`o`,
   `ł`->`l`, ..., whitespace collapsed). Words of a term are maximal runs of
   alphabetic chars (`str.isalpha`, like Rust's `char::is_alphabetic`).
2. Variants: for each word of >= 4 letters, the typo variants *of that word*.
3. Dictionary: English words of wamerican (/usr/share/dict/american-english, only
   all-lowercase entries without an apostrophe) and French word forms of
   hunspell-fr-classical (fr.dic expanded with `unmunch fr.dic fr.aff` from
   hunspell-tools; proper nouns, i.e. forms starting with an uppercase letter,
   skipped; anything after `/`, a tab or a space stripped), folded the same way.
   unmunch ignores the conditions of the affix rules and also prints non-words
   (`abjectte`, `abattoi`), so every French candidate is checked with `hunspell -G`
   (package hunspell), which applies them: a candidate stays if one of its spellings
   is accepted. If unmunch fails or prints nothing (or with --no-unmunch), the
   fallback is the fr.dic stems plus the stems with `s`, `e`, `es`, `x` appended
   (a warning says so on stderr).
4. Output: the sorted set of variants that are dictionary words and, for at least
   one term word s they come from, neither
   (a) a one-word term of the same lexicon as s (reading it as s is harmless there;
       a word that is a term only elsewhere or only inside a phrase is still listed:
       `put` of "put an end to" must not be read as the slur `pute`), nor
   (b) only an inflection of s: w == s + e/s/es/x, s == w + e/s/es/x, or the same
       stem with a final e/s swapped, AND, for a French s, w is a French form sharing
       a lemma with s (`hunspell -m`: `menacee`/`menace` share menacer; `put` is
       pouvoir, `pute` is pute), or, for an English s, w is an `s`/`es` plural form
       that is an English word (capitalized entries count: `nazi` from `nazis`) or
       no French one.

Sources: by default the script runs `apt-get download wamerican hunspell-fr-classical
hunspell-tools hunspell libhunspell-1.7-0` and `dpkg -x` in a temporary directory
(removed afterwards). Each input may instead be given by path (any one missing makes
the script download the packages):

    --wamerican PATH   (american-english word list)
    --fr-dic PATH --fr-aff PATH   (hunspell French dictionary, same base name)
    --unmunch PATH     (unmunch binary, from hunspell-tools)
    --hunspell PATH    (hunspell binary; set LD_LIBRARY_PATH for libhunspell if needed)
    --no-unmunch       (use the stem + s/e/es/x fallback instead of unmunch)
    --no-verify        (keep unmunch's French forms without the hunspell check)
    --explain          (print on stderr, for every excluded word, the term words it
                        comes from and their lexicons)

Statistics (terms, variants, dictionary size, excluded count, first 40 excluded
words) go to stderr; the TOML goes to stdout. Python 3.11+, standard library only.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import unicodedata
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKS = ["policies/baseline/en.toml", "policies/baseline/fr.toml"]
COMMAND = "python3 tools/gen-typo-exclusions/gen.py > policies/typos.toml"
PACKAGES = ["wamerican", "hunspell-fr-classical", "hunspell-tools", "hunspell", "libhunspell-1.7-0"]

MIN_TYPO_LETTERS = 4  # src/normalize/variants.rs
MIN_TYPO_VARIANT_LETTERS = 3
INFLECTION_SUFFIXES = ("e", "s", "es", "x")

# Letters whose diacritic has no canonical decomposition (src/normalize/fold.rs).
STROKED = {
    "œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h",
    "ŧ": "t", "ı": "i", "ƀ": "b", "ɨ": "i", "ȼ": "c", "ɇ": "e", "ƶ": "z",
}


# ---------------------------------------------------------------------------
# Folding, brace expansion, variants
# ---------------------------------------------------------------------------

def fold(s: str) -> str:
    """Folds like the engine: NFKD, no combining marks, casefold, stroked letters."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.casefold()
    s = "".join(STROKED.get(c, c) for c in s)
    return " ".join(s.split())


def words_of(s: str) -> list[str]:
    """Maximal runs of alphabetic chars."""
    out, cur = [], []
    for c in s:
        if c.isalpha():
            cur.append(c)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def expand(term: str) -> list[str]:
    """Brace expansion like src/expand.rs: groups multiply, no nesting."""
    out = [""]
    rest = term
    while True:
        m = re.search(r"[{}]", rest)
        if not m:
            break
        if m.group() == "}":
            raise ValueError(f"`}}` without `{{` in `{term}`")
        lit, after = rest[: m.start()], rest[m.start() + 1 :]
        close = re.search(r"[{}]", after)
        if not close or close.group() != "}":
            raise ValueError(f"unclosed or nested braces in `{term}`")
        alts = after[: close.start()].split(",")
        out = [p + lit + a for p in out for a in alts]
        rest = after[close.start() + 1 :]
    return [p + rest for p in out]


def variants(word: str) -> set[str]:
    """Typo variants of one word (src/normalize/variants.rs, `typo_variants`)."""
    n = len(word)
    out: set[str] = set()
    if n < MIN_TYPO_LETTERS:
        return out
    for j in range(n):
        if n > MIN_TYPO_VARIANT_LETTERS:
            out.add(word[:j] + word[j + 1 :])
        out.add(word[:j] + word[j] + word[j:])
        if j + 1 < n and word[j] != word[j + 1]:
            out.add(word[:j] + word[j + 1] + word[j] + word[j + 2 :])
    out.discard(word)
    return out


def is_inflection(w: str, s: str) -> bool:
    """Whether variant `w` of source word `s` is only an agreement form of it."""
    for suf in INFLECTION_SUFFIXES:
        if w == s + suf or s == w + suf:
            return True
    return w[:-1] == s[:-1] and w[-1:] in ("e", "s") and s[-1:] in ("e", "s")


# ---------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------

def download(tmp: Path) -> Path:
    """apt-get download + dpkg -x of the packages into `tmp`; returns the root."""
    debs = tmp / "debs"
    root = tmp / "root"
    debs.mkdir()
    root.mkdir()
    subprocess.run(["apt-get", "download", *PACKAGES], cwd=debs, check=True,
                   stdout=sys.stderr)
    found = sorted(debs.glob("*.deb"))
    for deb in found:
        print(f"gen: unpacking {deb.name}", file=sys.stderr)
        subprocess.run(["dpkg", "-x", str(deb), str(root)], check=True)
    return root


def aff_encoding(aff: Path) -> str:
    with open(aff, "rb") as f:
        for line in f:
            m = re.match(rb"\s*SET\s+(\S+)", line)
            if m:
                enc = m.group(1).decode("ascii").lower()
                return {"iso8859-15": "iso8859_15", "iso8859-1": "latin-1"}.get(enc, enc)
    return "latin-1"  # hunspell's default


def load_english(path: Path) -> tuple[set[str], set[str]]:
    """(all-lowercase entries, all entries with capitalized ones), folded."""
    lower, every = set(), set()
    with open(path, encoding="utf-8", errors="strict") as f:
        for line in f:
            w = line.strip()
            if not w or "'" in w:
                continue
            f_ = fold(w)
            if not f_.isalpha():
                continue
            every.add(f_)
            if w == w.lower():
                lower.add(f_)
    return lower, every


def clean_form(line: str) -> str:
    return re.split(r"[/\t ]", line.strip(), maxsplit=1)[0]


def load_french(dic: Path, aff: Path, unmunch: Path | None
                ) -> tuple[dict[str, set[str]], str]:
    """Folded French forms -> their unfolded spellings (unverified: see `verify_french`)."""
    enc = aff_encoding(aff)
    forms: list[str] = []
    how = "fallback (fr.dic stems + s/e/es/x)"
    if unmunch is not None:
        proc = subprocess.run([str(unmunch), str(dic), str(aff)], capture_output=True)
        if proc.returncode == 0 and proc.stdout:
            forms = proc.stdout.decode(enc, errors="replace").splitlines()
            how = "unmunch"
        else:
            print(f"gen: WARNING unmunch failed (rc {proc.returncode}); using fallback",
                  file=sys.stderr)
    if not forms:
        with open(dic, encoding=enc, errors="replace") as f:
            next(f, None)  # word count
            for line in f:
                stem = clean_form(line)
                forms.append(stem)
                forms.extend(stem + suf for suf in INFLECTION_SUFFIXES)
    out: dict[str, set[str]] = defaultdict(set)
    for line in forms:
        w = clean_form(line)
        if not w or w[0].isupper():
            continue
        f = fold(w)
        if f.isalpha():
            out[f].add(w)
    return out, how


def verify_french(spellings: dict[str, set[str]], words: set[str], hunspell: Path,
                  dic: Path, env: dict[str, str]) -> set[str]:
    """The folded `words` one of whose spellings `hunspell -G` accepts.

    unmunch ignores the conditions of the affix rules, so it also prints forms that
    are no words (`abjectte`, `abattoi`); hunspell itself applies them.
    """
    cand = sorted({s for w in words for s in spellings.get(w, ())})
    proc = subprocess.run(
        [str(hunspell), "-d", str(dic.with_suffix("")), "-i", "utf-8", "-G"],
        input="\n".join(cand).encode("utf-8"), capture_output=True, env=env, check=True)
    ok = {line.strip() for line in proc.stdout.decode("utf-8").splitlines()}
    return {w for w in words if spellings.get(w, set()) & ok}


def french_stems(spellings: dict[str, set[str]], words: set[str], hunspell: Path,
                 dic: Path, env: dict[str, str]) -> dict[str, set[str]]:
    """Folded word -> folded stems (`st:`) of its spellings, from `hunspell -m`."""
    cand = sorted({s for w in words for s in spellings.get(w, ())})
    proc = subprocess.run(
        [str(hunspell), "-d", str(dic.with_suffix("")), "-i", "utf-8", "-m"],
        input="\n".join(cand).encode("utf-8"), capture_output=True, env=env, check=True)
    by_spelling: dict[str, set[str]] = defaultdict(set)
    for line in proc.stdout.decode("utf-8").splitlines():
        parts = line.split()
        for p in parts[1:]:
            if p.startswith("st:"):
                by_spelling[parts[0]].add(fold(p[3:]))
    return {w: set().union(*(by_spelling.get(x, set()) for x in spellings.get(w, ())))
            for w in words}


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

def load_terms() -> list[tuple[str, str, str]]:
    """(pack, lexicon, expanded raw term) for every lexicon term of the packs."""
    out = []
    for rel in PACKS:
        with open(REPO / rel, "rb") as f:
            doc = tomllib.load(f)
        for name, lex in doc.get("lexicons", {}).items():
            for t in lex.get("terms", []):
                for e in expand(t):
                    out.append((rel, name, e))
    return out


def render(words: list[str], sources: str) -> str:
    lines = [
        "# Generated by tools/gen-typo-exclusions/gen.py — do not edit by hand.",
        f"# Regenerate: {COMMAND}",
        f"# Sources: {sources}",
        "# Real English and French words that are one typo (a letter missing, doubled or",
        "# swapped with its neighbour) away from a lexicon term of the built-in packs; the",
        "# engine never reads them as typos.",
        "[policy]",
        'id = "typos"',
        'version = "2026.11"',
        'title = "Words never read as typos"',
        "",
        "[typos]",
        "exclude = [",
    ]
    cur = "  "
    for w in words:
        item = f'"{w}",'
        if len(cur) > 2 and len(cur) + 1 + len(item) > 100:
            lines.append(cur)
            cur = "  "
        cur += item if len(cur) == 2 else " " + item
    if len(cur) > 2:
        lines.append(cur)
    lines.append("]")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--wamerican", type=Path, help="american-english word list")
    ap.add_argument("--fr-dic", type=Path, help="hunspell French .dic")
    ap.add_argument("--fr-aff", type=Path, help="hunspell French .aff (same base name)")
    ap.add_argument("--unmunch", type=Path, help="unmunch binary (hunspell-tools)")
    ap.add_argument("--hunspell", type=Path, help="hunspell binary, to verify French forms")
    ap.add_argument("--no-unmunch", action="store_true",
                    help="French forms = .dic stems + s/e/es/x instead of unmunch")
    ap.add_argument("--no-verify", action="store_true",
                    help="keep unmunch's forms without checking them with hunspell")
    ap.add_argument("--explain", action="store_true",
                    help="print on stderr where every excluded word comes from")
    args = ap.parse_args()
    if (args.fr_dic is None) != (args.fr_aff is None):
        ap.error("--fr-dic and --fr-aff go together")

    env = dict(os.environ)
    stems: dict[str, set[str]] | None = None  # French lemmas, unless --no-verify
    tmp = None
    try:
        if (args.wamerican is None or args.fr_dic is None
                or (args.unmunch is None and not args.no_unmunch)
                or (args.hunspell is None and not args.no_verify)):
            tmp = Path(tempfile.mkdtemp(prefix="typo-exclusions-"))
            root = download(tmp)
            args.wamerican = args.wamerican or root / "usr/share/dict/american-english"
            if args.fr_dic is None:
                args.fr_dic = root / "usr/share/hunspell/fr.dic"
                args.fr_aff = root / "usr/share/hunspell/fr.aff"
            args.unmunch = args.unmunch or root / "usr/bin/unmunch"
            if args.hunspell is None:
                args.hunspell = root / "usr/bin/hunspell"
                libs = ":".join(glob.glob(str(root / "usr/lib/*-linux-gnu")))
                env["LD_LIBRARY_PATH"] = ":".join(
                    x for x in (libs, env.get("LD_LIBRARY_PATH", "")) if x)
        unmunch = None if args.no_unmunch else args.unmunch

        english, english_any_case = load_english(args.wamerican)
        spellings, how = load_french(args.fr_dic, args.fr_aff, unmunch)

        terms = load_terms()
        term_words: set[str] = set()
        source_words: set[str] = set()
        # variant -> {(source word, pack, lexicon)}
        origin: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
        # lexicon -> its one-word terms, folded
        single: dict[str, set[str]] = defaultdict(set)
        for pack, lex, raw in terms:
            ws = words_of(fold(raw))
            if len(ws) == 1 and fold(raw) == ws[0]:
                single[lex].add(ws[0])
            for s in ws:
                term_words.add(s)
                if len(s) < MIN_TYPO_LETTERS:
                    continue
                source_words.add(s)
                for v in variants(s):
                    origin[v].add((s, Path(pack).stem, lex))

        fr_hits = set(origin) & set(spellings)
        if args.no_verify:
            french_hits = fr_hits
        else:
            french_hits = verify_french(spellings, fr_hits, args.hunspell, args.fr_dic, env)
            fr_sources = {w for w, _, _ in set().union(*origin.values())} & set(spellings)
            stems = french_stems(spellings, french_hits | fr_sources, args.hunspell,
                                 args.fr_dic, env)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    in_dict = {v for v in origin if v in english} | french_hits

    # A variant is another word unless, for every term word it comes from, it is only
    # an inflection of it (`is_inflection`), checked against the term's language:
    # - French term: the variant is a French form and hunspell gives both a common
    #   lemma (`menacee`/`menace`: menacer). `put` is not `pute` (pouvoir vs pute),
    #   `voler` is not `violer`. Without hunspell (--no-verify): spelling alone.
    # - English term: only `s`/`es` plurals count, and the variant must be an English
    #   word (capitalized entries count: `nazi` from `nazis`), or no French one.
    def inflection_of(v: str, s: str, pack: str) -> bool:
        if not is_inflection(v, s):
            return False
        if pack == "en":
            plural = any(v == s + x or s == v + x for x in ("s", "es"))
            return plural and (v in english_any_case or v not in french_hits)
        if v not in french_hits:
            return False
        if stems is None:
            return True
        return bool(stems.get(v, set()) & stems.get(s, set()))

    # A variant that is a one-word term of the source's own lexicon may be read as
    # that source harmlessly; one that is a term only elsewhere, or only inside a
    # phrase (`put` of "put an end to", a variant of the slur `pute`), may not.
    def other_word(v: str) -> bool:
        return any(not inflection_of(v, s, pack) and v not in single[lex]
                   for s, pack, lex in origin[v])

    excluded = sorted(v for v in in_dict if other_word(v))

    french_how = "unmunch" if how == "unmunch" else "stems+s/e/es/x"
    if not args.no_verify:
        french_how += " + hunspell"
    sources = f"wamerican (SCOWL), hunspell-fr-classical (MPL-2.0; {french_how}), Debian 12"
    sys.stdout.write(render(excluded, sources))

    err = sys.stderr
    print(f"gen: terms (brace-expanded): {len(terms)}", file=err)
    print(f"gen: distinct term words: {len(term_words)}, "
          f"of >= {MIN_TYPO_LETTERS} letters: {len(source_words)}", file=err)
    print(f"gen: distinct variant words: {len(origin)}", file=err)
    print(f"gen: dictionary: {len(english) + len(spellings)} words "
          f"(English {len(english)}, French {len(spellings)} folded forms via {how})", file=err)
    if not args.no_verify:
        print(f"gen: French forms among variants: {len(fr_hits)}, "
              f"of which hunspell accepts {len(french_hits)}", file=err)
    print(f"gen: variants in the dictionary: {len(in_dict)} (of which term words "
          f"{len(in_dict & term_words)}, excluded anyway "
          f"{len(set(excluded) & term_words)}; kept out as inflections or one-word terms "
          f"of the same lexicon: {len(in_dict) - len(excluded)})", file=err)
    en_only = sum(1 for v in excluded if v not in french_hits)
    fr_only = sum(1 for v in excluded if v not in english)
    print(f"gen: excluded: {len(excluded)} (English only {en_only}, French only {fr_only}, "
          f"both {len(excluded) - en_only - fr_only})", file=err)
    print(f"gen: first 40: {' '.join(excluded[:40])}", file=err)
    if args.explain:
        for v in excluded:
            langs = "+".join(x for x, d in (("en", english), ("fr", french_hits)) if v in d)
            print(f"explain: {v} [{langs}] <- "
                  + ", ".join(f"{s} ({p}:{lx})" for s, p, lx in sorted(origin[v])), file=err)
    return 0


if __name__ == "__main__":
    sys.exit(main())
