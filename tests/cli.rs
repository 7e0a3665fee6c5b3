//! The CLI contract: exit codes (0 clean, 1 findings, 2 bad input), JSON shape, and errors that
//! name the file and the problem.

use crate::support::{GitLayout, custody, materialise, samples, stderr, stdout, trust_args};

#[test]
fn investigate_json_is_one_object_with_summary_and_findings() {
    let m = materialise(None, GitLayout::BareBeside);
    let case = m.dir.path().join("c.custody");
    let mut args = vec!["investigate".to_string(), m.root.display().to_string(), "--case".into(), case.display().to_string(), "--json".into()];
    args.extend(trust_args());
    let out = custody(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("stdout is one JSON object");
    for k in ["verified", "unverifiable", "missing", "conflict", "mismatch"] {
        assert!(v["summary"][k].is_u64(), "summary.{k}");
    }
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        assert!(f["status"].is_string() && f["node"]["kind"].is_string() && f["node"]["id"].is_string() && f["node"]["label"].is_string());
        assert!(f["detail"].is_string());
    }
    let verified = findings.iter().filter(|f| f["status"] == "verified").count() as u64;
    assert_eq!(v["summary"]["verified"].as_u64(), Some(verified));
}

#[test]
fn verify_exits_1_on_tampered_evidence_and_names_the_file() {
    let m = materialise(Some("raw-byte-flip"), GitLayout::BareBeside);
    let case = m.dir.path().join("c.custody");
    let out = custody(&["investigate", m.root.to_str().unwrap(), "--case", case.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("project/data/raw/transactions.csv"));
    let again = custody(&["verify", case.to_str().unwrap(), "--json"]);
    assert_eq!(again.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&again)).unwrap();
    assert!(v["summary"]["mismatch"].as_u64().unwrap() >= 1);
}

#[test]
fn a_malformed_lock_file_is_exit_2_naming_it_and_leaves_the_case_unchanged() {
    let m = materialise(None, GitLayout::BareBeside);
    let case = m.dir.path().join("c.custody");
    let created = custody(&["case", "new", case.to_str().unwrap(), "--title", "t"]);
    assert_eq!(created.status.code(), Some(0));
    let before = std::fs::read(&case).unwrap();
    // Truncate the work tree's dvc.lock mid-entry: no longer valid YAML.
    let lock = m.root.join("project/dvc.lock");
    let bytes = std::fs::read(&lock).unwrap();
    std::fs::write(&lock, [&bytes[..bytes.len() / 2], b"\n  - path: [unclosed\n"].concat()).unwrap();
    let out = custody(&["add", case.to_str().unwrap(), m.root.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("project/dvc.lock") && err.contains("YAML"), "{err}");
    assert_eq!(std::fs::read(&case).unwrap(), before, "a failed add changed the case file");
}

#[test]
fn a_path_escaping_the_project_is_refused() {
    let m = materialise(None, GitLayout::BareBeside);
    let dvc_file = m.root.join("project/data/raw/transactions.csv.dvc");
    let text = std::fs::read_to_string(&dvc_file).unwrap();
    std::fs::write(&dvc_file, text.replace("path: transactions.csv", "path: ../../../../etc/passwd")).unwrap();
    let out = custody(&["investigate", m.root.to_str().unwrap(), "--case", m.dir.path().join("c.custody").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("transactions.csv.dvc") && stderr(&out).contains("climbs out"), "{}", stderr(&out));
}

#[test]
fn missing_evidence_and_unknown_kinds_are_exit_2() {
    let out = custody(&["investigate", "/nonexistent/evidence"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/nonexistent/evidence"));
    let out = custody(&["add", "x.custody", samples().to_str().unwrap(), "--kind", "nonsense"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown source kind"));
}

#[test]
fn the_case_file_may_not_live_inside_the_evidence() {
    let m = materialise(None, GitLayout::BareBeside);
    let inside = m.root.join("c.custody");
    let out = custody(&["investigate", m.root.to_str().unwrap(), "--case", inside.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!inside.exists());
}

#[test]
fn an_unexpected_panic_exits_2_saying_what_custody_was_doing() {
    // a debug build panics on purpose when asked to (the hook is what is tested)
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_custody")).args(["case", "new", "/nonexistent/x.custody"]).env("CUSTODY_PANIC_FOR_TEST", "1").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("internal error while starting") && err.contains("deliberate panic") && err.contains("evidence was only read"), "{err}");
    assert!(!err.contains("RUST_BACKTRACE"), "the hook replaces Rust's own message: {err}");
}

#[test]
fn a_closed_pipe_ends_the_human_output_quietly() {
    let m = materialise(None, GitLayout::BareBeside);
    let case = m.dir.path().join("c.custody");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_custody"))
        .args(["investigate", m.root.to_str().unwrap(), "--case", case.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away, as `| head -0` does
    let out = child.wait_with_output().unwrap();
    assert!(matches!(out.status.code(), Some(0) | Some(1)), "{:?}: {}", out.status, stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}
