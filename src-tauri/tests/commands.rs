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
    // the verdict at a glance: the engine's sentence, its groups (indexes into `findings`) and coverage
    assert!(summary["verdict"].as_str().unwrap().ends_with('.'), "{}", summary["verdict"]);
    let coverage = &summary["coverage"];
    assert!(coverage["files"].as_u64().unwrap() > 10, "{coverage}");
    assert_eq!(coverage["files"].as_u64(), Some(coverage["read"].as_u64().unwrap() + coverage["checked"].as_u64().unwrap() + coverage["not_interpreted"].as_u64().unwrap()));
    let findings = invoke(&w, "findings", json!({})).unwrap();
    let groups = summary["groups"].as_array().unwrap();
    for g in groups {
        for m in g["members"].as_array().unwrap() {
            assert_eq!(findings[m.as_u64().unwrap() as usize]["status"], g["status"], "group {} holds its own status", g["title"]);
        }
    }
    if let Some(first) = groups.first() {
        let node = &findings[first["members"][0].as_u64().unwrap() as usize]["node"]["id"];
        assert_eq!(&invoke(&w, "default_focus", json!({})).unwrap(), node, "the graph opens on the verdict's first node");
    }

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

fn keys() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/keys")
}

#[test]
fn plugin_commands_outside_the_capability_are_refused() {
    let (_app, w) = app();
    // The dialog plugin is loaded, but only its open and save dialogs are granted.
    let err = invoke(&w, "plugin:dialog|message", json!({ "message": "hi" })).unwrap_err();
    assert!(err.as_str().is_some_and(|m| m.contains("not allowed")), "{err}");
}

#[test]
fn the_demo_opens_clean_with_its_keys_trusted() {
    let (_app, w) = app();
    let summary = invoke(&w, "open_demo", json!({ "onProgress": "__CHANNEL__:3" })).expect("the demo opens");
    let case = PathBuf::from(summary["path"].as_str().unwrap());
    let s = &summary["summary"];
    for failure in ["mismatch", "missing", "conflict", "untrusted_key", "signature_invalid"] {
        assert_eq!(s[failure], 0, "{failure} in {s}");
    }
    assert!(s["signature_valid"].as_u64().unwrap() > 0, "{s}");

    let keys = invoke(&w, "trusted_keys", json!({})).unwrap();
    let keys = keys.as_array().unwrap();
    assert!(keys.len() >= 4, "{keys:?}");
    assert!(keys.iter().all(|k| k["fingerprint"].as_str().is_some_and(|f| f.len() == 64)));
    assert!(!keys.iter().any(|k| k["file"].as_str().unwrap().contains("attacker")));

    let model = invoke(&w, "node_details", json!({ "id": "file:serving/fraud-detector/model.pkl" })).unwrap();
    assert_eq!(model["node"]["status"], "signature-valid");
    assert!(model["findings"].as_array().unwrap().iter().any(|f| f["check"] == "signed-digest" && f["status"] == "signature-valid"));
    let sig = invoke(&w, "node_details", json!({ "id": "signature:serving/fraud-detector/model.sig" })).unwrap();
    assert_eq!(sig["node"]["attrs"]["key_trusted"], true);
    assert!(sig["outgoing"].as_array().unwrap().iter().any(|e| e["role"] == "signs"));
    let _ = std::fs::remove_file(case);
}

#[test]
fn trusting_keys_re_verifies_the_signatures() {
    let (_app, w) = app();
    let err = invoke(&w, "trust_keys", json!({ "paths": [keys().join("release-p256.pub")], "onProgress": "__CHANNEL__:4" })).unwrap_err();
    assert_eq!(err["code"], "no-case");

    let dir = tempfile::tempdir().unwrap();
    let before = invoke(&w, "investigate", json!({ "dir": demo(), "casePath": dir.path().join("c.custody"), "onProgress": "__CHANNEL__:5" })).unwrap();
    assert_eq!(invoke(&w, "trusted_keys", json!({})).unwrap(), json!([]));
    let untrusted = before["summary"]["untrusted_key"].as_u64().unwrap() + before["summary"]["unverifiable"].as_u64().unwrap();

    let added = invoke(&w, "trust_keys", json!({ "paths": [keys().join("release-p256.pub")], "onProgress": "__CHANNEL__:6" })).unwrap();
    assert_eq!(added.as_array().unwrap().len(), 1);
    assert_eq!(added[0]["algorithm"], "ECDSA P-256");
    let after = invoke(&w, "case_summary", json!({})).unwrap();
    assert!(after["summary"]["untrusted_key"].as_u64().unwrap() + after["summary"]["unverifiable"].as_u64().unwrap() < untrusted, "{before} then {after}");
    assert!(after["summary"]["signature_valid"].as_u64().unwrap() > before["summary"]["signature_valid"].as_u64().unwrap());
    assert_eq!(invoke(&w, "trusted_keys", json!({})).unwrap().as_array().unwrap().len(), 1);

    let not_a_key = demo().join("project/dvc.lock");
    let err = invoke(&w, "trust_keys", json!({ "paths": [not_a_key], "onProgress": "__CHANNEL__:8" })).unwrap_err();
    assert_eq!(err["code"], "usage");
    assert!(err["message"].as_str().unwrap().contains("dvc.lock"), "{err}");
}

#[test]
fn an_exported_signed_report_verifies_and_a_changed_one_does_not() {
    let (_app, w) = app();
    let dir = tempfile::tempdir().unwrap();
    let err = invoke(&w, "export_report", json!({ "dir": dir.path().join("r0"), "signKey": null, "onProgress": "__CHANNEL__:2" })).unwrap_err();
    assert_eq!(err["code"], "no-case");
    invoke(&w, "investigate", json!({ "dir": demo(), "casePath": dir.path().join("c.custody"), "onProgress": "__CHANNEL__:5" })).unwrap();

    let key = dir.path().join("investigator.pem");
    let made = invoke(&w, "new_key", json!({ "path": key })).unwrap();
    let public = PathBuf::from(made["public_key"].as_str().unwrap());
    assert!(public.is_file());

    let out = dir.path().join("report");
    let written = invoke(&w, "export_report", json!({ "dir": out, "signKey": key, "onProgress": "__CHANNEL__:6" })).unwrap();
    let names: Vec<&str> = written["files"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"report.html") && names.contains(&"report.json"), "{names:?}");
    assert_eq!(written["signed_by"].as_str(), made["fingerprint"].as_str());

    let check = invoke(&w, "verify_report", json!({ "dir": out, "trust": [public] })).unwrap();
    assert_eq!(check["ok"], true, "{check}");
    assert_eq!(check["signature"], "signature-valid");
    assert_eq!(check["log_intact"], true);
    assert!(check["files"].as_array().unwrap().iter().all(|f| f["ok"] == true));

    // Without the investigator's key the signature cannot be trusted.
    let check = invoke(&w, "verify_report", json!({ "dir": out, "trust": [] })).unwrap();
    assert_eq!(check["ok"], false);
    assert!(!check["problems"].as_array().unwrap().is_empty());

    // A changed file is named.
    std::fs::write(out.join("report.html"), "<p>nothing to see</p>").unwrap();
    let check = invoke(&w, "verify_report", json!({ "dir": out, "trust": [public] })).unwrap();
    assert_eq!(check["ok"], false);
    assert!(check["files"].as_array().unwrap().iter().any(|f| f["name"] == "report.html" && f["ok"] == false), "{check}");

    // A report is never written over.
    let err = invoke(&w, "export_report", json!({ "dir": out, "signKey": null, "onProgress": "__CHANNEL__:7" })).unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("report"), "{err}");
    let err = invoke(&w, "verify_report", json!({ "dir": demo(), "trust": [] })).unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("report.intoto.json"), "{err}");
}

#[test]
fn staging_and_production_diverge_at_the_planted_root_causes() {
    let (_app, w) = app();
    let err = invoke(&w, "comparables", json!({})).unwrap_err();
    assert_eq!(err["code"], "no-case");
    let dir = tempfile::tempdir().unwrap();
    invoke(&w, "investigate", json!({ "dir": demo(), "casePath": dir.path().join("c.custody"), "onProgress": "__CHANNEL__:5" })).unwrap();

    // The choosers offer the aliases first, then model versions, then runs.
    let comparables = invoke(&w, "comparables", json!({})).unwrap();
    let kinds: Vec<&str> = comparables.as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.first(), Some(&"alias"), "{kinds:?}");
    assert!(kinds.windows(2).all(|k| !(k[0] == "run" && k[1] != "run")), "{kinds:?}");
    assert!(comparables.as_array().unwrap().iter().any(|n| n["label"] == "models:/fraud-detector@staging"), "{comparables}");

    let diff = invoke(&w, "diff", json!({ "referenceA": "models:/fraud-detector@staging", "referenceB": "models:/fraud-detector@production", "onProgress": "__CHANNEL__:6" })).expect("diff succeeds");
    assert_eq!(diff["a"]["id"], "model-version:fraud-detector/2");
    assert_eq!(diff["b"]["id"], "model-version:fraud-detector/3");
    let roots = diff["divergences"].as_array().unwrap();
    assert_eq!(roots.len(), 3, "{roots:#?}");
    let params = roots.iter().find(|d| d["kind"] == "params").expect("a params root cause");
    assert_eq!(params["detail"]["type"], "params");
    assert!(params["summary"].as_str().unwrap().contains("max_depth"), "{params}");
    assert!(!diff["downstream"].as_array().unwrap().is_empty());
    // what the aligned graph is drawn from: edges are (pair, input pair), and every divergence
    // names a pair that is not equal (a run whose parameters changed is itself downstream of
    // its changed inputs)
    let pairs = diff["pairs"].as_array().unwrap().len() as u64;
    assert!(diff["edges"].as_array().unwrap().iter().all(|e| e[0].as_u64().unwrap() < pairs && e[1].as_u64().unwrap() < pairs));
    let state = |d: &Value| diff["pairs"][d["pair"].as_u64().unwrap() as usize]["state"].clone();
    assert!(roots.iter().chain(diff["downstream"].as_array().unwrap()).all(|d| d["pair"].as_u64().unwrap() < pairs && state(d) != "equal"), "{diff}");

    // The code divergence's files, and one file's diff.
    let code = roots.iter().find(|d| d["kind"] == "code").expect("a code root cause");
    assert_eq!(state(code), "root-cause");
    let detail = &code["detail"];
    assert_eq!(detail["type"], "code");
    assert!(detail["files"].as_array().unwrap().iter().any(|f| f["path"] == "src/prepare.py"), "{detail}");
    let text = invoke(&w, "code_file_diff", json!({ "repository": detail["repository"], "from": detail["from"], "to": detail["to"], "path": "params.yaml" })).unwrap();
    let text = text.as_str().unwrap();
    assert!(text.contains("-  max_depth: 3") && text.contains("+  max_depth: 5"), "{text}");

    // An unknown reference is named in a usage error.
    let err = invoke(&w, "diff", json!({ "referenceA": "models:/fraud-detector@canary", "referenceB": "models:/fraud-detector@production", "onProgress": "__CHANNEL__:7" })).unwrap_err();
    assert_eq!(err["code"], "usage");
    assert!(err["message"].as_str().unwrap().contains("models:/fraud-detector@canary"), "{err}");
    let err = invoke(&w, "code_file_diff", json!({ "repository": "no-such.git", "from": detail["from"], "to": detail["to"], "path": "params.yaml" })).unwrap_err();
    assert_eq!(err["code"], "usage");
    assert!(err["message"].as_str().unwrap().contains("no-such.git"), "{err}");
}

const PRODUCTION_RUN: &str = "run:c006e5c16bb94ca6a182449d8782fa5e";
/// The production model's training set (MLflow's dataset record of its run).
const PRODUCTION_TRAINING: &str = "dataset:ea7fe454b4cd4c558adafae2d8fa15d2";
const PRODUCTION_TRAINING_SHA256: &str = "1ad06ace72277e1f237944097b68f8d63b5cc2ae5582af1e8db6f56f8cd302f4";

#[test]
fn a_decision_traces_to_the_production_run_and_its_dossier_is_saved() {
    let (_app, w) = app();
    let err = invoke(&w, "trace", json!({ "prediction": "pred-000017", "onProgress": "__CHANNEL__:2" })).unwrap_err();
    assert_eq!(err["code"], "no-case");
    let dir = tempfile::tempdir().unwrap();
    invoke(&w, "investigate", json!({ "dir": demo(), "casePath": dir.path().join("c.custody"), "onProgress": "__CHANNEL__:3" })).unwrap();

    let dossier = invoke(&w, "trace", json!({ "prediction": "pred-000017", "onProgress": "__CHANNEL__:4" })).expect("the decision traces");
    let trace = &dossier["trace"];
    assert_eq!(trace["prediction"]["id"], "pred-000017");
    assert_eq!(trace["prediction"]["log"], "inference/predictions.jsonl");
    assert_eq!(trace["model"]["node"], "model-version:fraud-detector/3");
    assert_eq!(trace["model"]["alias"], "production");
    assert_eq!(trace["run"]["node"], PRODUCTION_RUN);
    assert_eq!(trace["commit"]["sha"], "0a90b199aada753eb54ef1c1a6e94b6d40cccb06");
    assert_eq!(trace["params"]["max_depth"], "5");
    let chain: Vec<&str> = trace["chain"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    for id in ["model-version:fraud-detector/3", PRODUCTION_RUN, PRODUCTION_TRAINING, "data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6"] {
        assert!(chain.contains(&id), "{id} not in the chain {chain:?}");
    }
    let training = trace["datasets"].as_array().unwrap().iter().find(|d| d["role"] == "training").expect("a training dataset");
    assert_eq!(training["sha256"], PRODUCTION_TRAINING_SHA256);
    assert_eq!(trace["failures"], 0, "{trace}");
    assert!(trace["verification"].as_array().unwrap().iter().any(|c| c["link"] == "artifact" && c["status"] == "verified"));
    // the decision's group in the training data
    assert_eq!(dossier["training"]["sha256"], PRODUCTION_TRAINING_SHA256);
    assert_eq!(dossier["label"], "is_fraud");
    let age = dossier["group_profile"].as_array().unwrap().iter().find(|g| g["attribute"] == "customer_age_band").expect("an age band profile");
    assert_eq!(age["value"], "41-60");
    assert_eq!(age["overall"]["count"], 4400);
    assert!(dossier["sources"].as_array().unwrap().iter().any(|s| s["source"] == "project/data/raw/internal_reviews.csv" && s["rows"] == 1200), "{}", dossier["sources"]);

    // an unknown decision is named
    let err = invoke(&w, "trace", json!({ "prediction": "pred-999999", "onProgress": "__CHANNEL__:5" })).unwrap_err();
    assert_eq!(err["code"], "usage");
    assert!(err["message"].as_str().unwrap().contains("pred-999999"), "{err}");

    let out = dir.path().join("dossier");
    let written = invoke(&w, "save_dossier", json!({ "prediction": "pred-000017", "dir": out, "onProgress": "__CHANNEL__:6" })).expect("the dossier is written");
    let json_path = PathBuf::from(written["json"].as_str().unwrap());
    assert!(PathBuf::from(written["html"].as_str().unwrap()).is_file());
    let saved: Value = serde_json::from_slice(&std::fs::read(json_path).unwrap()).unwrap();
    assert_eq!(saved["trace"]["run"]["node"], PRODUCTION_RUN);
    let err = invoke(&w, "save_dossier", json!({ "prediction": "pred-999999", "dir": dir.path().join("d2"), "onProgress": "__CHANNEL__:7" })).unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("pred-999999"), "{err}");
}

#[test]
fn the_production_training_set_slices_by_age_band_with_its_sources() {
    let (_app, w) = app();
    let dir = tempfile::tempdir().unwrap();
    invoke(&w, "investigate", json!({ "dir": demo(), "casePath": dir.path().join("c.custody"), "onProgress": "__CHANNEL__:3" })).unwrap();

    // a model version stands for its training set
    let table = invoke(&w, "table_columns", json!({ "reference": "model-version:fraud-detector/3", "onProgress": "__CHANNEL__:4" })).unwrap();
    assert_eq!(table["path"], "project/data/processed/train.parquet");
    assert_eq!(table["sha256"], PRODUCTION_TRAINING_SHA256);
    assert_eq!(table["rows"], 4400);
    assert!(table["columns"].as_array().unwrap().iter().any(|c| c == "customer_age_band"), "{table}");

    let report = invoke(
        &w,
        "slice",
        json!({ "request": { "dataset": PRODUCTION_TRAINING, "by": ["customer_age_band"], "label": "is_fraud", "reference": "models:/fraud-detector@staging" }, "onProgress": "__CHANNEL__:5" }),
    )
    .expect("the training set slices");
    assert_eq!(report["dataset"]["sha256"], PRODUCTION_TRAINING_SHA256);
    assert_eq!(report["reference"]["rows"], 3200, "staging's training set: {}", report["reference"]);
    let groups = report["groups"].as_array().unwrap();
    let keys: Vec<&str> = groups.iter().map(|g| g["key"][0].as_str().unwrap()).collect();
    assert_eq!(keys, ["18-25", "26-40", "41-60", "60+"]);
    let old = &groups[3];
    assert_eq!(old["count"], 1316);
    assert!(old["share"].as_f64().unwrap() > 2.0 * old["reference_share"].as_f64().unwrap(), "{old}");
    assert!(old["base_rate"].as_f64().unwrap() > 0.15, "{old}");
    // the source of 1200 rows (the internal review queue) holds most of the 60+ group
    let internal = report["sources"].as_array().unwrap().iter().find(|s| s["rows"] == 1200).expect("a 1200-row source");
    assert_eq!(internal["source"], "project/data/raw/internal_reviews.csv");
    let share = old["composition"].as_array().unwrap().iter().find(|c| c["source"] == internal["source"]).unwrap()["share"].as_f64().unwrap();
    assert!(share > 0.5, "{old}");

    // decisions of the production model, with ground truth: disparities and four-fifths flags
    let decisions = invoke(
        &w,
        "slice",
        json!({ "request": { "dataset": "inference/predictions.parquet", "by": ["customer_age_band"], "label": "is_fraud", "prediction": "decision=decline", "filters": ["model_version=3"] }, "onProgress": "__CHANNEL__:6" }),
    )
    .unwrap();
    assert_eq!(decisions["rows"], 2558);
    assert_eq!(decisions["disparity"]["max_selection_group"], json!(["60+"]));
    assert_eq!(decisions["disparity"]["four_fifths_violations"], 3);
    assert!(decisions["groups"].as_array().unwrap().iter().filter(|g| g["four_fifths_flag"] == true).count() == 3);

    let err = invoke(&w, "slice", json!({ "request": { "dataset": PRODUCTION_TRAINING, "by": ["age"] }, "onProgress": "__CHANNEL__:7" })).unwrap_err();
    assert_eq!(err["code"], "usage");
    assert!(err["message"].as_str().unwrap().contains("`age`"), "{err}");
    let err = invoke(&w, "table_columns", json!({ "reference": "nope.parquet", "onProgress": "__CHANNEL__:8" })).unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("nope.parquet"), "{err}");
}

#[test]
fn an_exported_chart_is_written_only_as_png_or_svg() {
    let (_app, w) = app();
    let dir = tempfile::tempdir().unwrap();
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>"#.to_vec();
    let path = dir.path().join("shares.svg");
    let written = invoke(&w, "save_export", json!({ "path": path, "bytes": svg })).expect("an SVG is written");
    assert_eq!(written["bytes"], svg.len());
    assert_eq!(std::fs::read(&path).unwrap(), svg);

    let png = dir.path().join("shares.png");
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(&[0, 0, 0, 13]);
    invoke(&w, "save_export", json!({ "path": png, "bytes": bytes })).expect("a PNG is written");

    for name in ["shares.html", "shares.json", "shares"] {
        let err = invoke(&w, "save_export", json!({ "path": dir.path().join(name), "bytes": svg })).unwrap_err();
        assert_eq!(err["code"], "usage");
        assert!(err["message"].as_str().unwrap().contains(name), "{err}");
    }
    let err = invoke(&w, "save_export", json!({ "path": dir.path().join("fake.png"), "bytes": svg })).unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("not a PNG"), "{err}");

    // with a case open, nothing is written into its evidence
    let evidence = dir.path().join("evidence");
    std::fs::create_dir_all(&evidence).unwrap();
    std::fs::copy(demo().join("project/data/raw/transactions.csv"), evidence.join("transactions.csv")).unwrap();
    invoke(&w, "investigate", json!({ "dir": evidence, "casePath": dir.path().join("c.custody"), "onProgress": "__CHANNEL__:5" })).expect("investigate");
    let inside = evidence.join("chart.svg");
    let err = invoke(&w, "save_export", json!({ "path": inside, "bytes": svg })).unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("evidence is never written"), "{err}");
    assert!(!inside.exists());
}
