#!/usr/bin/env python3
"""Generates policies/baseline/fr.vocab.toml: the French harm verbs in every inflection
and the French person and role nouns in every gender and number, expanded from the
Dicollecte (Grammalecte) hunspell dictionary. See README.md beside this file.

usage: gen.py [--fr-dic PATH --fr-aff PATH] > policies/baseline/fr.vocab.toml

Without --fr-dic/--fr-aff the script runs `apt-get download hunspell-fr-classical`
and `dpkg -x` into a temporary directory (removed afterwards). Python >= 3.11,
standard library only. Deterministic output.
"""
import argparse
import re
import subprocess
import sys
import tempfile
import tomllib
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
MISSING: list[str] = []
PACKAGE = "hunspell-fr-classical"


def fold(s: str) -> str:
    """Fold like the engine: NFKD, combining marks dropped, lower case, ligatures."""
    s = s.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    s = s.replace("’", "'")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.casefold()


def download(tmp: Path) -> tuple[Path, Path, str]:
    subprocess.run(["apt-get", "download", PACKAGE], cwd=tmp, check=True,
                   stdout=subprocess.DEVNULL)
    deb = next(tmp.glob(f"{PACKAGE}_*.deb"))
    version = deb.name.split("_")[1].replace("%3a", ":")
    subprocess.run(["dpkg", "-x", str(deb), str(tmp / "root")], check=True)
    d = tmp / "root/usr/share/hunspell"
    return d / "fr.dic", d / "fr.aff", version


class Affixes:
    """The SFX rules of a hunspell .aff with `FLAG long`, with their morphology."""

    def __init__(self, aff: Path):
        self.sfx: dict[str, list[tuple[str, str, re.Pattern, set[str]]]] = {}
        for line in aff.read_text(encoding="utf-8").splitlines():
            f = line.split()
            if len(f) < 5 or f[0] != "SFX" or f[2] in ("Y", "N"):
                continue
            flag, strip, add, cond = f[1], f[2], f[3], f[4]
            morph = {t for t in f[5:] if ":" in t}
            add = add.split("/")[0]
            strip = "" if strip == "0" else strip
            add = "" if add == "0" else add
            pat = re.compile(("" if cond == "." else cond) + "$")
            self.sfx.setdefault(flag, []).append((strip, add, pat, morph))

    def expand(self, word: str, flags: str) -> list[tuple[str, set[str]]]:
        out = []
        for i in range(0, len(flags) - 1, 2):
            for strip, add, pat, morph in self.sfx.get(flags[i:i + 2], []):
                if pat.search(word) and word.endswith(strip):
                    out.append((word[: len(word) - len(strip)] + add, morph))
        return out


def load_dic(dic: Path) -> dict[str, list[tuple[str, set[str]]]]:
    """lemma -> [(flags, morphology)] for every entry of the .dic."""
    entries: dict[str, list[tuple[str, set[str]]]] = {}
    for line in dic.read_text(encoding="utf-8").splitlines()[1:]:
        f = line.split()
        if not f:
            continue
        word, _, flags = f[0].partition("/")
        entries.setdefault(word, []).append((flags, {t for t in f[1:] if ":" in t}))
    return entries


def verb_forms(lemma, entries, aff):
    """{slot: set(forms)} of a verb lemma: inf, fin (je/on/nous), imp, third, pp."""
    cands = [(fl, m) for fl, m in entries.get(lemma, []) if any(t.startswith("po:v") for t in m)]
    if not cands:
        raise SystemExit(f"gen: verb {lemma!r} is not a verb of the dictionary")
    slots = {k: set() for k in ("inf", "fin", "imp", "third", "pp")}
    for flags, _ in cands:
        for form, m in aff.expand(lemma, flags):
            form = fold(form)
            if "po:infi" in m:
                slots["inf"].add(form)
            if m & {"po:ipre", "po:ifut", "po:cond"} and m & {"po:1sg", "po:3sg", "po:1pl"}:
                slots["fin"].add(form)
            if "po:impe" in m:
                slots["imp"].add(form)
            if m & {"po:ipre", "po:ifut", "po:spre", "po:cond"} and m & {"po:3sg", "po:3pl", "po:3pl!"}:
                slots["third"].add(form)
            if "po:ppas" in m:
                slots["pp"].add(form)
    slots["inf"].add(fold(lemma))
    return slots


def all_verb_forms(lemma, entries, aff):
    """Every form of a verb lemma (all moods, tenses and persons, participles agreed)."""
    cands = [(fl, m) for fl, m in entries.get(lemma, []) if any(t.startswith("po:v") for t in m)]
    if not cands:
        raise SystemExit(f"gen: verb {lemma!r} is not a verb of the dictionary")
    forms = {fold(lemma)}
    for flags, _ in cands:
        forms |= {fold(form) for form, _ in aff.expand(lemma, flags)}
    return forms


def noun_forms(lemma, entries, aff):
    """Every gender and number of a noun lemma (or of a hyphenated compound)."""
    cands = [(fl, m) for fl, m in entries.get(lemma, []) if "po:nom" in m]
    # A few person nouns are only listed as adjectives (enseignant): same inflections.
    cands = cands or [(fl, m) for fl, m in entries.get(lemma, []) if "po:adj" in m]
    # Invariable words (gay) carry no po: tag beyond the adjective: the lemma itself.
    if not cands and lemma in entries:
        return {fold(lemma)}
    if not cands:
        MISSING.append(lemma)
        return set()
    forms = set()
    for flags, m in cands:
        got = aff.expand(lemma, flags)
        forms |= {fold(w) for w, _ in got}
        if not got or not any(t in m for t in ("is:pl", "is:inv")):
            forms.add(fold(lemma))
    return forms


def contractions(rest: str) -> set[str]:
    """A phrase ending in `à` before its object also ends in `au` and `aux` (« mettre le
    feu aux bureaux »). `rest` is folded."""
    words = rest.split(" ")
    if words[-1] == "a":
        return {rest, " ".join(words[:-1] + ["au"]), " ".join(words[:-1] + ["aux"])}
    return {rest}


def brace(forms) -> list[str]:
    return sorted(forms)


def render_list(name, comment, terms, out):
    out.append(f"# {comment}")
    out.append(f"[lexicons.{name}]")
    out.append('lang = "fr"')
    out.append("terms = [")
    line = " "
    for t in terms:
        item = f' "{t}",'
        if len(line) + len(item) > 92:
            out.append(line)
            line = " "
        line += item
    if line.strip():
        out.append(line)
    out.append("]")
    out.append("")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fr-dic", type=Path)
    ap.add_argument("--fr-aff", type=Path)
    ap.add_argument("--version", default=None, help="version of the dictionary package given by path")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.fr_dic and args.fr_aff:
            dic, aff_path, version = args.fr_dic, args.fr_aff, args.version or "unknown"
        else:
            dic, aff_path, version = download(Path(tmp))
        aff = Affixes(aff_path)
        entries = load_dic(dic)
        lists = tomllib.loads((HERE / "lists.toml").read_text(encoding="utf-8"))
        out = [
            "# GENERATED by tools/gen-vocab-fr/gen.py -- do not edit by hand; edit",
            "# tools/gen-vocab-fr/lists.toml and run the command of its README.",
            f"# Source: Debian {PACKAGE} {version} (Dicollecte / Grammalecte French",
            "# dictionary, MPL-2.0): every inflection of the listed verbs and nouns comes from",
            "# its fr.dic entries and the suffix rules of fr.aff (with their po:/is: tags).",
            "#",
            "# Avertissement : verbes de violence, à dessein (voir README).",
            "[policy]",
            'id = "baseline.fr.vocab"',
            f'version = "{version}"',
            'title = "Vocabulaire français généré : verbes de violence, noms de personnes, injures, verbes sexuels"',
            "",
        ]
        stats = []
        for tier, desc in (("kill", "Verbes de violence dont l'objet est toujours un être vivant"),
                           ("harm", "Verbes de violence qui ont aussi un objet inanimé (exécuter la commande)")):
            slots = {k: set() for k in ("inf", "fin", "imp", "third", "pp")}
            for lemma in lists["verbs"][tier]:
                for k, v in verb_forms(lemma, entries, aff).items():
                    slots[k] |= v
            for lemma_phrase in lists["verbs"].get(f"{tier}_phrases", []):
                lemma, _, rest = lemma_phrase.partition(" ")
                for k, v in verb_forms(lemma, entries, aff).items():
                    slots[k] |= {f"{f} {tail}" for f in v for tail in contractions(fold(rest))}
            if tier == "kill":
                for lemma in lists["verbs"]["harm_pp_person"]:
                    slots["pp"] |= verb_forms(lemma, entries, aff)["pp"]
            names = {
                "inf": "infinitif",
                "fin": "présent, futur, conditionnel : je, on, nous",
                "imp": "impératif : tu, nous, vous",
                "third": "troisième personne : indicatif, subjonctif, futur, conditionnel",
                "pp": "participe passé, accordé",
            }
            for k in ("inf", "fin", "imp", "third", "pp"):
                render_list(f"fr_v_{tier}_{k}", f"{desc} ; {names[k]}.", brace(slots[k]), out)
                stats.append(f"fr_v_{tier}_{k}: {len(slots[k])}")
        split = {k: set() for k in ("inf", "fin", "imp", "third")}
        tails = set()
        for lemma, tail in lists["verbs"]["split_phrases"]:
            for k, v in verb_forms(lemma, entries, aff).items():
                if k in split:
                    split[k] |= v
            tails |= contractions(fold(tail))
        names = {
            "inf": "infinitif",
            "fin": "présent, futur, conditionnel : je, on, nous",
            "imp": "impératif : tu, nous, vous",
            "third": "troisième personne : indicatif, subjonctif, futur, conditionnel",
        }
        for k in ("inf", "fin", "imp", "third"):
            render_list(f"fr_v_split_{k}", f"Verbes des locutions de violence dont l'objet est au milieu (passer … à tabac, prendre … en otage) ; {names[k]}.", brace(split[k]), out)
            stats.append(f"fr_v_split_{k}: {len(split[k])}")
        vehicle = {k: set() for k in ("inf", "fin", "imp", "third", "pp")}
        for lemma in lists["verbs"]["vehicle"]:
            for k, v in verb_forms(lemma, entries, aff).items():
                vehicle[k] |= v
        names["pp"] = "participe passé, accordé"
        for k in ("inf", "fin", "imp", "third", "pp"):
            render_list(f"fr_v_vehicle_{k}", f"Verbes qui ne blessent une personne qu'avec un véhicule nommé (renverser, faucher) ; {names[k]}.", brace(vehicle[k]), out)
            stats.append(f"fr_v_vehicle_{k}: {len(vehicle[k])}")
        render_list("fr_v_split_tail", "Ce qui suit l'objet dans ces locutions (à tabac, en otage, à mort).", brace(tails), out)
        body = set()
        for lemma in lists["verbs"]["body"]:
            body |= verb_forms(lemma, entries, aff)["inf"] | verb_forms(lemma, entries, aff)["fin"] \
                | verb_forms(lemma, entries, aff)["imp"] | verb_forms(lemma, entries, aff)["third"]
        render_list("fr_v_body", "Verbes qui blessent une partie du corps (défoncer le crâne) ; toutes formes finies et infinitif.", brace(body), out)
        stats.append(f"fr_v_body: {len(body)}")
        misdeed = set()
        for lemma in lists["verbs"]["misdeed"]:
            cands = [(fl, m) for fl, m in entries.get(lemma, []) if any(t.startswith("po:v") for t in m)]
            if not cands:
                raise SystemExit(f"gen: verb {lemma!r} is not a verb of the dictionary")
            for flags, _ in cands:
                for form, m in aff.expand(lemma, flags):
                    if "po:ipre" in m and m & {"po:3pl", "po:3pl!"}:
                        misdeed.add(fold(form))
        # The third person plural only: the singular forms (`vole`, `triche`) are also
        # nouns and common words that a masked word would be read as (`v*le`: `vile`).
        render_list("fr_v_misdeed_3pl", "Verbes de méfait (voler, arnaquer, tromper, piller), présent de l'indicatif, troisième personne du pluriel (les Roms volent).", brace(misdeed), out)
        stats.append(f"fr_v_misdeed_3pl: {len(misdeed)}")
        persons = set()
        for group, lemmas in lists["persons"].items():
            for lemma in lemmas:
                persons |= noun_forms(lemma, entries, aff)
        if MISSING:
            raise SystemExit("gen: not nouns of the dictionary: " + ", ".join(MISSING))
        persons -= {fold(w) for w in lists["persons_exclude"]["forms"]}
        groups = set()
        for lemmas in lists["groups"].values():
            for lemma in lemmas:
                groups |= noun_forms(lemma, entries, aff)
        if MISSING:
            raise SystemExit("gen: not nouns of the dictionary: " + ", ".join(MISSING))
        groups -= {fold(w) for w in lists["groups_exclude"]["forms"]}
        render_list("fr_vocab_group", "Groupes protégés (origine, nationalité, religion, orientation, identité de genre, handicap, migration), tous genres et nombres ; aussi adjectifs : les règles les veulent après un déterminant.", brace(groups), out)
        stats.append(f"fr_vocab_group: {len(groups)}")
        animals = set()
        for lemma in lists["animals"]["lemmas"]:
            animals |= noun_forms(lemma, entries, aff)
        if MISSING:
            raise SystemExit("gen: not nouns of the dictionary: " + ", ".join(MISSING))
        render_list("fr_vocab_animal", "Animaux (et créatures de jeu) qu'on tue ou cuisine : un objet de cette sorte n'est pas une personne ; tous genres et nombres.", brace(animals), out)
        stats.append(f"fr_vocab_animal: {len(animals)}")
        insults = {}
        for tier in ("nouns", "figurative", "adjectives"):
            forms = set()
            for lemma in lists["insults"][tier]:
                forms |= noun_forms(lemma, entries, aff)
            if MISSING:
                raise SystemExit("gen: not nouns or adjectives of the dictionary: " + ", ".join(MISSING))
            insults[tier] = forms - {fold(w) for w in lists["insults_exclude"]["forms"]}
        for tier, comment in (
            ("nouns", "Injures (noms) visant une personne, tous genres et nombres : après une apostrophe (espèce de, sale, pauvre, quel, c'est un) ou en attribut de la deuxième personne."),
            ("figurative", "Animaux et choses employés comme injures, tous genres et nombres : seulement dans une apostrophe (espèce de, bande de, sale) ou en attribut de la deuxième personne."),
            ("adjectives", "Adjectifs injurieux, tous genres et nombres : ils qualifient aussi des choses, donc seulement en attribut de la deuxième personne."),
        ):
            render_list(f"fr_vocab_insult_{tier}", comment, brace(insults[tier]), out)
            stats.append(f"fr_vocab_insult_{tier}: {len(insults[tier])}")
        for tier, comment in (
            ("act", "Verbes d'actes sexuels sans autre sens courant, toutes formes."),
            ("person", "Verbes d'actes sexuels, toutes formes : comptent avec un pronom complément ou un mot sexuel."),
            ("ambiguous", "Verbes sexuels qui ont un autre sens courant (baiser : tromper), toutes formes : seulement avec un pronom complément."),
            ("body", "Verbes qui ne sont sexuels qu'avec un sexe pour objet (lécher), toutes formes."),
        ):
            forms = set()
            for lemma in lists["sex_verbs"][tier]:
                forms |= all_verb_forms(lemma, entries, aff)
            render_list(f"fr_v_sex_{tier}", comment, brace(forms), out)
            stats.append(f"fr_v_sex_{tier}: {len(forms)}")
        render_list("fr_person_noun_gen", "Noms de personnes et de fonctions (fonctions publiques, professions, parenté, voisinage), tous genres et nombres.", brace(persons), out)
        stats.append(f"fr_person_noun_gen: {len(persons)}")
        sys.stdout.write("\n".join(out).rstrip() + "\n")
        print("gen: " + ", ".join(stats), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
