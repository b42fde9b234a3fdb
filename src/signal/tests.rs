//! Unit tests of the signal model: format, determinism, scoring.

use super::model::{self, Head, exp_det, fnv64, sigmoid, threshold_logit};
use super::*;

fn builtin() -> &'static SignalModel {
    SignalModel::builtin().expect("built-in model")
}

#[test]
fn builtin_round_trips_byte_for_byte() {
    let m = builtin();
    assert_eq!(m.to_bytes(), BUILTIN);
    assert_eq!(m.digest(), fnv64(BUILTIN));
    assert!(m.size_bytes() <= 4 << 20);
}

/// The built-in model is loaded without hashing its bytes (they would all be read from
/// the binary at start-up): its stored checksum stands for them, checked here.
#[test]
fn builtin_checksum_is_the_hash_of_its_bytes() {
    let (body, sum) = BUILTIN.split_at(BUILTIN.len() - 8);
    let stored = u64::from_le_bytes(sum.try_into().expect("8 bytes"));
    assert_eq!(
        stored,
        fnv64(body),
        "policies/signal/builtin.bin is damaged: re-run `tosguard train` (policies/signal/README.md)"
    );
    let copied = SignalModel::from_bytes(BUILTIN).expect("loads");
    let in_place = builtin();
    assert_eq!(&copied, in_place);
    assert_eq!(copied.digest(), in_place.digest());
    // Both tables are read in place, not copied.
    assert!(matches!(in_place.weights, std::borrow::Cow::Borrowed(_)));
    let tagger = in_place
        .tagger
        .as_ref()
        .expect("the built-in model has a tagger");
    assert!(matches!(tagger.weights, std::borrow::Cow::Borrowed(_)));
    assert!(matches!(
        copied.tagger.as_ref().map(|t| &t.weights),
        Some(std::borrow::Cow::Owned(_))
    ));
}

#[test]
fn damaged_files_are_refused_without_panic() {
    let bytes = BUILTIN;
    // Every truncation is an error.
    for cut in [
        0,
        7,
        8,
        20,
        bytes.len() / 2,
        bytes.len() - 9,
        bytes.len() - 1,
    ] {
        assert!(SignalModel::from_bytes(&bytes[..cut]).is_err(), "cut {cut}");
    }
    // A flipped byte anywhere fails the checksum (or the magic).
    for at in [0, 12, 30, bytes.len() / 2, bytes.len() - 1] {
        let mut b = bytes.to_vec();
        b[at] ^= 0x40;
        assert!(SignalModel::from_bytes(&b).is_err(), "flip at {at}");
    }
    let err = SignalModel::from_bytes(b"not a model at all, just some bytes").unwrap_err();
    assert!(err.to_string().contains("magic"), "{err}");
    let err = SignalModel::from_file("/nonexistent/model.bin").unwrap_err();
    assert!(matches!(err, SignalError::Io { .. }));
}

#[test]
fn a_model_with_a_bad_header_is_refused() {
    // Re-sign a header change so only the check under test can fail.
    let resign = |mut b: Vec<u8>| {
        let n = b.len() - 8;
        let sum = fnv64(&b[..n]);
        b[n..].copy_from_slice(&sum.to_le_bytes());
        b
    };
    let mut b = BUILTIN.to_vec();
    b[8] = 2; // version
    let err = SignalModel::from_bytes(&resign(b)).unwrap_err();
    assert!(err.to_string().contains("version 2"), "{err}");
    let mut b = BUILTIN.to_vec();
    b[12] = 30; // document bits
    assert!(SignalModel::from_bytes(&resign(b)).is_err());
    let mut b = BUILTIN.to_vec();
    b[14] = 0; // no heads
    assert!(SignalModel::from_bytes(&resign(b)).is_err());
    let mut b = BUILTIN.to_vec();
    b[17] = b'T'; // upper case in the first name
    let err = SignalModel::from_bytes(&resign(b)).unwrap_err();
    assert!(err.to_string().contains("name"), "{err}");
}

#[test]
fn exp_and_sigmoid_are_accurate() {
    let mut x = -40.0f64;
    while x <= 40.0 {
        let (a, b) = (exp_det(x), x.exp());
        assert!(((a - b) / b).abs() < 1e-14, "exp({x}): {a} vs {b}");
        x += 0.173;
    }
    assert_eq!(sigmoid(0.0), 0.5);
    assert!(sigmoid(800.0) == 1.0 && sigmoid(-800.0) >= 0.0);
    assert!(exp_det(f64::NAN).is_nan());
    for p in [0.1f32, 0.5, 0.8, 0.97] {
        let l = threshold_logit(p);
        assert!((sigmoid(l) - f64::from(p)).abs() < 1e-9);
    }
}

#[test]
fn scoring_is_deterministic_and_bounded() {
    let m = builtin();
    for text in [
        "",
        " ",
        "I will find you and kill you",
        "Je vais te retrouver et te tuer",
        "a perfectly nice afternoon at the beach",
        "ǅ𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂 \u{200b} ﷺ",
    ] {
        let a = m.score(text);
        let b = m.score(text);
        for ((na, va), (_, vb)) in a.iter().zip(b.iter()) {
            assert_eq!(va.to_bits(), vb.to_bits(), "{na} on {text:?}");
            assert!((0.0..=1.0).contains(&va), "{na} {va}");
        }
    }
    assert!(m.score("x").get("no_such_category").is_none());
}

#[test]
fn integer_sums_match_a_float_reference() {
    // The scored sum is the sum of the int8 weights of every feature's bucket.
    let m = builtin();
    let folded = "you are a pathetic idiot";
    let mut sums = [0i64; MAX_HEADS];
    let n = m.sums(folded, &mut sums);
    let k = m.heads.len();
    let mut reference = vec![0f64; k];
    let mut count = 0;
    features::doc_features(folded, |h| {
        let b = features::bucket(h, m.bits);
        for (j, r) in reference.iter_mut().enumerate() {
            *r += f64::from(m.weights[b * k + j] as i8);
        }
        count += 1;
    });
    assert_eq!(n, count);
    for j in 0..k {
        assert_eq!(sums[j] as f64, reference[j]);
    }
}

#[test]
fn builtin_has_the_documented_categories() {
    let m = builtin();
    let cats: Vec<&str> = m.categories().collect();
    for c in ["toxic", "hate", "violence", "harassment", "profanity"] {
        assert!(cats.contains(&c), "{cats:?}");
        let (t, strict) = m.thresholds(c).unwrap();
        assert!(t > 0.0 && t < 1.0 && strict >= t, "{c}: {t} {strict}");
    }
    assert!(m.has_tagger());
}

#[test]
fn builtin_separates_abuse_from_ordinary_text_in_both_languages() {
    let m = builtin();
    let pairs = [
        (
            "you are a stupid worthless idiot",
            "you are a kind and thoughtful person",
            "harassment",
        ),
        (
            "those filthy animals should go back where they came from",
            "those volunteers should get the thanks they deserve",
            "hate",
        ),
    ];
    for (bad, good, cat) in pairs {
        let (b, g) = (
            m.score(bad).get(cat).unwrap(),
            m.score(good).get(cat).unwrap(),
        );
        assert!(b > g + 0.2, "{cat}: {bad:?} {b} vs {good:?} {g}");
    }
}

#[test]
fn evidence_points_at_words_of_the_original_text() {
    let m = builtin();
    let text = "Honestly, you ＳＴＵＰＩＤ idiot, go away.";
    let spans = m.evidence(text);
    assert!(!spans.is_empty());
    for r in &spans {
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
    }
    assert!(
        spans.iter().any(|r| text[r.clone()].contains("idiot")),
        "{spans:?}"
    );
    assert!(m.evidence("").is_empty());
}

#[test]
fn strongest_features_name_the_words() {
    let m = builtin();
    let f = m.strongest_features("shut up you moron", "harassment", 5);
    assert!(!f.is_empty() && f.len() <= 5);
    assert!(f.windows(2).all(|w| w[0].weight >= w[1].weight));
    assert!(f.iter().any(|x| x.feature.contains("moron")), "{f:?}");
    assert!(m.strongest_features("x", "nope", 5).is_empty());
}

#[test]
fn feature_logits_do_not_grow_with_repetition_like_weights() {
    // The score divides the weight sum by the square root of the feature count, so a
    // text repeated ten times has ten times the weights and about sqrt(10) times the
    // logit (the word pairs across the joins add a few features).
    let m = builtin();
    let one = "shut up you moron. ";
    let f1 = m.strongest_features(one, "harassment", 1);
    let f10 = m.strongest_features(&one.repeat(10), "harassment", 1);
    let (a, b) = (&f1[0], &f10[0]);
    assert_eq!(a.feature, b.feature);
    assert_eq!(b.weight, 10 * a.weight);
    let ratio = f64::from(b.logit) / f64::from(a.logit);
    assert!((3.0..=10f64.sqrt()).contains(&ratio), "{a:?} {b:?}");
    // A window-sized text: every feature is summed once per name.
    let long = m.strongest_features(&one.repeat(3_000), "harassment", 3);
    assert_eq!(long[0].weight, 3_000 * a.weight);
}

#[cfg(feature = "train")]
#[allow(clippy::single_range_in_vec_init)]
mod training {
    use super::super::train::{TrainOptions, TrainRow, char_f1, run, split_of, train};
    use super::SignalModel;

    /// A small synthetic corpus in English and French: abusive rows name a person
    /// with an insult, others talk about food and weather.
    fn rows() -> Vec<TrainRow> {
        let insults = ["idiot", "moron", "connard", "abruti", "loser", "crétin"];
        let calm = ["soup", "rain", "garden", "soleil", "jardin", "pluie"];
        let mut rows = Vec::new();
        for i in 0..600 {
            let bad = i % 2 == 0;
            let w = if bad {
                insults[(i / 2) % 6]
            } else {
                calm[(i / 2) % 6]
            };
            let text = if i % 3 == 0 {
                format!("post {i}: toi, espèce de {w}, number {}", i * 7)
            } else {
                format!("post {i}: you are such a {w}, really {}", i * 7)
            };
            let start = text.find(w).unwrap_or(0);
            rows.push(TrainRow {
                id: Some(format!("row-{i}")),
                text: text.clone(),
                label: if bad { "violation" } else { "none" }.to_string(),
                categories: if bad {
                    vec!["harassment.insult".to_string()]
                } else {
                    vec![]
                },
                source: Some("synthetic".to_string()),
                lang: Some(if i % 3 == 0 { "fr" } else { "en" }.to_string()),
                spans: bad.then(|| vec![[start, start + w.len()]]),
            });
        }
        rows
    }

    fn small() -> TrainOptions {
        TrainOptions {
            doc_bits: 12,
            tag_bits: 10,
            epochs: 3,
            ..TrainOptions::default()
        }
    }

    #[test]
    fn training_is_deterministic_and_learns() {
        let rows = rows();
        let a = train(&rows, &small()).unwrap();
        let b = train(&rows, &small()).unwrap();
        assert_eq!(a.model.to_bytes(), b.model.to_bytes());
        assert_eq!(a.report, b.report);
        let m = SignalModel::from_bytes(&a.model.to_bytes()).unwrap();
        assert_eq!(m.categories().collect::<Vec<_>>(), ["toxic", "harassment"]);
        let bad = m.score("you are such a moron").get("harassment").unwrap();
        let good = m.score("you are such a garden").get("harassment").unwrap();
        assert!(bad > 0.5 && good < 0.5, "{bad} {good}");
        let text = "toi, espèce de connard";
        assert!(
            m.evidence(text)
                .iter()
                .any(|r| &text[r.clone()] == "connard")
        );
        assert!(a.report.contains("harassment: threshold"));
        assert!(a.report.contains("character F1"));
    }

    #[test]
    fn splits_follow_the_id() {
        let rows = rows();
        let test = rows
            .iter()
            .filter(|r| split_of(r) == super::super::train::Split::Test)
            .count();
        assert!((30..=90).contains(&test), "{test}");
        let again = rows.clone();
        assert!(
            rows.iter()
                .zip(&again)
                .all(|(a, b)| split_of(a) == split_of(b))
        );
    }

    #[test]
    fn char_f1_is_the_semeval_measure() {
        assert_eq!(char_f1("abc", &[], &[]), 1.0);
        assert_eq!(char_f1("abc", &[0..1], &[]), 0.0);
        assert_eq!(char_f1("abcd", &[0..2], &[0..2]), 1.0);
        // 2 predicted chars, 4 gold, 2 shared: 2·2 / 6.
        assert!((char_f1("abcdef", &[0..2], &[0..4]) - 4.0 / 6.0).abs() < 1e-12);
        // Characters, not bytes: é is two bytes and counts once.
        assert!((char_f1("éa", &[0..2], &[0..3]) - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn the_command_reports_usage_errors() {
        let err = run(&["--data".into(), "x.jsonl".into()]).unwrap_err();
        assert!(err.to_string().contains("--out"), "{err}");
        let err = run(&["--bogus".into()]).unwrap_err();
        assert!(err.to_string().contains("unknown option"), "{err}");
        let err = run(&[
            "--data".into(),
            "/nonexistent.jsonl".into(),
            "--out".into(),
            "/tmp/x".into(),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("/nonexistent.jsonl"), "{err}");
    }
}

/// A model of `heads` categories over 2^8 buckets with varied weights (every value of
/// i8 occurs), its table padded or not.
fn synthetic(heads: usize, padded: bool) -> SignalModel {
    let table: Vec<i8> = (0..(256 * heads))
        .map(|i| ((i * 37 + 11) % 256) as u8 as i8)
        .collect();
    SignalModel {
        heads: (0..heads)
            .map(|j| Head {
                name: format!("h{j}"),
                bias: 0.0,
                scale: 1.0,
                threshold: 0.5,
                strict: 1.0,
            })
            .collect(),
        bits: 8,
        weights: if padded {
            model::padded_table(table)
        } else {
            table.iter().map(|&w| w as u8).collect::<Vec<u8>>().into()
        },
        tagger: None,
        digest: 0,
    }
}

#[test]
fn lane_sums_equal_head_by_head_sums_for_every_width() {
    // 1, 5 and 8 heads use 8 lanes, 9 and 16 use 16; every bucket, the last rows
    // (past which a padded read would run) included, is reached by a feature.
    let text: String = (0..600).map(|i| format!("mot{i}é word{i} ")).collect();
    for heads in [1, 5, 8, 9, 16] {
        for padded in [true, false] {
            let m = synthetic(heads, padded);
            let mut sums = [0i64; MAX_HEADS];
            let n = m.sums(&text, &mut sums);
            let mut reference = [0i64; MAX_HEADS];
            let mut count = 0u64;
            let mut seen = [false; 256];
            features::doc_features(&text, |h| {
                let b = features::bucket(h, m.bits);
                seen[b] = true;
                for (j, r) in reference.iter_mut().enumerate().take(heads) {
                    *r += i64::from(m.table()[b * heads + j] as i8);
                }
                count += 1;
            });
            assert!(seen.iter().all(|&s| s), "every row is read");
            assert_eq!(n, count);
            assert_eq!(sums, reference, "{heads} heads, padded {padded}");
        }
    }
}
