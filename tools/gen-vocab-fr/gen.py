#!/usr/bin/env python3
"""Generates policies/baseline/fr.vocab.toml: the French harm verbs in every inflection
and the French person and role nouns in every gender and number, expanded from the
Dicollecte (Grammalecte) hunspell dictionary. See README.md beside this file.

usage: gen.py [--fr-dic PATH --fr-aff PATH] [--freedict PATH --eng-fra PATH --thesaurus PATH]
       > policies/baseline/fr.vocab.toml

Without the paths the script runs `apt-get download` of hunspell-fr-classical,
dict-freedict-fra-eng, dict-freedict-eng-fra and mythes-fr and `dpkg -x` into a
temporary directory (removed afterwards); WordNet is read from --wordnet. Python >=
3.11, standard library only. Deterministic output.
"""
import argparse
import gzip
import importlib.util
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


def deb_extract(tmp: Path, package: str) -> tuple[Path, str]:
    """`apt-get download` a Debian package and `dpkg -x` it: (root, version)."""
    subprocess.run(["apt-get", "download", package], cwd=tmp, check=True,
                   stdout=subprocess.DEVNULL)
    deb = next(tmp.glob(f"{package}_*.deb"))
    version = deb.name.split("_")[1].replace("%3a", ":")
    root = tmp / f"root-{package}"
    subprocess.run(["dpkg", "-x", str(deb), str(root)], check=True)
    return root, version


# ---------------------------------------------------------------------------------------
# Violence verbs and body parts from language resources (see README, "From resources")
# ---------------------------------------------------------------------------------------

FREEDICT = "dict-freedict-fra-eng"
THESAURUS = "mythes-fr"
ENG_FRA = "dict-freedict-eng-fra"
# The English generator's root senses: harm verbs (HARM_ROOTS) and body parts. Body
# parts are split as the rules read them: external parts and bones (`fr_vocab_body`,
# read with every verb of the body) and internal organs (`fr_vocab_organ`, read only
# with the piercing verbs: « briser le cœur » is a feeling).
BODY_EXTERNAL_ROOTS = {"05225090", "05269901"}  # external body part; bone
BODY_ORGAN_ROOTS = {"05298729", "05298988"}     # internal organ; viscera
BODY_PART_ROOT = "05220461"                      # body part (every other one, reviewed)


def load_en_generator():
    """tools/gen-vocab-en/gen.py as a module: its WordNet reader and root senses."""
    spec = importlib.util.spec_from_file_location("gen_vocab_en", HERE.parent / "gen-vocab-en" / "gen.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def load_freedict(path: Path) -> dict[tuple[str, str], list[str]]:
    """(headword, part of speech) -> English glosses, from a FreeDict dictd `.dict.dz`
    (dictzip is gzip): entries are a line `word /ipa/ <pos>` then lines of glosses."""
    entries: dict[tuple[str, str], list[str]] = {}
    head = None
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"^(\S.*?) /[^/]*/(?: <([^>]*)>)?\s*$", line)
            if m:
                head = (m.group(1), m.group(2) or "")
                entries.setdefault(head, [])
            elif head and line.strip():
                text = re.sub(r"^\d+\. ", "", line.strip())
                entries[head] += [re.sub(r"^to ", "", t.strip()) for t in text.split(",") if t.strip()]
    return entries


def load_thesaurus(path: Path, kind: str = "Verbe") -> dict[str, set[str]]:
    """word -> synonyms of its senses whose part of speech names `kind` (`Verbe`; `Nom`
    also reads `(Adjectif Nom)`), from a MyThes `.dat` (`word|n` then n lines
    `(pos)|syn|syn…`)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out: dict[str, set[str]] = {}
    i = 1
    while i < len(lines):
        word, _, n = lines[i].rpartition("|")
        if not word or not n.isdigit():
            i += 1
            continue
        for sense in lines[i + 1:i + 1 + int(n)]:
            pos, *syns = sense.split("|")
            if kind in pos:
                out.setdefault(word, set()).update(syn.strip() for syn in syns)
        i += 1 + int(n)
    return out


def resource_vocab(wordnet: Path, freedict: Path, thesaurus: Path, lists, entries):
    """French harm-verb lemmas and body-part nouns from the English WordNet root senses
    through the bilingual dictionary, the verbs widened by the thesaurus. Returns
    (verbs, body nouns, organ nouns, anchors), before the reviewed exclusions."""
    en = load_en_generator()
    verbs, vidx, _ = en.load(str(wordnet), "verb")
    nouns, nidx, _ = en.load(str(wordnet), "noun")
    harm_en = en.kept_lemmas(verbs, vidx, en.hyponyms(verbs, en.HARM_ROOTS), en.MAX_SENSE_RANK, en.VERB_EXCLUDE)
    harm_en |= set(en.VERB_EXTRA)
    fe = load_freedict(freedict)

    def is_verb(w):
        return any(any(t.startswith("po:v") for t in m) for _, m in entries.get(w, []))

    def is_noun(w):
        return any("po:nom" in m for _, m in entries.get(w, []))

    # Anchors: French verbs at least half of whose English glosses are harm verbs.
    anchors = set()
    for (word, pos), glosses in fe.items():
        if pos.startswith("v") and glosses and is_verb(word):
            if 2 * sum(g in harm_en for g in glosses) >= len(glosses):
                anchors.add(word)
    thes = load_thesaurus(thesaurus)
    need = lists["resource"]["anchor_min"]
    found = set(anchors)
    for word, syns in thes.items():
        if " " not in word and is_verb(word) and len(syns & anchors) >= need:
            found.add(word)

    def body_nouns(roots, majority=False):
        english = en.kept_lemmas(nouns, nidx, en.hyponyms(nouns, roots), en.NOUN_MAX_SENSE_RANK, set())
        out = set()
        for (word, pos), glosses in fe.items():
            if pos.startswith("n") and " " not in word and is_noun(word):
                hits = sum(g.lower() in english for g in glosses)
                if hits and (not majority or 2 * hits >= len(glosses)):
                    out.add(word)
        return out

    # Every other body part (body part: mouth, ear, chin, armpit, artery), at least half
    # of the glosses: FreeDict's other senses (« derrière », « aile », « vaisseau ») are
    # the reviewed `body_part_exclude`; internal ones go to the organs (`body_part_organs`).
    external = body_nouns(BODY_EXTERNAL_ROOTS)
    organs = body_nouns(BODY_ORGAN_ROOTS)
    other = body_nouns({BODY_PART_ROOT}, majority=True) - external - organs

    # Person and role nouns: French nouns at least half of whose English glosses are
    # person nouns kept by the English generator (its rank test and reviewed exclusions).
    person_en = en.kept_lemmas(nouns, nidx, en.hyponyms(nouns, [en.PERSON_ROOT]), en.NOUN_MAX_SENSE_RANK, en.NOUN_EXCLUDE)
    persons = set()
    for (word, pos), glosses in fe.items():
        if pos.startswith("n") and " " not in word and is_noun(word) and glosses:
            if 2 * sum(g.lower() in person_en for g in glosses) >= len(glosses):
                persons.add(word)

    # Weapon nouns: French nouns at least half of whose English glosses are weapons kept
    # by the English generator (its rank test, reviewed exclusions and improvised weapons).
    weapon_en = en.kept_lemmas(nouns, nidx, en.hyponyms(nouns, [en.WEAPON_ROOT]), en.NOUN_MAX_SENSE_RANK, en.WEAPON_EXCLUDE)
    weapon_en |= en.WEAPON_EXTRA
    weapons = set()
    for (word, pos), glosses in fe.items():
        if pos.startswith("n") and " " not in word and is_noun(word) and glosses:
            if 2 * sum(g.lower() in weapon_en for g in glosses) >= len(glosses):
                weapons.add(word)

    return found, external, organs, other, anchors, persons, weapons


def cognates(word: str) -> list[str]:
    """English look-alikes of a French agent noun whose ending maps one to one:
    « extracteur » extractor, « épilateur » epilator, « diffuseur » diffuser. A short
    stem before -eur/-er is left alone (« mangeur » is no manger, « graveur » no graver)."""
    w = fold(word)
    if w.endswith(("ateur", "atrice")):
        return [w[: w.rindex("at")] + "ator"]
    if w.endswith("teur"):
        return [w[:-4] + "tor"]
    for fr in ("eur", "euse"):
        if w.endswith(fr) and len(w) - len(fr) >= 6:
            return [w[: -len(fr)] + "er"]
    return []


def morph_persons(entries, aff, wordnet: Path, freedict: Path, eng_fra: Path | None, thesaurus: Path, seeds, res):
    """Person and role nouns from the dictionary's morphology, filtered by evidence (see
    README, "Person and role nouns"). Returns ({lemma: source}, {lemma: reason dropped},
    forms to leave out).

    Candidates: the nouns of fr.dic that are no adjective and inflect for gender (`F.`,
    `Fs`, `Fc`, `F+`…: « serrurier/serrurière », « recruteur/recruteuse »,
    « esthéticien/esthéticienne »), and the epicene nouns (`is:epi`) of a person suffix
    (`res["epicene_suffixes"]`: « -iste », « -logue », « -thérapeute »…). Noun-adjectives
    (« conservateur », « marchand », « dijonnais ») are left to the bilingual dictionary
    (resource_vocab). Evidence against (a device named like an agent: « afficheur »,
    « mixeur », « échangeur ») drops a candidate: a gloss of either FreeDict direction
    whose first WordNet sense is a thing (artifact, animal, plant, food) and no person, as
    often as person glosses, or glosses none of which has a person sense in WordNet; an
    English cognate that is such a thing (« extracteur », « épilateur »); or thesaurus neighbours that are mostly things (nouns of one fixed gender, at least
    two and more than three times the persons). A form that is also a verb form
    (« condamné », « passé ») or the lemma of a thing noun (« ordinateur/S. is:mas »)
    is left out, the other forms of its lemma kept. Also returns the verb and adjective
    forms alone, for the nouns of one gender (read by the thesaurus, see main)."""
    en = load_en_generator()
    nouns, nidx, _ = en.load(str(wordnet), "noun")
    person_en = en.kept_lemmas(nouns, nidx, en.hyponyms(nouns, [en.PERSON_ROOT]), en.NOUN_MAX_SENSE_RANK, en.NOUN_EXCLUDE)
    person_any = {w.replace("_", " ") for s in en.hyponyms(nouns, [en.PERSON_ROOT]) for w in nouns[s][0]}

    def person_gloss(g: str) -> bool:
        """A gloss that has a person sense, or names one (« unemployed man »)."""
        return g in person_any or g.endswith((" man", " woman", " person", " driver", "-driver"))

    def artifact(word: str) -> bool:
        """An English noun whose first sense is a thing, an animal, a plant or a food
        (noun.artifact, noun.animal, noun.plant, noun.food, noun.object) and that has no
        person sense."""
        ranked = nidx.get(word.replace(" ", "_"))
        return bool(ranked) and nouns[ranked[0]][2] in (5, 6, 13, 17, 20) and word not in person_any

    glosses: dict[str, list[str]] = {}
    for (word, pos), gl in load_freedict(freedict).items():
        if pos.startswith("n") or not pos:
            glosses.setdefault(word, []).extend(g.lower() for g in gl)
    if eng_fra is not None:
        for (word, _), gl in load_freedict(eng_fra).items():
            for t in gl:
                glosses.setdefault(t.strip(), []).append(word.lower())
    thes = load_thesaurus(thesaurus, "Nom")

    # The shape of each noun: gender-inflected, epicene, or of one fixed gender (a thing,
    # mostly: « machine », « carrefour »), and whether it is also an adjective.
    inflected, epicene, fixed, adjective = set(), set(), set(), set()
    fixed_forms = set()
    for word, es in entries.items():
        for flags, m in es:
            if "po:nom" not in m:
                continue
            forms = aff.expand(word, flags)

            if any("is:fem" in mm for _, mm in forms) and any("is:mas" in mm for _, mm in forms):
                inflected.add(word)
            elif "is:epi" in m:
                epicene.add(word)
            elif m & {"is:mas", "is:fem"}:
                fixed.add(word)
                fixed_forms |= {fold(f) for f, _ in forms} | {fold(word)}
    adjective = {w for w, es in entries.items() if any("po:adj" in m for _, m in es)}
    verb_forms_all = set()
    for word, es in entries.items():
        for flags, m in es:
            if any(t.startswith("po:v") for t in m):
                verb_forms_all.add(word)
                verb_forms_all |= {f for f, _ in aff.expand(word, flags)}

    suffixes = tuple(res["epicene_suffixes"])
    kept: dict[str, str] = {}
    dropped: dict[str, str] = {}
    for word in sorted(inflected | epicene):
        if not word.islower():
            continue
        gl = glosses.get(word, [])
        n_person = sum(g in person_en for g in gl)
        n_artifact = sum(artifact(g) for g in gl)
        syns = thes.get(word, set())
        t_person = len(syns & seeds) + sum(1 for s in syns if s in inflected and s not in adjective)
        t_thing = sum(1 for s in syns if s in fixed and s not in inflected and s not in epicene and s not in seeds)
        # Noun-adjectives and other epicene nouns come only from the bilingual dictionary
        # (resource_vocab), with its person glosses.
        if word in adjective or word in epicene and not word.endswith(suffixes):
            continue
        cognate = [c for c in cognates(word) if artifact(c)]
        if n_artifact and n_artifact >= n_person:
            dropped[word] = "artifact gloss: " + ", ".join(g for g in gl if artifact(g))
        elif gl and not any(person_gloss(g) for g in gl):
            dropped[word] = "no person gloss: " + ", ".join(gl)
        elif t_thing >= 2 and t_thing > 3 * t_person:
            dropped[word] = f"thesaurus: {t_thing} things, {t_person} persons"
        elif cognate and not n_person:
            dropped[word] = "English cognate an artifact: " + ", ".join(cognate)
        else:
            kept[word] = "morphology"
    # Forms left out: verb forms and lemmas of thing nouns, and the feminine of a kept
    # lemma when its glosses name no person or its cognate is a thing (« perceur » is a
    # person, « perceuse » the drill; « carrière », « cafetière », « mitrailleuse »).
    drop_forms = {fold(f) for f in verb_forms_all} | fixed_forms
    # The forms of adjectives: « pompeuse », « copieuse » (pompeux, copieux) are no
    # feminine of « pompeur », « copieur ».
    for word in adjective:
        for flags, m in entries[word]:
            if "po:adj" in m:
                drop_forms |= {fold(f) for f, _ in aff.expand(word, flags)}
    verb_adj_forms = drop_forms - fixed_forms
    # A feminine that is a common word more frequent than its masculine names a thing
    # first (« tondeuse », « perceuse », « carrière », « verrière », « mitrailleuse »
    # against « tondeur », « perceur »…): the frequencies of the engine's common-word list.
    zipf = {}
    for line in (HERE.parent.parent / "policies/words/common.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, freq, *_ = line.split()
            zipf[word] = int(freq)
    for word in kept:
        for flags, m in entries[word]:
            for fem, mm in aff.expand(word, flags):
                if "is:fem" in mm and "is:sg" in mm and fem != word \
                        and zipf.get(fold(fem), 0) > zipf.get(fold(word), 0):
                    dropped[fem] = "feminine form more frequent than the masculine"
                    drop_forms |= {fold(fem), fold(fem) + "s"}
    for word in kept:
        for flags, m in entries[word]:
            for fem, mm in aff.expand(word, flags):
                if "is:fem" in mm and "is:sg" in mm and fem != word:
                    gl = glosses.get(fem, [])
                    if gl and not any(person_gloss(g) for g in gl) or any(artifact(c) for c in cognates(fem)):
                        dropped[fem] = "feminine form a thing"
                        drop_forms |= {fold(fem), fold(fem) + "s"}
    return kept, dropped, drop_forms, verb_adj_forms


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


def cond_forms(lemma, entries, aff, mood="po:cond", persons=frozenset({"po:1sg", "po:3sg", "po:1pl"})):
    """The forms of a verb lemma in one mood and some persons: by default the conditional
    of je / on / nous (a part of the `fin` slot)."""
    cands = [(fl, m) for fl, m in entries.get(lemma, []) if any(t.startswith("po:v") for t in m)]
    forms = set()
    for flags, _ in cands:
        for form, m in aff.expand(lemma, flags):
            if mood in m and m & persons:
                forms.add(fold(form))
    return forms


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


# Listes lues avec une faute de frappe (`fuzzy = 1`) : verbes de violence, parties du
# corps, groupes, personnes et animaux (« égorgr », « jounalistes », « migrnats » ; les
# animaux aussi, pour qu'un animal mal écrit reste un animal). Ces listes ont toutes les
# formes fléchies (`inflected = true`) : le moteur n'y lit jamais un vrai mot comme une
# faute, elles n'ont pas besoin d'exclusions propres.
FUZZY_PREFIXES = ("fr_v_kill_", "fr_v_harm_", "fr_v_split_", "fr_v_vehicle_")
FUZZY_NAMES = {"fr_v_body", "fr_v_pierce", "fr_vocab_body", "fr_vocab_organ", "fr_vocab_group",
               "fr_vocab_animal", "fr_person_noun_gen"}


def render_list(name, comment, terms, out):
    out.append(f"# {comment}")
    out.append(f"[lexicons.{name}]")
    out.append('lang = "fr"')
    # The conditional forms are read only to leave a match out (`except`), and the futures
    # of tu / vous only in one rule: no typos (the memory of one line).
    if (name.startswith(FUZZY_PREFIXES) and not name.endswith(("_cond", "_fut2"))) or name in FUZZY_NAMES:
        out.append("fuzzy = 1")
        out.append("inflected = true")
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
    ap.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"),
                    help="WordNet 3.0 database directory (Debian wordnet-base)")
    ap.add_argument("--freedict", type=Path, help=f"freedict-fra-eng.dict.dz ({FREEDICT})")
    ap.add_argument("--thesaurus", type=Path, help=f"thes_fr.dat ({THESAURUS})")
    ap.add_argument("--eng-fra", type=Path, help=f"freedict-eng-fra.dict.dz ({ENG_FRA})")
    ap.add_argument("--resource-versions", default=None,
                    help="versions of the bilingual dictionary and thesaurus given by path")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.fr_dic and args.fr_aff:
            dic, aff_path, version = args.fr_dic, args.fr_aff, args.version or "unknown"
        else:
            dic, aff_path, version = download(Path(tmp))
        aff = Affixes(aff_path)
        entries = load_dic(dic)
        lists = tomllib.loads((HERE / "lists.toml").read_text(encoding="utf-8"))
        if args.freedict and args.thesaurus:
            freedict, thesaurus = args.freedict, args.thesaurus
            res_versions = args.resource_versions or "unknown"
            eng_fra = args.eng_fra
        else:
            root, fd_version = deb_extract(Path(tmp), FREEDICT)
            freedict = root / "usr/share/dictd/freedict-fra-eng.dict.dz"
            root, th_version = deb_extract(Path(tmp), THESAURUS)
            thesaurus = root / "usr/share/mythes/thes_fr.dat"
            root, ef_version = deb_extract(Path(tmp), ENG_FRA)
            eng_fra = root / "usr/share/dictd/freedict-eng-fra.dict.dz"
            res_versions = f"{FREEDICT} {fd_version}, {ENG_FRA} {ef_version}, {THESAURUS} {th_version}"
        en = load_en_generator()
        wn_version = en.wordnet_version(str(args.wordnet))
        found, body_nouns, organ_nouns, other_parts, anchors, res_persons, res_weapons = resource_vocab(args.wordnet, freedict, thesaurus, lists, entries)
        res = lists["resource"]
        hand_persons = {w for lemmas in lists["persons"].values() for w in lemmas}
        new_persons_preview = sorted(res_persons - hand_persons - set(res["person_exclude"]))
        seeds = hand_persons | set(new_persons_preview)
        morph, morph_dropped, drop_forms, verb_adj_forms = morph_persons(
            entries, aff, args.wordnet, freedict, eng_fra, thesaurus, seeds, res)
        new_morph = sorted(set(morph) - seeds - set(res["person_exclude"]) - set(res["morph_exclude"]))
        # Sorting into kinds: a lemma of a hand-kept kind keeps its kind; every other
        # lemma the resources give is a `harm` verb (counted only with a person named):
        # neither resource says that a verb's object is always a living being.
        sorted_kinds = set()
        for kind in ("kill", "harm", "body", "vehicle", "misdeed", "pierce"):
            sorted_kinds |= set(lists["verbs"][kind])
        excluded = set(res["verb_exclude"])
        new_harm = sorted(found - sorted_kinds - excluded)
        lists["verbs"]["harm"] = list(lists["verbs"]["harm"]) + new_harm
        other_parts -= set(res["body_part_exclude"])
        organ_nouns |= other_parts & set(res["body_part_organs"])
        body_nouns |= other_parts - set(res["body_part_organs"])
        body_nouns -= set(res["body_exclude"])
        organ_nouns -= set(res["organ_exclude"])
        out = [
            "# GENERATED by tools/gen-vocab-fr/gen.py -- do not edit by hand; edit",
            "# tools/gen-vocab-fr/lists.toml and run the command of its README.",
            f"# Source: Debian {PACKAGE} {version} (Dicollecte / Grammalecte French",
            "# dictionary, MPL-2.0): every inflection of the listed verbs and nouns comes from",
            "# its fr.dic entries and the suffix rules of fr.aff (with their po:/is: tags).",
            "# Harm-verb lemmas added and body parts: the root senses of tools/gen-vocab-en",
            f"# ({wn_version}) through Debian",
            f"# {res_versions}",
            "# (FreeDict French-English, GPL-2+; LibreOffice French thesaurus, LGPL-2.1+);",
            "# see the README. Harm-verb lemmas added by the resources:",
            "# " + ", ".join(new_harm) + ".",
            "# Person and role nouns added by the resources (English WordNet person nouns",
            "# through FreeDict French-English; reviewed exclusions in lists.toml): "
            + str(len(new_persons_preview)) + ".",
            "# From the dictionary's morphology (nouns inflected for gender, epicene nouns of",
            "# a person suffix; evidence against from both FreeDict directions, WordNet, the",
            "# thesaurus and the common-word list; see the README): " + str(len(new_morph)) + ".",
            "# Nouns of one gender whose thesaurus neighbours are mostly persons: FIXED.",
            "#",
            "# Avertissement : verbes de violence, à dessein (voir README).",
            "[policy]",
            'id = "baseline.fr.vocab"',
            f'version = "{version}"',
            'title = "Vocabulaire français généré : verbes de violence, noms de personnes, injures, verbes sexuels"',
            "",
        ]
        fixed_line = next(i for i, line in enumerate(out) if "FIXED" in line)
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
            # The conditional of je / on / nous, a part of `fin`: a rule that must tell the
            # simple future from the conditional (« je tuerai quiconque touche à mon fils »
            # against the self-defence « je tuerais quiconque entrerait chez moi ») reads
            # `fin` except these. Single verbs only.
            cond = set()
            for lemma in lists["verbs"][tier]:
                cond |= cond_forms(lemma, entries, aff)
            render_list(f"fr_v_{tier}_cond", f"{desc} ; conditionnel : je, on, nous (une partie de fr_v_{tier}_fin).", brace(cond), out)
            stats.append(f"fr_v_{tier}_cond: {len(cond)}")
            # The simple future of tu / vous, an order (« tu le tueras ce soir », « vous
            # pendrez ces juges »). Single verbs only.
            fut2 = set()
            for lemma in lists["verbs"][tier]:
                fut2 |= cond_forms(lemma, entries, aff, mood="po:ifut", persons={"po:2sg", "po:2pl"})
            render_list(f"fr_v_{tier}_fut2", f"{desc} ; futur simple : tu, vous.", brace(fut2), out)
            stats.append(f"fr_v_{tier}_fut2: {len(fut2)}")
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
        pierce = set()
        for lemma in lists["verbs"]["pierce"]:
            forms = verb_forms(lemma, entries, aff)
            pierce |= forms["inf"] | forms["fin"] | forms["imp"] | forms["third"]
        render_list("fr_v_pierce", "Verbes qui percent un organe (percer le cœur, perforer les poumons) ; toutes formes finies et infinitif.", brace(pierce), out)
        stats.append(f"fr_v_pierce: {len(pierce)}")
        for name, lemmas, comment in (
            ("fr_vocab_body", body_nouns, "Parties du corps (dehors et os), singulier et pluriel : noms français dont le dictionnaire bilingue donne pour traduction une partie du corps de WordNet (external body part, bone)."),
            ("fr_vocab_organ", organ_nouns, "Organes (cœur, poumons, foie), singulier et pluriel : traductions des organes internes de WordNet (internal organ, viscera) ; lus seulement avec les verbes qui percent."),
        ):
            forms = set()
            for lemma in sorted(lemmas):
                forms |= noun_forms(lemma, entries, aff)
            if MISSING:
                raise SystemExit("gen: not nouns of the dictionary: " + ", ".join(MISSING))
            render_list(name, comment, brace(forms), out)
            stats.append(f"{name}: {len(forms)} ({', '.join(sorted(lemmas))})")
        stats.append(f"anchors: {', '.join(sorted(anchors))}; harm lemmas added: {', '.join(new_harm)}")
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
        # Person nouns from the resources (see resource_vocab), less the reviewed
        # exclusions; a candidate the dictionary does not list as a noun is left out.
        hand = {w for lemmas in lists["persons"].values() for w in lemmas}
        new_persons = sorted(res_persons - hand - set(res["person_exclude"]))
        res_person_forms = set()
        for lemma in new_persons:
            before = len(MISSING)
            res_person_forms |= noun_forms(lemma, entries, aff)
            del MISSING[before:]
        # Person and role nouns from the dictionary's morphology (see morph_persons), less
        # the reviewed exclusions, the forms that are verb forms or thing nouns, and the
        # insults and animals of the lists below (read by their own rules).
        other = set()
        for lemma in {w for tier in ("nouns", "figurative", "adjectives") for w in lists["insults"][tier]} \
                | set(lists["animals"]["lemmas"]):
            other |= noun_forms(lemma, entries, aff)
        morph_forms = set()
        for lemma in new_morph:
            morph_forms |= noun_forms(lemma, entries, aff)
        morph_forms -= drop_forms | other
        res_person_forms |= morph_forms - persons
        # Nouns of one fixed gender (« marraine », « recrue », « malfrat », « syndic »): no
        # morphology tells a person from a thing there, so only the thesaurus: at least
        # `fixed_min_persons` neighbours that are person forms found so far, and at least
        # twice as many as the neighbours that are things.
        known = persons | res_person_forms
        fixed_lemmas = []
        thes_nouns = load_thesaurus(thesaurus, "Nom")
        for word, es in sorted(entries.items()):
            if not word.islower() or fold(word) in known or word in res["fixed_exclude"]:
                continue
            if not any("po:nom" in m and m & {"is:mas", "is:fem"} and "is:epi" not in m
                       and "po:adj" not in m for _, m in es):
                continue
            if any("po:adj" in m for _, m in es) or any(fl and "F" == fl[0] for fl, m in es if "po:nom" in m):
                continue
            syns = thes_nouns.get(word, set())
            n_person = sum(1 for w in syns if fold(w) in known)
            n_thing = sum(1 for w in syns if fold(w) not in known and any(
                "po:nom" in m and m & {"is:mas", "is:fem"} for _, m in entries.get(w, [])))
            if n_person >= res["fixed_min_persons"] and n_person >= 2 * n_thing:
                fixed_lemmas.append(word)
        fixed_forms = set()
        for lemma in fixed_lemmas:
            fixed_forms |= noun_forms(lemma, entries, aff)
        fixed_forms -= verb_adj_forms | other
        res_person_forms |= fixed_forms - persons
        out[fixed_line] = out[fixed_line].replace("FIXED", str(len(fixed_lemmas)))
        stats.append(f"fixed-gender persons: {len(fixed_lemmas)} ({', '.join(fixed_lemmas)})")
        persons |= res_person_forms
        persons -= {fold(w) for w in lists["persons_exclude"]["forms"]}
        stats.append(f"morph persons: {len(new_morph)} lemmas, {len(morph_forms)} forms, "
                     f"dropped by evidence: {len(morph_dropped)}")
        groups = set()
        for lemmas in lists["groups"].values():
            for lemma in lemmas:
                groups |= noun_forms(lemma, entries, aff)
        if MISSING:
            raise SystemExit("gen: not nouns of the dictionary: " + ", ".join(MISSING))
        groups -= {fold(w) for w in lists["groups_exclude"]["forms"]}
        # A group noun the resources also give as a person noun (« réfugié ») stays a
        # group: the hate rules read it, and a threat against it is hate.
        persons -= res_person_forms & groups
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
        # Armes : les noms des ressources (voir resource_vocab) moins les exclusions relues,
        # et la liste relue des armes de fortune ; un nom de plusieurs mots s'accorde par
        # son premier mot (« barres de fer »).
        # Le thésaurus : un nom dont les synonymes comptent au moins `thesaurus_min` armes
        # déjà connues (« coutelas », « dague », « rapière », « yatagan »), en une passe
        # (la deuxième mène aux cannes, aux manches et aux leviers), moins les exclusions.
        known_weapons = (res_weapons | set(lists["weapons"]["lemmas"])) - set(lists["weapons"]["exclude"])
        thes_nouns = load_thesaurus(thesaurus, "Nom")
        thes_weapons = {w for w, syns in thes_nouns.items()
                        if " " not in w and w.islower() and w in entries
                        and len(syns & known_weapons) >= lists["weapons"]["thesaurus_min"]}
        thes_weapons -= known_weapons | set(lists["weapons"]["thesaurus_exclude"]) | set(lists["weapons"]["exclude"])
        res_weapons |= thes_weapons
        stats.append(f"weapons from the thesaurus: {', '.join(sorted(thes_weapons))}")
        weapons = set()
        for lemma in sorted((res_weapons | set(lists["weapons"]["lemmas"])) - set(lists["weapons"]["exclude"])):
            head, _, rest = lemma.partition(" ")
            before = len(MISSING)
            forms = noun_forms(head, entries, aff)
            if lemma in res_weapons:
                del MISSING[before:]
            weapons |= {f + (" " + fold(rest) if rest else "") for f in forms}
        if MISSING:
            raise SystemExit("gen: not nouns of the dictionary: " + ", ".join(MISSING))
        render_list("fr_vocab_weapon", "Armes (à feu, blanches, contondantes, explosifs) et armes de fortune, tous nombres : des traductions françaises des armes de WordNet, plus la liste relue.", brace(weapons), out)
        stats.append(f"fr_vocab_weapon: {len(weapons)}")
        sys.stdout.write("\n".join(out).rstrip() + "\n")
        print("gen: " + ", ".join(stats), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
