//! An open case with its lineage held in memory, for interactive use (the desktop app).
//!
//! Why: a user interface asks many small questions (what surrounds this node, what was found
//! about it, what matches this search) in quick succession; reloading a 100k-node graph from
//! the case file for each would be slow. A session loads it once and answers from memory.
//!
//! Guarantees:
//! * a session is an immutable snapshot of the case as of its latest verification (`Send +
//!   Sync`): the app shares it with every command, so a query made while a verification runs
//!   is answered at once from the snapshot it holds, and nobody waits on a lock held across
//!   evidence I/O;
//! * work that changes the case (verify, add evidence, trust keys) opens its own connection to
//!   the case file and returns a *new* session, which the shell swaps in when the work is done;
//!   work that only records what was asked (trace, dossier, slice, report) logs it through its
//!   own connection too;
//! * the evidence behind the lineage (sources re-read, nothing hashed) is loaded once, on the
//!   first drill-down that needs it (diff, trace, slice), and kept for the next ones.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use custody_case::{Case, CaseInfo, Root};
use custody_lineage::query::{self, NodeSummary, View};
use custody_lineage::{Edge, Lineage, Node, NodeId, NodeKind};
use custody_evidence::progress::Progress;
use custody_sources::{EvidenceSet, SourceKind};
use custody_verify::coverage::Coverage;
use custody_verify::verdict::{self, FindingGroup};
use custody_verify::{Finding, Summary};
use crate::workflow::{self, Acquired, DigestCache, Error, TrustedKeyInfo, Verification};

/// Everything known about one node.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct NodeDetails {
    pub node: Node,
    pub findings: Vec<Finding>,
    /// What the node depends on.
    pub outgoing: Vec<Edge>,
    /// What depends on the node.
    pub incoming: Vec<Edge>,
    /// The node at the other end of each of those edges, briefly, in id order: the app reads a
    /// neighbour's kind here and never takes its id apart.
    pub neighbours: Vec<NodeSummary>,
}

/// What a case holds, for a header or a start screen.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CaseSummary {
    pub path: PathBuf,
    pub info: CaseInfo,
    pub roots: Vec<RootSummary>,
    pub summary: Summary,
    pub nodes: usize,
    pub edges: usize,
    pub log_intact: bool,
    /// One sentence on what the evidence shows (see [`verdict::sentence`]).
    pub verdict: String,
    /// The findings that are not successes, grouped by class and kind, in verdict order
    /// (indexes into [`Session::findings`]).
    pub groups: Vec<FindingGroup>,
    /// What Custody made of every evidence file, as of the latest verification (kept in the
    /// case file); none for a case whose latest verification predates coverage.
    pub coverage: Option<Coverage>,
}

/// One evidence folder and its sources.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RootSummary {
    pub path: PathBuf,
    pub label: String,
    pub added_at: String,
    pub sources: Vec<SourceSummary>,
}

/// One source with its file count.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SourceSummary {
    pub kind: SourceKind,
    pub path: String,
    pub files: usize,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    /// SHA-256 over the source's register entries at acquisition (see
    /// [`custody_case::register_digest`]).
    pub sha256: String,
}

pub struct Session {
    path: PathBuf,
    lineage: Lineage,
    findings: Vec<Finding>,
    /// What the header shows, as of the snapshot (computed once, when it is taken).
    summary: CaseSummary,
    trusted: Vec<TrustedKeyInfo>,
    /// The evidence, once a drill-down has loaded it.
    evidence: Mutex<Option<Arc<EvidenceSet>>>,
}

/// A session can be shared by the shell's threads (checked at compile time).
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<Session>()
};

impl Session {
    /// Opens an existing case file.
    pub fn open(path: &Path) -> Result<Session, Error> {
        let case = Case::open(path)?;
        Session::load(&case, None)
    }

    /// Creates a new, empty case file.
    pub fn create(path: &Path, title: &str) -> Result<Session, Error> {
        let case = workflow::new_case(path, title)?;
        Session::load(&case, None)
    }

    /// Creates (or reopens) `case_path` and investigates `dir` into it.
    pub fn investigate(dir: &Path, case_path: &Path, progress: &dyn Progress) -> Result<Session, Error> {
        Session::investigate_with_keys(dir, case_path, &[], progress)
    }

    /// [`Session::investigate`], trusting the key files in `trust`.
    pub fn investigate_with_keys(dir: &Path, case_path: &Path, trust: &[PathBuf], progress: &dyn Progress) -> Result<Session, Error> {
        let investigation = workflow::investigate_with_keys(dir, Some(case_path), trust, progress)?;
        Session::load(&Case::open(case_path)?, Some(investigation.verification.coverage))
    }

    /// The snapshot of `case`: its graph, latest findings and coverage (`coverage` given when
    /// the caller has just verified), summary and trusted keys.
    fn load(case: &Case, coverage: Option<Coverage>) -> Result<Session, Error> {
        let (nodes, edges) = case.graph()?;
        let lineage = Lineage::from_parts(nodes, edges);
        let findings = case.latest_findings()?;
        let coverage = match coverage {
            Some(c) => Some(c),
            None => case.latest_coverage()?,
        };
        let summary = summarise(case, &lineage, &findings, coverage)?;
        let trusted = workflow::trusted_keys(case)?;
        Ok(Session { path: case.path().to_path_buf(), lineage, findings, summary, trusted, evidence: Mutex::new(None) })
    }

    /// The case file, opened for one piece of work (its own connection: SQLite serialises
    /// writers, readers are never blocked).
    fn case(&self) -> Result<Case, Error> {
        Ok(Case::open(&self.path)?)
    }

    /// The evidence behind the lineage, loaded on first need and kept. No lock is held while
    /// it loads (two first drill-downs at once may both load it; the first kept wins).
    fn evidence(&self, progress: &dyn Progress) -> Result<Arc<EvidenceSet>, Error> {
        if let Some(ev) = self.evidence.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            return Ok(ev.clone());
        }
        let loaded = Arc::new(workflow::load_evidence(&self.case()?, progress)?);
        Ok(self.evidence.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(loaded).clone())
    }

    /// Trusts more key files (recorded in the case), then re-verifies so every signature is
    /// judged against them. Returns the keys newly trusted and the session after.
    pub fn trust_keys(&self, files: &[PathBuf], progress: &dyn Progress) -> Result<(Vec<TrustedKeyInfo>, Session), Error> {
        let mut case = self.case()?;
        let added = workflow::trust_keys(&mut case, files)?;
        let (_, after) = verify_into(case, progress, &mut DigestCache::new())?;
        Ok((added, after))
    }

    /// The keys the case trusts.
    pub fn trusted_keys(&self) -> Vec<TrustedKeyInfo> {
        self.trusted.clone()
    }

    /// Writes the case's evidence report into `out`, signed with the key file `sign` if given.
    pub fn export_report(&self, out: &Path, sign: Option<&Path>, progress: &dyn Progress) -> Result<custody_report::ReportWritten, Error> {
        workflow::report(&mut self.case()?, out, sign, progress)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn lineage(&self) -> &Lineage {
        &self.lineage
    }

    /// Acquires more evidence, then re-verifies. Returns what was acquired and the session after.
    pub fn add_evidence(&self, path: &Path, kind: Option<SourceKind>, progress: &dyn Progress) -> Result<(Acquired, Session), Error> {
        let mut case = self.case()?;
        let mut cache = DigestCache::new();
        let acquired = workflow::add_evidence(&mut case, path, kind, progress, &mut cache)?;
        let (_, after) = verify_into(case, progress, &mut cache)?;
        Ok((acquired, after))
    }

    /// Re-verifies everything. Returns the verification and the session after it.
    pub fn verify(&self, progress: &dyn Progress) -> Result<(Verification, Session), Error> {
        verify_into(self.case()?, progress, &mut DigestCache::new())
    }

    pub fn summary(&self) -> Result<CaseSummary, Error> {
        Ok(self.summary.clone())
    }

    /// The findings of the latest verification, worst first.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The findings that are not successes, grouped by class and kind (see [`verdict::group`]).
    pub fn groups(&self) -> Vec<FindingGroup> {
        self.summary.groups.clone()
    }

    /// The view around a reference (see [`query::resolve`]).
    pub fn neighbourhood(&self, reference: &str, depth: usize, expanded: &[String]) -> Result<View, Error> {
        let focus = query::resolve(&self.lineage, reference)?;
        Ok(query::neighbourhood(&self.lineage, &focus, depth, CLUSTER_AT, expanded).expect("resolved node exists"))
    }

    /// Everything about one node.
    pub fn node_details(&self, id: &str) -> Result<NodeDetails, Error> {
        let id = query::resolve(&self.lineage, id)?;
        let node = self.lineage.node(&id).expect("resolved node exists").clone();
        let (outgoing, incoming) = (self.lineage.outgoing(&id), self.lineage.incoming(&id));
        let ends: std::collections::BTreeSet<&str> = outgoing.iter().map(|e| e.to.as_str()).chain(incoming.iter().map(|e| e.from.as_str())).collect();
        let neighbours = ends.into_iter().filter_map(|n| self.lineage.node(n)).map(NodeSummary::from).collect();
        Ok(NodeDetails { findings: self.findings.iter().filter(|f| f.node.id == id).cloned().collect(), outgoing, incoming, neighbours, node })
    }

    /// Where the lineages upstream of two references diverge (see [`custody_analysis::diff`]).
    pub fn diff(&self, reference_a: &str, reference_b: &str, progress: &dyn Progress) -> Result<custody_analysis::diff::LineageDiff, Error> {
        // the references first: a typo is an error before any evidence is read
        query::resolve(&self.lineage, reference_a)?;
        query::resolve(&self.lineage, reference_b)?;
        workflow::diff_over(&self.lineage, &*self.evidence(progress)?, reference_a, reference_b, progress)
    }

    /// The unified diff of one file between two commits of a repository in the evidence.
    pub fn code_file_diff(&self, repository: &str, from: &str, to: &str, path: &str) -> Result<String, Error> {
        workflow::code_file_diff(&self.case()?, repository, from, to, path)
    }

    /// Traces one decision and profiles its group in the training data: the dossier, not
    /// written anywhere (see [`custody_analysis::dossier`]); the trace is recorded in the case log.
    pub fn dossier(&self, request: &workflow::TraceRequest, progress: &dyn Progress) -> Result<custody_analysis::dossier::Dossier, Error> {
        let evidence = self.evidence(progress)?;
        workflow::dossier_over(&mut self.case()?, &self.lineage, &evidence, &self.findings, request)
    }

    /// Writes the dossier of one decision into `dir` (`dossier.html`, `dossier.json`).
    pub fn save_dossier(&self, request: &workflow::TraceRequest, dir: &Path, progress: &dyn Progress) -> Result<custody_analysis::dossier::DossierWritten, Error> {
        let mut case = self.case()?;
        workflow::ensure_outside_evidence(&case, dir)?;
        let evidence = self.evidence(progress)?;
        let d = workflow::dossier_over(&mut case, &self.lineage, &evidence, &self.findings, request)?;
        Ok(workflow::record_dossier(&mut case, d, dir)?.1)
    }

    /// Refuses a path inside the case's evidence (for files the shell writes, such as an
    /// exported chart).
    pub fn ensure_outside_evidence(&self, path: &Path) -> Result<(), Error> {
        workflow::ensure_outside_evidence(&self.case()?, path)
    }

    /// Slices a table by attributes (see [`custody_analysis::slice`]); recorded in the case log.
    pub fn slice(&self, request: &workflow::SliceRequest, progress: &dyn Progress) -> Result<workflow::SliceReport, Error> {
        let evidence = self.evidence(progress)?;
        let report = workflow::slice_in(&self.lineage, &evidence, request)?;
        workflow::record_slice(&mut self.case()?, request, &report)?;
        Ok(report)
    }

    /// The table a reference names, without slicing it: its identity and columns (for
    /// choosing attributes).
    pub fn table(&self, reference: &str, progress: &dyn Progress) -> Result<custody_analysis::tables::TableIdentity, Error> {
        let evidence = self.evidence(progress)?;
        Ok(custody_analysis::tables::TableLocator::new(&self.lineage, &evidence).locate(reference)?.identity)
    }

    /// What is worth comparing, for a chooser: registry aliases, then model versions, then runs.
    pub fn comparables(&self) -> Vec<NodeSummary> {
        let mut out: Vec<NodeSummary> = Vec::new();
        for kind in [NodeKind::Alias, NodeKind::ModelVersion, NodeKind::Run] {
            out.extend(self.lineage.nodes().into_iter().filter(|n| n.kind() == kind).map(NodeSummary::from));
        }
        out
    }

    pub fn search(&self, text: &str, limit: usize) -> Vec<NodeSummary> {
        query::search(&self.lineage, text, limit)
    }

    /// A sensible node to open the graph on: the verdict's most important node (the first member
    /// of the first group), else the worst finding's node, else a production alias, else any
    /// model version, else the first node.
    pub fn default_focus(&self) -> Option<String> {
        let first = self.groups().into_iter().flat_map(|g| g.members).map(|i| &self.findings[i]).find(|f| self.lineage.contains(&f.node.id));
        if let Some(f) = first {
            return Some(f.node.id.clone());
        }
        if let Some(f) = self.findings.iter().find(|f| f.status.is_failure() && self.lineage.contains(&f.node.id)) {
            return Some(f.node.id.clone());
        }
        let nodes = self.lineage.nodes();
        nodes
            .iter()
            .find(|n| matches!(NodeId::parse(&n.id), Some(NodeId::Alias { alias, .. }) if alias == "production"))
            .or_else(|| nodes.iter().find(|n| n.kind() == NodeKind::ModelVersion))
            .or_else(|| nodes.first())
            .map(|n| n.id.clone())
    }
}

/// Siblings at or above this count collapse into a cluster in views.
pub const CLUSTER_AT: usize = 5;

/// Verifies `case` and takes the session after it.
fn verify_into(mut case: Case, progress: &dyn Progress, cache: &mut DigestCache) -> Result<(Verification, Session), Error> {
    let v = workflow::verify(&mut case, progress, cache)?;
    let after = Session::load(&case, Some(v.coverage.clone()))?;
    Ok((v, after))
}

/// What the header shows for `case`, with the given snapshot of its lineage and findings.
fn summarise(case: &Case, lineage: &Lineage, findings: &[Finding], coverage: Option<Coverage>) -> Result<CaseSummary, Error> {
    let mut roots = Vec::new();
    for Root { id, path, label, added_at, .. } in case.roots()? {
        let register = case.register(id)?;
        let sources = case
            .sources(id)?
            .into_iter()
            .map(|s| {
                let inside: Vec<_> = register.iter().filter(|e| e.rel.strip_prefix(&s.rel).is_some()).cloned().collect();
                SourceSummary {
                    kind: s.kind,
                    path: s.rel.as_str().to_string(),
                    files: inside.len(),
                    bytes: inside.iter().map(|e| e.size).sum(),
                    sha256: custody_case::register_digest(&inside),
                }
            })
            .collect();
        roots.push(RootSummary { path, label, added_at, sources });
    }
    let summary = Summary::of(findings);
    let log_intact = case.check_log()?.intact;
    let unread_formats = coverage.as_ref().map_or(0, |c| c.unread_formats().count());
    Ok(CaseSummary {
        path: case.path().to_path_buf(),
        info: case.info()?,
        roots,
        verdict: verdict::sentence(&summary, log_intact, unread_formats),
        groups: verdict::group(findings),
        coverage,
        summary,
        nodes: lineage.node_count(),
        edges: lineage.edge_count(),
        log_intact,
    })
}
