//! Custody's desktop shell: a Tauri 2 window over the engine. It holds no logic of its own;
//! every command is a few lines over [`custody::session::Session`].
//!
//! The app is generic over the runtime ([`build_app`]) so the commands are tested with Tauri's
//! mock runtime, without a display.

pub mod commands;
pub mod error;
pub mod export;
pub mod progress;
pub mod state;

use tauri::{Builder, Runtime};

/// Registers state, plugins and commands on a builder of any runtime.
pub fn build_app<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .manage(state::AppState::default())
        .invoke_handler(tauri::generate_handler![
            commands::case_summary,
            commands::open_case,
            commands::new_case,
            commands::open_demo,
            commands::add_evidence,
            commands::investigate,
            commands::verify,
            commands::cancel,
            commands::neighbourhood,
            commands::node_details,
            commands::findings,
            commands::search,
            commands::default_focus,
            commands::diff,
            commands::code_file_diff,
            commands::comparables,
            commands::trace,
            commands::save_dossier,
            commands::slice,
            commands::table_columns,
            commands::save_export,
            commands::trusted_keys,
            commands::trust_keys,
            commands::export_report,
            commands::verify_report,
            commands::new_key,
            commands::recent_cases,
            commands::launch_options,
        ])
}

/// Runs the desktop app.
pub fn run() {
    build_app(tauri::Builder::default())
        .run(tauri::generate_context!())
        .expect("Custody failed to start");
}
