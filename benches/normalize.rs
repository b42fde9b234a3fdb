//! Normalization throughput (MB/s) by input class: plain ASCII posts, French accented
//! posts, mixed-script text, and text full of evasions.
//!
//! Run with `cargo bench --bench normalize`. The normalization module is crate-private,
//! so it is compiled into this bench from its source.

#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[allow(dead_code, unused_imports, clippy::all)]
#[path = "../src/normalize/mod.rs"]
mod normalize;

#[allow(dead_code)]
#[path = "../src/built.rs"]
mod built;

use normalize::{NormalizeOptions, Normalized, normalize_into};

/// Repeats `posts` (one per line) up to about `size` bytes.
fn corpus(posts: &[&str], size: usize) -> String {
    let mut s = String::with_capacity(size + 256);
    let mut i = 0;
    while s.len() < size {
        s.push_str(posts[i % posts.len()]);
        s.push('\n');
        i += 1;
    }
    s
}

const ASCII: &[&str] = &[
    "Just got back from the game, what a finish! Can't believe they pulled it off in overtime.",
    "Does anyone know a good place to get coffee near the station? The old one closed in 2021.",
    "I will never understand why people park like that. Seriously, two spots for one car?",
    "New blog post is up: 10 tips for better sleep (number 7 surprised me). Link in bio.",
    "The meeting moved to 3pm on Thursday, bring the Q4 numbers and the v2.1 roadmap please.",
];

const FRENCH: &[&str] = &[
    "Je suis allé à la boulangerie ce matin, il n'y avait plus de pain au chocolat, quelle déception !",
    "Rendez-vous à 14h30 près de l'église ; n'oubliez pas vos pièces d'identité et le récépissé.",
    "L'été dernier, nous avons passé des vacances très agréables en Provence avec nos élèves.",
    "« Ça ne se fait pas », a-t-elle répondu, avant de quitter la réunion sans un mot de plus.",
    "Le cœur de la ville est piéton depuis la rénovation ; les cafés ont retrouvé leurs terrasses.",
];

const MIXED: &[&str] = &[
    "Привет всем! Сегодня в Москве идёт снег, а в Париже — дождь. Bonne journée à tous.",
    "Καλημέρα από την Αθήνα! The weather is great, 25°C and sunny. Ευχαριστώ πολύ.",
    "東京でラーメンを食べました。とても美味しかったです！ Next stop: 大阪 and 京都.",
    "مرحبا بالعالم — hello world — שלום עולם — 안녕하세요 세계 — नमस्ते दुनिया 😀👍🏽",
    "ＦＵＬＬＷＩＤＴＨ text and 𝐛𝐨𝐥𝐝 math letters, ﬁne ligatures, ⓒⓘⓡⓒⓛⓔⓓ too.",
];

const EVASIVE: &[&str] = &[
    "I will k1ll you, k.i.l.l y0u, kiiiiill you, kіll уou, k*ll you and k i l l you.",
    "je vais te TUEEEEER, tu3r, t u e r, sale s4l0p3, p*te, enculé, ç0nnard !!!",
    "$h00t them all, a$$hole, r@pe, f*ck, sh!t, 1d10t, l0ser, ｋｉｌｌ, 𝐤𝐢𝐥𝐥, ⓚⓘⓛⓛ.",
];

fn bench(c: &mut Criterion) {
    let opts = NormalizeOptions::default();
    // The core folding alone (every evasion family off), for comparison.
    let core = NormalizeOptions::core_only();
    let mut group = c.benchmark_group("normalize");
    for (name, posts, options) in [
        ("ascii", ASCII, &opts),
        ("french", FRENCH, &opts),
        ("mixed_script", MIXED, &opts),
        ("evasive", EVASIVE, &opts),
        ("ascii_core_only", ASCII, &core),
        ("french_core_only", FRENCH, &core),
    ] {
        let text = corpus(posts, 64 * 1024);
        let mut out = Normalized::new();
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                normalize_into(black_box(&text), options, &mut out);
                black_box(out.text().len())
            })
        });
    }
    // A single short post, as the engine sees most of them.
    let post = ASCII[0];
    let mut out = Normalized::new();
    group.throughput(Throughput::Bytes(post.len() as u64));
    group.bench_function("ascii_one_post", |b| {
        b.iter(|| {
            normalize_into(black_box(post), &opts, &mut out);
            black_box(out.text().len())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
