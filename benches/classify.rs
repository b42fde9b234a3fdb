//! Classification throughput (MB/s, posts/s) on short posts in English and French
//! and on one long document, beside a bare Aho-Corasick scan of the same folded text
//! with the policy's own terms (no variants): the ceiling to get close to. Then the
//! adversarial classes, each printed as its cost per byte relative to ordinary text.
#![allow(missing_docs)]

use std::hint::black_box;

use aho_corasick::AhoCorasick;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tosguard::Policy;

const EN: &[&str] = &[
    "Had a great time at the beach today, the water was perfect.",
    "I will kill you if you touch my car again",
    "Does anyone know a good recipe for banana bread? Mine always comes out dry.",
    "This traffic is killing me, I'm going to be late for the meeting",
    "We know where you live and we are coming for you tonight",
    "The council meeting about the new bike lanes got heated but nobody was hurt.",
    "She killed it on stage last night, best concert of the year!",
    "Someone should shoot the mayor for what he did to this town",
    "I would never hurt anyone, I just want this noise to stop.",
    "Just finished reading a history of the French revolution, fascinating stuff.",
];

const FR: &[&str] = &[
    "Super journée à la plage aujourd'hui, l'eau était parfaite.",
    "Je vais te tuer si tu touches encore à ma voiture",
    "Quelqu'un connaît une bonne recette de gâteau aux bananes ? Le mien est toujours sec.",
    "Je suis mort de rire devant cette vidéo, une vraie tuerie",
    "On sait où tu habites et on vient ce soir",
    "La réunion du conseil sur les pistes cyclables a été tendue mais personne n'a été blessé.",
    "Il faut pendre les députés qui ont voté cette loi",
    "Je ne ferais jamais de mal à personne, je veux juste que ce bruit s'arrête.",
    "J'ai fini un livre d'histoire sur la Révolution française, passionnant.",
    "T'es mort, j'vais te buter à la sortie",
];

/// The baseline extended by `body` (rules, overrides) under policy id `id`.
fn baseline_and(id: &str, body: &str) -> Option<Policy> {
    Policy::from_toml_str(&format!(
        "[policy]\nid = \"{id}\"\nextends = [\"baseline\"]\n\n{body}"
    ))
    .ok()
}

/// The baseline with one rule that needs nothing but a signal: the model runs on every
/// post (the worst case; a rule `signal(…) and LEXICON` runs it only when the lexicon
/// is found).
fn baseline_with_signal() -> Option<Policy> {
    baseline_and(
        "baseline-with-signal",
        r#"[[rules]]
id = "signal.harassment"
category = "harassment.insult"
when = "signal(harassment) >= 0.9"
unless = ["negated", "quoted", "reported"]
"#,
    )
}

/// The baseline with its one signal rule switched off: rules only, no model run.
fn baseline_rules_only() -> Option<Policy> {
    baseline_and(
        "baseline-rules-only",
        "[override.rules.\"signal.hate.group\"]\nenabled = false\n",
    )
}

fn bench_posts(c: &mut Criterion, name: &str, posts: &[&str], policy: &Policy, ac: &AhoCorasick) {
    let bytes: usize = posts.iter().map(|p| p.len()).sum();
    let folded: Vec<String> = posts
        .iter()
        .map(|p| tosguard::__bench::fold(policy, p))
        .collect();
    let mut g = c.benchmark_group(format!("posts_{name}"));
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("classify", |b| {
        b.iter(|| {
            for p in posts {
                black_box(policy.classify(black_box(p)));
            }
        })
    });
    // The baseline runs the model only on posts naming a group; without its signal
    // rule, classify must cost what it did before the baseline used one.
    if let Some(rules_only) = baseline_rules_only() {
        g.bench_function("classify_rules_only", |b| {
            b.iter(|| {
                for p in posts {
                    black_box(rules_only.classify(black_box(p)));
                }
            })
        });
    }
    if let Some(with_signal) = baseline_with_signal() {
        g.bench_function("classify_with_signal_rule", |b| {
            b.iter(|| {
                for p in posts {
                    black_box(with_signal.classify(black_box(p)));
                }
            })
        });
    }
    // The learned signal's share: scoring the folded text the classifier already has.
    if let Ok(model) = tosguard::signal::SignalModel::builtin() {
        g.bench_function("signal_scores", |b| {
            b.iter(|| {
                for p in &folded {
                    black_box(model.score_folded(black_box(p.as_str())));
                }
            })
        });
    }
    g.bench_function("bare_aho_corasick", |b| {
        b.iter(|| {
            let mut n = 0;
            for p in &folded {
                n += ac.find_overlapping_iter(black_box(p.as_str())).count();
            }
            black_box(n)
        })
    });
    g.finish();
    let mut g = c.benchmark_group(format!("posts_{name}_count"));
    g.throughput(Throughput::Elements(posts.len() as u64));
    g.bench_function("classify", |b| {
        b.iter(|| {
            for p in posts {
                black_box(policy.classify(black_box(p)));
            }
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let policy = Policy::baseline();
    // The policy's own terms (folded, no variants), in an automaton built as the
    // policy builds its own.
    let Ok(ac) = tosguard::__bench::automaton(&tosguard::__bench::terms(&policy)) else {
        eprintln!("the policy's patterns do not build an automaton");
        return;
    };
    bench_posts(c, "en", EN, &policy, &ac);
    bench_posts(c, "fr", FR, &policy, &ac);

    let mut long = String::new();
    while long.len() < 1 << 20 {
        for p in EN.iter().chain(FR) {
            long.push_str(p);
            long.push_str(if long.len() % 3 == 0 { "\n" } else { " " });
        }
    }
    let folded = tosguard::__bench::fold(&policy, &long);
    let mut g = c.benchmark_group("long_document_1mb");
    g.throughput(Throughput::Bytes(long.len() as u64));
    g.sample_size(20);
    g.bench_function("classify", |b| {
        b.iter(|| black_box(policy.classify(black_box(&long))))
    });
    g.bench_function("bare_aho_corasick", |b| {
        b.iter(|| black_box(ac.find_overlapping_iter(black_box(folded.as_str())).count()))
    });
    g.finish();
}

/// The median over `runs` of the time `f` takes on `text` over the time it takes on
/// `base`, the two timed one after the other in each run: a change of the machine's
/// load between runs moves both.
fn median_ratio(runs: usize, base: &str, text: &str, mut f: impl FnMut(&str)) -> f64 {
    let mut time = |t: &str| {
        let s = std::time::Instant::now();
        f(t);
        s.elapsed().as_secs_f64() / t.len().max(1) as f64
    };
    let mut r: Vec<f64> = (0..runs).map(|_| time(text) / time(base)).collect();
    r.sort_by(f64::total_cmp);
    r.get(r.len() / 2).copied().unwrap_or(f64::NAN)
}

/// `unit` repeated to about `size` bytes.
fn repeat_to(unit: &str, size: usize) -> String {
    unit.repeat(size / unit.len().max(1) + 1)
}

/// Inputs built to defeat a naive engine: many quotation marks, one endless sentence
/// full of hits, repeated threats, letters separated by spaces, letters under
/// combining marks. Each is printed as its median cost per byte relative to ordinary
/// text (the short posts run together, same size), then timed at two sizes: the
/// throughput must not fall as the input grows (linear time).
fn adversarial(c: &mut Criterion) {
    let policy = Policy::baseline();
    let ordinary_unit: String = EN.iter().chain(FR).map(|p| format!("{p}\n")).collect();
    let units: [(&str, &str); 7] = [
        ("quotes", "\"a\" 'b' « c » "),
        ("one_sentence_of_hits", "i will not kill you and "),
        ("unclosed_quotes", "\"i will kill you "),
        ("repeated_threats", "I will kill you. Je vais te tuer. "),
        ("separated_letters", "i w i l l k i l l y o u "),
        (
            "combining_marks",
            "k\u{336}i\u{336}l\u{336}l\u{336} y\u{301}o\u{301}u\u{301} ",
        ),
        ("masked_and_stretched", "k*ll y0u b1tch kiiiiill ur f4mily "),
    ];
    let size = 256 << 10;
    let ordinary = repeat_to(&ordinary_unit, size);
    let classify = |t: &str| {
        black_box(policy.classify(black_box(t)));
    };
    eprintln!(
        "adversarial classes, median over 9 runs of the cost per byte relative to \
         ordinary text timed in the same run ({} KiB):",
        size >> 10
    );
    for (name, unit) in units {
        let text = repeat_to(unit, size);
        eprintln!(
            "  {name:22} {:5.2}x",
            median_ratio(9, &ordinary, &text, classify)
        );
    }
    for (name, unit) in units {
        let mut g = c.benchmark_group(format!("adversarial_{name}"));
        g.sample_size(10);
        for size in [64 << 10, 512 << 10] {
            let text = repeat_to(unit, size);
            g.throughput(Throughput::Bytes(text.len() as u64));
            g.bench_function(format!("{}KiB", size >> 10), |b| {
                b.iter(|| black_box(policy.classify(black_box(&text))))
            });
        }
        g.finish();
    }
}

criterion_group!(classify, benches, adversarial);
criterion_main!(classify);
