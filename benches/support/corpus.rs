//! The benchmark corpus: generated deterministically from sentence templates written
//! for these benchmarks (no evaluation data). Short posts and long documents, English
//! and French, plain and disguised (leetspeak, masked letters, stretched letters,
//! typos, separated letters).

/// English sentences: ordinary talk, idioms that look violent, and violations.
const EN: &[&str] = &[
    "Had a great time at the beach today, the water was perfect.",
    "Does anyone know a good recipe for banana bread? Mine always comes out dry.",
    "The council meeting about the new bike lanes got heated but nobody was hurt.",
    "This traffic is killing me, I'm going to be late for the meeting again.",
    "She killed it on stage last night, best concert of the year!",
    "I will kill you if you touch my car again.",
    "We know where you live and we are coming for you tonight.",
    "Someone should shoot the mayor for what he did to this town.",
    "Those people are vermin and should be wiped out.",
    "I would never hurt anyone, I just want this noise to stop.",
    "Just finished reading a history of the French revolution, fascinating stuff.",
    "The quarterly report shows revenue up four percent on last year.",
    "You are a worthless idiot and everyone hates you.",
    "Can you recommend a good hiking trail near the lake?",
];

/// French sentences, in the same spirit.
const FR: &[&str] = &[
    "Super journée à la plage aujourd'hui, l'eau était parfaite.",
    "Quelqu'un connaît une bonne recette de gâteau aux bananes ? Le mien est toujours sec.",
    "La réunion du conseil sur les pistes cyclables a été tendue mais personne n'a été blessé.",
    "Je suis mort de rire devant cette vidéo, une vraie tuerie.",
    "Je vais te tuer si tu touches encore à ma voiture.",
    "On sait où tu habites et on vient ce soir.",
    "Il faut pendre les députés qui ont voté cette loi.",
    "Ces gens sont de la vermine, il faut les exterminer.",
    "Je ne ferais jamais de mal à personne, je veux juste que ce bruit s'arrête.",
    "J'ai fini un livre d'histoire sur la Révolution française, passionnant.",
    "Le rapport trimestriel montre un chiffre d'affaires en hausse de quatre pour cent.",
    "T'es mort, j'vais te buter à la sortie.",
    "Tu es un pauvre con et tout le monde te déteste.",
    "Vous connaissez un bon sentier de randonnée près du lac ?",
];

/// A tiny deterministic generator (64-bit LCG), so every run sees the same corpus.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs.get(self.next() % xs.len().max(1)).copied().unwrap_or("")
    }
}

/// One disguise applied to a sentence.
fn disguise(s: &str, kind: usize) -> String {
    match kind % 5 {
        // Leetspeak.
        0 => s
            .chars()
            .map(|c| match c {
                'i' => '1',
                'e' => '3',
                'o' => '0',
                'a' => '4',
                _ => c,
            })
            .collect(),
        // Masked inner letters of long words.
        1 => s
            .split(' ')
            .map(|w| {
                let cs: Vec<char> = w.chars().collect();
                if cs.len() >= 5 {
                    cs.iter()
                        .enumerate()
                        .map(|(j, &c)| if j == 2 { '*' } else { c })
                        .collect()
                } else {
                    w.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
        // Stretched letters.
        2 => s
            .replace("ll", "llllll")
            .replace("ee", "eeeee")
            .replace('u', "uuu"),
        // A typo: two neighbours swapped in every long word.
        3 => s
            .split(' ')
            .map(|w| {
                let mut cs: Vec<char> = w.chars().collect();
                if cs.len() >= 5 {
                    cs.swap(1, 2);
                }
                cs.into_iter().collect()
            })
            .collect::<Vec<String>>()
            .join(" "),
        // Separated letters in one word.
        _ => s
            .replacen("kill", "k i l l", 1)
            .replacen("tuer", "t u e r", 1),
    }
}

/// One short post: one to three sentences of one language, disguised one time in
/// four.
fn post(rng: &mut Lcg) -> String {
    let lang = if rng.next() % 2 == 0 { EN } else { FR };
    let n = 1 + rng.next() % 3;
    let mut out = String::new();
    for _ in 0..n {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(rng.pick(lang));
    }
    if rng.next() % 4 == 0 {
        let k = rng.next();
        out = disguise(&out, k);
    }
    out
}

/// The corpus: `posts` short posts, then `docs` long documents of about `doc_bytes`
/// bytes each (paragraphs of posts). Always the same for the same arguments.
pub fn corpus(posts: usize, docs: usize, doc_bytes: usize) -> Vec<String> {
    let mut rng = Lcg(0x746f_7367_7561_7264);
    let mut out: Vec<String> = (0..posts).map(|_| post(&mut rng)).collect();
    for _ in 0..docs {
        let mut doc = String::new();
        while doc.len() < doc_bytes {
            doc.push_str(&post(&mut rng));
            doc.push_str(if rng.next() % 4 == 0 { "\n\n" } else { " " });
        }
        out.push(doc);
    }
    out
}
