#!/usr/bin/env python3
"""Generate policies/baseline/en.vocab.toml: English harm verbs (every inflection) and
person and role nouns (singular and plural) from WordNet 3.0, plus the small reviewed
hand lists kept in this file. See README.md beside this script for the command.

Standard library only. Reads the WordNet database files (data.*, index.*, *.exc) from
--wordnet (default /usr/share/wordnet, Debian package `wordnet-base`).
"""

import argparse
import os
import re
import subprocess
import sys

# --------------------------------------------------------------------------------------
# Harm verbs
# --------------------------------------------------------------------------------------

# Root synsets (WordNet 3.0 offsets): every verb sense below them (hyponyms, at any
# depth) is a harm sense.
HARM_ROOTS = {
    "01323976": "kill: cause to die",
    "00069879": "injure, wound: cause injuries or bodily harm to",
    "01120087": "assail, assault, set on, attack: attack someone physically",
    "00071178": "torture: subject to torture",
    "01137156": "shoot: hit with a missile from a weapon",
    "02484570": "shoot: kill by firing a missile",
    "01231670": "knife, stab: use a knife on",
    "02567519": "rape, ravish, violate, assault",
    "01471061": "kidnap, abduct, snatch",
    "01131920": "bombard, bomb: attack with bombs",
    "00378664": "burn, fire, burn down: destroy by fire",
    "02485451": "hang, string up: kill by hanging",
    "01397228": "beat, beat up, work over: give a beating to",
    # Blows with a club or the fist and injury by beating: WordNet files them under
    # "hit" and "damage", whose other hyponyms (bat a ball, smash a window) are not
    # violence, so these senses are roots of their own.
    "01423947": "club, bludgeon: strike with a club or a bludgeon",
    "01424124": "cudgel, fustigate: strike with a cudgel",
    "01416038": "pummel, pommel, biff: strike, usually with the fist",
    "01232116": "maul, mangle: injure badly by beating",
    # Killing as a sacrifice: filed under worship ("offer").
    "02325754": "immolate: offer as a sacrifice by killing",
}

# A verb is kept when one of its two most frequent senses (WordNet's sense order) is a
# harm sense: `shoot` (1st sense) and `poison` (2nd) are kept, `beat` (2nd, but 1st is
# "win") is removed below, `destroy` (4th) is not kept.
MAX_SENSE_RANK = 2

# Reviewed: kept by the rank test, but their everyday senses with a person as object are
# not violence (verbal attack, sport, politics, medicine, slang too common in other
# uses) or they are not threats of violence to others.
VERB_EXCLUDE = {
    "assail", "assault", "attack", "set_on", "reassail", "counterattack",
    "counterstrike", "strike_back", "retaliate", "charge", "beat", "trounce", "thrash",
    "whip", "blitz", "torpedo", "bombard", "shell", "pelt", "lambast", "lambaste",
    "savage", "flail", "spank", "sic", "off", "cat", "burke", "pip", "kayo", "chine",
    "lame", "halter", "wrick", "sprain", "subluxate", "contuse", "bruise", "welt",
    "overstretch", "traumatise", "traumatize", "handicap", "disable", "invalid",
    "hamstring", "brain", "put_to_sleep", "commit_suicide", "cremate", "circumvent",
    "flight", "grass", "infest", "lather", "invade", "overrun", "raid", "besiege",
    "beleaguer", "beset", "hem_in", "seal_off", "overlay", "overlie", "ebb", "rick",
    "hock", "lam", "mar", "profane", "desecrate", "dishonor", "dishonour", "outrage",
    "pepper", "baste", "crump", "belabour", "belabor", "bulldog", "blindside", "polish_off",
    "quarter", "sacrifice", "strap", "stroke", "zap", "bust", "graze", "rush", "shanghai",
    "erase", "knock_cold", "martyr", "martyrise", "martyrize", "decimate", "draw_and_quarter",
    "flagellate", "birch", "cane", "leather", "larrup", "cowhide", "horsewhip", "flog",
    "lash", "scourge", "gouge", "skin", "atomise", "atomize", "neutralise", "circumvent", "molest",
    "ravish", "violate", "snatch", "nobble",
}

# Reviewed hand list: harm verbs whose violent sense WordNet ranks third or lower
# (`hang`, `drown`, `choke`) or does not hold, and phrasal forms. Inflected like the
# generated ones (the first word of a phrase is inflected).
VERB_EXTRA = [
    "hang", "drown", "choke", "mutilate", "disembowel", "eviscerate", "curb-stomp",
    "curbstomp", "shank", "stomp", "murder", "kill", "gut", "slit", "behead",
    "beat up", "beat to death", "beat to a pulp", "stab to death", "kick to death",
    "stomp to death", "stone to death", "burn alive", "burn to death", "burn down",
    "bury alive", "skin alive", "blow up", "blow away", "gun down", "mow down",
    "run over", "run down", "set fire to", "set on fire", "put down", "string up",
    "shoot dead", "shoot down", "hunt down", "wipe out", "put in the ground",
    "put a bullet in", "put a bullet through", "cut the throat of", "slit the throat of",
    "snap the neck of", "break the neck of", "firebomb", "petrol-bomb", "fire-bomb",
    "torch", "napalm", "nuke", "gas", "lynch", "execute", "massacre", "slaughter",
    "butcher", "exterminate", "eradicate", "strangle", "smother", "suffocate",
    "asphyxiate", "electrocute", "decapitate", "dismember", "crucify", "impale",
    "poison", "maim", "cripple", "torture", "rape", "stab", "knife", "shoot",
    "beat the shit out of", "beat the crap out of", "beat the hell out of",
    "beat the living daylights out of", "kick the shit out of", "knock the teeth out of",
    "choke the life out of", "squeeze the life out of",
    # WordNet files these under burning in general (garbage) and skinning (fruit); with a
    # person as object they are violence, and the rules want a person object.
    "incinerate", "flay",
]

# Participles said of a person after a normative passive ("that nurse deserves to be
# beaten", "the governor should be flogged"): the verbs of a beating (below the "beat
# up" root) that VERB_EXCLUDE removes from the active lists because their everyday
# active sense is sport or trade ("beat a rival", "thrash the visitors", "flog a used
# car"). A rule reads them only with a person or pronoun subject.
PP_PERSON_ROOT = "01397228"
# Reviewed: participles of that class that are still mostly sport or cooking when said
# of a person ("trounced" in an election, "creamed", "basted").
# Reviewed: participles of that class whose everyday sense said of a person is not a
# beating: an election ("trounced"), cooking ("basted", "lathered"), a seat belt or
# money ("strapped"), being drunk ("leathered"), spanking, and rare or slang forms.
PP_PERSON_EXCLUDE = {
    "trounce", "baste", "lambast", "lambaste", "belabor", "belabour", "chine", "pip",
    "strap", "lather", "leather", "spank", "flail", "cat", "welt", "kayo", "lam",
}

# Nouns of a harmful act ("a flogging", "a lynching", "a good beating"), read after what
# a person is said to deserve: the nouns WordNet derives from a harm sense above, in the
# lexicographer files of acts (noun.act) and events (noun.event), when one of their two
# most frequent senses is that derived sense.
ACT_NOUN_FILES = {4, 11}
# Reviewed: derived nouns whose everyday sense after "deserves a/the" is not violence (a
# charge, a stab at something, a hit song, a shoot, a knockout in sport, a spanking of a
# child, the whip of a party, a fire, a shock, a cremation) or that name damage to things
# or ideas (desecration, decimation).
ACT_NOUN_EXCLUDE = {
    "atomisation", "atomization", "biff", "charge", "contusion", "cremation", "decimation",
    "desecration", "fire", "flight", "fracture", "graze", "grazing", "harm", "hit", "impress",
    "impressment", "injury", "kill", "knockout", "outrage", "profanation", "shock", "shoot",
    "spank", "spanking", "stab", "subluxation", "trample", "trouncing", "whip", "wipeout",
}
# Reviewed: acts whose noun WordNet does not derive from a harm verb, or not in its two
# most frequent senses (`rape`: first a plant).
ACT_NOUN_EXTRA = {"rape", "gang rape", "lashing", "caning", "kicking", "battering", "pummeling", "pummelling"}

# Misdeed verbs for typical-crime claims against a group ("Albanians rob old people",
# "a Pakistani always cheats"): every verb sense below these roots. Not threats: the
# hate rules read them only with a group as their subject.
MISDEED_ROOTS = {
    "02321775": "steal: take without the owner's consent",
    "02321409": "rob: take something away by force or without the consent of the owner",
    "02573275": "cheat, rip off, chisel: deprive somebody of something by deceit",
    "01104642": "cheat, chouse, shaft, screw: defeat someone through trickery or deceit",
    "02575082": "deceive, lead on, delude, cozen: be false to",
    "00854438": "deceive, betray, lead astray: cause someone to believe an untruth",
    "02572119": "victimize, swindle, defraud, scam, con",
    "02344586": "plunder, despoil, loot, ransack, pillage",
    "02345306": "loot, plunder: steal goods; take as spoils",
    "02571511": "burglarize, burgle, heist",
    "02292553": "embezzle, misappropriate",
}
# Reviewed: lemmas below those roots whose everyday sense is something else (a game, a
# bird, a sound, a search, a meal, fishing, bookkeeping), a nationality (`Welsh`), a
# prank, or a phrase that says no misdeed ("hold up well", "lead on", "play around").
MISDEED_EXCLUDE = {
    "abstract", "bunk", "cabbage", "cop", "crib", "deplume", "displume", "fiddle", "fob",
    "fool_around", "foray", "fox", "fudge", "gazump", "glom", "hook", "job", "jockey",
    "juggle", "pluck", "plume", "pocket", "rifle", "short", "shark", "shill", "snarf",
    "snitch", "soak", "surcharge", "wander", "welch", "welsh", "whipsaw", "walk_off",
    "play_around", "play_a_joke_on", "play_a_trick_on", "play_tricks", "pull_someone's_leg",
    "pull_the_leg_of", "fool", "swipe", "rustle", "gull", "snooker", "lead_on", "hold_up",
    "stick_up", "beguile", "fake", "rig", "lift", "pick", "roll", "sneak", "bag", "pinch",
    "beat", "bleed", "squeeze", "wring", "rack", "sell", "cook", "frame", "set_up",
    "manipulate", "entrap", "ensnare", "humbug", "chicane", "chouse", "screw", "nobble",
    "kid", "cod", "slang", "snow", "take_in", "masquerade", "personate", "play_false",
    "put_one_across", "put_one_over", "pirate", "mug", "trick", "hoax", "plagiarise",
    "plagiarize",
}
# Reviewed: misdeed verbs WordNet lacks or ranks below a harmless sense.
MISDEED_EXTRA = ["pickpocket", "prey on"]

# Attacks prepared or hunted ("let's ambush the sheriff", "waylay that reporter", "we're
# hunting journalists tonight"): the lemmas of these synsets themselves, not their
# hyponyms (below "hunt" WordNet lists the hunting of each animal: `whale`, `seal`, `fowl`,
# and `poach`). The rules read them only with a person as object.
AMBUSH_ROOTS = {
    "01138222": "ambush, bushwhack, waylay, ambuscade, lie in wait: wait in hiding to attack",
    "01143856": "hunt, hunt down, track down: pursue for food or sport",
}
# Reviewed: `scupper` is mostly to wreck a plan, `lurk` to loiter (and its ambush sense
# is its third), `run` has dozens of everyday senses, `track down` is also to find an
# author or a parcel (a threat with it goes on: "track down the witness and ...",
# read by the rules of `en_locate`).
AMBUSH_EXCLUDE = {"scupper", "lurk", "run", "track_down", "lie_in_wait"}


# Slurs: the words of the noun senses below the protected-group roots (GROUP_CAP_ROOTS,
# GROUP_LOW_ROOTS) that WordNet marks as slurs, by a usage-domain pointer (";u") to
# "ethnic slur" or "disparagement", or by their gloss ("offensive term for a person of
# Italian descent", "a disparaging term for an Asian person"). A usage pointer made
# from one word of a synset marks that word only ("blackamoor", not "Black").
SLUR_DOMAINS = {
    "06718862": "ethnic slur: a slur on someone's race or language",
    "06717170": "disparagement, depreciation, derogation",
}
SLUR_GLOSS = re.compile(r"offensive|slur|derogatory|disparaging")

# Roots searched for slurs besides the protected-group roots: persons of mixed race
# ("half-caste", "half-breed"), not a group name of their own.
SLUR_EXTRA_ROOTS = {
    "10323999": "mixed-blood: a person whose ancestors belonged to two or more races",
}

# Reviewed: marked words that are the group's ordinary name or mostly not a slur today
# ("Indian", "Oriental", "colored" in "people of colour"), a first name or everyday word
# far more often than the slur sense ("boy", "Tom", "queen", a "taco", a "pom" of a
# pom-pom), an insult of class rather than of a group ("white trash"), or a word the
# hand lists of en.toml read with their own frames ("nigga", reclaimed in-group).
SLUR_EXCLUDE = {
    "indian", "american indian", "red indian", "oriental", "oriental person",
    "colored person", "colored", "boy", "tom", "uncle tom", "moonie", "queen", "butch",
    "paddy", "taco", "pom", "white trash", "poor white trash", "nigga",
}

# Reviewed: marked words with only the slur sense in WordNet that are also first names,
# nicknames or other everyday words it does not list ("Jerry", "Mickey", "Nance", a
# "greaser" of the fifties, "red man" of a tobacco brand, "kraut" for sauerkraut,
# "coolie" for cool, "honkey" of a honky-tonk): read as framed slurs.
SLUR_FRAMED_ONLY = {
    "jerry", "mick", "mickey", "nance", "greaser", "red man", "yellow man", "yellow woman",
    "kraut", "coolie", "cooly", "honkey", "honkie",
}

# A slur whose lemma has another sense (a noun sense that is not a slur, or a verb,
# adjective or adverb: "spade", "coon", "fairy", "queen", "taco", "Jerry") is written to
# the framed list, which the rules read only where the person or group reading is
# required ("you X", "too many X", "X are ..."); the others to the strong list.


def synset_pointers(wn, pos_name):
    """Every pointer of every synset of WordNet's `data.<pos_name>`: (synset offset,
    symbol, target offset, target part of speech, source/target word numbers)."""
    with open(os.path.join(wn, f"data.{pos_name}"), encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            head = line.partition("|")[0].split()
            i = 4 + 2 * int(head[3], 16)
            for _ in range(int(head[i])):
                symbol, target, pos, source_target = head[i + 1 : i + 5]
                i += 4
                yield head[0], symbol, target, pos, source_target


def slur_lemmas(wn, nouns, noun_index, cased):
    """(strong, framed): slur lemmas below the protected-group roots, see SLUR_DOMAINS."""
    marked = {}
    for offset, symbol, target, pos, source_target in synset_pointers(wn, "noun"):
        if symbol == ";u" and pos == "n" and target in SLUR_DOMAINS:
            marked.setdefault(offset, set()).add(int(source_target[:2], 16))
    below = hyponyms(nouns, list(GROUP_CAP_ROOTS) + list(GROUP_LOW_ROOTS) + list(SLUR_EXTRA_ROOTS))
    slur_senses = {}
    for sense in below:
        words, gloss = cased[sense]
        numbers = marked.get(sense, set())
        if SLUR_GLOSS.search(gloss.split(";")[0]):
            numbers = numbers | {0}
        for n in numbers:
            chosen = words if n == 0 else [words[n - 1]]
            for word in chosen:
                slur_senses.setdefault(word.lower(), set()).add(sense)
    other_pos = set()
    for pos in ("verb", "adj", "adv"):
        with open(os.path.join(wn, f"index.{pos}"), encoding="latin-1") as f:
            other_pos.update(line.split()[0] for line in f if not line.startswith("  "))
    strong, framed = set(), set()
    for lemma, senses in slur_senses.items():
        name = lemma.replace("_", " ")
        if name in SLUR_EXCLUDE:
            continue
        if (set(noun_index.get(lemma, [])) <= senses and lemma not in other_pos
                and name not in SLUR_FRAMED_ONLY):
            strong.add(name)
        else:
            framed.add(name)
    return strong, framed


# Danger metaphors said of a group after a copula ("X are a ticking time bomb", "a
# cancer on society", "a pestilence"): the lemmas of these noun synsets themselves, not
# their hyponyms (below disease and cancer lie the named diseases a group may be at risk
# of: "Black women are at higher risk of breast cancer"). The rules read them after an
# article ("a cancer", "the bane"), which the illness itself seldom takes ("get cancer").
DANGER_ROOTS = {
    "13944096": "time bomb, ticking bomb: a problematic situation that will become dangerous",
    "14543145": "powder keg: a potentially explosive state",
    "14007864": "virus: a harmful or corrupting agency",
    "05693669": "pestilence, canker: a pernicious and malign influence",
    "05166397": "poison: anything that harms or destroys",
    "14445226": "bane, curse, scourge: something causing misery or death",
    "04851421": "infection: moral corruption or contamination",
    "07316603": "plague: any large scale calamity",
    "14076479": "plague, pestilence: any epidemic disease with a high death rate",
    "14452616": "infestation: the state of being invaded or overrun by parasites",
    "07996412": "infestation, plague: a swarm of insects that attack plants",
    "14070360": "disease: an impairment of health",
    "14239918": "cancer, malignant neoplastic disease",
    "14235200": "tumor, tumour, neoplasm",
    "14237561": "malignancy: a malignant state",
    "07435533": "epidemic: a widespread outbreak of an infectious disease",
    "14122235": "contagion, contagious disease",
    "14313440": "gangrene: necrotic tissue",
}
# Reviewed: `nemesis` is a rival (a team is another's nemesis), `slough` a swamp, `pest`
# an annoyance (hand list `en_dehum` has it), `sphacelus` and the long medical names are
# never said of people.
DANGER_EXCLUDE = {"nemesis", "slough", "pest", "sphacelus", "malignant_neoplastic_disease",
                  "contagious_disease", "malignance"}

# Verbs of a blow (punch, kick, slap, smack, headbutt) for a harm aimed at another
# person's body part ("I'll punch his teeth in"): every verb sense below these roots. A
# blow harms only with a body part named after it; the rules never read it alone ("kick
# the ball", "punch the bag").
BLOW_ROOTS = {
    "01400062": "hit: deal a blow to, either with the hand or with an instrument",
    "01371774": "kick: strike with the foot",
    "01236027": "headbutt: strike with the head",
}
# Reviewed: sport and games (bat, boot, punt, the kicks of rugby, switch-hit, box), nouns
# and adjectives first (brain, belt, whopping), sex slang (bang, bonk, pound), drinking
# (swig), flies (swat), cards (swipe), noise and weather (boom, blast, buffet), polishing
# (buff), a verbal attack (lay into, tear into).
BLOW_EXCLUDE = {
    "bat", "bean", "blast", "boom", "boot", "buff", "buffet", "drop-kick", "dropkick",
    "place-kick", "punt", "switch-hit", "swig", "swipe", "swat", "bang", "bonk", "pound",
    "box", "stun", "brain", "whop", "belt", "lace_into", "lam_into", "lay_into",
    "pitch_into", "tear_into",
}
# Reviewed: blows whose violent sense WordNet ranks below a harmless one (`hit` is first
# a ball, `slap` a sound) or lacks (`knee`, `elbow`, `stomp on`).
BLOW_EXTRA = ["hit", "slap", "knee", "elbow", "stomp on", "backhand"]

# Body parts a blow or a bullet lands on ("two slugs in your gut", "I'll smash your
# cheekbone"): the one-word nouns whose first or second sense is below external body
# part, internal organ, viscera or bone, with a SemCor noun tag; minus the reviewed
# exclusions (an animal's part, a word mostly of another sense or of idioms: "lap",
# "pump", "colon", "heart", "chopper"; anatomy that no threat names: "jejunum").
BODY_ROOTS = {
    "05225090",  # external body part
    "05298729",  # internal organ
    "05298988",  # viscera, entrails, guts
    "05269901",  # bone, os
    # the face's features, the body's areas and its openings ("punch the landlord in the
    # cheek", "kick him in the groin", "slap her across the mouth")
    "05601758",  # feature, lineament: cheek, chin, brow, temple
    "05221895",  # area, region (of the body): groin, midsection
    "05249636",  # orifice, opening: mouth
}
BODY_EXCLUDE = {
    "lap", "hoof", "muzzle", "paw", "chela", "bullethead", "extremity", "physiognomy",
    "pump", "jejunum", "rumen", "ileum", "epiphysis", "phalanx", "stirrup", "turbinate",
    "anvil", "anterior", "chopper", "marrowbone", "colon",
    # named mostly in idioms of feeling or of oneself ("break her heart", "smacking their
    # lips", "I'd break every bone in my body"); the threats of these words are phrases
    "heart", "bone", "lip",
    # the roots' own names and their senses of other things ("a feature of the region",
    # a bird's beak, a vent)
    "feature", "region", "half-moon", "orifice", "vent", "beak", "os",
    # mostly other things or idioms ("burn the temple", "cut the palm fronds", "take in
    # the waist", "gird your loins")
    "temple", "palm", "waist", "loins",
}

# The same verbs split around their object ("beat my neighbour to death", "run the
# cyclist over", "put the mayor in the ground", "run him off the road"): (verb, tail
# after the object).
SPLIT_PHRASES = [
    ("beat", "to death"), ("beat", "to a pulp"), ("beat", "senseless"),
    ("beat", "half to death"), ("stab", "to death"), ("kick", "to death"),
    ("stomp", "to death"), ("stone", "to death"), ("choke", "to death"),
    ("burn", "alive"), ("burn", "to death"), ("bury", "alive"), ("skin", "alive"),
    ("run", "over"), ("shoot", "dead"), ("set", "on fire"), ("set", "alight"), ("set", "ablaze"),
    ("put", "in the ground"), ("put", "six feet under"), ("put", "in a body bag"),
    ("put", "to death"), ("run", "off the road"), ("run", "into a ditch"),
    ("run", "into the ditch"), ("run", "off a cliff"),
    # Dismemberment: "cut that snitch into little pieces", "hack them to bits".
    # The tails are read after any split verb, so no tail that is a particle ("up") or
    # a figure of criticism ("tear to pieces").
    ("cut", "into pieces"), ("cut", "into little pieces"), ("hack", "to bits"),
    ("hack", "into pieces"),
    ("tear", "limb from limb"), ("rip", "limb from limb"),
]

# Phrasal harm verbs: a verb and a particle ("knock out", "do in", "finish off"). With a
# person as object their harm sense is the one meant ("knock the referee out", "do him
# in"), and with a thing it is not ("knock out the report", "finish off the pizza"),
# which the rules tell apart by the object's kind; so a phrasal verb is kept when ANY of
# its WordNet senses lies below HARM_ROOTS, not only its two most frequent ones.
PHRASAL_PARTICLES = ("out", "off", "up", "in", "down", "over")

# Reviewed: phrasal verbs kept by that test whose harm sense is rare or not violence to a
# person ("bear down", "carry off" a prize, "force out" of office, "put away" in prison,
# "take off", "bomb out" of an exam).
PHRASAL_EXCLUDE = {"bear down", "carry off", "force out", "put away", "take off", "bomb out"}

# Reviewed hand list: phrasal verbs whose violent sense WordNet lacks or files elsewhere
# (slang of killing and of knocking out).
PHRASAL_EXTRA = ["take out", "snuff out", "rub out", "choke out", "finish off", "knock out"]

# Reviewed: phrasal verbs that are harm only with the particle before the object: split
# around a person ("take her out", "put the kids down", "run him down") they mean a
# date, a nap, a criticism; "blow him away" and "shoot him down" mean to impress and to
# refuse.
SPLIT_PV_EXCLUDE = {
    "take out", "put down", "run down", "blow away", "shoot down", "burn down", "blow up",
}

# An example of each particle's split form in the third person, for the generated
# comments.
# An example of each particle's past split form (counterfactual approval: "they should have
# strung him up"), for the generated comments.
PV_PAST_EXAMPLES = {
    "out": "should have knocked him out", "off": "should have finished them off",
    "up": "should have strung him up", "in": "should have done him in",
    "down": "should have gunned them down", "over": "should have run him over",
}

PV_THIRD_EXAMPLES = {
    "out": "knocks him out", "off": "finishes them off", "up": "beats the landlord up",
    "in": "does him in", "down": "guns them down", "over": "runs that judge over",
}

# An example of each particle's split form, for the generated comments.
PV_EXAMPLES = {
    "out": "knock him out", "off": "finish them off", "up": "rough the landlord up",
    "in": "do him in", "down": "gun them down", "over": "work him over",
}

# --------------------------------------------------------------------------------------
# Person and role nouns
# --------------------------------------------------------------------------------------

PERSON_ROOT = "00007846"  # person, individual, someone, somebody, mortal, soul

# A noun is kept when its most frequent sense (or second, for role nouns that are
# first a thing: `driver`) is a kind of person.
NOUN_MAX_SENSE_RANK = 2

# Reviewed: kind-of-person senses that are rare beside an everyday thing, adjective or
# pronoun-like use, so that "burn the old invoices" and "execute the order" stay things.
NOUN_EXCLUDE = {
    "anti", "changer", "sprayer", "snapper", "dummy", "drunk", "old", "young", "dead",
    "living", "poor", "rich", "blind", "deaf", "sick", "wounded", "injured", "elect",
    "one", "ones", "self", "other", "none", "no one", "nobody", "all", "head", "heads",
    "hand", "hands", "face", "brain", "lot", "mate", "match", "sort", "type", "kind",
    "number", "cover", "shot", "hit", "case", "draft", "party", "host", "guide", "star",
    "model", "gem", "peach", "trump", "card", "chip", "tool", "tout", "spot", "catch",
    "stiff", "brick", "rock", "giant", "dish", "dear", "love", "honey", "sweet",
    "hostess", "plant", "beat", "second", "minor", "major", "native",
    "national", "local", "regular", "general", "private", "subject", "object", "agent",
    "assistant", "better", "best", "worst", "hope", "fancy", "sleeper", "runner",
    "saint", "angel", "devil", "beast", "monster", "ace", "king",
    "queen", "jack", "knight", "bishop", "pawn", "fool", "joker", "medium",
    "mark", "sucker", "spoiler", "head_up", "senior", "junior", "top",
    "bottom", "first", "last", "next", "following", "cook", "baker", "miller", "smith",
    "taylor", "mason", "carter", "porter", "shepherd", "fisher", "hunter", "walker",
    "rider", "swimmer", "diver", "driver", "jumper", "hooker", "sitter", "setter",
    "layer", "tender", "bearer", "counter", "reader", "speaker", "printer", "computer",
    "recorder", "player", "dancer", "singer", "fan", "lover", "buff", "nut", "freak",
    "liberal", "conservative", "democrat", "republican", "independent", "radical",
    "moderate", "progressive", "green", "red", "white", "black", "brown", "yellow",
    # things aimed or fired at first: a shooting target is no person ("put two rounds in
    # the target")
    "target", "targets", "butt", "butts",
}

# Reviewed hand list: spellings and compounds WordNet 3.0 lacks.
NOUN_EXTRA = [
    "coworker", "co-worker", "councilor", "councillor", "councilwoman", "councilman",
    "tax inspector", "tax collector", "election worker", "poll worker",
    "election official", "polling officer", "school principal", "headteacher",
    "stepdad", "stepmom", "stepmum", "ex-wife", "ex-husband", "ex-girlfriend",
    "ex-boyfriend", "girlfriend", "boyfriend", "roommate", "flatmate", "housemate",
    "bus driver", "taxi driver", "coach", "principal", "leader",
    "cop", "ref", "mp", "mep", "ceo", "prime minister", "president", "senator",
    # roles of online media named after WordNet 3.0 (2006): the people whose audience
    # makes them targets ("blogger" and "moderator" are in WordNet; not "streamer", whose
    # plural is a party decoration: "hang the streamers from the ceiling")
    "youtuber", "vlogger", "influencer", "podcaster", "tiktoker",
    "instagrammer", "content creator", "gamer",
    # slang for a sex offender, the commonest target of vigilante calls
    "pedo", "paedo", "nonce", "kiddy fiddler", "kiddie fiddler",
]

# A person noun whose adjective senses are far more frequent than its noun senses in the
# SemCor tag counts of WordNet (`cntlist.rev`) is dropped in the singular: "kill that
# stupid process", "shoot the federal budget down" read an adjective before the head
# noun, not a person ("a stupid", "a federal"). Its plural stays ("stupids",
# "civilians"): a plural is no adjective. Protected-group nouns stay in the singular too
# (`chinese`, `christian`, `gay`). Dominance: at least `ADJ_MIN_COUNT` adjective
# tags and more than `ADJ_RATIO` times the noun tags.
ADJ_MIN_COUNT = 3
ADJ_RATIO = 2

# Reviewed: person nouns kept in the singular although SemCor tags them mostly as
# adjectives ("my ex": "ex" is tagged as the adjective of "ex-president").
ADJ_KEEP = {"ex"}

# --------------------------------------------------------------------------------------
# Thing nouns: subjects that cannot die
# --------------------------------------------------------------------------------------

# A noun is a thing when none of its senses lies below organism (persons, animals,
# plants) or below a group of people (these roots), nor in the lexicographer files of
# persons, animals and plants (named people are instances there), nor in noun.quantity
# ("the rest", "the majority"); and it is frequent: at least `THING_MIN_COUNT` noun tags
# in SemCor; and it is no adjective first (the adjective dominance above: "the old",
# "the poor" are people). Singulars only: each thousand terms costs the CLI about 0.4 MB
# resident, and the budget is 32 MB ("that policy", "this trend"; not "these policies").
ORGANISM_ROOT = "00004475"
PEOPLE_GROUP_ROOTS = {
    "07942152": "people",
    "07950920": "social group (organizations, gatherings)",
    "07967382": "ethnic group",
    "08160276": "citizenry",
    "08180190": "the masses",
    "07970721": "family line, kin",
    "08078020": "household",
}
LIVING_FILES = {5, 18, 20, 23}  # noun.animal, noun.person, noun.plant, noun.quantity
THING_MIN_COUNT = 12

# Weapons: every WordNet noun whose first or second sense lies below weapon (arm, weapon
# system): firearms, blades, clubs, explosives ("pay him a visit with my revolver", "a visit
# from me and my machete"); minus the reviewed exclusions (agents, missiles, probes and
# ammunition that no one carries to a person: chemical names, "space probe", "cannonball");
# plus the reviewed improvised weapons, whose first senses are tools or sports kit.
WEAPON_ROOT = "04565375"
WEAPON_EXCLUDE = {
    "weapon_system", "space_probe", "projectile", "missile", "guided_missile", "slug", "bb",
    "ga", "gb", "gd", "sam", "seb", "v-1", "abm", "icbm", "manpad", "exocet", "brilliant_pebble",
    "fire_ship", "spitball", "kylie", "kiley", "throw_stick", "automatic", "semiautomatic",
    "self-loader", "autoloader", "breechloader", "muzzle_loader", "smoothbore", "dart", "lance",
    "mace", "bullet", "buckshot", "grapeshot", "round_shot", "duck_shot", "bird_shot",
    "cannon_ball", "cannonball", "musket_ball", "rifle_ball", "rubber_bullet", "full_metal_jacket",
    "dumdum", "knuckles", "arm", "light_arm", "small-arm", "side_arm", "quaker_gun",
    "paintball_gun", "whaling_gun", "minute_gun", "set_gun", "spring_gun", "trident", "automatic",
    "aflatoxin", "anthrax_bacillus", "bacillus_anthracis", "botulin", "botulinus_toxin",
    "botulismotoxin", "clostridium_perfringens", "staphylococcal_enterotoxin_b", "soman",
    "tabun", "sarin", "chloroacetophenone", "chlorobenzylidenemalononitrile",
    "dichloroethyl_sulfide", "nitrochloromethane", "sulfur_mustard", "lachrymator",
    "lacrimator", "bursting_explosive", "disrupting_explosive", "high_explosive",
    "organophosphate_nerve_agent", "blistering_agent", "gatling_gun", "maxim_gun",
    "bofors_gun", "spandau", "vouge", "arquebus", "harquebus", "hackbut", "hagbut",
    "firelock", "flintlock", "matchlock", "fowling_piece", "handbow", "epee", "fencing_sword",
    "banderilla", "bodkin", ".22", "forty-five", "m-1", "w.m.d.",
}
WEAPON_EXTRA = {
    "knife", "bat", "baseball bat", "cricket bat", "crowbar", "tire iron", "tyre iron",
    "hammer", "sledgehammer", "sledge hammer", "axe", "ax", "golf club", "club",
    "iron bar", "lead pipe", "metal pipe", "pipe", "chain", "chainsaw", "cleaver",
    "meat cleaver", "razor", "box cutter", "pickaxe", "pitchfork", "brick", "blowtorch",
    "can of petrol", "can of gasoline", "jerry can", "molotov", "molotov cocktail", "noose",
    "rope", "nail gun", "taser", "glock", "ar-15", "ar15", "ak-47", "ak47", "gun",
    "baton", "nightstick", "knuckle duster", "brass knuckles", "machete", "shank",
}

# Reviewed: nouns with no person sense in WordNet that say a person with contempt or
# stand for one ("that thing deserves to die", "this trash needs to die", "the rest
# deserve to die"), kept out of the thing list.
THING_EXCLUDE = {
    "thing", "trash", "garbage", "rubbish", "filth", "waste", "dirt", "disgrace", "joke",
    "embarrassment", "abomination", "failure", "mistake", "cancer", "plague", "disease",
    "shit", "crap", "piece", "excuse", "specimen", "one", "other", "rest", "lot", "kind",
    "sort", "type", "bunch", "whole", "remainder", "majority", "minority", "half", "most",
    "self", "nothing", "nobody", "evil", "menace", "threat", "problem", "enemy", "target",
    "body", "corpse", "carcass", "meat", "flesh", "blood", "race", "breed", "sex",
    "gender", "generation", "youth", "age", "life", "soul", "spirit", "mind", "group",
    "grouping", "entity", "wildlife",
}


# --------------------------------------------------------------------------------------
# Protected-group nouns
# --------------------------------------------------------------------------------------

# Roots whose capitalized hyponyms name peoples, nationalities, ethnic groups and
# religions (WordNet 3.0 offsets): only lemmas written with a capital letter count
# ("Eritrean", "Sikh", "Baptist"), so that roles below the same roots ("believer",
# "pilgrim", "villager") stay out.
GROUP_CAP_ROOTS = {
    "09620078": "inhabitant: a person who inhabits a particular place",
    "09620794": "native, indigene, aborigine (Russian, Chechen)",
    "09634494": "African: a native or inhabitant of Africa",
    "09681351": "Jew, Hebrew, Israelite",
    "09628382": "religious person",
    "09636106": "person of color",
    "09638875": "White, White person, Caucasian",
    "09639919": "Semite",
    "10629647": "Hispanic, Spanish American",
    "09644820": "Native American, Amerindian",
    "10154186": "Gypsy, Roma, Romani",
    "10598349": "Sikh",
}

# Roots whose hyponyms, in any case, name sexual orientations, gender identities and
# disabilities.
GROUP_LOW_ROOTS = {
    "10182913": "homosexual, gay",
    "09857007": "bisexual",
    "10725893": "transsexual (has undergone a sex change)",
    "10725734": "transsexual (identifies with the other sex)",
    "10158756": "handicapped person",
    "09789566": "amputee",
    "09820044": "atheist",
}

# A synset whose gloss says one of these is left out: slurs belong to the slur lexicons,
# not to neutral group names; ancient peoples and the inhabitants of cities and states
# ("a native or resident of Texas") are not protected groups.
GROUP_GLOSS_EXCLUDE = re.compile(
    r"offensive|slur|derogatory|disparaging|negative term|slang|informal|ancient|"
    r"resident of|\(historically\)"
)

# Reviewed: capitalized lemmas below those roots that name one person (the Pope), a
# religious order, a political side or ideology, a sports team's name, or a word whose
# everyday sense is something else.
GROUP_EXCLUDE = {
    "bishop of rome", "catholic pope", "holy father", "roman catholic pope",
    "vicar of christ", "wandering jew", "apostelic father", "john bull", "johnny",
    "johnny reb", "reb", "yankee", "yankee-doodle", "tory", "whig", "orangeman",
    "contra", "confederate soldier", "federal soldier", "union soldier", "jihadist",
    "zionist", "black friar", "blackfriar", "grey friar", "white friar", "austin friar",
    "augustinian", "carmelite", "carthusian", "cistercian", "franciscan", "jesuit",
    "trappist", "dominican", "tractarian", "jacobean", "mollah", "mulla", "mullah",
    "viking", "shirtlifter", "closet queen", "paralytic", "epicene", "epicene person",
    "gynandromorph", "northerner", "southerner", "lowlander", "highland scot",
    "berliner", "west berliner", "glaswegian", "cairene", "milanese", "neapolitan",
    "new englander", "sassenach", "mackem", "satanist", "zealander", "farsi",
    "byzantine", "balkan", "teton", "miami", "ottawa", "iowa", "erie", "omaha", "wichita",
    "dakota", "taos", "shasta", "winnebago", "seminole", "maha", "mam", "kota", "edo",
    "samaritan", "federal", "junker", "lancastrian", "same", "saame", "ute", "ewe", "wasp",
    "guru", "tyke", "benedictine", "bohemian", "dalmatian", "alsatian", "apache", "mohawk",
    "pueblo", "quiche", "puritan", "nonconformist", "cockney", "geordie", "ottoman",
    "mongoloid", "kafir",
    # Measured: in the labelled sets, insults against these (the majority of the
    # writers' own audience: "Americans are so stupid") are not labelled hate; with
    # them the group lexicon added more false positives than hits.
    "american", "european", "north american", "anglo-american", "german", "westerner",
    "caucasian", "white person", "briton", "britisher", "brit", "englishman",
    "englishwoman", "english person",
}

# Nouns that follow a group adjective to name the group ("Nepalese people").
GROUP_HEADS = ["people", "men", "women", "folks", "kids", "guys", "families", "children"]
# Determiners that make a singular group noun a person, not an adjective ("every Tamil",
# "a Somali", "that Pakistani", beside "Tamil food"). The articles and demonstratives
# were measured on every training file: 47 more violations caught, 9 rows labelled `none`
# newly flagged (mostly an adjective after all: "a white russian", "the Mexican
# government").
GROUP_SINGULAR_DETS = ["every", "each", "any", "another", "a", "an", "the", "that", "this"]

# --------------------------------------------------------------------------------------


def load(wn, pos):
    synsets = {}
    with open(os.path.join(wn, f"data.{pos}"), encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            head = line.partition("|")[0].split()
            word_count = int(head[3], 16)
            words = [head[4 + 2 * i].lower() for i in range(word_count)]
            i = 4 + 2 * word_count
            ptrs = []
            for _ in range(int(head[i])):
                ptrs.append((head[i + 1], head[i + 2]))
                i += 4
            synsets[head[0]] = (words, ptrs, int(head[1]))
    index = {}
    with open(os.path.join(wn, f"index.{pos}"), encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            fields = line.split()
            index[fields[0]] = fields[-int(fields[2]):]
    exceptions = {}
    with open(os.path.join(wn, f"{pos}.exc"), encoding="latin-1") as f:
        for line in f:
            form, *bases = line.split()
            for base in bases:
                exceptions.setdefault(base, set()).add(form)
    return synsets, index, exceptions


def derived_nouns(wn, senses):
    """The noun synsets and word numbers that WordNet derives ("+" pointers) from the
    verb synsets `senses`: {noun synset: {word number}}."""
    out = {}
    for offset, symbol, target, pos, source_target in synset_pointers(wn, "verb"):
        if offset in senses and symbol == "+" and pos == "n":
            out.setdefault(target, set()).add(int(source_target[2:], 16))
    return out


def act_nouns(wn, nouns, noun_index, harm_senses):
    """Nouns of a harmful act (see `ACT_NOUN_FILES`), minus the reviewed exclusions."""
    derived = derived_nouns(wn, harm_senses)
    out = set()
    for target, numbers in derived.items():
        words, _, lexname = nouns[target]
        if lexname not in ACT_NOUN_FILES:
            continue
        for n in numbers:
            word = words[n - 1]
            if any(s in derived for s in noun_index.get(word, [])[:2]) and word not in ACT_NOUN_EXCLUDE:
                out.add(word.replace("_", " "))
    return out | ACT_NOUN_EXTRA


def hyponyms(synsets, roots):
    """Every synset below `roots` by hyponym links (class hyponyms, not instances)."""
    seen = set(roots)
    stack = list(roots)
    while stack:
        for ptr, target in synsets[stack.pop()][1]:
            if ptr == "~" and target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


# WordNet lexicographer files of a word's first sense that make a later person sense a
# metaphor ("rat", "pig", "snake", "dog") or a rare reading beside an everyday thing
# ("doll", "puppet", "machine", "sweater"): noun.animal, noun.artifact, noun.body,
# noun.food, noun.plant.
METAPHOR_SOURCES = {5, 6, 8, 13, 20}

# Reviewed: nouns whose first sense is a thing (an aircraft, a cleaning product, a train)
# but whose person sense is an everyday role, kept as persons.
METAPHOR_KEEP = {"bomber", "cleaner", "commuter", "constituent", "entrant", "idol", "shooter"}


def kept_lemmas(synsets, index, senses, max_rank, exclude):
    lemmas = {w for s in senses for w in synsets[s][0]}
    out = set()
    for lemma in lemmas:
        ranked = index.get(lemma, [])[:max_rank]
        if not ranked or lemma in exclude:
            continue
        if (
            ranked[0] not in senses
            and synsets[ranked[0]][2] in METAPHOR_SOURCES
            and lemma not in METAPHOR_KEEP
        ):
            continue
        if any(s in senses for s in ranked):
            out.add(lemma.replace("_", " "))
    return out


def tag_counts(wn):
    """The SemCor tag counts of WordNet's `cntlist.rev`, summed by lemma: {lemma: {"n":
    noun tags, "a": adjective tags (satellites included)}}."""
    counts = {}
    with open(os.path.join(wn, "cntlist.rev"), encoding="latin-1") as f:
        for line in f:
            key, _, count = line.split()
            lemma, _, rest = key.partition("%")
            pos = {"1": "n", "3": "a", "5": "a"}.get(rest[:1])
            if pos:
                counts.setdefault(lemma, {"n": 0, "a": 0})[pos] += int(count)
    return counts


def adjective_first(lemma, counts):
    """Whether the adjective senses of `lemma` dominate its noun senses (see
    ADJ_MIN_COUNT)."""
    c = counts.get(lemma.replace(" ", "_"), {"n": 0, "a": 0})
    return c["a"] >= ADJ_MIN_COUNT and c["a"] > ADJ_RATIO * c["n"]


# The rule packs whose words a masked token may stand for: a thing noun one inner letter
# away from one of their words (`rain` and `ruin`, `beer` and `bear`) is left out, so a
# masked word (`r*in`) is never read as the thing, more common, instead of the term.
MASK_PACKS = ("en.toml", "fr.toml")


def rule_words():
    """Every word of the lexicon terms of MASK_PACKS (braces expanded), lower case."""
    import itertools
    import tomllib
    base = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "policies", "baseline")
    words = set()
    for pack in MASK_PACKS:
        with open(os.path.join(base, pack), "rb") as f:
            lexicons = tomllib.load(f).get("lexicons", {})
        for lexicon in lexicons.values():
            for term in lexicon.get("terms", []):
                parts = re.split(r"(\{[^}]*\})", term)
                options = [q[1:-1].split(",") if q.startswith("{") else [q] for q in parts]
                for form in itertools.product(*options):
                    words.update("".join(form).lower().split())
    return words


def one_letter_apart(word, words_by_length):
    """Whether a word of the rules differs from `word` by one inner letter: the letter a
    mask hides (`r*in`, `k*ll`; a mask keeps the first and the last)."""
    return any(
        other[0] == word[0] and other[-1] == word[-1]
        and sum(a != b for a, b in zip(word, other)) == 1
        for other in words_by_length.get(len(word), ())
    )


def thing_nouns(nouns, index, counts):
    """Frequent one-word nouns none of whose senses is a living being or a group of
    people (see PEOPLE_GROUP_ROOTS)."""
    living = hyponyms(nouns, [ORGANISM_ROOT, PERSON_ROOT] + list(PEOPLE_GROUP_ROOTS))
    by_length = {}
    for word in rule_words():
        by_length.setdefault(len(word), set()).add(word)
    out = set()
    for lemma, senses in index.items():
        if not lemma.isalpha() or lemma in THING_EXCLUDE:
            continue
        if any(s in living or nouns[s][2] in LIVING_FILES for s in senses):
            continue
        if counts.get(lemma, {"n": 0})["n"] < THING_MIN_COUNT or adjective_first(lemma, counts):
            continue
        if one_letter_apart(lemma, by_length):
            continue
        out.add(lemma)
    return out


def weapon_nouns(nouns, index, exceptions):
    """Weapon nouns, singular and plural (see WEAPON_ROOT)."""
    kept = kept_lemmas(nouns, index, hyponyms(nouns, [WEAPON_ROOT]), NOUN_MAX_SENSE_RANK, WEAPON_EXCLUDE)
    lemmas = {w for w in kept if not any(c.isdigit() for c in w)} | WEAPON_EXTRA
    out = set(lemmas)
    for lemma in lemmas:
        if " of " in lemma:
            head, _, rest = lemma.partition(" of ")
            out |= {p + " of " + rest for p in noun_plurals(head, exceptions)}
        elif not lemma.endswith(("s", "gas", "fire", "spray", "agent", "antiaircraft")) and " and " not in lemma:
            out |= noun_plurals(lemma, exceptions)
    return out


def load_cased(wn):
    """Noun synsets with their words as WordNet writes them (capitals kept) and their
    gloss; and every verb (`frank`, `badger`, `pole`)."""
    cased = {}
    lower = set()
    for pos in ("noun", "verb"):
        with open(os.path.join(wn, f"data.{pos}"), encoding="latin-1") as f:
            for line in f:
                if line.startswith("  "):
                    continue
                head, _, gloss = line.partition("|")
                head = head.split()
                words = [re.sub(r"\(.*\)$", "", head[4 + 2 * i]) for i in range(int(head[3], 16))]
                if pos == "verb":
                    lower.update(w.lower() for w in words)
                if pos == "noun":
                    cased[head[0]] = (words, gloss.strip())
    return cased, lower


def not_person_names(nouns, cased):
    """Capitalized one-word nouns of WordNet with no sense in noun.person: places,
    organisations, programmes, days (`Lyon`, `Maryland`, `Medicaid`, `Google`,
    `Monday`), folded, that the common-word list holds. A name that is a person in any
    sense (`Paris`, `Bush`) stays out."""
    senses = {}
    for offset, (words, _) in cased.items():
        for w in words:
            if w[:1].isupper() and "_" not in w and len(w) > 1 and not w.isupper():
                senses.setdefault(w.lower(), set()).add(nouns[offset][2])
    # Only the names common enough to be met (the project's common-word list, from
    # wordfreq, Zipf 3 and up): the rare places cost memory and are rarely written.
    common = set()
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "policies", "words", "common.txt"), encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                common.add(line.split(" ", 1)[0])
    return sorted(w for w, files in senses.items() if 18 not in files and w.isalpha() and w in common)


# WordNet lexicographer files of persons and groups (noun.person, noun.group).
PEOPLE_SOURCES = {14, 18}


def plural_names_people(plural, nouns, index):
    """Whether a generated plural is not first another kind of noun (`Laos`, `Kansas`)."""
    senses = index.get(plural.replace(" ", "_"))
    return not senses or nouns[senses[0]][2] in PEOPLE_SOURCES


def group_nouns(nouns, index, cased, lower):
    """Lemmas naming protected groups: capitalized hyponyms of GROUP_CAP_ROOTS and all
    hyponyms of GROUP_LOW_ROOTS whose most frequent sense is that group sense, minus
    slurs, ancient peoples and city or state inhabitants (by gloss), capitalized names
    that are also verbs (`Frank`, `Badger`, `Pole`), and the reviewed GROUP_EXCLUDE."""
    kept = set()
    for roots, capital in ((GROUP_CAP_ROOTS, True), (GROUP_LOW_ROOTS, False)):
        senses = hyponyms(nouns, roots)
        for sense in senses:
            words, gloss = cased[sense]
            if GROUP_GLOSS_EXCLUDE.search(gloss):
                continue
            for word in words:
                lemma = word.lower()
                if capital and (word[0] != word[0].upper() or lemma in lower):
                    continue
                if index.get(lemma, [None])[0] not in senses:
                    continue
                kept.add(lemma.replace("_", " "))
    return kept - GROUP_EXCLUDE


VOWELS = "aeiou"


def doubles_final(word, exceptions):
    """`stab` -> `stabbed`: a final consonant after one vowel, in one syllable or when
    WordNet lists the doubled form."""
    last = word[-1]
    if f"{word}{last}ed" in exceptions.get(word, ()) or f"{word}{last}ing" in exceptions.get(word, ()):
        return True
    if len(word) < 3 or last in VOWELS + "wxy" or word[-2] not in VOWELS or word[-3] in VOWELS:
        return False
    return len(re.findall(f"[{VOWELS}]+", word)) == 1


# Pasts WordNet's exception list does not give (the past or the participle is the base:
# "they beat him up", "he was run over"), verbs with a regular past beside the irregular
# one, and irregular forms of the exception list that are archaic (`wrought` for
# `worked`).
SAME_PAST = {"cut", "put", "set", "slit", "hit", "burst", "shut", "beat", "run", "shed"}
ALSO_REGULAR = {"burn", "hang", "mow", "work"}
ARCHAIC_FORMS = {"wrought"}
# Words after the verb in a phrasal or fixed form: "beat up", "set upon", "shed blood"
# inflect their verb; other two-word compounds ("carpet bomb") inflect their last word.
PARTICLES = {"up", "down", "off", "out", "in", "away", "over", "to", "alive", "dead",
             "the", "a", "fire", "on", "upon", "blood"}


def verb_forms(verb, exceptions):
    """Base, 3rd person singular, past and participle, -ing of a (phrasal) verb."""
    parts = verb.split(" ")
    if len(parts) == 2 and parts[1] not in PARTICLES:
        lead = parts[0] + " "
        inner = verb_forms(parts[1], exceptions)
        return {k: {lead + f for f in v} for k, v in inner.items()}
    word, sep, rest = verb.partition(" ")
    tail = sep + rest
    stem_parts = word.split("-")
    head = stem_parts[-1]
    prefix = "-".join(stem_parts[:-1]) + ("-" if len(stem_parts) > 1 else "")
    irregular = exceptions.get(head, set()) - ARCHAIC_FORMS
    if head.endswith(("s", "x", "z", "ch", "sh", "o")):
        third = head + "es"
    elif head.endswith("y") and head[-2] not in VOWELS:
        third = head[:-1] + "ies"
    else:
        third = head + "s"
    if head.endswith("e") and not head.endswith("ee"):
        ing = head[:-1] + "ing"
        past = head + "d"
    elif head.endswith("y") and head[-2] not in VOWELS:
        ing = head + "ing"
        past = head[:-1] + "ied"
    elif doubles_final(head, exceptions):
        ing = head + head[-1] + "ing"
        past = head + head[-1] + "ed"
    else:
        ing = head + "ing"
        past = head + "ed"
    # The exception list also holds irregular third persons (`gasses`): not pasts.
    pasts = set(f for f in irregular if not f.endswith(("ing", "es")))
    if head in SAME_PAST:
        pasts.add(head)
    if not pasts or head in ALSO_REGULAR:
        # `hanged` is the past of execution by hanging, beside `hung`.
        pasts.add(past)
    ings = set(f for f in irregular if f.endswith("ing")) or {ing}
    if head.endswith("l") and past == head + "led" and len(re.findall(f"[{VOWELS}]+", head)) > 1:
        # WordNet lists the British doubled `l` (`cudgelled`, `disembowelled`); the
        # American spelling keeps one (`cudgeled`, `pummeled`).
        pasts.add(head + "ed")
        ings.add(head + "ing")
    forms = {
        "base": {head},
        "third": {third},
        "past": pasts,
        "ing": ings,
    }
    return {k: {prefix + f + tail for f in v} for k, v in forms.items()}


def verb_class_forms(verbs, index, exceptions, roots, exclude, extra):
    """Base, third person and -ing forms of the verbs kept below `roots`, plus `extra`."""
    lemmas = kept_lemmas(verbs, index, hyponyms(verbs, roots), MAX_SENSE_RANK, exclude)
    forms = {"base": set(), "third": set(), "ing": set(), "order": set()}
    for verb in lemmas | set(extra):
        vf = verb_forms(verb, exceptions)
        for kind in ("base", "third", "ing"):
            forms[kind] |= vf[kind]
        # A base form that is no past ("punch", not "hit"): after a noun it is an order,
        # never a report ("reality hit them over the head").
        forms["order"] |= vf["base"] - vf["past"]
    return forms


def noun_plurals(noun, exceptions):
    *first, last = noun.split(" ")
    lead = " ".join(first) + (" " if first else "")
    irregular = exceptions.get(last, set())
    if irregular:
        return {lead + f for f in irregular}
    if last.endswith(("man", "woman")) and not last.endswith(("human", "shaman", "german", "ottoman", "talisman")):
        return {lead + last[:-2] + "en"}
    if last.endswith("ech"):
        return {lead + last + "s"}  # czechs, techs
    if last.endswith(("s", "x", "z", "ch", "sh")):
        return {lead + last + "es"}
    if last.endswith("y") and last[-2:-1] not in VOWELS:
        return {lead + last[:-1] + "ies"}
    return {lead + last + "s"}


def wordnet_version(wn):
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Version}", "wordnet-base"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        return f"WordNet 3.0, Debian wordnet-base {out}"
    except (OSError, subprocess.CalledProcessError):
        return "WordNet 3.0"


# Lexicons read with one typo (`fuzzy = 1`): harm and blow verbs, body parts, person,
# group and thing nouns (the words people misspell in a threat or an attack: "murdr",
# "sentaor", "imigrants"; thing nouns too, so a misspelt object stays a thing). The
# lists hold every inflected form (`inflected = true`): the engine never reads a real
# word as a typo of their terms, so they need no exclusions of their own.
FUZZY_PREFIXES = ("en_vocab_harm_", "en_vocab_blow", "en_vocab_ambush_")
FUZZY_NAMES = {"en_vocab_body", "en_vocab_person", "en_vocab_people", "en_vocab_group", "en_vocab_thing"}


# Lexicons read in every language: place and organisation names are not English words.
ANY_LANGUAGE = {"en_vocab_name_not_person"}


def toml_list(name, comment, terms):
    head = [f"[lexicons.{name}]"] + ([] if name in ANY_LANGUAGE else ['lang = "en"'])
    if name.startswith(FUZZY_PREFIXES) or name in FUZZY_NAMES:
        head += ["fuzzy = 1", "inflected = true"]
    lines = [f"# {c}" for c in comment] + head + ["terms = ["]
    row = "  "
    for term in sorted(terms):
        item = '"' + term.replace("\\", "\\\\").replace('"', '\\"') + '", '
        if len(row) + len(item) > 90:
            lines.append(row.rstrip())
            row = "  "
        row += item
    if row.strip():
        lines.append(row.rstrip())
    lines.append("]")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wordnet", default="/usr/share/wordnet", help="WordNet dict directory")
    ap.add_argument("--names", action="store_true", help="write the names pack (policies/baseline/names.toml) instead")
    args = ap.parse_args()
    if not os.path.exists(os.path.join(args.wordnet, "data.verb")):
        sys.exit(f"{args.wordnet}: no WordNet data (apt-get install wordnet-base)")

    verbs, verb_index, verb_exc = load(args.wordnet, "verb")
    nouns, noun_index, noun_exc = load(args.wordnet, "noun")

    harm_senses = hyponyms(verbs, HARM_ROOTS)
    harm = kept_lemmas(verbs, verb_index, harm_senses, MAX_SENSE_RANK, VERB_EXCLUDE)
    harm |= set(VERB_EXTRA)
    phrasal = {
        lemma.replace("_", " ")
        for lemma, senses in verb_index.items()
        if len(lemma.split("_")) == 2 and lemma.split("_")[1] in PHRASAL_PARTICLES
        and any(s in harm_senses for s in senses)
    } - PHRASAL_EXCLUDE
    phrasal |= set(PHRASAL_EXTRA)
    phrasal |= {v for v in harm if len(v.split(" ")) == 2 and v.split(" ")[1] in PHRASAL_PARTICLES}
    harm |= phrasal
    # The same phrasal verbs split around their object ("knock him out"): the verb's
    # base form, one list per particle.
    # The third person too, for wishes and calls ("I hope someone knocks him out").
    split_pv = {p: set() for p in PHRASAL_PARTICLES}
    split_pv_third = {p: set() for p in PHRASAL_PARTICLES}
    split_pv_past = {p: set() for p in PHRASAL_PARTICLES}
    for verb in phrasal - SPLIT_PV_EXCLUDE:
        head, particle = verb.split(" ")
        split_pv[particle] |= verb_forms(head, verb_exc)["base"]
        split_pv_third[particle] |= verb_forms(head, verb_exc)["third"]
        split_pv_past[particle] |= verb_forms(head, verb_exc)["past"]
    # The excluded ones split around a person pronoun, for conditional orders only ("if
    # you see him, take him out").
    split_cond = {f"{verb.split(' ')[0]} {pron} {verb.split(' ')[1]}"
                  for verb in phrasal & SPLIT_PV_EXCLUDE for pron in ("him", "her")}
    forms = {"base": set(), "third": set(), "past": set(), "ing": set()}
    for verb in harm:
        for kind, fs in verb_forms(verb, verb_exc).items():
            forms[kind] |= fs
    pp_person = set()
    pp_senses = hyponyms(verbs, [PP_PERSON_ROOT])
    for lemma in VERB_EXCLUDE - PP_PERSON_EXCLUDE:
        if "_" not in lemma and any(s in pp_senses for s in verb_index.get(lemma, [])):
            pp_person |= verb_forms(lemma, verb_exc)["past"]
    split_heads = {"base": set(), "third": set(), "past": set(), "ing": set()}
    tails = set()
    for verb, tail in SPLIT_PHRASES:
        for kind, fs in verb_forms(verb, verb_exc).items():
            split_heads[kind] |= fs
        tails.add(tail)

    harm_acts = act_nouns(args.wordnet, nouns, noun_index, harm_senses)

    misdeed_forms = verb_class_forms(verbs, verb_index, verb_exc, MISDEED_ROOTS,
                                     MISDEED_EXCLUDE, MISDEED_EXTRA)
    blow_forms = verb_class_forms(verbs, verb_index, verb_exc, BLOW_ROOTS, BLOW_EXCLUDE,
                                  BLOW_EXTRA)
    danger = {w.replace("_", " ") for r in DANGER_ROOTS for w in nouns[r][0]
              if w not in DANGER_EXCLUDE}
    # Only the roots' own lemmas: no hyponyms (see AMBUSH_ROOTS).
    ambush_forms = {"base": set(), "third": set(), "ing": set(), "past": set()}
    for verb in kept_lemmas(verbs, verb_index, set(AMBUSH_ROOTS), MAX_SENSE_RANK,
                            AMBUSH_EXCLUDE):
        for kind, fs in verb_forms(verb, verb_exc).items():
            ambush_forms[kind] |= fs

    person_senses = hyponyms(nouns, [PERSON_ROOT])
    persons = kept_lemmas(nouns, noun_index, person_senses, NOUN_MAX_SENSE_RANK, NOUN_EXCLUDE)
    counts = tag_counts(args.wordnet)
    # Peoples, religions and orientations stay ("the chinese should ...", "kill the
    # gay"): the protected-group senses below GROUP_CAP_ROOTS and GROUP_LOW_ROOTS.
    group_senses = hyponyms(nouns, GROUP_CAP_ROOTS) | hyponyms(nouns, GROUP_LOW_ROOTS)
    adjectives = {p for p in persons if adjective_first(p, counts)
                  and not any(s in group_senses for s in noun_index.get(p.replace(" ", "_"), []))}
    adjectives -= ADJ_KEEP
    plurals = set()
    for noun in persons | set(NOUN_EXTRA):
        plurals |= noun_plurals(noun, noun_exc)
    persons = (persons - adjectives) | set(NOUN_EXTRA)
    person_terms = (persons | plurals) - NOUN_EXCLUDE
    people_terms = plurals - NOUN_EXCLUDE

    cased, lower = load_cased(args.wordnet)
    things = thing_nouns(nouns, noun_index, counts)
    thing_terms = things - person_terms - THING_EXCLUDE

    groups = group_nouns(nouns, noun_index, cased, lower)
    group_terms = set()
    for noun in groups:
        last = noun.split(" ")[-1]
        if last.endswith(("ese", "ois", "oux", "sh", "z")) and noun not in noun_exc:
            # "the Vietnamese", "the Sioux", "the Amish": the plural is the singular.
            group_terms.add("the " + noun)
            plurals = set()
        elif last.endswith("ech"):
            plurals = {noun + "s"}  # "Czechs"
        else:
            plurals = noun_plurals(noun, noun_exc) - {noun}
        # A plural that is another noun first ("Laos", "Kansas": places) is left out;
        # one that names the community ("Quakers", "Mormons") is kept.
        group_terms |= {p for p in plurals if plural_names_people(p, nouns, noun_index)}
        if noun.split(" ")[-1] not in ("person", "man", "woman"):
            group_terms |= {f"{noun} {head}" for head in GROUP_HEADS}
        group_terms |= {f"{det} {noun}" for det in GROUP_SINGULAR_DETS}

    slur_strong, slur_framed = slur_lemmas(args.wordnet, nouns, noun_index, cased)
    slur_strong_terms, slur_framed_terms = set(), set()
    for lemmas, terms in ((slur_strong, slur_strong_terms), (slur_framed, slur_framed_terms)):
        for noun in lemmas:
            terms |= {noun} | noun_plurals(noun, noun_exc)

    version = wordnet_version(args.wordnet)
    out = [
        "# GENERATED by tools/gen-vocab-en/gen.py from " + version + ".",
        "# Do not edit: change the script's roots and reviewed lists, rerun it (see its README).",
        "#",
        "# Content note: verbs of violence, on purpose (see the README).",
        "[policy]",
        'id = "baseline.en.vocab"',
        'version = "2026.11"',
        'title = "English harm verbs and person nouns, generated from WordNet"',
        "",
    ]
    out.append(toml_list("en_vocab_harm_base", [
        "Harm verbs, base form (imperative, infinitive, present): every WordNet verb whose",
        "first or second sense is below kill, injure, physical assault, torture, shoot,",
        "stab, rape, bomb, burn (destroy by fire), hang (execute) or beat up; minus the",
        "reviewed exclusions; plus the reviewed hand list and phrasal forms."],
        forms["base"]))
    out.append(toml_list("en_vocab_harm_third", ["The same verbs, third person singular."], forms["third"]))
    out.append(toml_list("en_vocab_harm_past", ["The same verbs, past tense and past participle."], forms["past"]))
    out.append(toml_list("en_vocab_harm_ing", ["The same verbs, -ing form."], forms["ing"]))
    out.append(toml_list("en_vocab_harm_pp_person", [
        "Participles of a beating said of a person after a normative passive (\"deserves to",
        "be beaten\", \"should be flogged\"): verbs below \"beat up\" that the active lists",
        "exclude because their everyday active sense is sport or trade; minus the reviewed",
        "exclusions."],
        pp_person))
    out.append(toml_list("en_vocab_harm_act", [
        "Nouns of a harmful act (\"a flogging\", \"a lynching\", \"a good beating\"), read after",
        "what a person is said to deserve: nouns WordNet derives from the harm senses, acts and",
        "events, one of their two most frequent senses the derived one; minus the reviewed",
        "exclusions, plus the reviewed extras."],
        harm_acts))
    out.append(toml_list("en_vocab_harm_split", [
        "Verbs of harm phrases whose object stands inside (\"beat my neighbour to death\"):",
        "the verb, every form; the tail is `en_vocab_harm_tail`."],
        set().union(*split_heads.values())))
    out.append(toml_list("en_vocab_harm_split_base", ["The same verbs, base form only."], split_heads["base"]))
    out.append(toml_list("en_vocab_harm_split_third", [
        "The same verbs, third person singular (\"I hope someone beats him to death\")."],
        split_heads["third"]))
    out.append(toml_list("en_vocab_harm_tail", ["Tails of those split phrases."], tails))
    for particle in PHRASAL_PARTICLES:
        out.append(toml_list(f"en_vocab_harm_pv_{particle}", [
            f"Phrasal harm verbs whose particle `{particle}` follows their object",
            f"(\"{PV_EXAMPLES[particle]}\"): the verb, base form. Kept when any WordNet sense of the",
            "phrasal verb lies below the harm roots; minus the reviewed exclusions; plus the",
            "reviewed hand list and the phrasal verbs of the lists above."],
            split_pv[particle]))
        out.append(toml_list(f"en_vocab_harm_pv_{particle}_third", [
            f"The same verbs, third person singular (wishes and calls: \"I hope someone",
            f"{PV_THIRD_EXAMPLES[particle]}\")."],
            split_pv_third[particle]))
        out.append(toml_list(f"en_vocab_harm_pv_{particle}_past", [
            f"The same verbs, past and participle (\"{PV_PAST_EXAMPLES[particle]}\")."],
            split_pv_past[particle]))
    out.append(toml_list("en_vocab_harm_pv_cond", [
        "The phrasal harm verbs kept out of the split lists (a date, a nap, a criticism:",
        "\"take her out\", \"put the kids down\", \"run him down\"), split around `him` or",
        "`her`: read only in an order after a condition of meeting a person (\"if you see",
        "him, take him out\")."],
        split_cond))
    out.append(toml_list("en_vocab_blow", [
        "Verbs of a blow, base and -ing forms (\"I'll punch his teeth in\", \"I'm gonna slap",
        "her face\"): every WordNet verb whose first or second sense is below hit (deal a",
        "blow), kick (strike with the foot) or headbutt; minus the reviewed exclusions (sport,",
        "slang); plus the reviewed hand list. Harm only with another person's body part."],
        blow_forms["base"] | blow_forms["ing"]))
    out.append(toml_list("en_vocab_blow_order", [
        "The same verbs, base forms that are no past form (\"punch\", \"kick\"; not \"hit\"):",
        "read as an order with a pronoun object (\"kick him in the face\"), where a past",
        "after a subject noun would be a report (\"reality hit them over the head\")."],
        blow_forms["order"]))
    out.append(toml_list("en_vocab_blow_third", [
        "The same verbs, third person singular (\"I hope someone smacks his teeth out\")."],
        blow_forms["third"]))
    out.append(toml_list("en_vocab_danger", [
        "Danger metaphors said of a group after a copula (\"X are a ticking time bomb\", \"a",
        "cancer\"): the lemmas of the WordNet noun synsets of disease, harmful influence, bane",
        "and explosive situations (not their hyponyms, the named diseases); minus the reviewed",
        "exclusions. The rules read them after an article (\"a cancer\", \"the bane\")."],
        danger))
    out.append(toml_list("en_vocab_ambush_base", [
        "Verbs of an attack prepared or hunted, base form (\"let's ambush the sheriff\"): the",
        "lemmas of the WordNet synsets \"wait in hiding to attack\" and \"pursue for food or",
        "sport\" (not their hyponyms); minus the reviewed exclusions. Harm only with a person",
        "as object."],
        ambush_forms["base"]))
    out.append(toml_list("en_vocab_ambush_third", [
        "The same verbs, third person singular (\"I hope someone ambushes that judge\")."],
        ambush_forms["third"]))
    out.append(toml_list("en_vocab_ambush_ing", [
        "The same verbs, -ing form (\"we're hunting journalists tonight\")."],
        ambush_forms["ing"]))
    out.append(toml_list("en_vocab_misdeed_base", [
        "Misdeed verbs, base form (\"Albanians rob old people\"): every WordNet verb whose",
        "first or second sense is below steal, rob, cheat, deceive, swindle, plunder, loot,",
        "burgle or embezzle; minus the reviewed exclusions; plus the reviewed hand list."],
        misdeed_forms["base"]))
    out.append(toml_list("en_vocab_misdeed_third", [
        "The same verbs, third person singular (\"a Pakistani always cheats\")."],
        misdeed_forms["third"]))
    out.append(toml_list("en_vocab_misdeed_ing", [
        "The same verbs, -ing form (\"they are always stealing\")."],
        misdeed_forms["ing"]))
    body_senses = hyponyms(nouns, BODY_ROOTS)
    body = set()
    for lemma, senses in noun_index.items():
        if "_" in lemma or lemma in BODY_EXCLUDE or not any(x in body_senses for x in senses[:2]):
            continue
        if counts.get(lemma, {"n": 0})["n"] >= 1:
            body |= {lemma} | noun_plurals(lemma, noun_exc)
    out.append(toml_list("en_vocab_body", [
        "Body parts, singular and plural (\"two slugs in your gut\", \"I'll smash your",
        "cheekbone\"): every one-word WordNet noun whose first or second sense is below",
        "external body part, internal organ, viscera or bone, with a SemCor noun tag; minus",
        "the reviewed exclusions (an animal's part, a word mostly of another sense). The",
        "rules read it with the hand list `en_body_parts` of en.toml (chest, throat, eyes)."],
        body))
    out.append(toml_list("en_vocab_person", [
        "Person and role nouns, singular and plural: every WordNet noun whose first or second",
        "sense is a kind of person (hyponym of person.n.01, not named individuals), minus",
        "the reviewed exclusions (everyday things, adjectives, surnames); plus spellings",
        "and compounds WordNet lacks."],
        person_terms))
    out.append(toml_list("en_vocab_people", ["The plurals alone (\"kill journalists\")."], people_terms))
    out.append(toml_list("en_vocab_thing", [
        "Thing nouns, singular: subjects that cannot die (\"that policy deserves",
        "to die\", \"this trend needs to die\"). Every one-word WordNet noun none of whose",
        "senses is a person, an animal, a plant, a group of people or a quantity, with at",
        "least twelve SemCor noun tags and no dominant adjective sense; minus the reviewed",
        "exclusions (contempt said of a person: \"that thing\", \"this trash\") and the nouns one inner",
        "letter away from a word of the rules (`rain`: `ruin`), which a masked word may hide."],
        thing_terms))
    out.append(toml_list("en_vocab_group", [
        "Protected-group nouns: nationalities, peoples and ethnic groups, religions",
        "(capitalized WordNet nouns below inhabitant, African, Jew, religious person, person",
        "of color, White person, Semite, Hispanic, Native American, Roma, Sikh) and sexual",
        "orientations, gender identities and disabilities (nouns below homosexual,",
        "bisexual, transsexual, handicapped person, amputee, atheist), whose most frequent",
        "sense is that one; minus slurs, ancient peoples, city and state inhabitants and",
        "the reviewed exclusions. Plurals (\"Eritreans\"), the noun after a group adjective",
        "(\"Nepalese people\") or a determiner (\"every Tamil\", \"a Somali\", \"that Pakistani\"): a singular alone is often",
        "an adjective (\"Tamil food\"). A group noun alone is not hate: the hate rules",
        "need what is said of it."],
        group_terms))
    out.append(toml_list("en_vocab_slur_strong", [
        "Slurs with no other sense, singular and plural: words of the WordNet noun senses",
        "below the protected-group roots that a usage domain (\"ethnic slur\",",
        "\"disparagement\") or the gloss (\"offensive term for\", \"disparaging\") marks as",
        "slurs, whose every sense is that one and that are no verb, adjective or adverb;",
        "minus the reviewed exclusions. The hand list `en_slurs_strong` in en.toml adds",
        "spellings and slurs WordNet lacks."],
        slur_strong_terms))
    out.append(toml_list("en_vocab_weapon", [
        "Weapons, singular and plural: every WordNet noun whose first or second sense is a",
        "kind of weapon (firearms, blades, clubs, explosives), minus the reviewed exclusions",
        "(chemical agents, missiles, ammunition, antiques); plus the reviewed improvised",
        "weapons whose first senses are tools or sports kit (bat, crowbar, hammer, axe)."],
        sorted(weapon_nouns(nouns, noun_index, noun_exc))))
    out.append(toml_list("en_vocab_slur_framed", [
        "Slurs with another sense (\"spade\", \"coon\", \"fairy\", \"queen\", \"taco\"),",
        "singular and plural: the same marked words, where the lemma has another sense.",
        "The rules read them only where the person or group reading is required (\"you X\",",
        "\"too many X\", \"X are ...\")."],
        slur_framed_terms))
    if args.names:
        # The names pack, read by the English and French packs alike.
        out = out[:3] + ["# Names of places and organisations: no person is meant.", "[policy]"] + [
            'id = "baseline.names"',
            'version = "2026.11"',
            'title = "Names that are no person: places and organisations, generated from WordNet"',
            "",
            toml_list("en_vocab_name_not_person", [
                "Capitalized one-word nouns of WordNet with no person sense: places, organisations,",
                "programmes, days (\"Lyon\", \"Maryland\", \"Medicaid\", \"Monday\"), those of the",
                "common-word list (policies/words/common.txt). The `@name` rules leave them out: a",
                "name written like a person's that WordNet knows as no person."],
                not_person_names(nouns, cased)),
        ]
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
