//! The verdict at a glance: findings grouped by class and kind, and one sentence that says
//! what the evidence shows.
//!
//! Why: a sweep of thirty exploratory runs yields thirty findings of one kind; listed one by
//! one they bury the one mismatch that matters. Findings are ordered by class (tamper,
//! contradiction, loss, not collected, informational) and repeated findings of one kind are
//! one group, with the members a click (or `--json`) away.
//!
//! Guarantees: every finding that is not `verified`/`signature-valid` is in exactly one group;
//! groups are ordered by class; within a failure class by severity, within the others by how
//! many findings they hold.

use super::{Check, Finding, Status, Summary, VerdictClass};

/// Findings of one status from one check.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FindingGroup {
    pub class: VerdictClass,
    pub status: Status,
    pub check: Check,
    /// "30 runs: params differ from the pipeline at their commit (exploratory runs)".
    pub title: String,
    /// Indexes into the verification's findings.
    pub members: Vec<usize>,
}

/// What a group of findings of one check and status says, for `n` of them.
pub fn group_title(check: Check, status: Status, n: usize, kind: &str) -> String {
    let things = |one: &str, many: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {many}") };
    match (check, status) {
        (Check::RunParams, Status::Informational) => format!("{}: params differ from the pipeline at their commit (exploratory runs)", things("run", "runs")),
        (Check::RunParams, Status::Conflict) => format!("{}: a registered model's run records other params than dvc.lock at its commit", things("param", "params")),
        (Check::ArtifactLocation, Status::Informational) => format!("{}: no artifact folder, and no record names an artifact of them (MLflow creates the folder with the first artifact)", things("run", "runs")),
        (Check::ArtifactLocation, Status::NotCollected) => format!("{}: artifacts in a store that is not part of the evidence", things("record", "records")),
        (Check::DvcCache | Check::DvcWorkspace, Status::NotCollected) => format!("{}: DVC data whose cache or remote was not collected", things("data version", "data versions")),
        (Check::RunCommit, Status::Unverifiable) => format!("{}: no git commit recorded", things("run", "runs")),
        (Check::DatasetSource, Status::Unverifiable) => format!("{}: MLflow's dataset digest cannot be recomputed from the file", things("dataset", "datasets")),
        (Check::ServedModel, _) => format!("{}: the model digest an inference log records ({})", things("model", "models"), status.name()),
        (Check::SignedDigest, Status::Mismatch) => format!("{}: changed after signing", things("signed file", "signed files")),
        _ => format!("{} {} ({})", n, if n == 1 { kind.to_string() } else { format!("{kind} findings") }, status.name()),
    }
}

/// Groups every finding that is not a success by (status, check), in verdict order.
pub fn group(findings: &[Finding]) -> Vec<FindingGroup> {
    let mut groups: Vec<FindingGroup> = Vec::new();
    let mut at: std::collections::HashMap<(Status, Check), usize> = std::collections::HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        if f.status.class() == VerdictClass::Verified {
            continue;
        }
        let g = *at.entry((f.status, f.check)).or_insert_with(|| {
            groups.push(FindingGroup { class: f.status.class(), status: f.status, check: f.check, title: String::new(), members: Vec::new() });
            groups.len() - 1
        });
        groups[g].members.push(i);
    }
    for g in &mut groups {
        g.title = group_title(g.check, g.status, g.members.len(), &g.check.name());
    }
    // failures by how bad they are; the rest by how many they hold (the runs of a sweep
    // before a lone dataset digest)
    groups.sort_by(|a, b| {
        let by_weight = if a.class.is_failure() { b.status.severity().cmp(&a.status.severity()).then(b.members.len().cmp(&a.members.len())) } else { b.members.len().cmp(&a.members.len()).then(b.status.severity().cmp(&a.status.severity())) };
        a.class.cmp(&b.class).then(by_weight).then(a.check.cmp(&b.check))
    });
    groups
}

/// One sentence on what the evidence shows.
pub fn sentence(summary: &Summary, log_intact: bool, unread_formats: usize) -> String {
    let count = |class: VerdictClass| Status::ALL.into_iter().filter(|s| s.class() == class).map(|s| summary.count(s)).sum::<usize>();
    let (tamper, contradiction, loss, not_collected) = (count(VerdictClass::Tamper), count(VerdictClass::Contradiction), count(VerdictClass::Loss), count(VerdictClass::NotCollected));
    let mut parts = Vec::new();
    if tamper > 0 {
        parts.push(format!("{tamper} tamper-indicating finding{}", plural(tamper)));
    }
    if contradiction > 0 {
        parts.push(format!("{contradiction} contradiction{}", plural(contradiction)));
    }
    if loss > 0 {
        parts.push(format!("{loss} loss{}", if loss == 1 { "" } else { "es" }));
    }
    let mut s = if !log_intact {
        "The case file's log was rewritten: its findings cannot be relied on".to_string()
    } else if parts.is_empty() {
        "Clean: no tampering, contradiction or loss found".to_string()
    } else if tamper > 0 {
        format!("Tampering indicated: {}", parts.join(", "))
    } else {
        format!("Not clean: {}", parts.join(", "))
    };
    let mut notes = Vec::new();
    if not_collected > 0 {
        notes.push(format!("{not_collected} claim{} about data that was not collected", plural(not_collected)));
    }
    if unread_formats > 0 {
        notes.push(format!("{unread_formats} group{} of evidence in formats Custody does not read yet", plural(unread_formats)));
    }
    if !notes.is_empty() {
        s.push_str(&format!(" ({} not checked: {})", if parts.is_empty() { "but" } else { "and" }, notes.join("; ")));
    }
    s.push('.');
    s
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use custody_lineage::NodeKind;
    use crate::NodeRef;

    fn finding(status: Status, check: Check, node: &str) -> Finding {
        Finding::new(status, check, NodeRef { kind: NodeKind::Run, id: node.into(), label: node.into() }, "d")
    }

    #[test]
    fn only_tamper_contradiction_and_loss_fail() {
        let failing: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_failure()).collect();
        assert_eq!(failing, [Status::UntrustedKey, Status::Missing, Status::Conflict, Status::Mismatch, Status::SignatureInvalid]);
        assert_eq!(Status::NotCollected.class(), VerdictClass::NotCollected);
        assert_eq!(Status::Informational.class(), VerdictClass::Informational);
        assert_eq!(Status::Unverifiable.class(), VerdictClass::Informational);
        let mut s = Summary::default();
        s.not_collected = 3;
        s.informational = 30;
        assert!(!s.has_failures(), "not collected and informational never fail");
        s.missing = 1;
        assert!(s.has_failures());
    }

    #[test]
    fn groups_come_in_verdict_order_and_hold_every_non_success() {
        let findings = vec![
            finding(Status::Informational, Check::RunParams, "run:a"),
            finding(Status::Verified, Check::RunCommit, "run:a"),
            finding(Status::Informational, Check::RunParams, "run:b"),
            finding(Status::NotCollected, Check::DvcCache, "data:x"),
            finding(Status::Missing, Check::DvcCache, "data:y"),
            finding(Status::Mismatch, Check::DvcWorkspace, "data:z"),
            finding(Status::Conflict, Check::RunParams, "run:c"),
        ];
        let groups = group(&findings);
        let classes: Vec<VerdictClass> = groups.iter().map(|g| g.class).collect();
        assert_eq!(classes, [VerdictClass::Tamper, VerdictClass::Contradiction, VerdictClass::Loss, VerdictClass::NotCollected, VerdictClass::Informational]);
        let exploratory = groups.last().unwrap();
        assert_eq!(exploratory.members, [0, 2]);
        assert_eq!(exploratory.title, "2 runs: params differ from the pipeline at their commit (exploratory runs)");
        let grouped: usize = groups.iter().map(|g| g.members.len()).sum();
        assert_eq!(grouped, findings.len() - 1, "every finding but the verified one is in a group");
    }

    #[test]
    fn the_sentence_says_what_the_evidence_shows() {
        let mut s = Summary::default();
        assert_eq!(sentence(&s, true, 0), "Clean: no tampering, contradiction or loss found.");
        s.not_collected = 2;
        assert_eq!(sentence(&s, true, 1), "Clean: no tampering, contradiction or loss found (but not checked: 2 claims about data that was not collected; 1 group of evidence in formats Custody does not read yet).");
        s.mismatch = 1;
        s.conflict = 2;
        assert!(sentence(&s, true, 0).starts_with("Tampering indicated: 1 tamper-indicating finding, 2 contradictions"));
        assert!(sentence(&s, false, 0).starts_with("The case file's log was rewritten"));
    }
}
