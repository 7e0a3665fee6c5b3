//! The crates follow the data, one way: a crate may depend only on crates of an earlier stage,
//! and no engine crate may depend on a terminal, CLI or desktop crate. Read from `cargo
//! metadata`, so a dependency added against the direction fails the tests even where it would
//! still compile.

use std::collections::BTreeMap;

use serde_json::Value;

/// The stages in the order the data flows; a crate may depend on crates of earlier stages only.
const STAGES: &[&[&str]] = &[
    &["custody-evidence", "custody-signing"],
    &["custody-sources"],
    &["custody-lineage"],
    &["custody-verify"],
    &["custody-analysis"],
    &["custody-case"],
    &["custody-report"],
    &["custody"],
    &["custody-cli", "custody-app"],
];

/// Crates only the shells may use: the engine never prints, parses arguments or opens windows.
const SHELL_ONLY: &[&str] = &["clap", "indicatif", "ctrlc", "anyhow", "tauri", "tauri-plugin-dialog", "tauri-build"];

fn stage(name: &str) -> Option<usize> {
    STAGES.iter().position(|s| s.contains(&name))
}

/// Every breach of the direction in a `cargo metadata` document: "A -> B: why".
fn breaches(metadata: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let members: BTreeMap<&str, &Value> = metadata["packages"].as_array().unwrap().iter().map(|p| (p["name"].as_str().unwrap(), p)).collect();
    for (name, package) in &members {
        let Some(own) = stage(name) else {
            out.push(format!("{name}: a workspace crate of no stage (add it to STAGES in tests/layers.rs)"));
            continue;
        };
        for dep in package["dependencies"].as_array().unwrap() {
            // dev-dependencies may reach anywhere (tests), normal and build ones may not
            if dep["kind"].as_str() == Some("dev") {
                continue;
            }
            let to = dep["name"].as_str().unwrap();
            if members.contains_key(to) {
                let theirs = stage(to).unwrap_or(usize::MAX);
                if theirs >= own {
                    out.push(format!("{name} -> {to}: against the direction (stage {own} may use stages before it only; {to} is stage {theirs})"));
                }
            } else if own < stage("custody-cli").unwrap() && SHELL_ONLY.contains(&to) {
                out.push(format!("{name} -> {to}: a shell-only crate in the engine"));
            }
        }
    }
    out
}

fn workspace_metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline", "--manifest-path"])
        .arg(crate::support::repository().join("Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn every_crate_depends_only_on_earlier_stages() {
    let metadata = workspace_metadata();
    let names: Vec<&str> = metadata["packages"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    for expected in STAGES.iter().flat_map(|s| s.iter()) {
        assert!(names.contains(expected), "{expected} is not a workspace member: {names:?}");
    }
    let found = breaches(&metadata);
    assert!(found.is_empty(), "dependencies against the data's direction:\n{}", found.join("\n"));
}

/// Adds a normal dependency of `from` on `to` to a metadata document.
fn with_dependency(mut metadata: Value, from: &str, to: &str) -> Value {
    let package = metadata["packages"].as_array_mut().unwrap().iter_mut().find(|p| p["name"] == from).unwrap();
    package["dependencies"].as_array_mut().unwrap().push(serde_json::json!({"name": to, "kind": null}));
    metadata
}

#[test]
fn a_dependency_against_the_direction_is_named() {
    // breaks: the check itself; each mutation of the real metadata is one way to break the rule
    let metadata = workspace_metadata();
    let backwards = breaches(&with_dependency(metadata.clone(), "custody-sources", "custody-verify"));
    assert_eq!(backwards.len(), 1, "{backwards:?}");
    assert!(backwards[0].starts_with("custody-sources -> custody-verify: against the direction"), "{backwards:?}");
    let sideways = breaches(&with_dependency(metadata.clone(), "custody-case", "custody-case"));
    assert!(sideways.iter().any(|b| b.starts_with("custody-case -> custody-case")), "{sideways:?}");
    let shell = breaches(&with_dependency(metadata.clone(), "custody-lineage", "clap"));
    assert_eq!(shell, vec!["custody-lineage -> clap: a shell-only crate in the engine".to_string()]);
    let dev = breaches(&{
        let mut m = with_dependency(metadata, "custody-evidence", "custody");
        let p = m["packages"].as_array_mut().unwrap().iter_mut().find(|p| p["name"] == "custody-evidence").unwrap();
        p["dependencies"].as_array_mut().unwrap().last_mut().unwrap()["kind"] = "dev".into();
        m
    });
    assert!(dev.is_empty(), "a dev-dependency is not a breach: {dev:?}");
}
