//! An open case with its lineage held in memory, for interactive use (the desktop app).
//!
//! Why: a user interface asks many small questions (what surrounds this node, what was found
//! about it, what matches this search) in quick succession; reloading a 100k-node graph from
//! the case file for each would be slow. A session loads it once, answers from memory, and
//! reloads after every verification.

use std::path::{Path, PathBuf};

use custody_case::{Case, CaseInfo, Root};
use custody_lineage::query::{self, NodeSummary, View};
use custody_lineage::{Edge, Lineage, Node, NodeKind};
use custody_evidence::progress::Progress;
use custody_sources::SourceKind;
use custody_verify::coverage::Coverage;
use custody_verify::verdict::{self, FindingGroup};
use custody_verify::{Finding, Summary};
use crate::workflow::{self, Acquired, DigestCache, Error, Verification};

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
    case: Case,
    lineage: Lineage,
    findings: Vec<Finding>,
    /// The latest verification's coverage.
    coverage: Option<Coverage>,
}

impl Session {
    /// Opens an existing case file.
    pub fn open(path: &Path) -> Result<Session, Error> {
        let case = Case::open(path)?;
        let mut s = Session { case, lineage: Lineage::new(), findings: Vec::new(), coverage: None };
        s.reload()?;
        Ok(s)
    }

    /// Creates a new, empty case file.
    pub fn create(path: &Path, title: &str) -> Result<Session, Error> {
        let case = workflow::new_case(path, title)?;
        Ok(Session { case, lineage: Lineage::new(), findings: Vec::new(), coverage: None })
    }

    /// Creates (or reopens) `case_path` and investigates `dir` into it.
    pub fn investigate(dir: &Path, case_path: &Path, progress: &dyn Progress) -> Result<Session, Error> {
        Session::investigate_with_keys(dir, case_path, &[], progress)
    }

    /// [`Session::investigate`], trusting the key files in `trust`.
    pub fn investigate_with_keys(dir: &Path, case_path: &Path, trust: &[PathBuf], progress: &dyn Progress) -> Result<Session, Error> {
        let investigation = workflow::investigate_with_keys(dir, Some(case_path), trust, progress)?;
        let mut session = Session::open(case_path)?;
        session.coverage = Some(investigation.verification.coverage);
        Ok(session)
    }

    /// Trusts more key files (recorded in the case), then re-verifies so every signature is
    /// judged against them.
    pub fn trust_keys(&mut self, files: &[PathBuf], progress: &dyn Progress) -> Result<Vec<workflow::TrustedKeyInfo>, Error> {
        let added = workflow::trust_keys(&mut self.case, files)?;
        self.verify(progress)?;
        Ok(added)
    }

    /// The keys the case trusts.
    pub fn trusted_keys(&self) -> Result<Vec<workflow::TrustedKeyInfo>, Error> {
        workflow::trusted_keys(&self.case)
    }

    /// Writes the case's evidence report into `out`, signed with the key file `sign` if given.
    pub fn export_report(&mut self, out: &Path, sign: Option<&Path>, progress: &dyn Progress) -> Result<custody_report::ReportWritten, Error> {
        workflow::report(&mut self.case, out, sign, progress)
    }

    fn reload(&mut self) -> Result<(), Error> {
        let (nodes, edges) = self.case.graph()?;
        self.lineage = Lineage::from_parts(nodes, edges);
        self.findings = self.case.latest_findings()?;
        self.coverage = self.case.latest_coverage()?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        self.case.path()
    }

    pub fn lineage(&self) -> &Lineage {
        &self.lineage
    }

    /// Acquires more evidence, then re-verifies.
    pub fn add_evidence(&mut self, path: &Path, kind: Option<SourceKind>, progress: &dyn Progress) -> Result<Acquired, Error> {
        let mut cache = DigestCache::new();
        let acquired = workflow::add_evidence(&mut self.case, path, kind, progress, &mut cache)?;
        let v = workflow::verify(&mut self.case, progress, &mut cache)?;
        self.coverage = Some(v.coverage);
        self.reload()?;
        Ok(acquired)
    }

    /// Re-verifies everything.
    pub fn verify(&mut self, progress: &dyn Progress) -> Result<Verification, Error> {
        let v = workflow::verify(&mut self.case, progress, &mut DigestCache::new())?;
        self.coverage = Some(v.coverage.clone());
        self.reload()?;
        Ok(v)
    }

    pub fn summary(&self) -> Result<CaseSummary, Error> {
        let mut roots = Vec::new();
        for Root { id, path, label, added_at, .. } in self.case.roots()? {
            let register = self.case.register(id)?;
            let sources = self
                .case
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
        let summary = Summary::of(&self.findings);
        let log_intact = self.case.check_log()?.intact;
        let unread_formats = self.coverage.as_ref().map_or(0, |c| c.unread_formats().count());
        Ok(CaseSummary {
            path: self.case.path().to_path_buf(),
            info: self.case.info()?,
            roots,
            verdict: verdict::sentence(&summary, log_intact, unread_formats),
            groups: self.groups(),
            coverage: self.coverage.clone(),
            summary,
            nodes: self.lineage.node_count(),
            edges: self.lineage.edge_count(),
            log_intact,
        })
    }

    /// The findings of the latest verification, worst first.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The findings that are not successes, grouped by class and kind (see [`verdict::group`]).
    pub fn groups(&self) -> Vec<FindingGroup> {
        verdict::group(&self.findings)
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
        Ok(NodeDetails {
            findings: self.findings.iter().filter(|f| f.node.id == id).cloned().collect(),
            outgoing: self.lineage.outgoing(&id),
            incoming: self.lineage.incoming(&id),
            node,
        })
    }

    /// Where the lineages upstream of two references diverge (see [`custody_analysis::diff`]).
    pub fn diff(&self, reference_a: &str, reference_b: &str, progress: &dyn Progress) -> Result<custody_analysis::diff::LineageDiff, Error> {
        workflow::diff_lineage(&self.case, &self.lineage, reference_a, reference_b, progress)
    }

    /// The unified diff of one file between two commits of a repository in the evidence.
    pub fn code_file_diff(&self, repository: &str, from: &str, to: &str, path: &str) -> Result<String, Error> {
        workflow::code_file_diff(&self.case, repository, from, to, path)
    }

    /// Traces one decision (see [`custody_analysis::trace`]); recorded in the case log.
    pub fn trace(&mut self, request: &workflow::TraceRequest, progress: &dyn Progress) -> Result<custody_analysis::trace::Trace, Error> {
        workflow::trace(&mut self.case, request, progress)
    }

    /// Traces one decision and profiles its group in the training data: the dossier, not
    /// written anywhere (see [`custody_analysis::dossier`]).
    pub fn dossier(&mut self, request: &workflow::TraceRequest, progress: &dyn Progress) -> Result<custody_analysis::dossier::Dossier, Error> {
        workflow::dossier(&mut self.case, &self.lineage, request, progress)
    }

    /// Writes the dossier of one decision into `dir` (`dossier.html`, `dossier.json`).
    pub fn save_dossier(&mut self, request: &workflow::TraceRequest, dir: &Path, progress: &dyn Progress) -> Result<custody_analysis::dossier::DossierWritten, Error> {
        Ok(workflow::write_dossier(&mut self.case, request, dir, progress)?.1)
    }

    /// Refuses a path inside the case's evidence (for files the shell writes, such as an
    /// exported chart).
    pub fn ensure_outside_evidence(&self, path: &Path) -> Result<(), Error> {
        workflow::ensure_outside_evidence(&self.case, path)
    }

    /// Slices a table by attributes (see [`custody_analysis::slice`]); recorded in the case log.
    pub fn slice(&mut self, request: &workflow::SliceRequest, progress: &dyn Progress) -> Result<workflow::SliceReport, Error> {
        workflow::slice(&mut self.case, request, progress)
    }

    /// The table a reference names, without slicing it: its identity and columns (for
    /// choosing attributes).
    pub fn table(&self, reference: &str, progress: &dyn Progress) -> Result<custody_analysis::tables::TableIdentity, Error> {
        let evidence = workflow::load_evidence(&self.case, progress)?;
        Ok(custody_analysis::tables::TableLocator::new(&self.lineage, &evidence).locate(reference)?.identity)
    }

    /// What is worth comparing, for a chooser: registry aliases, then model versions, then runs.
    pub fn comparables(&self) -> Vec<NodeSummary> {
        let mut out: Vec<NodeSummary> = Vec::new();
        for kind in [NodeKind::Alias, NodeKind::ModelVersion, NodeKind::Run] {
            out.extend(self.lineage.nodes().into_iter().filter(|n| n.kind == kind).map(NodeSummary::from));
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
            .find(|n| n.id.starts_with("alias:") && n.id.ends_with("@production"))
            .or_else(|| nodes.iter().find(|n| n.id.starts_with("model-version:")))
            .or_else(|| nodes.first())
            .map(|n| n.id.clone())
    }
}

/// Siblings at or above this count collapse into a cluster in views.
pub const CLUSTER_AT: usize = 5;
