//! The case file: migrations, the evidence register, and the hash-chained log that detects an
//! edited or deleted row (mutations made the way an attacker with sqlite3 would make them).

use custody::case::Case;
use custody::progress::Silent;
use custody::workflow::{self, DigestCache};
use rusqlite::Connection;

use crate::support::{copy_tree, samples};

/// A case holding one real MLflow store, acquired and verified (so the log has several rows).
fn case_with_evidence() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("evidence");
    std::fs::create_dir_all(&evidence).unwrap();
    copy_tree(&samples().join("formats"), &evidence);
    let path = dir.path().join("case.custody");
    let mut case = Case::create(&path, "log test").unwrap();
    workflow::add_evidence(&mut case, &evidence.join("mlflow3_17_2.db"), None, &Silent, &mut DigestCache::new()).unwrap();
    workflow::verify(&mut case, &Silent, &mut DigestCache::new()).unwrap();
    (dir, path)
}

fn attacker(path: &std::path::Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    // The triggers stop accidents, not someone with sqlite3.
    conn.execute_batch("DROP TRIGGER log_is_append_only_update; DROP TRIGGER log_is_append_only_delete;").unwrap();
    conn
}

#[test]
fn an_untouched_log_checks_intact() {
    let (_dir, path) = case_with_evidence();
    let case = Case::open(&path).unwrap();
    let check = case.check_log().unwrap();
    assert!(check.intact, "{:?}", check.problems);
    let actions: Vec<String> = case.log().unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["case.create", "evidence.acquire", "case.verify"]);
}

#[test]
fn the_log_refuses_updates_through_sqlite() {
    let (_dir, path) = case_with_evidence();
    let conn = Connection::open(&path).unwrap();
    let err = conn.execute("UPDATE log SET action = 'x' WHERE seq = 1", []).unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[test]
fn an_edited_log_row_is_detected() {
    let (_dir, path) = case_with_evidence();
    attacker(&path).execute("UPDATE log SET detail = replace(detail, 'files', 'filez') WHERE seq = 2", []).unwrap();
    let check = Case::open(&path).unwrap().check_log().unwrap();
    assert!(!check.intact);
    assert!(check.problems.iter().any(|p| p.contains("row 2") && p.contains("edited")), "{:?}", check.problems);
}

#[test]
fn a_deleted_log_row_is_detected() {
    let (_dir, path) = case_with_evidence();
    attacker(&path).execute("DELETE FROM log WHERE seq = 2", []).unwrap();
    let check = Case::open(&path).unwrap().check_log().unwrap();
    assert!(!check.intact);
    assert!(check.problems.iter().any(|p| p.contains("row 2 is missing")), "{:?}", check.problems);
}

#[test]
fn a_deleted_last_row_is_detected_by_the_recorded_head() {
    let (_dir, path) = case_with_evidence();
    attacker(&path).execute("DELETE FROM log WHERE seq = (SELECT max(seq) FROM log)", []).unwrap();
    let check = Case::open(&path).unwrap().check_log().unwrap();
    assert!(!check.intact);
    assert!(check.problems.iter().any(|p| p.contains("recorded")), "{:?}", check.problems);
}

#[test]
fn a_rehashed_forgery_is_still_caught_by_the_head() {
    // Editing a row and recomputing its hash breaks the link to the next row.
    let (_dir, path) = case_with_evidence();
    let conn = attacker(&path);
    let (prev, seq, at, action): (String, i64, String, String) =
        conn.query_row("SELECT prev_hash, seq, at, action FROM log WHERE seq = 2", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap();
    let forged_detail = "{\"forged\":true}";
    let hash = custody::hashing::sha256_hex(format!("{prev}\n{seq}\n{at}\n{action}\n{forged_detail}").as_bytes());
    conn.execute("UPDATE log SET detail = ?1, hash = ?2 WHERE seq = 2", rusqlite::params![forged_detail, hash]).unwrap();
    let check = Case::open(&path).unwrap().check_log().unwrap();
    assert!(!check.intact);
    assert!(check.problems.iter().any(|p| p.contains("row 3 does not follow")), "{:?}", check.problems);
}

#[test]
fn a_file_that_is_not_a_case_is_refused() {
    let path = samples().join("formats/mlflow2_22_5.db");
    let err = Case::open(&path).err().expect("an MLflow store is not a case file").to_string();
    assert!(err.contains("not a Custody case file"), "{err}");
}

#[test]
fn a_case_from_a_newer_custody_is_refused() {
    let (_dir, path) = case_with_evidence();
    Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
    let err = Case::open(&path).err().unwrap().to_string();
    assert!(err.contains("newer"), "{err}");
}

#[test]
fn the_coverage_of_the_latest_verification_is_kept_in_the_case() {
    let (_dir, path) = case_with_evidence();
    let case = Case::open(&path).unwrap();
    let kept = case.latest_coverage().unwrap().expect("the verification recorded its coverage");
    assert_eq!(kept.files, kept.read + kept.checked + kept.not_interpreted, "{kept:#?}");
    assert!(kept.files > 0);
    // a session reopened from the file shows the same coverage, without re-verifying
    let session = custody::session::Session::open(&path).unwrap();
    assert_eq!(session.summary().unwrap().coverage.as_ref(), Some(&kept));
}
