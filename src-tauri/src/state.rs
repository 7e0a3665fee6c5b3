//! What the app keeps between commands: the open session, the cancel flag of the running
//! work, and the list of recent cases (a small JSON file in the app's config folder).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use custody::progress::CancelFlag;
use custody::session::Session;
use tauri::{AppHandle, Manager, Runtime};

use crate::error::{ErrorCode, IpcError};

#[derive(Default)]
pub struct AppState {
    /// The open case's snapshot. The lock is held only to take or swap the `Arc`, never while
    /// evidence is read: work runs on its own clone.
    pub session: Mutex<Option<Arc<Session>>>,
    pub cancel: Mutex<CancelFlag>,
}

const RECENT: &str = "recent-cases.json";

impl AppState {
    pub fn recent<R: Runtime>(&self, app: &AppHandle<R>) -> Vec<PathBuf> {
        let Ok(dir) = app.path().app_config_dir() else { return Vec::new() };
        let list: Vec<PathBuf> = std::fs::read(dir.join(RECENT)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
        list.into_iter().filter(|p| p.is_file()).collect()
    }

    pub fn remember<R: Runtime>(&self, app: &AppHandle<R>, case: &Path) {
        let Ok(dir) = app.path().app_config_dir() else { return };
        let mut list = self.recent(app);
        list.retain(|p| p != case);
        list.insert(0, case.to_path_buf());
        list.truncate(10);
        let _ = std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(dir.join(RECENT), serde_json::to_vec(&list).unwrap_or_default()));
    }
}

/// The bundled demo evidence and a fresh case file for it. The evidence is found through
/// `CUSTODY_DEMO_DIR`, or `fixtures/cases/fraud-detection` above the executable or the current
/// folder (a source checkout).
pub fn demo_paths<R: Runtime>(app: &AppHandle<R>) -> Result<(PathBuf, PathBuf), IpcError> {
    let dir = std::env::var_os("CUSTODY_DEMO_DIR").map(PathBuf::from).or_else(find_demo).ok_or_else(|| IpcError::new(ErrorCode::Usage, "the demo case (fixtures/cases/fraud-detection) was not found; set CUSTODY_DEMO_DIR"))?;
    let data = app.path().app_local_data_dir().map_err(|e| IpcError::internal(e.to_string()))?;
    std::fs::create_dir_all(&data).map_err(|e| IpcError::internal(format!("{}: {e}", data.display())))?;
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    Ok((dir, data.join(format!("demo-{stamp}.custody"))))
}

fn find_demo() -> Option<PathBuf> {
    find_fixture("fixtures/cases/fraud-detection")
}

fn find_fixture(rel: &str) -> Option<PathBuf> {
    let starts = [std::env::current_exe().ok(), std::env::current_dir().ok()];
    for start in starts.into_iter().flatten() {
        for dir in start.ancestors() {
            let candidate = dir.join(rel);
            if candidate.is_dir() {
                return Some(candidate);
            }
        }
    }
    None
}

/// The demo scenario's public keys, which an investigator of the demo would trust: the
/// release-signing key, the CI's attestation key, the committer's allowed-signers file and
/// the inference service's key (never the attacker's, never a key found in the evidence).
pub const DEMO_KEYS: [&str; 5] = ["release-p256.pub", "provenance-ed25519.intoto.json", "allowed_signers", "priya-openpgp.asc", "serving-ed25519.pub"];

/// The demo keys that exist, from `CUSTODY_DEMO_KEYS`, else `keys/` two levels above the demo
/// case (`fixtures/keys`), else `fixtures/keys` above the executable or the current folder.
/// None found: the demo opens with its signatures unverifiable or under untrusted keys.
pub fn demo_keys(demo: &Path) -> Vec<PathBuf> {
    let beside = demo.join("../../keys");
    let dir = std::env::var_os("CUSTODY_DEMO_KEYS")
        .map(PathBuf::from)
        .or_else(|| beside.is_dir().then_some(beside))
        .or_else(|| find_fixture("fixtures/keys"));
    let Some(dir) = dir.map(|d| std::fs::canonicalize(&d).unwrap_or(d)) else { return Vec::new() };
    DEMO_KEYS.iter().map(|k| dir.join(k)).filter(|p| p.is_file()).collect()
}
