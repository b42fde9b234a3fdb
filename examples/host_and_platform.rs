//! Two policies over one body of content: a host's acceptable-use policy
//! and a platform's terms of service, evaluated together with one scan. The posts are
//! invented in the style of those a host quoted in its notice.
//!
//! Run: `cargo run --example host_and_platform`

use tosguard::{Policy, PolicyError, PolicyStack};

const POSTS: &[&str] = &[
    "Kill 'em all. Every last traitor.",
    "Someone should hang the governor from the capitol steps",
    "We need to shoot the judge before the ruling",
    "I will find you, senator. I'm going to hurt you",
    "Reporters said the posts called to hang the traitors",
    "Great rally today, vote them out in November!",
];

fn main() -> Result<(), PolicyError> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/policies");
    let host = Policy::from_file(format!("{dir}/host_aup.toml"))?;
    let platform = Policy::from_file(format!("{dir}/platform_tos.toml"))?;
    for p in [&host, &platform] {
        let report = p.check_examples();
        assert!(report.is_ok(), "{}: {report}", p.id());
    }
    let stack = PolicyStack::new().layer(host).layer(platform);
    for post in POSTS {
        let v = stack.classify(post);
        println!("{post:?}");
        for layer in v.layers() {
            let rules: Vec<String> = layer
                .findings()
                .iter()
                .map(|f| {
                    let words: Vec<&str> = f.evidence().iter().map(|e| &post[e.span()]).collect();
                    format!("{} {words:?}", f.rule())
                })
                .collect();
            println!(
                "  {:<13} {:<7} {}",
                layer.policy(),
                layer.action().as_str(),
                rules.join("; ")
            );
        }
        for d in v.disagreements() {
            println!("  disagreement: {d}");
        }
    }
    Ok(())
}
