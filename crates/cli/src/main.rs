//! The `custody` command line: a thin layer over the engine. Each subcommand unpacks its
//! arguments, calls one engine use case, prints the result, and maps it to an exit code:
//! 0 clean, 1 findings that indicate tampering, loss or contradiction, 2 bad usage or
//! unreadable input (the message names the file and the problem).

mod escape;
mod output;
mod terminal;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use custody::case::Case;
use custody::sources::SourceKind;
use custody::workflow::{self, DigestCache};

#[derive(Parser)]
#[command(name = "custody", version, about = "Offline forensic workbench for ML lineage: rebuild, re-verify, explain.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Discover every source under DIR, acquire it into a case, build the lineage, verify, summarise.
    Investigate {
        /// The evidence folder (never written to).
        dir: PathBuf,
        /// The case file to create or extend (default: DIR's name with `.custody`, outside DIR).
        #[arg(long)]
        case: Option<PathBuf>,
        /// A key file to trust for signatures (PEM, OpenSSH public key, allowed-signers, in-toto
        /// key JSON); repeatable; kept in the case.
        #[arg(long, value_name = "FILE")]
        trust: Vec<PathBuf>,
        /// A keyless (Sigstore) signer to trust: its certificate identity, optionally with the
        /// OIDC issuer (`IDENTITY,ISSUER`); repeatable; kept in the case.
        #[arg(long, value_name = "IDENTITY")]
        trust_identity: Vec<String>,
        /// Print one JSON object instead of the human summary.
        #[arg(long)]
        json: bool,
    },
    /// Case files.
    #[command(subcommand)]
    Case(CaseCommand),
    /// Acquire a source (a folder or a file) into a case; the kind is detected when omitted.
    Add {
        /// The case file.
        file: PathBuf,
        /// The evidence folder or file.
        path: PathBuf,
        /// The kind of source: mlflow-sqlite, git, dvc, dataset.
        #[arg(long, value_parser = parse_kind)]
        kind: Option<SourceKind>,
    },
    /// Re-verify everything in a case; exit 1 if anything fails.
    Verify {
        /// The case file.
        file: PathBuf,
        /// A key file to trust for signatures (added to the keys the case already trusts);
        /// repeatable.
        #[arg(long, value_name = "FILE")]
        trust: Vec<PathBuf>,
        /// A keyless (Sigstore) signer to trust (`IDENTITY` or `IDENTITY,ISSUER`); repeatable.
        #[arg(long, value_name = "IDENTITY")]
        trust_identity: Vec<String>,
        /// Print one JSON object instead of the human summary.
        #[arg(long)]
        json: bool,
    },
    /// Print the lineage (or the part of it around REF) as DOT, JSON or W3C PROV-JSON.
    Graph {
        /// The case file.
        file: PathBuf,
        /// A reference: models:/NAME@ALIAS, models:/NAME/VERSION, a run id, sha256:HEX, md5:HEX,
        /// a commit or tag, an evidence path (with @REV), or a node id.
        reference: Option<String>,
        /// Steps to follow from REF in both directions.
        #[arg(long, default_value_t = 2)]
        depth: usize,
        #[arg(long, value_enum, default_value = "dot")]
        format: GraphFormat,
    },
    /// Where two lineages diverge: root causes first (code, data, parameters, environment),
    /// then what differs only because of them, each with its drill-down. Exit 0 whether or not
    /// they differ; 2 for a reference that does not resolve.
    Diff {
        /// The case file.
        file: PathBuf,
        /// The first lineage's reference (the baseline): models:/NAME@ALIAS, models:/NAME/VERSION,
        /// a run id, sha256:HEX, md5:HEX, a commit or tag, an evidence path (with @REV), a node id.
        reference_a: String,
        /// The second lineage's reference.
        reference_b: String,
        /// Also print the unified diff of this file (repository-relative) for each code divergence.
        #[arg(long, value_name = "PATH")]
        file_diff: Vec<String>,
        /// List parameters that did not change too.
        #[arg(long)]
        all: bool,
        /// Print one JSON object instead of the human summary.
        #[arg(long)]
        json: bool,
    },
    /// Trace one decision of an inference log to the model version, artifact digest, training
    /// run, commit, parameters, environment, datasets and raw sources behind it, each link with
    /// its verification status. Exit 1 when a link fails (a digest that matches no known model,
    /// a version the log names that the registry does not hold), 2 for an unknown prediction.
    Trace {
        /// The case file.
        file: PathBuf,
        /// The prediction's id, as logged.
        prediction: String,
        /// Search only this log (an evidence path); repeatable. Default: every inference log
        /// (JSON lines, CSV, Parquet) found in the evidence.
        #[arg(long, value_name = "PATH")]
        log: Vec<String>,
        /// Name a log column where recognition fails: ROLE=COLUMN, ROLE one of id, time,
        /// model_uri, model_name, model_version, model_digest, run_id, score, decision,
        /// ground_truth (nested fields by dotted name: inputs.amount). Repeatable.
        #[arg(long, value_name = "ROLE=COLUMN")]
        field: Vec<String>,
        /// Also write the explanation dossier (dossier.html, dossier.json) into DIR.
        #[arg(long, value_name = "DIR")]
        dossier: Option<PathBuf>,
        /// Print one JSON object instead of the chain.
        #[arg(long)]
        json: bool,
    },
    /// Slice a table by attributes for bias evidence: per group the count, share, share in a
    /// reference table, label base rate and, with predictions, selection rate, TPR, FPR and
    /// disparate impact (four-fifths rule); demographic parity and equalized odds; and each
    /// group's rows by the raw source they came from.
    Slice {
        /// The case file.
        file: PathBuf,
        /// The table: PATH@REV (a DVC directory's member: DIR/FILE@REV), an MLflow dataset
        /// digest, models:/NAME@ALIAS or a run (its training set), an evidence path (CSV,
        /// Parquet, or an inference log in JSON lines), a node id.
        dataset: String,
        /// The attributes to group by (comma-separated; nested log fields by their last name).
        #[arg(long, value_delimiter = ',', required = true)]
        by: Vec<String>,
        /// The true outcome: COL (0/1 or boolean), COL=VALUE (positive when equal), COL>=X.
        #[arg(long)]
        label: Option<String>,
        /// The model's decision, read like --label (e.g. decision=decline, score>=0.2).
        #[arg(long)]
        prediction: Option<String>,
        /// A table to compare the groups' shares and base rates with (same reference forms).
        #[arg(long, value_name = "DATASET_REF")]
        reference: Option<String>,
        /// Keep only rows where COL equals VALUE (as text); repeatable.
        #[arg(long = "where", value_name = "COL=VALUE")]
        filter: Vec<String>,
        /// Print one JSON object instead of the tables.
        #[arg(long)]
        json: bool,
    },
    /// Investigator keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Write the case as an evidence report (HTML, JSON, PROV-JSON), optionally signed;
    /// `report verify DIR` re-checks a report.
    Report {
        #[command(subcommand)]
        verify: Option<ReportCommand>,
        /// The case file.
        file: Option<PathBuf>,
        /// The folder to write (must not exist or be empty).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Sign the report with this investigator key (from `custody key new`).
        #[arg(long, value_name = "KEY")]
        sign: Option<PathBuf>,
    },
    /// Show the case log and check its hash chain; exit 1 if it was tampered with.
    Log {
        /// The case file.
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Create an Ed25519 signing key (PKCS#8 PEM, mode 0600) and FILE.pub beside it.
    New { file: PathBuf },
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Re-check a report folder: signature, every file's digest, the case log's chain; exit 1
    /// if anything fails.
    Verify {
        dir: PathBuf,
        /// The public key (or key file) of the investigator who signed it; repeatable.
        #[arg(long, value_name = "KEY")]
        trust: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum GraphFormat {
    Dot,
    Json,
    Prov,
}

#[derive(Subcommand)]
enum CaseCommand {
    /// Create an empty case file.
    New {
        file: PathBuf,
        #[arg(long, default_value = "Untitled investigation")]
        title: String,
    },
}

fn parse_kind(s: &str) -> Result<SourceKind, String> {
    SourceKind::parse(s).ok_or_else(|| {
        let names: Vec<&str> = SourceKind::ALL.iter().map(|k| k.name()).collect();
        format!("unknown source kind `{s}`; one of: {}", names.join(", "))
    })
}

fn main() -> ExitCode {
    terminal::install_panic_hook();
    // Debug builds can be asked to panic, so the tests can prove the hook works.
    #[cfg(debug_assertions)]
    if std::env::var_os("CUSTODY_PANIC_FOR_TEST").is_some() {
        panic!("deliberate panic (CUSTODY_PANIC_FOR_TEST)");
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("custody: {}", escape::text(&err.to_string()));
            ExitCode::from(2)
        }
    }
}

/// Unpacks the subcommand's arguments and hands them to the one function that runs it.
fn run(cli: Cli) -> Result<ExitCode, custody::Error> {
    match cli.command {
        Command::Investigate { dir, case, trust, trust_identity, json } => investigate(&dir, case.as_deref(), &trust, &trust_identity, json),
        Command::Case(CaseCommand::New { file, title }) => new_case(&file, &title),
        Command::Add { file, path, kind } => add(&file, &path, kind),
        Command::Verify { file, trust, trust_identity, json } => verify(&file, &trust, &trust_identity, json),
        Command::Graph { file, reference, depth, format } => graph(&file, reference.as_deref(), depth, format),
        Command::Diff { file, reference_a, reference_b, file_diff, all, json } => diff(&file, &reference_a, &reference_b, &file_diff, all, json),
        Command::Trace { file, prediction, log, field, dossier, json } => {
            let request = workflow::TraceRequest { prediction, logs: log, fields: field };
            trace(&file, &request, dossier.as_deref(), json)
        }
        Command::Slice { file, dataset, by, label, prediction, reference, filter, json } => {
            let request = workflow::SliceRequest { dataset, by, label, prediction, reference, filters: filter };
            slice(&file, &request, json)
        }
        Command::Key(KeyCommand::New { file }) => new_key(&file),
        Command::Report { verify: Some(ReportCommand::Verify { dir, trust, json }), .. } => verify_report(&dir, &trust, json),
        Command::Report { verify: None, file, out, sign } => {
            let (Some(file), Some(out)) = (file, out) else {
                // a command line clap cannot refuse by itself (two forms share the subcommand)
                let mut cli = <Cli as clap::CommandFactory>::command();
                let report = cli.find_subcommand_mut("report").expect("the report subcommand");
                report.error(clap::error::ErrorKind::MissingRequiredArgument, "usage: custody report FILE --out DIR [--sign KEY], or custody report verify DIR --trust KEY").exit();
            };
            write_report(&file, &out, sign.as_deref())
        }
        Command::Log { file, json } => log(&file, json),
    }
}

/// `custody investigate`: acquire, build, verify and summarise a folder of evidence.
fn investigate(dir: &Path, case: Option<&Path>, trust: &[PathBuf], trust_identity: &[String], json: bool) -> Result<ExitCode, custody::Error> {
    let progress = terminal::Progress::new(!json);
    let result = workflow::investigate_with_trust(dir, case, trust, trust_identity, &progress)?;
    progress.clear();
    if json {
        output::print_json(&output::investigation_json(&result));
    } else {
        output::print_investigation(&result);
    }
    Ok(exit_for(result.verification.has_failures()))
}

/// `custody case new`.
fn new_case(file: &Path, title: &str) -> Result<ExitCode, custody::Error> {
    let case = workflow::new_case(file, title)?;
    output::out!("created case {}", case.path().display());
    Ok(ExitCode::SUCCESS)
}

/// `custody add`: acquire one more source into a case.
fn add(file: &Path, path: &Path, kind: Option<SourceKind>) -> Result<ExitCode, custody::Error> {
    let progress = terminal::Progress::new(true);
    let mut case = Case::open(file)?;
    let acquired = workflow::add_evidence(&mut case, path, kind, &progress, &mut DigestCache::new())?;
    progress.clear();
    output::print_acquired(&acquired);
    Ok(ExitCode::SUCCESS)
}

/// `custody verify`: trust the keys given, then re-verify everything in the case.
fn verify(file: &Path, trust: &[PathBuf], trust_identity: &[String], json: bool) -> Result<ExitCode, custody::Error> {
    let progress = terminal::Progress::new(!json);
    let mut case = Case::open(file)?;
    workflow::trust(&mut case, trust, trust_identity)?;
    let result = workflow::verify(&mut case, &progress, &mut DigestCache::new())?;
    progress.clear();
    if json {
        output::print_json(&output::verification_json(file, &result));
    } else {
        output::out!("Case: {}", file.display());
        output::print_verification(&result);
    }
    Ok(exit_for(result.has_failures()))
}

/// `custody graph`: the lineage, or the part of it around a reference, in one format.
fn graph(file: &Path, reference: Option<&str>, depth: usize, format: GraphFormat) -> Result<ExitCode, custody::Error> {
    let case = Case::open(file)?;
    let g = workflow::graph(&case, reference, depth)?;
    let nodes: Vec<&custody::lineage::Node> = g.nodes.iter().collect();
    match format {
        GraphFormat::Dot => output::emit(&custody::lineage::export::to_dot(&nodes, &g.edges)),
        GraphFormat::Json => output::print_json(&serde_json::to_value(&g).expect("graph serializes")),
        GraphFormat::Prov => output::print_json(&custody::lineage::export::to_prov_json(&nodes, &g.edges)),
    }
    Ok(ExitCode::SUCCESS)
}

/// The unified diff of one file between the two commits of a code divergence (`diff --file-diff`).
struct FileDiff {
    path: String,
    from: String,
    to: String,
    text: String,
}

/// `custody diff`: where two lineages diverge, with the file diffs asked for.
fn diff(file: &Path, reference_a: &str, reference_b: &str, file_diff: &[String], all: bool, json: bool) -> Result<ExitCode, custody::Error> {
    let progress = terminal::Progress::new(!json);
    let case = Case::open(file)?;
    let result = workflow::diff(&case, reference_a, reference_b, &progress)?;
    progress.clear();
    let file_diffs = code_file_diffs(&case, &result, file_diff)?;
    if json {
        let mut value = serde_json::to_value(&result).expect("diff serializes");
        if !file_diff.is_empty() {
            value["file_diffs"] = file_diffs.iter().map(|d| serde_json::json!({"path": d.path, "from": d.from, "to": d.to, "diff": d.text})).collect();
        }
        output::print_json(&value);
    } else {
        output::print_diff(&result, reference_a, reference_b, all);
        for d in &file_diffs {
            output::emit(&format!("\n--- {} {}..{}\n{}", d.path, custody::text::head(&d.from, 8), custody::text::head(&d.to, 8), d.text));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Each of `paths` diffed across each code divergence of `result` (divergences without a
/// repository are skipped).
fn code_file_diffs(case: &Case, result: &custody::diff::LineageDiff, paths: &[String]) -> Result<Vec<FileDiff>, custody::Error> {
    let mut file_diffs = Vec::new();
    for d in &result.divergences {
        if let custody::diff::Detail::Code(code) = &d.detail {
            let Some(repo) = &code.repository else { continue };
            for path in paths {
                let text = workflow::code_file_diff(case, repo, &code.from, &code.to, path)?;
                file_diffs.push(FileDiff { path: path.clone(), from: code.from.clone(), to: code.to.clone(), text });
            }
        }
    }
    Ok(file_diffs)
}

/// `custody trace`: the chain behind one decision, and its dossier when a folder is given.
fn trace(file: &Path, request: &workflow::TraceRequest, dossier: Option<&Path>, json: bool) -> Result<ExitCode, custody::Error> {
    let progress = terminal::Progress::new(!json);
    let mut case = Case::open(file)?;
    let (trace, written) = match dossier {
        Some(dir) => {
            let (d, w) = workflow::write_dossier(&mut case, request, dir, &progress)?;
            (d.trace, Some(w))
        }
        None => (workflow::trace(&mut case, request, &progress)?, None),
    };
    progress.clear();
    if json {
        output::print_json(&serde_json::to_value(&trace).expect("trace serializes"));
    } else {
        output::print_trace(&trace);
        if let Some(w) = &written {
            output::out!("\nDossier: {} and {}", w.html.display(), w.json.display());
        }
    }
    Ok(exit_for(trace.failures > 0))
}

/// `custody slice`: a table's groups, their rates and disparities, and where their rows came from.
fn slice(file: &Path, request: &workflow::SliceRequest, json: bool) -> Result<ExitCode, custody::Error> {
    let progress = terminal::Progress::new(!json);
    let mut case = Case::open(file)?;
    let report = workflow::slice(&mut case, request, &progress)?;
    progress.clear();
    if json {
        output::print_json(&serde_json::to_value(&report).expect("slice serializes"));
    } else {
        output::print_slice(&report);
    }
    Ok(ExitCode::SUCCESS)
}

/// `custody key new`.
fn new_key(file: &Path) -> Result<ExitCode, custody::Error> {
    let key = workflow::new_key(file)?;
    output::out!("created signing key {} (keep it private)", key.private_key.display());
    output::out!("public key {}  fingerprint {}", key.public_key.display(), key.fingerprint);
    Ok(ExitCode::SUCCESS)
}

/// `custody report verify`: re-check a report folder.
fn verify_report(dir: &Path, trust: &[PathBuf], json: bool) -> Result<ExitCode, custody::Error> {
    let check = workflow::verify_report(dir, trust)?;
    if json {
        output::print_json(&serde_json::to_value(&check).expect("report check serializes"));
    } else {
        output::print_report_check(&check);
    }
    Ok(exit_for(!check.ok))
}

/// `custody report`: write the case's evidence report, signed when a key is given.
fn write_report(file: &Path, out: &Path, sign: Option<&Path>) -> Result<ExitCode, custody::Error> {
    let progress = terminal::Progress::new(true);
    let mut case = Case::open(file)?;
    let written = workflow::report(&mut case, out, sign, &progress)?;
    progress.clear();
    output::print_report_written(&written);
    Ok(ExitCode::SUCCESS)
}

/// `custody log`: the case log and the check of its hash chain.
fn log(file: &Path, json: bool) -> Result<ExitCode, custody::Error> {
    let case = Case::open(file)?;
    let entries = case.log()?;
    let check = case.check_log()?;
    if json {
        output::print_json(&serde_json::json!({ "entries": entries, "check": check }));
    } else {
        output::print_log(&entries, &check);
    }
    Ok(exit_for(!check.intact))
}

fn exit_for(failures: bool) -> ExitCode {
    if failures { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
