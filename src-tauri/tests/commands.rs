//! The app's commands on Tauri's mock runtime (no display): success payloads and the
//! `{code, message}` error payloads the UI branches on.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::Manager;
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/cases/fraud-detection")
}

/// The app with its real configuration and capabilities, on the mock runtime: a command the
/// capability does not grant fails here as it would in the window.
fn app() -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let app = custody_app::build_app(mock_builder()).build(tauri::generate_context!()).expect("app builds");
    let window = match app.get_webview_window("main") {
        Some(w) => w,
        None => WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("window builds"),
    };
    (app, window)
}

fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().expect("JSON response"))
}

#[test]
fn commands_outside_the_capability_are_refused() {
    let (_app, w) = app();
    let err = invoke(&w, "plugin:fs|read_file", json!({ "path": "/etc/passwd" })).unwrap_err();
    assert!(err.as_str().is_some_and(|m| m.contains("not allowed") || m.contains("not found")), "{err}");
}

#[test]
fn queries_without_a_case_answer_no_case() {
    let (_app, w) = app();
    let err = invoke(&w, "neighbourhood", json!({ "reference": "x", "depth": 2, "expanded": [] })).unwrap_err();
    assert_eq!(err["code"], "no-case");
    assert!(err["message"].is_string());
}

#[test]
fn investigate_then_query_the_case() {
    let (_app, w) = app();
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("demo.custody");
    let summary = invoke(&w, "investigate", json!({ "dir": demo(), "casePath": case, "onProgress": "__CHANNEL__:7" })).expect("investigate succeeds");
    assert_eq!(summary["summary"]["mismatch"], 0);
    assert!(summary["nodes"].as_u64().unwrap() > 10);
    assert_eq!(summary["log_intact"], true);
    assert!(summary["roots"][0]["sources"].as_array().unwrap().iter().any(|s| s["kind"] == "mlflow-sqlite"));

    let view = invoke(&w, "neighbourhood", json!({ "reference": "models:/fraud-detector@production", "depth": 2, "expanded": [] })).unwrap();
    assert!(view["focus"].as_str().unwrap().starts_with("model-version:fraud-detector/"));
    assert!(!view["clusters"].as_array().unwrap().is_empty(), "the model's files collapse into a cluster");

    let focus = view["focus"].as_str().unwrap();
    let details = invoke(&w, "node_details", json!({ "id": focus })).unwrap();
    assert_eq!(details["node"]["id"], focus);
    assert!(details["findings"].as_array().unwrap().iter().any(|f| f["check"] == "model-version-source"));

    let hits = invoke(&w, "search", json!({ "query": "train-v2" })).unwrap();
    assert!(hits.as_array().unwrap().iter().any(|h| h["kind"] == "run"));
    let findings = invoke(&w, "findings", json!({})).unwrap();
    assert!(findings.as_array().unwrap().len() > 10);

    let err = invoke(&w, "node_details", json!({ "id": "md5:" })).unwrap_err();
    assert_eq!(err["code"], "usage");
    assert!(err["message"].as_str().unwrap().contains("ambiguous"));
}

#[test]
fn opening_something_that_is_not_a_case_is_a_case_error_naming_it() {
    let (_app, w) = app();
    let not_a_case = demo().join("mlflow/mlflow.db");
    let err = invoke(&w, "open_case", json!({ "path": not_a_case })).unwrap_err();
    assert_eq!(err["code"], "case");
    assert!(err["message"].as_str().unwrap().contains("mlflow.db"));
}

#[test]
fn bad_evidence_is_an_input_error() {
    let (_app, w) = app();
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("evidence");
    std::fs::create_dir_all(evidence.join(".dvc")).unwrap();
    std::fs::write(evidence.join(".dvc/config"), "[core]\n").unwrap();
    std::fs::write(evidence.join("dvc.lock"), "schema: '2.0'\nstages: [unclosed\n").unwrap();
    let err = invoke(&w, "investigate", json!({ "dir": evidence, "casePath": dir.path().join("c.custody"), "onProgress": "__CHANNEL__:9" })).unwrap_err();
    assert_eq!(err["code"], "input");
    assert!(err["message"].as_str().unwrap().contains("dvc.lock"));
}
