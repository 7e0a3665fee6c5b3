//! What the CLI prints: the human summary and the JSON object scripts depend on.

use std::path::Path;

use custody::case::{LogCheck, LogEntry};
use custody::verify::{Finding, Status};

use crate::escape;
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

/// `println!` that ends quietly on a closed pipe instead of panicking.
macro_rules! out {
    () => { $crate::output::emit("\n") };
    ($($arg:tt)*) => { $crate::output::emit(&format!("{}\n", format_args!($($arg)*))) };
}
pub(crate) use out;

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
    out!(
        "Evidence: {} — {} sources, {} files, {} (register sha256 {})",
        a.root.display(),
        a.sources.len(),
        a.files,
        human_bytes(a.bytes),
        &a.register_sha256[..16]
    );
    for s in &a.sources {
        out!("  {:<14} {}", s.kind.name(), s.rel);
    }
}

pub fn print_investigation(r: &Investigation) {
    out!("Case: {}", r.case.display());
    print_acquired(&r.acquired);
    print_verification(&r.verification);
}

pub fn print_verification(v: &Verification) {
    out!("Lineage: {} nodes, {} edges", v.nodes, v.edges);
    let s = &v.summary;
    let counts: Vec<String> = Status::ALL.iter().filter(|st| s.count(**st) > 0).map(|st| format!("{} {}", s.count(*st), st.name())).collect();
    out!("Findings: {}", if counts.is_empty() { "none".to_string() } else { counts.join(" · ") });
    let mut class = None;
    for g in &v.groups {
        if class != Some(g.class) {
            class = Some(g.class);
            let n: usize = v.groups.iter().filter(|h| h.class == g.class).map(|h| h.members.len()).sum();
            let note = if g.class.is_failure() { "" } else { " — not failures" };
            out!("\n== {} ({n}){note}", g.class.heading());
        }
        print_group(v, g);
    }
    print_coverage(&v.coverage);
    out!();
    print_log_check(&v.log);
    out!("Verdict: {}", escape::text(&v.verdict));
    if v.has_failures() {
        let failures = v.findings.iter().filter(|f| f.status.is_failure()).count() + usize::from(!v.log.intact);
        out!("Result: {failures} finding(s) indicate tampering, loss or contradiction.");
    } else {
        out!("Result: clean — no tampering, loss or contradiction found.");
    }
}

/// A group: failures in full (up to a limit), the rest as one line per member.
fn print_group(v: &Verification, g: &custody::verify::verdict::FindingGroup) {
    const FULL: usize = 20;
    const LISTED: usize = 8;
    let members: Vec<&Finding> = g.members.iter().map(|&i| &v.findings[i]).collect();
    if g.class.is_failure() {
        if members.len() > 1 {
            out!("-- {}", escape::text(&g.title));
        }
        for f in members.iter().take(FULL) {
            print_finding(f);
        }
        if members.len() > FULL {
            out!("   … {} more of this kind (see --json)", members.len() - FULL);
        }
        return;
    }
    out!("-- {}", escape::text(&g.title));
    if members.len() == 1 {
        out!("   {} {}: {}", members[0].node.kind.name(), escape::text(&members[0].node.label), escape::text(&members[0].detail));
        return;
    }
    for f in members.iter().take(LISTED) {
        out!("   {} {}", f.node.kind.name(), escape::text(&f.node.label));
    }
    if members.len() > LISTED {
        out!("   … {} more (see --json)", members.len() - LISTED);
    }
    out!("   e.g. {}", escape::text(&members[0].detail));
}

fn print_coverage(c: &custody::verify::coverage::Coverage) {
    out!("\nCoverage: {} files — {} read by a source reader, {} covered by a check, {} not interpreted", c.files, c.read, c.checked, c.not_interpreted);
    for g in &c.groups {
        let marker = if g.known_format { "NOT READ" } else { "not interpreted" };
        out!("  {marker:<15} {} — {} file{}", escape::text(&g.description), g.files, if g.files == 1 { "" } else { "s" });
    }
}

fn print_finding(f: &Finding) {
    out!("{:<9} {} {}", f.status.name().to_uppercase(), f.node.kind.name(), escape::text(&f.node.label));
    out!("          {}", escape::text(&f.detail));
    if let Some(p) = &f.path {
        out!("          file:     {}", escape::text(p));
    }
    if let Some(src) = &f.source {
        out!("          claim by: {}", escape::text(&src.to_string()));
    }
    if let Some(e) = &f.expected {
        out!("          expected: {}", escape::text(e));
    }
    if let Some(o) = &f.observed {
        out!("          observed: {}", escape::text(o));
    }
    out!("          check:    {}   node: {}", f.check.name(), escape::text(&f.node.id));
}

fn print_log_check(c: &LogCheck) {
    if c.intact {
        out!("Case log: {} entries, hash chain intact", c.rows);
    } else {
        out!("Case log: {} entries, hash chain BROKEN", c.rows);
        for p in &c.problems {
            out!("  - {p}");
        }
    }
}

pub fn print_log(entries: &[LogEntry], check: &LogCheck) {
    for e in entries {
        out!("{:>4}  {}  {:<18} {}", e.seq, e.at, e.action, e.detail);
    }
    print_log_check(check);
}

pub fn verification_json(case: &Path, v: &Verification) -> serde_json::Value {
    json!({
        "case": case,
        "verdict": v.verdict,
        "summary": v.summary,
        "groups": v.groups,
        "coverage": v.coverage,
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
    out!("Report written to {}", w.dir);
    for f in &w.files {
        out!("  {:<20} {} bytes  sha256 {}", f.name, f.size, f.sha256);
    }
    match &w.signed_by {
        Some(fp) => out!("  {:<20} DSSE envelope signed by key {fp}", custody::report::STATEMENT_FILE),
        None => out!("  {:<20} unsigned in-toto statement (sign with --sign KEY)", custody::report::STATEMENT_FILE),
    }
}

pub fn print_report_check(c: &custody::report::ReportCheck) {
    out!("Report: {}", c.dir);
    match &c.signer {
        Some(s) => out!("Signature: {} ({s})", c.signature),
        None => out!("Signature: {}", c.signature),
    }
    for f in &c.files {
        out!("  {:<4} {}", if f.ok { "ok" } else { "FAIL" }, f.name);
    }
    out!("Case log chain: {}", if c.log_intact { "intact" } else { "NOT intact" });
    for p in &c.problems {
        out!("  - {p}");
    }
    out!("Result: {}", if c.ok { "the report is intact and signed by a trusted key" } else { "the report does NOT verify" });
}

/// The human form of a lineage diff: root causes first, each with its drill-down, then the
/// downstream nodes, then metrics side by side.
pub fn print_diff(d: &custody::diff::LineageDiff, reference_a: &str, reference_b: &str, all_params: bool) {
    let mut out = String::new();
    write_diff_sides(&mut out, d, reference_a, reference_b);
    write_alignment(&mut out, d);
    write_root_causes(&mut out, d, all_params);
    write_downstream(&mut out, d);
    write_metrics(&mut out, d);
    emit(&out);
}

/// The two lineages compared, each by the reference given and the node it resolved to.
fn write_diff_sides(out: &mut String, d: &custody::diff::LineageDiff, reference_a: &str, reference_b: &str) {
    use std::fmt::Write;
    for (side, reference, node) in [("A", reference_a, &d.a), ("B", reference_b, &d.b)] {
        let named = if reference == node.label || reference == node.id { String::new() } else { format!("{reference} = ") };
        let _ = writeln!(out, "{side}: {named}{} ({})", node.label, node.id);
    }
}

/// How the two upstreams aligned: shared nodes, pairs, and nodes on one side only.
fn write_alignment(out: &mut String, d: &custody::diff::LineageDiff) {
    use custody::diff::align::Presence;
    use std::fmt::Write;
    let count = |f: &dyn Fn(&custody::diff::compare::AlignedNode) -> bool| d.pairs.iter().filter(|p| f(p)).count();
    let shared = count(&|p| p.a.is_some() && p.a.as_ref().map(|n| &n.id) == p.b.as_ref().map(|n| &n.id));
    let paired = count(&|p| p.presence == Presence::Both) - shared;
    let (added, removed, unrecorded) = (count(&|p| p.presence == Presence::Added), count(&|p| p.presence == Presence::Removed), count(&|p| p.presence == Presence::Unrecorded));
    let _ = writeln!(
        out,
        "Upstream, aligned: {shared} nodes shared, {paired} pairs, {added} only in B, {removed} only in A, {unrecorded} recorded on one side only"
    );
}

/// "No divergence", or the root causes, each with its drill-down.
fn write_root_causes(out: &mut String, d: &custody::diff::LineageDiff, all_params: bool) {
    use custody::diff::Detail;
    use std::fmt::Write;
    if d.is_same() {
        let _ = writeln!(out, "\nNo divergence: the two lineages are the same upstream.");
    }
    if !d.divergences.is_empty() {
        let _ = writeln!(out, "\nRoot causes ({}): differ while their own inputs are equal", d.divergences.len());
    }
    for div in &d.divergences {
        let _ = writeln!(out, "  {:<12} {}", div.kind.name(), div.summary);
        match &div.detail {
            Detail::Code(c) => write_code_detail(out, c),
            Detail::Params(p) => write_params_detail(out, p, all_params),
            Detail::Environment(e) => write_environment_detail(out, e),
            Detail::Data(data) => write_data_detail(out, data),
            Detail::Model(m) => {
                for f in &m.files {
                    let _ = writeln!(out, "{:15}{:<9} {}", "", f.change.name(), f.name);
                }
            }
            Detail::Identity { .. } => {}
        }
    }
}

/// A code divergence: the commits between the two, the files changed, who else saw them.
fn write_code_detail(out: &mut String, c: &custody::diff::compare::CodeDetail) {
    use std::fmt::Write;
    for commit in &c.commits {
        let _ = writeln!(out, "{:15}+ {} {}", "", custody::text::head(&commit.sha, 8), commit.summary);
    }
    for commit in &c.commits_only_in_from {
        let _ = writeln!(out, "{:15}- {} {}", "", custody::text::head(&commit.sha, 8), commit.summary);
    }
    for f in &c.files {
        let counts = if f.binary { "binary".to_string() } else { format!("+{} -{}", f.lines_added, f.lines_removed) };
        let _ = writeln!(out, "{:15}{:<9} {} ({counts})", "", f.status.name(), f.path);
    }
    for w in &c.also_seen {
        let _ = writeln!(out, "{:15}also seen by {} ({})", "", w.label, w.id);
    }
    if let Some(n) = &c.note {
        let _ = writeln!(out, "{:15}{n}", "");
    }
}

/// A parameter divergence: one line per change (and per unchanged parameter with `--all`).
fn write_params_detail(out: &mut String, p: &custody::diff::compare::ParamsDetail, all_params: bool) {
    use std::fmt::Write;
    for c in p.changes.iter().chain(p.unchanged.iter().filter(|_| all_params)) {
        let line = match c {
            custody::diff::ParamChange::Added { name, b } => format!("+ {name} = {b}"),
            custody::diff::ParamChange::Removed { name, a } => format!("- {name} = {a}"),
            custody::diff::ParamChange::Changed { name, a, b } => format!("~ {name}: {a} → {b}"),
            custody::diff::ParamChange::Unchanged { name, value } => format!("  {name} = {value}"),
        };
        let _ = writeln!(out, "{:15}{line}", "");
    }
}

/// An environment divergence: the package changes of each environment file that changed.
fn write_environment_detail(out: &mut String, e: &custody::diff::compare::EnvironmentDetail) {
    use std::fmt::Write;
    for f in e.files.iter().filter(|f| !f.changes.is_empty()) {
        let _ = writeln!(out, "{:15}{}:", "", f.role);
        for c in &f.changes {
            let line = match c {
                custody::diff::PackageChange::Added { package, b } => format!("+ {package}{b}"),
                custody::diff::PackageChange::Removed { package, a } => format!("- {package}{a}"),
                custody::diff::PackageChange::Changed { package, a, b } => format!("~ {package} {a} → {b}"),
            };
            let _ = writeln!(out, "{:17}{line}", "");
        }
    }
}

/// What differs only because of the root causes (data with its drill-down).
fn write_downstream(out: &mut String, d: &custody::diff::LineageDiff) {
    use custody::diff::Detail;
    use std::fmt::Write;
    if !d.downstream.is_empty() {
        let _ = writeln!(out, "\nDownstream ({}): differ only because of the root causes", d.downstream.len());
        for div in &d.downstream {
            let _ = writeln!(out, "  {:<12} {}", div.kind.name(), div.summary);
            if let Detail::Data(data) = &div.detail {
                write_data_detail(out, data);
            }
        }
    }
}

/// The two runs' metrics side by side.
fn write_metrics(out: &mut String, d: &custody::diff::LineageDiff) {
    use std::fmt::Write;
    if !d.metrics.is_empty() {
        let _ = writeln!(out, "\nMetrics (A → B)");
        let num = |v: Option<f64>| v.map(|x| format!("{x:.4}")).unwrap_or_else(|| "-".into());
        for m in &d.metrics {
            let _ = writeln!(out, "  {:<24} {:>10} → {:<10}", m.name, num(m.a), num(m.b));
        }
    }
}

/// A data divergence: members added or removed, how each table's columns moved, profiles, notes.
fn write_data_detail(out: &mut String, data: &custody::diff::compare::DataDetail) {
    use std::fmt::Write;
    for m in &data.members_added {
        let _ = writeln!(out, "{:15}added    {m}", "");
    }
    for m in &data.members_removed {
        let _ = writeln!(out, "{:15}removed  {m}", "");
    }
    // each table's counts are in the divergence's summary; here, how its columns moved
    for t in &data.tables {
        let shifted: Vec<&custody::diff::data::ColumnShift> = t.columns.iter().filter(|c| c.a != c.b).collect();
        if shifted.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{:15}{} columns (A → B):", "", if t.member.is_empty() { "table" } else { &t.member });
        for c in shifted {
            let _ = writeln!(out, "{:17}{:<22} {}", "", c.name, column_shift(c, t.rows_a, t.rows_b));
        }
    }
    for p in &data.profiles {
        let name = if p.member.is_empty() { String::new() } else { format!("{}: ", p.member) };
        let _ = writeln!(out, "{:15}{name}{} rows, {} columns", "", p.rows, p.columns.len());
    }
    for n in &data.notes {
        let _ = writeln!(out, "{:15}note: {n}", "");
    }
}

/// How one column moved, in a few words: the mean of a numeric column; for other columns the
/// value whose share moved most (or the number of distinct values, for identifiers).
fn column_shift(c: &custody::diff::data::ColumnShift, rows_a: usize, rows_b: usize) -> String {
    use custody::diff::data::ColumnSummary;
    let (a, b) = match (&c.a, &c.b) {
        (Some(a), Some(b)) => (a, b),
        (None, Some(_)) => return "added".into(),
        (Some(_), None) => return "removed".into(),
        (None, None) => return String::new(),
    };
    let changed = if c.changed_rows > 0 { format!(", {} rows changed", c.changed_rows) } else { String::new() };
    if let (Some(x), Some(y)) = (a.mean, b.mean) {
        return format!("mean {x:.4} → {y:.4}{changed}");
    }
    let identifier = |s: &ColumnSummary, rows: usize| s.distinct.is_some_and(|d| rows > 0 && d * 2 > rows);
    if identifier(a, rows_a) || identifier(b, rows_b) {
        return format!("{} → {} distinct values{changed}", a.distinct.unwrap_or(0), b.distinct.unwrap_or(0));
    }
    let share = |s: &ColumnSummary, v: &str| s.top.iter().find(|(x, _)| x == v).map(|(_, f)| *f).unwrap_or(0.0);
    let moved = a.top.iter().chain(&b.top).map(|(v, _)| v).max_by(|x, y| {
        let dx = (share(b, x) - share(a, x)).abs();
        let dy = (share(b, y) - share(a, y)).abs();
        dx.total_cmp(&dy).then_with(|| y.cmp(x))
    });
    match moved {
        Some(v) => format!("`{v}` {:.1}% → {:.1}%{changed}", share(a, v) * 100.0, share(b, v) * 100.0),
        None => format!("{} → {}{changed}", a.dtype, b.dtype),
    }
}

fn status_word(s: Status) -> &'static str {
    s.name()
}

fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The chain behind one decision, indented link by link, then every check.
pub fn print_trace(t: &custody::trace::Trace) {
    let p = &t.prediction;
    let mut out = String::new();
    let outcome = [p.decision.as_ref().map(|d| format!("decision {}", json_text(d))), p.score.as_ref().map(|s| format!("score {}", json_text(s)))].into_iter().flatten().collect::<Vec<_>>().join(", ");
    out.push_str(&format!("Prediction {} ({}{}) — {} {}\n", p.id, p.time.as_deref().unwrap_or("time not logged"), if outcome.is_empty() { String::new() } else { format!(", {outcome}") }, p.log, p.record));
    if let Some(gt) = &p.ground_truth {
        out.push_str(&format!("  ground truth: {}\n", json_text(gt)));
    }
    if !p.inputs.is_empty() {
        let inputs: Vec<String> = p.inputs.iter().map(|(k, v)| format!("{k}={}", json_text(v))).collect();
        out.push_str(&format!("  inputs: {}\n", inputs.join(" ")));
    }
    let m = &t.model;
    let alias = match (&m.alias, &m.alias_now) {
        (Some(a), Some(now)) => format!(" served as @{a} (now on version {now})"),
        (Some(a), None) => format!(" served as @{a}"),
        _ => String::new(),
    };
    out.push_str(&format!("└─ model {} version {}{alias}\n", m.name.as_deref().unwrap_or("?"), m.version.as_deref().unwrap_or("?")));
    out.push_str(&format!("   └─ artifact sha256 {}{}\n", m.digest.as_deref().unwrap_or("not logged"), if m.artifacts.is_empty() { String::new() } else { format!(" = {}", m.artifacts.join(", ")) }));
    match &t.run {
        Some(r) => {
            out.push_str(&format!("      └─ run {} ({}{})\n", r.id, r.name, r.user.as_deref().map(|u| format!(", by {u}")).unwrap_or_default()));
            if let Some(c) = &t.commit {
                out.push_str(&format!("         ├─ commit {} {}{}\n", c.sha, c.summary, if c.tags.is_empty() { String::new() } else { format!(" ({})", c.tags.join(", ")) }));
            }
            let params: Vec<String> = t.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
            out.push_str(&format!("         ├─ params {}\n", params.join(" ")));
            for e in &t.environment {
                out.push_str(&format!("         ├─ environment {}\n", e.path));
            }
            for (i, d) in t.datasets.iter().enumerate() {
                let last = i + 1 == t.datasets.len();
                out.push_str(&format!(
                    "         {} {} dataset {}{} sha256 {}\n",
                    if last { "└─" } else { "├─" },
                    d.role,
                    d.path,
                    d.md5.as_deref().map(|m| format!(" md5 {m}")).unwrap_or_default(),
                    d.sha256.as_deref().unwrap_or("(bytes not in the evidence)")
                ));
            }
            for s in &t.sources {
                out.push_str(&format!("            └─ raw source {} md5 {} sha256 {}\n", s.path, s.md5.as_deref().unwrap_or("-"), s.sha256.as_deref().unwrap_or("(bytes not in the evidence)")));
            }
        }
        None => out.push_str("      └─ (no training run found)\n"),
    }
    if !t.also_logged.is_empty() {
        out.push_str(&format!("Also logged in: {}\n", t.also_logged.join(", ")));
    }
    out.push_str("\nVerification:\n");
    for c in &t.verification {
        out.push_str(&format!("  {:<16} {:<12} {}\n", status_word(c.status), c.link.name(), c.detail));
    }
    out.push_str(&format!("\nResult: {}\n", if t.failures == 0 { "every link of the chain checks out".to_string() } else { format!("{} failing check{}", t.failures, if t.failures == 1 { "" } else { "s" }) }));
    emit(&out);
}

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:.1}%", x * 100.0)).unwrap_or_else(|| "-".into())
}

/// Per group: counts, shares, rates; then disparities and where the rows came from.
pub fn print_slice(r: &custody::workflow::SliceReport) {
    let s = &r.stats;
    let mut out = String::new();
    write_slice_heading(&mut out, r);
    let columns = SliceColumns { reference: r.reference.is_some(), label: s.label.is_some(), prediction: s.prediction.is_some() };
    out.push_str(&slice_header(columns));
    out.push('\n');
    for g in s.groups.iter().chain(std::iter::once(&s.overall)) {
        out.push_str(&slice_row(g, columns));
        out.push('\n');
    }
    if let Some(d) = &s.disparity {
        write_disparity(&mut out, d);
    }
    if !s.sources.is_empty() {
        write_slice_sources(&mut out, s);
    }
    for n in &s.notes {
        out.push_str(&format!("Note: {n}\n"));
    }
    emit(&out);
}

/// Which of the slice table's optional columns are shown.
#[derive(Clone, Copy)]
struct SliceColumns {
    reference: bool,
    label: bool,
    prediction: bool,
}

/// What was sliced (the table, the reference table) and by what.
fn write_slice_heading(out: &mut String, r: &custody::workflow::SliceReport) {
    let s = &r.stats;
    out.push_str(&format!("Table {} ({} rows{}; read from {})\n", r.dataset.path, s.rows, r.dataset.sha256.as_deref().map(|h| format!(", sha256 {}", custody::text::head(h, 16))).unwrap_or_default(), r.dataset.read_from));
    if let Some(reference) = &r.reference {
        out.push_str(&format!("Reference {} ({} rows)\n", reference.path, s.reference_rows.unwrap_or(reference.rows)));
    }
    out.push_str(&format!("By {}{}{}\n\n", s.by.join(", "), s.label.as_deref().map(|l| format!("; label {l}")).unwrap_or_default(), s.prediction.as_deref().map(|p| format!("; prediction {p}")).unwrap_or_default()));
}

/// The slice table's header line.
fn slice_header(columns: SliceColumns) -> String {
    let mut header = format!("{:<28} {:>8} {:>7}", "group", "count", "share");
    if columns.reference {
        header.push_str(&format!(" {:>9} {:>9}", "ref share", "ref count"));
    }
    if columns.label {
        header.push_str(&format!(" {:>9}", "base rate"));
        if columns.reference {
            header.push_str(&format!(" {:>9}", "ref base"));
        }
    }
    if columns.prediction {
        header.push_str(&format!(" {:>9} {:>7} {:>7} {:>7}", "selection", "TPR", "FPR", "DI"));
    }
    header
}

/// One group's line of the slice table (the overall line has an empty key: `(all)`).
fn slice_row(g: &custody::slice::GroupStats, columns: SliceColumns) -> String {
    let key = if g.key.is_empty() { "(all)".to_string() } else { g.key.iter().map(|k| k.as_deref().unwrap_or("(null)")).collect::<Vec<_>>().join(" / ") };
    let mut line = format!("{:<28} {:>8} {:>7}", key, g.count, pct(Some(g.share)));
    if columns.reference {
        line.push_str(&format!(" {:>9} {:>9}", pct(g.reference_share), g.reference_count.map(|c| c.to_string()).unwrap_or_else(|| "-".into())));
    }
    if columns.label {
        line.push_str(&format!(" {:>9}", pct(g.base_rate)));
        if columns.reference {
            line.push_str(&format!(" {:>9}", pct(g.reference_base_rate)));
        }
    }
    if columns.prediction {
        let di = g.disparate_impact.map(|d| format!("{d:.2}{}", if g.four_fifths_flag { "*" } else { "" })).unwrap_or_else(|| "-".into());
        line.push_str(&format!(" {:>9} {:>7} {:>7} {:>7}", pct(g.selection_rate), pct(g.true_positive_rate), pct(g.false_positive_rate), di));
    }
    line
}

/// Demographic parity, equalized odds and the four-fifths rule.
fn write_disparity(out: &mut String, d: &custody::slice::Disparity) {
    out.push_str(&format!(
        "\nDemographic parity difference {:.4}, ratio {}; equalized odds difference {}, ratio {}\n",
        d.demographic_parity_difference,
        d.demographic_parity_ratio.map(|x| format!("{x:.4}")).unwrap_or_else(|| "-".into()),
        d.equalized_odds_difference.map(|x| format!("{x:.4}")).unwrap_or_else(|| "-".into()),
        d.equalized_odds_ratio.map(|x| format!("{x:.4}")).unwrap_or_else(|| "-".into()),
    ));
    if d.four_fifths_violations > 0 {
        out.push_str(&format!("Four-fifths rule: {} group{} below 0.8 of the highest selection rate (marked *)\n", d.four_fifths_violations, if d.four_fifths_violations == 1 { "" } else { "s" }));
    }
}

/// The rows by raw source: the whole table, then each group, then the sources matched through
/// renamed columns.
fn write_slice_sources(out: &mut String, s: &custody::slice::SliceStats) {
    out.push_str("\nRows by raw source:\n");
    for c in &s.sources {
        out.push_str(&format!("  {:<40} {:>8} {:>7}\n", c.source, c.rows, pct(Some(c.share))));
    }
    let any_group = s.groups.iter().any(|g| g.composition.len() > 1);
    if any_group {
        out.push_str("By group:\n");
        for g in &s.groups {
            let key = g.key.iter().map(|k| k.as_deref().unwrap_or("(null)")).collect::<Vec<_>>().join(" / ");
            let parts: Vec<String> = g.composition.iter().map(|c| format!("{} {} ({})", c.source.as_deref().unwrap_or("unattributed"), c.rows, pct(Some(c.share)))).collect();
            out.push_str(&format!("  {:<26} {}\n", key, parts.join(", ")));
        }
    }
    for m in s.matched_on.iter().filter(|m| !m.renamed.is_empty()) {
        let renames: Vec<String> = m.renamed.iter().map(|(a, b)| format!("{a} → {b}")).collect();
        out.push_str(&format!("  {} matched through renamed columns: {}\n", m.source, renames.join(", ")));
    }
}
