//! The human-readable report: one self-contained HTML page (no scripts, no remote content),
//! laid out for the screen and for print.

use serde_json::Value;

/// Long tables are cut here in the page (the JSON holds everything).
const MAX_ROWS: usize = 2000;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

const STYLE: &str = "
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d232b;margin:2rem auto;max-width:1100px;padding:0 1rem}
h1{font-size:1.6rem;margin:0 0 .2rem}h2{font-size:1.15rem;border-bottom:1px solid #d0d6de;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:12.5px}th,td{border:1px solid #d8dde3;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f2f4f7}code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
.meta{color:#55606d}.pill{display:inline-block;border-radius:9px;padding:0 .5rem;font-size:11.5px;font-weight:600;color:#fff;white-space:nowrap}
.verified{background:#2c8a3a}.signature-valid{background:#1f6fb4}.unverifiable{background:#7a8591}.untrusted-key{background:#b58100}
.missing{background:#7d4cb0}.conflict{background:#d96a00}.mismatch,.signature-invalid{background:#c62828}
.summary td{text-align:center;font-size:1.1rem}.note{color:#55606d;font-style:italic}
@media print{body{margin:0;max-width:none;font-size:11px}h2{break-after:avoid}tr{break-inside:avoid}.pill{color:#000;border:1px solid #000;background:none}}
";

/// The page: the heading, then one section after the other.
pub fn render(data: &Value) -> String {
    let mut h = String::new();
    head(&mut h, &data["case"]);
    summary(&mut h, data);
    findings(&mut h, data);
    // the report's graph read back as typed nodes (a node that does not read is not listed)
    let nodes: Vec<custody_lineage::Node> = data["graph"]["nodes"].as_array().into_iter().flatten().filter_map(|n| serde_json::from_value(n.clone()).ok()).collect();
    signatures(&mut h, &nodes);
    trusted_keys(&mut h, data);
    register(&mut h, data);
    lineage(&mut h, data, &nodes);
    log(&mut h, data);
    h.push_str("</body></html>\n");
    h
}

/// The document's head and the report's title and provenance (which case, written when, by what).
fn head(h: &mut String, case: &Value) {
    h.push_str("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">");
    h.push_str(&format!("<title>Evidence report: {}</title><style>{STYLE}</style></head><body>\n", esc(&text(&case["title"]))));
    h.push_str(&format!("<h1>Evidence report: {}</h1>\n", esc(&text(&case["title"]))));
    h.push_str(&format!(
        "<p class=\"meta\">Case file <code>{}</code>, opened {} by {}. Report written by Custody {} on {}. The files of this report are listed by SHA-256 in <code>report.intoto.json</code>; <code>custody report verify</code> re-checks them.</p>\n",
        esc(&text(&case["file"])),
        esc(&text(&case["created_at"])),
        esc(&text(&case["created_by"])),
        env!("CARGO_PKG_VERSION"),
        esc(&custody_evidence::clock::now())
    ));
}

/// The count of findings by status, and the state of the case log's hash chain.
fn summary(h: &mut String, data: &Value) {
    let summary = &data["verification"]["summary"];
    h.push_str("<h2>Verification summary</h2>\n<table class=\"summary\"><tr>");
    for st in custody_verify::Status::ALL {
        h.push_str(&format!("<th><span class=\"pill {0}\">{0}</span></th>", st.name()));
    }
    h.push_str("</tr><tr>");
    for st in custody_verify::Status::ALL {
        h.push_str(&format!("<td>{}</td>", text(&summary[st.name().replace('-', "_")])));
    }
    h.push_str("</tr></table>\n");
    let log_check = &data["log"]["check"];
    h.push_str(&format!(
        "<p>Case log: {} entries, hash chain {}.</p>\n",
        text(&log_check["rows"]),
        if log_check["intact"].as_bool() == Some(true) { "intact" } else { "<strong>BROKEN</strong>" }
    ));
}

/// The findings of the latest verification, up to [`MAX_ROWS`] (report.json holds them all).
fn findings(h: &mut String, data: &Value) {
    let findings = data["verification"]["findings"].as_array().cloned().unwrap_or_default();
    h.push_str(&format!("<h2>Findings ({})</h2>\n", findings.len()));
    h.push_str("<table><tr><th>Status</th><th>Node</th><th>Detail</th><th>File / record</th><th>Expected / observed</th></tr>\n");
    for f in findings.iter().take(MAX_ROWS) {
        let status = text(&f["status"]);
        h.push_str(&format!(
            "<tr><td><span class=\"pill {0}\">{0}</span><br><span class=\"meta\">{1}</span></td><td>{2}<br><code>{3}</code></td><td>{4}</td><td><code>{5}</code><br>{6}</td><td class=\"mono\">{7}<br>{8}</td></tr>\n",
            esc(&status),
            esc(&text(&f["check"])),
            esc(&text(&f["node"]["kind"])),
            esc(&text(&f["node"]["label"])),
            esc(&text(&f["detail"])),
            esc(&text(&f["path"])),
            esc(format!("{} {}", text(&f["source"]["file"]), text(&f["source"]["record"])).trim()),
            esc(&text(&f["expected"])),
            esc(&text(&f["observed"])),
        ));
    }
    h.push_str("</table>\n");
    if findings.len() > MAX_ROWS {
        h.push_str(&format!("<p class=\"note\">{} more findings are in report.json.</p>\n", findings.len() - MAX_ROWS));
    }
}

/// The signatures in the lineage: what each signs, its status, signer and key.
fn signatures(h: &mut String, nodes: &[custody_lineage::Node]) {
    let sigs: Vec<(&custody_lineage::Node, &custody_lineage::payload::SignatureFacts)> = nodes.iter().filter_map(|n| Some((n, n.payload.signature()?))).collect();
    h.push_str(&format!("<h2>Signatures ({})</h2>\n", sigs.len()));
    if !sigs.is_empty() {
        h.push_str("<table><tr><th>Signature</th><th>Format</th><th>Status</th><th>Signer</th><th>Key</th></tr>\n");
        let or_empty = |v: &Option<String>| v.clone().unwrap_or_default();
        for (n, s) in sigs {
            let status = esc(n.status.map(|s| s.name()).unwrap_or(""));
            h.push_str(&format!(
                "<tr><td>{}<br><code>{}</code></td><td>{}</td><td><span class=\"pill {status}\">{status}</span></td><td>{}</td><td class=\"mono\">{}<br><span class=\"meta\">{}</span></td></tr>\n",
                esc(&n.label),
                esc(&or_empty(&s.path)),
                esc(&s.format),
                esc(&or_empty(&s.signer)),
                esc(&or_empty(&s.key_fingerprint)),
                esc(&or_empty(&s.key_origin)),
            ));
        }
        h.push_str("</table>\n");
    }
}

/// The keys the investigator trusted, or a note that there were none.
fn trusted_keys(h: &mut String, data: &Value) {
    let keys = data["trusted_keys"].as_array().cloned().unwrap_or_default();
    h.push_str(&format!("<h2>Keys trusted by the investigator ({})</h2>\n", keys.len()));
    if keys.is_empty() {
        h.push_str("<p class=\"note\">None: no signature in this case was checked against a trusted key.</p>\n");
    } else {
        h.push_str("<table><tr><th>Key</th><th>Algorithm</th><th>Fingerprint (SHA-256 of SPKI)</th><th>Supplied as</th></tr>\n");
        for k in keys {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td class=\"mono\">{}</td><td><code>{}</code></td></tr>\n",
                esc(&text(&k["label"])),
                esc(&text(&k["algorithm"])),
                esc(&text(&k["fingerprint"])),
                esc(&text(&k["file"]))
            ));
        }
        h.push_str("</table>\n");
    }
}

/// The evidence register: each evidence root, then its files with their digests at acquisition.
fn register(h: &mut String, data: &Value) {
    h.push_str("<h2>Evidence register</h2>\n");
    for root in data["evidence"].as_array().cloned().unwrap_or_default() {
        h.push_str(&format!(
            "<p><strong>{}</strong> <code>{}</code>: {} files, {} bytes, register SHA-256 <code>{}</code>, acquired {}.</p>\n",
            esc(&text(&root["label"])),
            esc(&text(&root["root"])),
            text(&root["files"]),
            text(&root["bytes"]),
            esc(&text(&root["register_sha256"])),
            esc(&text(&root["added_at"]))
        ));
        let register = root["register"].as_array().cloned().unwrap_or_default();
        h.push_str("<table><tr><th>File</th><th>Size</th><th>SHA-256 at acquisition</th></tr>\n");
        for e in register.iter().take(MAX_ROWS) {
            h.push_str(&format!("<tr><td><code>{}</code></td><td>{}</td><td class=\"mono\">{}</td></tr>\n", esc(&text(&e["rel"])), text(&e["size"]), esc(&text(&e["sha256"]))));
        }
        h.push_str("</table>\n");
        if register.len() > MAX_ROWS {
            h.push_str(&format!("<p class=\"note\">{} more files are in report.json.</p>\n", register.len() - MAX_ROWS));
        }
    }
}

/// The lineage as a table: every node but the files without a status, by kind and label.
fn lineage(h: &mut String, data: &Value, nodes: &[custody_lineage::Node]) {
    h.push_str(&format!("<h2>Lineage ({} nodes, {} edges)</h2>\n", nodes.len(), data["graph"]["edges"].as_array().map(Vec::len).unwrap_or(0)));
    h.push_str("<p class=\"meta\">The full graph is in lineage.prov.json (W3C PROV-JSON) and report.json.</p>\n<table><tr><th>Kind</th><th>Node</th><th>Status</th></tr>\n");
    let mut shown: Vec<&custody_lineage::Node> = nodes.iter().filter(|n| n.kind() != custody_lineage::NodeKind::File || n.status.is_some()).collect();
    shown.sort_by_key(|n| (n.kind().name(), n.label.clone()));
    for n in shown.iter().take(MAX_ROWS) {
        let status = n.status.map(|s| s.name()).unwrap_or("");
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}<br><code>{}</code></td><td>{}</td></tr>\n",
            esc(n.kind().name()),
            esc(&n.label),
            esc(&n.id),
            if status.is_empty() { String::new() } else { format!("<span class=\"pill {0}\">{0}</span>", esc(status)) }
        ));
    }
    h.push_str("</table>\n");
}

/// The case log, every entry with its hash.
fn log(h: &mut String, data: &Value) {
    let rows = data["log"]["rows"].as_array().cloned().unwrap_or_default();
    h.push_str(&format!("<h2>Case log ({} entries)</h2>\n<table><tr><th>#</th><th>At</th><th>Action</th><th>Detail</th><th>Hash</th></tr>\n", rows.len()));
    for r in &rows {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td></tr>\n",
            text(&r["seq"]),
            esc(&text(&r["at"])),
            esc(&text(&r["action"])),
            esc(&text(&r["detail"])),
            esc(&text(&r["hash"]))
        ));
    }
    h.push_str("</table>\n");
}
