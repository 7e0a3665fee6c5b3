//! Registers the app's commands with Tauri's ACL, so each one must be granted by a capability
//! (capabilities/main.json) before the UI may call it.

/// Every command the shell exposes; a command missing here cannot be called at all.
const COMMANDS: &[&str] = &[
    "case_summary",
    "open_case",
    "new_case",
    "open_demo",
    "add_evidence",
    "investigate",
    "verify",
    "cancel",
    "neighbourhood",
    "node_details",
    "findings",
    "search",
    "default_focus",
    "diff",
    "code_file_diff",
    "comparables",
    "trace",
    "save_dossier",
    "slice",
    "table_columns",
    "save_export",
    "trusted_keys",
    "trust_keys",
    "export_report",
    "verify_report",
    "new_key",
    "recent_cases",
    "launch_options",
];

fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)))
        .expect("tauri build script");
}
