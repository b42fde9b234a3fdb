"""Generated posts for the examples, the tests and the throughput benchmark.

Every post is invented, in English or French, from a few sentence frames filled with
words drawn at random: most are ordinary posts (sport, food, politics, news, idioms
that sound violent and are not); some threaten, call for violence, dehumanize a
group, or report or reject such words. The same ``seed`` always gives the same posts.

>>> from tosguard import demo
>>> posts = demo.posts(4, seed=1)
>>> sorted(posts[0])
['id', 'kind', 'lang', 'text']
"""

from __future__ import annotations

import random
from collections.abc import Sequence

# (kind, frame) pairs; {slot} names a list in the same language's SLOTS.
FRAMES: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("threat", "{first} {harm} you{tail}"),
        ("threat", "{opener} {first} {harm} your family{tail}"),
        ("incitement", "{call} {harm2} {official}{tail}"),
        ("incitement", "Kill 'em all. Every last {traitor}."),
        ("hate", "{group} are {vermin}{tail}"),
        ("reported", "Reporters said the posts called to {harm2} {official}"),
        ("negated", "I would never {harm} you, {friend}"),
        ("benign", "{opener} {benign}"),
        ("benign", "{benign} {benign}"),
        ("benign", "{idiom}{tail}"),
        ("benign", "Great rally today, vote them out in November!"),
        ("benign", "{opener} the {official} spoke about the budget for {minutes} minutes"),
    ],
    "fr": [
        ("threat", "{first} te {harm}{tail}"),
        ("threat", "{opener} {first} te retrouver et te {harm}{tail}"),
        ("incitement", "Il faut {harm2} {official}{tail}"),
        ("incitement", "Tuez-les tous, ces {traitor}."),
        ("hate", "Les {group} sont {vermin}{tail}"),
        ("reported", "Le journal rapporte que des messages appelaient à {harm2} {official}"),
        ("negated", "Je ne ferais jamais de mal à {friend}"),
        ("benign", "{opener} {benign}"),
        ("benign", "{benign} {benign}"),
        ("benign", "{idiom}{tail}"),
        ("benign", "{opener} le {official2} a parlé du budget pendant {minutes} minutes"),
    ],
}

SLOTS: dict[str, dict[str, Sequence[str]]] = {
    "en": {
        "first": ["I will", "I'm going to", "I'll"],
        "harm": ["kill", "hurt", "stab"],
        "harm2": ["hang", "shoot", "lynch"],
        "call": ["Someone should", "We need to", "Somebody should", "It's time to"],
        "official": ["the governor", "the judge", "the senator", "the mayor"],
        "traitor": ["traitor", "one of them"],
        "group": ["Immigrants", "Muslims", "Jews", "Gay people"],
        "vermin": ["vermin", "rats", "a disease", "parasites"],
        "friend": ["mate", "buddy", "my friend"],
        "opener": ["Honestly,", "Listen.", "Ok so", "Just saying:", "Well,"],
        "tail": [".", "!", " tonight.", ", mark my words.", ""],
        "minutes": ["10", "25", "40"],
        "idiom": [
            "This traffic is killing me",
            "That comedian absolutely killed it last night",
            "I'm dying to see the new season",
            "My feet are killing me after that hike",
        ],
        "benign": [
            "What a match, the second half was incredible.",
            "Made a lemon tart for the first time, turned out great.",
            "Does anyone know a good dentist near the station?",
            "The library is open late on Thursdays now.",
            "Our cat has decided the laundry basket is her bed.",
            "Rain all week again, typical November.",
            "The new bike lane on Main Street is finally open.",
            "Watching the election results with friends tonight.",
        ],
    },
    "fr": {
        "first": ["Je vais", "Je vais aller", "Je compte"],
        "harm": ["tuer", "buter", "massacrer"],
        "harm2": ["pendre", "fusiller", "lyncher"],
        "official": ["les députés", "le maire", "les juges", "le préfet"],
        "official2": ["maire", "ministre", "préfet"],
        "traitor": ["traîtres", "vendus"],
        "group": ["immigrés", "musulmans", "juifs", "homosexuels"],
        "vermin": ["de la vermine", "des rats", "des parasites", "une maladie"],
        "friend": ["personne", "mon voisin", "qui que ce soit"],
        "opener": ["Franchement,", "Bon.", "Écoute,", "Je le dis :", "Bref,"],
        "tail": [".", " !", " ce soir.", ", je te le promets.", ""],
        "minutes": ["10", "25", "40"],
        "idiom": [
            "Mort de rire",
            "Ce gâteau au chocolat est une tuerie",
            "Je meurs de faim",
            "Ce film m'a tué, quelle fin",
        ],
        "benign": [
            "Quel match, la deuxième mi-temps était incroyable.",
            "J'ai fait une tarte au citron pour la première fois.",
            "Quelqu'un connaît un bon dentiste près de la gare ?",
            "La médiathèque ferme tard le jeudi maintenant.",
            "Notre chat a décidé que le panier à linge était son lit.",
            "Encore de la pluie toute la semaine.",
            "La nouvelle piste cyclable est enfin ouverte.",
            "On regarde les résultats des élections entre amis ce soir.",
        ],
    },
}

# How often each kind is drawn: mostly ordinary posts, as on a real platform.
WEIGHTS = {"benign": 70, "threat": 8, "incitement": 8, "hate": 6, "reported": 4, "negated": 4}


def _fill(frame: str, slots: dict[str, Sequence[str]], rng: random.Random) -> str:
    out, rest = [], frame
    while "{" in rest:
        before, _, after = rest.partition("{")
        name, _, rest = after.partition("}")
        out.append(before)
        out.append(rng.choice(slots[name]))
    out.append(rest)
    return "".join(out)


def posts(n: int, seed: int = 0) -> list[dict[str, object]]:
    """``n`` invented posts as dicts ``{"id", "lang", "kind", "text"}``.

    ``kind`` is the frame the post was made from (``benign``, ``threat``,
    ``incitement``, ``hate``, ``reported``, ``negated``): what the words were written
    to say, not a verdict. About one post in three is French.
    """
    if n < 0:
        raise ValueError(f"n must be at least 0, not {n}")
    rng = random.Random(seed)
    by_kind = {
        lang: {kind: [f for k, f in frames if k == kind] for kind in WEIGHTS}
        for lang, frames in FRAMES.items()
    }
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
    out: list[dict[str, object]] = []
    for i in range(n):
        lang = "fr" if rng.random() < 0.35 else "en"
        kind = rng.choices(kinds, weights)[0]
        frame = rng.choice(by_kind[lang][kind])
        out.append({"id": i, "lang": lang, "kind": kind, "text": _fill(frame, SLOTS[lang], rng)})
    return out


def write_parquet(path: str, n: int, seed: int = 0, files: int = 4) -> None:
    """Writes ``posts(n, seed)`` as a Parquet dataset of ``files`` files under ``path``."""
    import os

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = posts(n, seed)
    os.makedirs(path, exist_ok=True)
    files = max(1, min(files, n or 1))
    step = -(-len(rows) // files) if rows else 0
    for f in range(files):
        chunk = rows[f * step : (f + 1) * step]
        table = pa.Table.from_pylist(
            chunk,
            schema=pa.schema(
                [("id", pa.int64()), ("lang", pa.string()), ("kind", pa.string()), ("text", pa.string())]
            ),
        )
        pq.write_table(table, os.path.join(path, f"part-{f:05d}.parquet"))
