//! What the CLI prints: the human summary and the JSON object scripts depend on.

use std::path::Path;

use custody::case::{LogCheck, LogEntry};
use custody::verify::{Finding, Status};
use custody::workflow::{Acquired, Investigation, Verification};
use serde_json::json;

/// Writes to stdout; a closed pipe (`custody graph … | head`) ends the program quietly.
pub fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("custody: cannot write output: {e}");
        std::process::exit(2);
    }
}

pub fn print_json(value: &serde_json::Value) {
    emit(&format!("{}\n", serde_json::to_string_pretty(value).expect("JSON output serializes")));
}

fn human_bytes(n: u64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1000.0 && i < units.len() - 1 {
        v /= 1000.0;
        i += 1;
    }
    if i == 0 { format!("{n} B") } else { format!("{v:.1} {}", units[i]) }
}

pub fn print_acquired(a: &Acquired) {
    println!(
        "Evidence: {} — {} sources, {} files, {} (register sha256 {})",
        a.root.display(),
        a.sources.len(),
        a.files,
        human_bytes(a.bytes),
        &a.register_sha256[..16]
    );
    for s in &a.sources {
        println!("  {:<14} {}", s.kind.name(), s.rel);
    }
}

pub fn print_investigation(r: &Investigation) {
    println!("Case: {}", r.case.display());
    print_acquired(&r.acquired);
    print_verification(&r.verification);
}

pub fn print_verification(v: &Verification) {
    println!("Lineage: {} nodes, {} edges", v.nodes, v.edges);
    let s = &v.summary;
    println!(
        "Findings: {} verified · {} unverifiable · {} missing · {} conflict · {} mismatch",
        s.verified, s.unverifiable, s.missing, s.conflict, s.mismatch
    );
    if s.signature_valid + s.untrusted_key + s.signature_invalid > 0 {
        println!(
            "Signatures: {} signature-valid · {} untrusted-key · {} signature-invalid",
            s.signature_valid, s.untrusted_key, s.signature_invalid
        );
    }
    let failures: Vec<&Finding> = v.findings.iter().filter(|f| f.status.is_failure()).collect();
    if !failures.is_empty() {
        println!();
    }
    for f in &failures {
        print_finding(f);
    }
    let unverifiable: Vec<&Finding> = v.findings.iter().filter(|f| f.status == Status::Unverifiable).collect();
    if !unverifiable.is_empty() {
        println!("\nUnverifiable ({}):", unverifiable.len());
        for f in unverifiable.iter().take(12) {
            println!("  {} {}: {}", f.node.kind.name(), f.node.label, f.detail);
        }
        if unverifiable.len() > 12 {
            println!("  … {} more (see --json)", unverifiable.len() - 12);
        }
    }
    println!();
    print_log_check(&v.log);
    if failures.is_empty() && v.log.intact {
        println!("Result: clean — no tampering, loss or contradiction found.");
    } else {
        println!("Result: {} finding(s) indicate tampering, loss or contradiction.", failures.len() + usize::from(!v.log.intact));
    }
}

fn print_finding(f: &Finding) {
    println!("{:<9} {} {}", f.status.name().to_uppercase(), f.node.kind.name(), f.node.label);
    println!("          {}", f.detail);
    if let Some(p) = &f.path {
        println!("          file:     {p}");
    }
    if let Some(src) = &f.source {
        println!("          claim by: {src}");
    }
    if let Some(e) = &f.expected {
        println!("          expected: {e}");
    }
    if let Some(o) = &f.observed {
        println!("          observed: {o}");
    }
    println!("          check:    {}   node: {}", f.check.name(), f.node.id);
}

fn print_log_check(c: &LogCheck) {
    if c.intact {
        println!("Case log: {} entries, hash chain intact", c.rows);
    } else {
        println!("Case log: {} entries, hash chain BROKEN", c.rows);
        for p in &c.problems {
            println!("  - {p}");
        }
    }
}

pub fn print_log(entries: &[LogEntry], check: &LogCheck) {
    for e in entries {
        println!("{:>4}  {}  {:<18} {}", e.seq, e.at, e.action, e.detail);
    }
    print_log_check(check);
}

pub fn verification_json(case: &Path, v: &Verification) -> serde_json::Value {
    json!({
        "case": case,
        "summary": v.summary,
        "lineage": { "nodes": v.nodes, "edges": v.edges },
        "log": v.log,
        "findings": v.findings,
    })
}

pub fn investigation_json(r: &Investigation) -> serde_json::Value {
    let mut v = verification_json(&r.case, &r.verification);
    v["evidence"] = json!(r.acquired);
    v
}

pub fn print_report_written(w: &custody::report::ReportWritten) {
    println!("Report written to {}", w.dir);
    for f in &w.files {
        println!("  {:<20} {} bytes  sha256 {}", f.name, f.size, f.sha256);
    }
    match &w.signed_by {
        Some(fp) => println!("  {:<20} DSSE envelope signed by key {fp}", custody::report::STATEMENT_FILE),
        None => println!("  {:<20} unsigned in-toto statement (sign with --sign KEY)", custody::report::STATEMENT_FILE),
    }
}

pub fn print_report_check(c: &custody::report::ReportCheck) {
    println!("Report: {}", c.dir);
    match &c.signer {
        Some(s) => println!("Signature: {} ({s})", c.signature),
        None => println!("Signature: {}", c.signature),
    }
    for f in &c.files {
        println!("  {:<4} {}", if f.ok { "ok" } else { "FAIL" }, f.name);
    }
    println!("Case log chain: {}", if c.log_intact { "intact" } else { "NOT intact" });
    for p in &c.problems {
        println!("  - {p}");
    }
    println!("Result: {}", if c.ok { "the report is intact and signed by a trusted key" } else { "the report does NOT verify" });
}
