//! The explanation dossier of one decision: `custody trace … --dossier DIR`.
//!
//! Why: an auditor hands over a document, not a terminal session. The dossier holds the
//! decision and its inputs, the model version and digest, the training data and their hashes,
//! the code commit, the parameters, every verification result of the chain, and the profile of
//! the decision's group in the training data (how many rows of the training set share each of
//! the decision's attribute values, their label rate against the whole set, and which raw
//! source those rows came from). It is written twice: `dossier.json` (everything, for
//! machines) and `dossier.html` (one self-contained page: no scripts, no remote content, a CSP
//! that forbids both, laid out for print).
//!
//! Guarantees: the files are written into DIR (created if absent) and nothing else is
//! touched; the HTML shows exactly what the JSON holds.

use std::path::{Path, PathBuf};

use crate::slice::{GroupStats, SourceComposition};
use crate::tables::TableIdentity;
use crate::trace::Trace;

/// The decision's group for one attribute, in the training data.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct GroupProfile {
    /// The attribute (a column of the training set that is an input of the decision).
    pub attribute: String,
    /// The decision's value of it.
    pub value: Option<String>,
    /// The training rows with that value (None: no training row has it).
    pub group: Option<GroupStats>,
    /// The whole training set, for comparison.
    pub overall: GroupStats,
}

/// Everything the dossier says.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Dossier {
    pub trace: Trace,
    /// The training set profiled (the run's training dataset).
    pub training: Option<TableIdentity>,
    /// The label column used for the base rates, when the training set has the log's ground
    /// truth column.
    pub label: Option<String>,
    pub group_profile: Vec<GroupProfile>,
    /// Where the training rows came from (by raw source).
    pub sources: Vec<SourceComposition>,
    pub notes: Vec<String>,
}

/// The files written.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DossierWritten {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub html: PathBuf,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub json: PathBuf,
}

/// Writes `dossier.json` and `dossier.html` into `dir`.
pub fn write(dir: &Path, dossier: &Dossier, case_title: &str) -> std::io::Result<DossierWritten> {
    std::fs::create_dir_all(dir)?;
    let json = dir.join("dossier.json");
    let html = dir.join("dossier.html");
    let mut value = serde_json::to_value(dossier).expect("the dossier serializes");
    value["written_by"] = serde_json::json!(format!("Custody {}", env!("CARGO_PKG_VERSION")));
    value["written_at"] = serde_json::json!(custody_evidence::clock::now());
    value["case"] = serde_json::json!(case_title);
    std::fs::write(&json, serde_json::to_string_pretty(&value).expect("JSON") + "\n")?;
    std::fs::write(&html, render(dossier, case_title))?;
    Ok(DossierWritten { html, json })
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map(esc).unwrap_or_else(|| "—".into())
}

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:.1}%", x * 100.0)).unwrap_or_else(|| "—".into())
}

fn value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => esc(s),
        serde_json::Value::Null => "—".into(),
        other => esc(&other.to_string()),
    }
}

const STYLE: &str = "
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d232b;margin:2rem auto;max-width:1000px;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .2rem}h2{font-size:1.1rem;border-bottom:1px solid #d0d6de;padding-bottom:.2rem;margin-top:1.8rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:12.5px}th,td{border:1px solid #d8dde3;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f2f4f7;width:14rem}code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
.meta{color:#55606d}.pill{display:inline-block;border-radius:9px;padding:0 .5rem;font-size:11.5px;font-weight:600;color:#fff;white-space:nowrap}
.verified{background:#2c8a3a}.signature-valid{background:#1f6fb4}.unverifiable{background:#7a8591}.untrusted-key{background:#b58100}
.missing{background:#7d4cb0}.conflict{background:#d96a00}.mismatch,.signature-invalid{background:#c62828}
.bar{display:inline-block;height:.7rem;background:#4a78b5;vertical-align:middle}.bar.ref{background:#b9c4d3}
@media print{body{margin:0;max-width:none;font-size:11px}h2{break-after:avoid}tr{break-inside:avoid}.pill{color:#000;border:1px solid #000;background:none}}
";

fn row(h: &mut String, label: &str, html_value: String) {
    h.push_str(&format!("<tr><th>{}</th><td>{html_value}</td></tr>\n", esc(label)));
}

fn code(s: &str) -> String {
    format!("<code>{}</code>", esc(s))
}

/// The HTML page: the heading, then one section after the other.
pub fn render(d: &Dossier, case_title: &str) -> String {
    let t = &d.trace;
    let mut h = String::new();
    head(&mut h, t, case_title);
    decision(&mut h, t);
    model(&mut h, t);
    training_run(&mut h, t);
    training_data(&mut h, t);
    verification(&mut h, t);
    group_profile(&mut h, d);
    h.push_str("</body></html>\n");
    h
}

/// The document's head, the title and the verdict on the chain.
fn head(h: &mut String, t: &Trace, case_title: &str) {
    let p = &t.prediction;
    h.push_str("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">");
    h.push_str(&format!("<title>Decision dossier: {}</title><style>{STYLE}</style></head><body>\n", esc(&p.id)));
    h.push_str(&format!("<h1>Decision dossier: {}</h1>\n", esc(&p.id)));
    let verdict = if t.failures == 0 { "every link of the chain checks out".to_string() } else { format!("{} check{} of the chain fail", t.failures, if t.failures == 1 { "" } else { "s" }) };
    h.push_str(&format!(
        "<p class=\"meta\">Case <code>{}</code>. Written by Custody {} on {}: {}.</p>\n",
        esc(case_title),
        env!("CARGO_PKG_VERSION"),
        esc(&custody_evidence::clock::now()),
        esc(&verdict)
    ));
}

/// The decision as logged, and its inputs.
fn decision(h: &mut String, t: &Trace) {
    let p = &t.prediction;
    h.push_str("<h2>The decision</h2>\n<table>\n");
    row(h, "prediction", code(&p.id));
    row(h, "time", opt(&p.time));
    row(h, "logged in", format!("{} {}{}", code(&p.log), esc(&p.record), if t.also_logged.is_empty() { String::new() } else { format!(" (also: {})", esc(&t.also_logged.join(", "))) }));
    row(h, "decision", p.decision.as_ref().map(value).unwrap_or_else(|| "—".into()));
    row(h, "score", p.score.as_ref().map(value).unwrap_or_else(|| "—".into()));
    row(h, "ground truth", p.ground_truth.as_ref().map(value).unwrap_or_else(|| "not known".into()));
    row(h, "model as logged", format!("{} version {} digest {}", opt(&p.model_uri), opt(&p.model_version), opt(&p.model_digest)));
    h.push_str("</table>\n<table><tr><th>input</th><th>value</th></tr>\n");
    for (k, v) in &p.inputs {
        h.push_str(&format!("<tr><td>{}</td><td>{}</td></tr>\n", esc(k), value(v)));
    }
    h.push_str("</table>\n");
}

/// The registered model version, the alias it was served as, its artifact digest and files.
fn model(h: &mut String, t: &Trace) {
    h.push_str("<h2>The model</h2>\n<table>\n");
    row(h, "registered model", format!("{} version {}", opt(&t.model.name), opt(&t.model.version)));
    row(h, "served as", match (&t.model.alias, &t.model.alias_now) {
        (Some(a), Some(now)) => format!("alias {} (now on version {})", code(a), esc(now)),
        (Some(a), None) => format!("alias {} (not in the registry now)", code(a)),
        _ => "—".into(),
    });
    row(h, "artifact digest (sha256)", t.model.digest.as_deref().map(code).unwrap_or_else(|| "—".into()));
    row(h, "files with that digest", t.model.artifacts.iter().map(|a| code(a)).collect::<Vec<_>>().join("<br>"));
    h.push_str("</table>\n");
}

/// The training run, its commit, parameters and environment.
fn training_run(h: &mut String, t: &Trace) {
    h.push_str("<h2>Training run, code, parameters</h2>\n<table>\n");
    if let Some(r) = &t.run {
        row(h, "MLflow run", format!("{} ({})", code(&r.id), esc(&r.name)));
        row(h, "user", opt(&r.user));
        let metrics: Vec<String> = r.metrics.iter().map(|(k, v)| format!("{} {v}", esc(k))).collect();
        row(h, "metrics", metrics.join(", "));
    } else {
        row(h, "MLflow run", "not found in the evidence".into());
    }
    if let Some(c) = &t.commit {
        row(h, "commit", format!("{} {}{}", code(&c.sha), esc(&c.summary), if c.tags.is_empty() { String::new() } else { format!(" (tags {})", esc(&c.tags.join(", "))) }));
        row(h, "repository", opt(&c.repository));
    }
    let params: Vec<String> = t.params.iter().map(|(k, v)| format!("{} = {}", code(k), esc(v))).collect();
    row(h, "parameters", params.join("<br>"));
    let env: Vec<String> = t.environment.iter().map(|f| format!("{} {}", code(&f.path), f.sha256.as_deref().map(code).unwrap_or_default())).collect();
    row(h, "environment", env.join("<br>"));
    h.push_str("</table>\n");
}

/// The run's datasets and the raw sources behind them, with their digests.
fn training_data(h: &mut String, t: &Trace) {
    h.push_str("<h2>Training data</h2>\n<table><tr><th>dataset</th><th>role</th><th>rows</th><th>md5 (DVC)</th><th>sha256</th></tr>\n");
    for ds in &t.datasets {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            code(&ds.path),
            esc(ds.role.as_str()),
            ds.rows.map(|r| r.to_string()).unwrap_or_default(),
            ds.md5.as_deref().map(code).unwrap_or_default(),
            ds.sha256.as_deref().map(code).unwrap_or_default()
        ));
    }
    h.push_str("</table>\n<table><tr><th>raw source</th><th>md5 (DVC)</th><th>sha256</th></tr>\n");
    for s in &t.sources {
        h.push_str(&format!("<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n", code(&s.path), s.md5.as_deref().map(code).unwrap_or_default(), s.sha256.as_deref().map(code).unwrap_or_default()));
    }
    h.push_str("</table>\n");
}

/// Every link of the chain with its status and what was checked.
fn verification(h: &mut String, t: &Trace) {
    h.push_str("<h2>Verification of every link</h2>\n<table><tr><th>link</th><th>status</th><th>what was checked</th></tr>\n");
    for c in &t.verification {
        h.push_str(&format!("<tr><td>{}</td><td><span class=\"pill {}\">{}</span></td><td>{}</td></tr>\n", esc(c.link.name()), c.status.name(), c.status.name(), esc(&c.detail)));
    }
    h.push_str("</table>\n");
}

/// The decision's group in the training set, attribute by attribute, then the whole set by raw
/// source and the notes.
fn group_profile(h: &mut String, d: &Dossier) {
    h.push_str("<h2>The decision's group in the training data</h2>\n");
    if let Some(tr) = &d.training {
        h.push_str(&format!("<p class=\"meta\">Training set {} ({} rows, sha256 {}){}.</p>\n", code(&tr.path), tr.rows, tr.sha256.as_deref().map(code).unwrap_or_default(), d.label.as_deref().map(|l| format!("; label {}", code(l))).unwrap_or_default()));
    }
    if d.group_profile.is_empty() {
        h.push_str("<p class=\"meta\">No attribute of the decision is a column of the training set.</p>\n");
    } else {
        h.push_str("<table><tr><th>attribute = decision's value</th><th>training rows</th><th>share</th><th>label rate in group</th><th>label rate overall</th><th>group rows by raw source</th></tr>\n");
        for g in &d.group_profile {
            h.push_str(&group_row(g));
        }
        h.push_str("</table>\n");
    }
    if !d.sources.is_empty() {
        let all: Vec<String> = d.sources.iter().map(|s| format!("{} {} rows ({})", code(&s.source), s.rows, pct(Some(s.share)))).collect();
        h.push_str(&format!("<p>The whole training set by raw source: {}.</p>\n", all.join(", ")));
    }
    for n in &d.notes {
        h.push_str(&format!("<p class=\"meta\">{}</p>\n", esc(n)));
    }
}

/// One attribute's row of the group profile: the group's rows, share, label rate and sources.
fn group_row(g: &GroupProfile) -> String {
    let (count, share, rate, comp) = match &g.group {
        Some(s) => (
            s.count.to_string(),
            format!("<span class=\"bar\" style=\"width:{:.0}px\"></span> {}", s.share * 120.0, pct(Some(s.share))),
            pct(s.base_rate),
            s.composition.iter().map(|c| format!("{} {} ({})", c.source.as_deref().map(code).unwrap_or_else(|| "unattributed".into()), c.rows, pct(Some(c.share)))).collect::<Vec<_>>().join("<br>"),
        ),
        None => ("0".into(), "0%".into(), "—".into(), String::new()),
    };
    format!("<tr><td>{} = {}</td><td>{count}</td><td>{share}</td><td>{rate}</td><td>{}</td><td>{comp}</td></tr>\n", code(&g.attribute), opt(&g.value), pct(g.overall.base_rate))
}
