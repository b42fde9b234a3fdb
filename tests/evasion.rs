//! The disguise harness over the classification cases of `tests/cases/*.toml`: every
//! kind of [`Disguise`] applied to the violating cases the policy catches undisguised
//! and to the benign ones (`categories = []`) it leaves alone. Each kind must keep at
//! least its floor of the catches and flag at most its ceiling of the benign cases;
//! the floors are the figures measured when they were set, rounded down, so that a
//! change that loses disguised cases fails here. They were last set when masked words
//! came to be read by their neighbours (the pairs of the policy's phrases) and context
//! cues got the evasion variants of terms (new flags: elongated 14 -> 3, masked 16 ->
//! 10), and stretched misspellings came to be read one letter per run (elongated kept
//! 93% -> 96%); the ceilings that rose (punctuated, the key-word kinds) rose by the new flags
//! of the disguised benign cases of `tests/cases/{en-evasion-context,
//! fr-evasion-contexte}.toml`, disguised twice here. The case files of attacks
//! prepared, stock death threats and danger metaphors (`threat-ambush-hunt`,
//! `threat-stock-death`, `hate-danger-metaphor`) then moved deleted to 35.9% kept and
//! split to 34 new flags (a benign French sentence whose split form reads a slur);
//! the conditional orders of `threat-conditional-split` add 4 glued-before new flags
//! ("take her out to dinner" with the space before `to` deleted loses the word that
//! makes it a date). The hate case files of disclaimers, denied merit, group profanity
//! and disease predicates (`hate-disclaimer`, `hate-denied-merit`, `hate-profanity-group`,
//! `hate-counter-disease`) moved elongated to 95.9% kept and split to 11.7%, and added
//! 2 swapped, 2 deleted, 1 split and 1 glued-after new flags (without them the rules
//! as changed keep every earlier figure); merged with the cases of orders to die
//! (`self-harm-die-addressed`), elongated 95.8% and swapped 44, deleted 42, split 37,
//! glued-after 7 new flags.
//! Spelled-out misspelled words kept whole (`tests/cases/
//! {en-evasion-spelled-typos,fr-evasion-epele-fautes}.toml`) and masked neighbours
//! read together (`l**ser b**ngs`) moved spaced to 90.6% kept, masked to 85.2% and 9
//! new flags, punctuated to 94.0% and 4; leetspeak read whole when it makes a word
//! (`plu5`, `r374rds`) moved leetspeak to 99.5% kept and no new flag.
//! The veiled-threat case files (`threat-injury-place`, `threat-incapacitate`,
//! `threat-armed-encounter`, `incite-execution-place`, `threat-left-for-dead`,
//! `threat-owed-blow`, `incite-insult-target`) moved elongated to 95.5% kept (`coma`
//! stretched reads `comma`), swapped 32.9%, deleted 34.7%, added 16.6%, split 11.3% and
//! glued-before 8.6% (their phrase lexicons take no typos), and added 4 split new flags
//! (`contre` split reads the insult `con`).
//! The hate case files of generated slurs, negated praise, animal comparisons and glued
//! words (`hate-slur-resource`, `hate-negated-praise`, `hate-implicit-comparison`,
//! `hate-joined-words`) moved elongated to 95.5% kept, added to 16.8% and split to
//! 11.4%, and their disguised contrasts added 4 swapped, 3 deleted, 1 added, 2 split and
//! 1 glued-before new flags; multi-word group names read glued (`joined` on `en_group`)
//! add 1 glued-before new flag of the earlier cases (without the new files every other
//! figure holds).
//! Both sets of case files together: elongated 95.4% kept, swapped 33.0% (48 new flags),
//! deleted 34.7% (45), added 16.3% (8), split 11.2% (43), glued-before 10.0% (18).
//! Masked misspellings read as the terms they misspell (`tests/cases/
//! {en-evasion-masked-typos,fr-evasion-masques-fautes}.toml`) and leetspeak fragments
//! joined to spelled-out letters (`tests/cases/{en-evasion-spelled-leet,
//! fr-evasion-epele-leet}.toml`) moved spaced to 91.8% kept, masked to 87.6% and
//! punctuated to 95.2%, no new flag; the new cases disguised twice (a masked
//! misspelling elongated, `p**aasties`) moved elongated to 95.1% and added to 16.3%.
//! The case files of real-world threat forms (`en-threat-realworld-forms`,
//! `fr-menaces-formes-reelles`) keep every floor (spaced 91.9%, masked 87.8%,
//! punctuated 95.3%) and add 1 masked new flag (a masked French contrast), masked
//! ceiling 10 -> 11.
//! The contrasts of the counted-gunfire, place-attack, victim-frame and dare case files
//! (`threat-gunfire-counted`, `incite-place-attack`, `hate-victim-frame-scope`,
//! `threat-dare-face`) keep every floor (masked 87.8%) and add new flags where a typo or a
//! mask hides the word that makes them benign (`tretaed lkie`, `d**rière`): masked 11 -> 12,
//! swapped 48 -> 50, deleted 45 -> 46, split 43 -> 45.
//! The body-part cases (`threat-body-vocab`) add one masked and one deleted new flag (a
//! French recipe contrast whose masked `p*te` reads a slur): masked 12 -> 13, deleted
//! 46 -> 47.
//! The conditional injury-place cases (`threat-injury-place-if`) keep every ceiling and
//! move deleted to 34.4% kept (a deleted letter in a long condition): floor 34.5 -> 34.0.
//! The execution-place contrasts added with the particle and -ing forms (a class photo,
//! chairs against a wall) are flagged when every word is split, as the earlier ones of
//! the same file were: split ceiling 45 -> 47.
//! Glued words split by the normalizer (`src/normalize/glued.rs`), with the glued-word
//! case files (`tests/cases/{en-evasion-glued,fr-evasion-colles}.toml`): glued-before
//! 10.0% -> 61.5% kept, glued-after 9.7% -> 51.6%; their new flags rose (18 -> 40, 7 ->
//! 20): a benign case whose context word is glued to a content word stays unread
//! (`Prosecutorssay`, `I will\nkill you` glued across its line break) while the threat
//! beside it is split back. The new cases disguised twice moved masked to 87.0% kept
//! (`s**byou`), punctuated to 5 new flags, and mixed case to 99.0% (`IwIlL` reads as
//! camel case, which is never split). Measured merged with the case files above.
//! The French cases of session 14 (`fr-menaces-{argot-tuer,corps-organes,biens-dedans,
//! biens-feu,coup-donne,appel-injure}`, `fr-homographes-anglais`): spaced 91.9% kept
//! (floor 92 -> 91.5), added 15.9% (16 -> 15.5), punctuated 95.46% (95.5 -> 95),
//! swapped 32.46% (32.5 -> 32), deleted 33.97% (34 -> 33.5); new flags where a disguised
//! negation or context word is no longer read: spaced 4 -> 5, masked 13 -> 15, swapped
//! 50 -> 51, deleted 47 -> 48, split 47 -> 50, glued-before 40 -> 41.
//! Two content words glued read as two words, with their case files
//! (`tests/cases/{en-evasion-glued-content,fr-evasion-colles-pleins}.toml`) and those of
//! masked words that fit a common word (`{en-evasion-masked-common,
//! fr-evasion-masques-courants}.toml`): glued-before 61.5% -> 75.3% kept (new flags 40
//! -> 43: a benign case whose context word is glued to a content word, now split into
//! two, reads as its spaced sentence), glued-after 51.6% -> 67.2% (20); masked 87.0% ->
//! 86.5%, mixed case 99.0% -> 98.5% and elongated 95.3% -> 95.2% with the new violating
//! cases (each disguised twice): floors 86.5, 98.5, 95.0 kept.
//! Merged with the threat and incitement case files of the same round
//! (`threat-beating-given`, `threat-body-harmed-deserved`, `threat-weapon-kept`,
//! `threat-veiled-property`, `threat-made-to-bleed`, `incite-counterfactual-forms`,
//! `threat-joined-and-needed`), whose phrase lexicons take no typos: masked 86.2% kept
//! (floor 86.5 -> 86.0), swapped 31.5% (32 -> 31.5), deleted 32.96% (33.5 -> 32.5),
//! glued-after 66.9% (67 -> 66.5); their disguised contrasts add new flags where the word
//! that makes them benign is disguised: spaced 5 -> 6, split 50 -> 51, glued-before 43
//! -> 45, glued-after 20 -> 21.
//! The case files of arson by its method, fates with the speaker in charge and the
//! progressive as a promise (`threat-arson-method`, `threat-fate-speaker-condition`,
//! `threat-progressive-promise`), with French person nouns from resources, keep every
//! floor and add new flags where a split or glued word hides what makes a contrast
//! benign: split 51 -> 53, glued-before 45 -> 46.
//! The case files of falls from a height, attacks on places of worship, offenders as
//! targets, « allons » and relative-clause subjects (`threat-fall-method`,
//! `hate-worship-attack`, `incite-offender-target`, `fr-incitation-allons`,
//! `incite-relative-subject`): deleted 32.46% kept (floor 32.5 -> 32.0), split 53 -> 55
//! new flags (split contrasts whose deciding word is cut).
//! The fates promised (`threat-fate-promised`, phrase lexicons without typos): swapped
//! 31.47% kept (floor 31.5 -> 31.0), glued-after 66.50% (66.5 -> 66.0).
//! Lexicons read in their own language (session 15), with the homograph case files
//! (`fr-homographes-anglais` grown, `en-french-homographs`): new flags elongated 3 -> 6,
//! masked 15 -> 16, deleted 48 -> 51, added 8 -> 9, glued-before 45 -> 46, glued-after
//! 21 -> 23, and swapped 31.499% kept (floor 31.5 -> 31.0), every other floor kept. The
//! new flags are the benign French sentences of English homographs, left alone now and
//! counted: disguised, their homograph is no word of the common list (`douchhe`,
//! `jihadistess`, `j**adistes`, glued `leretard`, `lesjihadistes`) and the English
//! lexicon reads it again. Merged with main's case files of the same round: added
//! 15.47% kept (floor 15.5 -> 15.0), glued-before 47 new flags (46 -> 47), the others
//! within the ceilings and floors of both.
//! Typos read at scan time in words that are no real word — a letter missing, added
//! (any letter, not only a doubled one) or two neighbours swapped — in the harm verbs,
//! person, group and body nouns of the generated vocabulary and the intent, person and
//! body lexicons, context cues included, with the case files of misspelt threats and
//! near-miss real words (`tests/cases/{en-typos-harm,fr-fautes-violence}.toml`):
//! swapped 31.5% -> 51.9% kept, deleted 33.0% -> 53.2%, added 15.6% -> 56.1%, split
//! 11.1% -> 12.8% (floors 51.5, 53.0, 55.5, 12.5); new flags swapped 51 -> 48, deleted
//! 48 -> 46, split 51 -> 50, added 8 -> 40 (a benign text with every word of four
//! letters or more given a letter: its claim is read again where a cue the rules need,
//! a counter-speech frame word, is read too only when it is no real word). The new
//! violating cases are misspelt already, so a second disguise on the same word is lost
//! (`strnaglle`, `m**ilarte`, `willkil`): elongated 95.3% -> 94.9% (floor 95 -> 94.5),
//! masked 86.2% -> 85.6% (86 -> 85.5), glued-before 45 -> 46 and glued-after 21 -> 23
//! new flags (their benign contrasts glued).
//!
//! The three branches of session 15 merged (this round's threat and hate case files,
//! lexicons read in their own language, typos read at scan time): swapped 51.7% kept,
//! deleted 52.7%, added 55.4%, split 12.9%, glued-before 75.8%, glued-after 67.8%,
//! masked 85.7%, elongated 95.0%; new flags swapped 49, deleted 50, added 42, split 53,
//! glued-before 49, glued-after 25, the others as before. Every floor and ceiling below
//! is that measurement rounded down (floors) or as measured (ceilings).
//! The case files of forecasts after a provocation and of things owned by a person
//! (`threat-fate-provoked`, `threat-object-of-person`; the rule changes alone move no
//! figure): swapped 51.4% kept (floor 51.5 -> 51.0: the violating cases' ultimatum and
//! speaker's-stake words take no typos), new flags elongated 6 -> 7, swapped 49 -> 50,
//! deleted 50 -> 51, split 53 -> 54, glued-after 25 -> 27 and its floor 67.5 -> 67.0
//! (67.46% kept; contrasts whose thing noun,
//! `photo`, or own-doing clause is hidden by the disguise).
//! The case file of body parts of a person named after "of" (`incite-body-of-person`)
//! adds 1 glued-after new flag (27 -> 28: one of its contrasts, glued, is read).
//! The case files of blows owed in a pseudo-cleft, victims promised to be next and visits
//! with a weapon (`owed-blow-cleft`, `threat-next-victim`, `threat-armed-company`) move
//! deleted to 52.4% kept (floor 52.5 -> 52.0; their violating cases are kept less often
//! than the average under a deleted letter).
//! The case files of the next person who provokes and of subjects coordinated with kin
//! (`threat-next-who`, `threat-you-and-kin`): added 54.9% kept (floor 55.0 -> 54.5), one
//! new flag more in swapped (51), deleted (52), added (43), split (55) and glued-before
//! (50): their contrasts (prizes for the next customer, hotels) read as threats once the
//! word that makes them benign is disguised.
//! The case files of wishes to watch a person suffer and of "regret the day you were born"
//! (`threat-witness-harm`, `threat-regret-born`): swapped 50.9% kept (floor 51.0 -> 50.5),
//! deleted 51.9% (52.0 -> 51.5).
//! The case files of opening fire on a gathering and of harm through others or by
//! euphemism (`incite-gathering-gunfire`, `threat-causative-harm`, session 16), phrase
//! lexicons without typos: swapped 50.8% kept (floor 51.5 -> 50.5), deleted 51.8% (52.5
//! -> 51.5), added 54.4% (55.0 -> 54.0); their disguised contrasts add new flags where
//! the word that makes them benign is disguised: masked 16 -> 17, swapped 49 -> 50.
//! Both sets of this round's case files together: swapped 50.1% kept (floor 50.0, 52 new
//! flags), deleted 51.1% (51.0, 52), added 53.7% (53.5, 43), masked 17 new flags,
//! glued-after 67.3% (67.0, 28); every other figure as above.
//! The case files of calls to arms and of fire set on a person (`incite-call-to-arms`,
//! `incite-fire-on-person`): swapped 49.95% kept (floor 50.0 -> 49.5), deleted 50.9%
//! (51.0 -> 50.5).
//! The case file of the forms one language or person lacked (`threat-symmetric-forms`):
//! added 53.3% kept (floor 53.5 -> 53.0).
//! The case file of French threats in the simple future (`fr-menaces-futur-simple`): 2
//! split new flags (55 -> 57), its French contrasts with a word split.
//! The case file of the speaker's desire in French (`fr-menaces-desir`): one new flag more
//! in swapped (53), added (44) and split (58), its contrasts (a door knocked at, a champion
//! beaten) read once the word that makes them benign is disguised.
//! The case files of blows to a pronoun's body part and of people of online media
//! (`threat-blow-pronoun-body`, `target-online-roles`, session 17): one new flag more in
//! masked (18), swapped (54), deleted (53), added (45) and glued-before (51), their
//! contrasts (a slap on the back, a punch on the arm as a joke, an influencer who "killed
//! it") read once the word that makes them benign is disguised. The case files of a
//! beating's aftermath foretold and of weapons taken to a person or a gathering
//! (`threat-injury-aftermath`, `threat-armed-errand`): one swapped new flag more (55).
//! The case file of an address known and the speaker coming (`threat-knows-address`):
//! one glued-before new flag more (52), its contrast of coming "to the party" with the
//! space before "the" deleted. The case files of the present progressive and of weapons
//! taken to a body part (`threat-progressive-intent`, `threat-weapon-taken-to-body`): one
//! new flag more in swapped (56), deleted (54) and added (46), contrasts whose benign word
//! (a wedding, a shed) is disguised.
//! The case file of French threats by person, mood and object shape
//! (`fr-menaces-personne-mode`; the rule changes alone move no figure): new flags swapped
//! 53 -> 54, deleted 52 -> 54, added 44 -> 46, split 58 -> 60 and glued-before 50 -> 51,
//! from its contrasts once a word of them is disguised (the conditional « tuerais » less
//! its last letter is the future « tuerai »); glued-after 66.9% kept (floor 67.0 -> 66.5).
//! Its death wishes in the subjunctive (« que ce juge crève ») add 3 glued-before new
//! flags (51 -> 54): a contrast's « avant », « pour » or « peur » glued to « qu'il » no
//! longer reads as the word that makes it benign.
//! Both sets of session 17's case files together (English classes and French by person
//! and mood): new flags swapped 57, deleted 56, added 48, split 60, glued-before 56;
//! glued-after 66.9% kept (floor 66.5); every other figure as above. The French cases of
//! `threat-anyone-who` back from known-broken: one new flag more in swapped (58), deleted
//! (57) and added (49), « quiconque tue un policier sera puni » with « puni » disguised.
//! The case file of vehicles driven into people (`incite-vehicle-ramming`, phrase
//! lexicons without typos): swapped 49.5% kept (floor 49.5 -> 49.0), added 53.0% (53.0 ->
//! 52.5); 2 split new flags (60 -> 62), from its English contrasts with a word split.
//! The case file of a person the speaker wants to die (`threat-want-to-die`): deleted
//! 50.49% kept (floor 50.5 -> 50.0).
//! The French person nouns widened from the dictionary's morphology (session 18): 2
//! deleted new flags (57 -> 59) without any new case file (a benign French sentence with
//! a letter deleted now reads one of the 8,300 new person forms); the case file of trades
//! and devices (`target-trades-vocab`) adds 2 masked new flags (18 -> 20: its contrasts
//! with the thing or device word masked).
//! The case file of harm shapes read in every frame (`threat-harm-frames`, session 18):
//! two swapped new flags (58 -> 60), contrasts whose benign word a swap hides.
//! The frame and shape cases and the names read by `@name` (`threat-frame-shapes`,
//! `threat-named-person`): one new flag more in swapped (61), deleted (58), added (50) and
//! glued-after (29), contrasts whose benign word ("visit", "call", « voir ») a disguise hides.
//! Both merged: deleted 60 new flags (58 + 2).
//!
//! `cargo test --test evasion -- --nocapture` prints the table.

#[allow(dead_code)] // the case format is shared; this test reads only its texts
mod common;

use std::collections::BTreeMap;

use common::{Policies, load_dir, root};
use tosguard::disguise::{Disguise, Report, Sample, guess_language, measure};

/// Kind, the least share kept (percent), the most new false positives.
const FLOORS: &[(Disguise, f64, usize)] = &[
    (Disguise::Spaced, 92.0, 6),
    (Disguise::Elongated, 94.5, 7),
    (Disguise::Leetspeak, 99.0, 0),
    (Disguise::Masked, 85.5, 20),
    (Disguise::Punctuated, 95.5, 5),
    (Disguise::Homoglyphs, 100.0, 0),
    (Disguise::Accents, 100.0, 0),
    (Disguise::MixedCase, 98.5, 0),
    (Disguise::Invisible, 100.0, 0),
    (Disguise::Swapped, 49.0, 61),
    (Disguise::Deleted, 50.0, 60),
    (Disguise::Added, 52.5, 50),
    (Disguise::Split, 12.5, 62),
    (Disguise::GluedBefore, 75.5, 56),
    (Disguise::GluedAfter, 66.5, 29),
];

fn report() -> Report {
    let mut by_policy: BTreeMap<String, Vec<Sample>> = BTreeMap::new();
    for (stem, cases) in load_dir(&root().join("tests/cases")) {
        for case in cases {
            let lang = match stem.split('-').next() {
                Some(l @ ("en" | "fr")) => l,
                _ => guess_language(&case.text),
            };
            let cats: Vec<&str> = case.categories.iter().map(String::as_str).collect();
            let sample = if cats.is_empty() {
                Sample::benign(&case.text, lang)
            } else {
                Sample::violating(&case.text, lang, &cats)
            };
            let policy = case.policy.clone().unwrap_or_else(|| stem.clone());
            by_policy.entry(policy).or_default().push(sample);
        }
    }
    let mut policies = Policies::default();
    let mut report = Report::default();
    for (name, samples) in by_policy {
        report.merge(measure(policies.get(&name), &samples, 3));
    }
    report
}

#[test]
fn disguised_cases_stay_caught_and_benign_ones_stay_clean() {
    let report = report();
    println!("{report}");
    assert!(
        report.violating.1 > 500,
        "too few cases caught: {:?}",
        report.violating
    );
    assert!(
        report.benign.1 > 300,
        "too few benign cases: {:?}",
        report.benign
    );
    let mut wrong = Vec::new();
    for &(kind, floor, ceiling) in FLOORS {
        let t = report.total(kind, None);
        if t.caught == 0 || t.kept_percent() < floor || t.flagged > ceiling {
            wrong.push(format!(
                "{kind}: {}/{} kept ({:.1}%, floor {floor}%), {} new flags (at most {ceiling})",
                t.kept,
                t.caught,
                t.kept_percent(),
                t.flagged
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
