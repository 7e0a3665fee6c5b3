//! Stages: the command a DVC stage ran.
//!
//! Why: a stage that ran another command made its outputs another way even from the same
//! inputs, so a stage's command, as DVC locked it, is a leaf of its own: a changed command is a
//! root cause, reported as code. (A stage's parameters are compared as a run's are, in
//! `params`; its dependencies and outputs are aligned pairs of their own.)
//!
//! Guarantees: the commands are compared as DVC recorded them, character for character; a
//! command recorded on one side only is a change.

use custody_lineage::Node;

use super::{Detail, DivergenceKind, Leaf};

/// The command divergence of two stages, if their commands differ.
pub(super) fn compare_command(a: &Node, b: &Node) -> Option<Leaf> {
    let (cmd_a, cmd_b) = (command(a), command(b));
    if cmd_a == cmd_b {
        return None;
    }
    let summary = format!("{} → {}: command `{}` → `{}`", a.label, b.label, cmd_a.unwrap_or(""), cmd_b.unwrap_or(""));
    Some((DivergenceKind::Code, summary, Detail::Identity { a: cmd_a.map(str::to_string), b: cmd_b.map(str::to_string) }))
}

/// The command DVC locked for a stage.
fn command(n: &Node) -> Option<&str> {
    n.payload.stage()?.cmd.as_deref()
}
