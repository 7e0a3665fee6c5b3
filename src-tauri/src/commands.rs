//! The app's commands. Each unpacks its arguments, calls one engine function, converts the
//! error. Every command is async and runs its work on a blocking thread, so the window never
//! waits; the session lock is held only to take or swap the open session's snapshot, never
//! while evidence is read, so a query made during a verification answers at once.

use std::path::PathBuf;
use std::sync::Arc;

use custody::diff::LineageDiff;
use custody::dossier::{Dossier, DossierWritten};
use custody::lineage::query::{NodeSummary, View};
use custody::progress::CancelFlag;
use custody::session::{CaseSummary, NodeDetails, Session};
use custody::sources::SourceKind;
use custody::report::{ReportCheck, ReportWritten};
use custody::tables::TableIdentity;
use custody::verify::Finding;
use custody::workflow::{self, NewKey, SliceReport, SliceRequest, TraceRequest, TrustedKeyInfo};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime};

use crate::error::{IpcError, IpcResult};
use crate::export::ExportWritten;
use crate::progress::{ChannelProgress, ProgressEvent};
use crate::state::AppState;

/// The open session: a shared snapshot, taken under the lock for an instant.
fn current(state: &AppState) -> IpcResult<Arc<Session>> {
    let guard = state.session.lock().map_err(|_| IpcError::internal("session lock poisoned"))?;
    guard.clone().ok_or_else(IpcError::no_case)
}

/// Installs the session that work produced (after a verification, say), for an instant.
fn install(state: &AppState, session: Session) -> IpcResult<Arc<Session>> {
    let session = Arc::new(session);
    *state.session.lock().map_err(|_| IpcError::internal("session lock poisoned"))? = Some(session.clone());
    Ok(session)
}

/// Answers a query from the open session's snapshot, off the UI thread. No lock is held while
/// it runs, so a query made during a verification answers at once (from the snapshot the
/// verification started from).
async fn from_snapshot<R: Runtime, T: Send + 'static>(app: AppHandle<R>, f: impl FnOnce(&Session) -> Result<T, custody::Error> + Send + 'static) -> IpcResult<T> {
    let session = current(&app.state::<AppState>())?;
    tauri::async_runtime::spawn_blocking(move || Ok(f(&session)?)).await.map_err(|e| IpcError::internal(e.to_string()))?
}

/// Runs work off the UI thread with progress and cancellation (the Cancel button sets the flag).
async fn blocking<R: Runtime, T: Send + 'static>(app: AppHandle<R>, channel: Channel<ProgressEvent>, work: impl FnOnce(&ChannelProgress, &AppState) -> IpcResult<T> + Send + 'static) -> IpcResult<T> {
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let cancel = CancelFlag::new();
        *state.cancel.lock().map_err(|_| IpcError::internal("cancel lock poisoned"))? = cancel.clone();
        let progress = ChannelProgress::new(channel, cancel);
        work(&progress, &state)
    })
    .await
    .map_err(|e| IpcError::internal(e.to_string()))?
}

/// Runs work over the open session off the UI thread, with progress; the session lock is not
/// held while it runs.
async fn with_current<R: Runtime, T: Send + 'static>(app: AppHandle<R>, channel: Channel<ProgressEvent>, work: impl FnOnce(&Session, &ChannelProgress) -> Result<T, custody::Error> + Send + 'static) -> IpcResult<T> {
    let session = current(&app.state::<AppState>())?;
    blocking(app, channel, move |progress, _| Ok(work(&session, progress)?)).await
}

/// Runs long work that opens or changes the case off the UI thread, then installs the session
/// it produced and answers with its summary.
async fn long<R: Runtime>(app: AppHandle<R>, channel: Channel<ProgressEvent>, work: impl FnOnce(&ChannelProgress, &AppState) -> Result<Session, custody::Error> + Send + 'static) -> IpcResult<CaseSummary> {
    let handle = app.clone();
    blocking(app, channel, move |progress, state| {
        let session = work(progress, state)?;
        state.remember(&handle, session.path());
        Ok(install(state, session)?.summary()?)
    })
    .await
}

fn silent() -> Channel<ProgressEvent> {
    Channel::new(|_| Ok(()))
}

#[tauri::command]
pub async fn case_summary<R: Runtime>(app: AppHandle<R>) -> IpcResult<CaseSummary> {
    from_snapshot(app, Session::summary).await
}

#[tauri::command]
pub async fn open_case<R: Runtime>(app: AppHandle<R>, path: PathBuf) -> IpcResult<CaseSummary> {
    long(app, silent(), move |_, _| Session::open(&path)).await
}

#[tauri::command]
pub async fn new_case<R: Runtime>(app: AppHandle<R>, path: PathBuf, title: String) -> IpcResult<CaseSummary> {
    long(app, silent(), move |_, _| Session::create(&path, &title)).await
}

#[tauri::command]
pub async fn investigate<R: Runtime>(app: AppHandle<R>, dir: PathBuf, case_path: PathBuf, on_progress: Channel<ProgressEvent>) -> IpcResult<CaseSummary> {
    long(app, on_progress, move |p, _| Session::investigate(&dir, &case_path, p)).await
}

#[tauri::command]
pub async fn open_demo<R: Runtime>(app: AppHandle<R>, on_progress: Channel<ProgressEvent>) -> IpcResult<CaseSummary> {
    let (dir, case_path) = crate::state::demo_paths(&app)?;
    let keys = crate::state::demo_keys(&dir);
    long(app, on_progress, move |p, _| Session::investigate_with_keys(&dir, &case_path, &keys, p)).await
}

#[tauri::command]
pub async fn add_evidence<R: Runtime>(app: AppHandle<R>, path: PathBuf, kind: Option<SourceKind>, on_progress: Channel<ProgressEvent>) -> IpcResult<CaseSummary> {
    let session = current(&app.state::<AppState>())?;
    long(app, on_progress, move |p, _| session.add_evidence(&path, kind, p).map(|(_, after)| after)).await
}

#[tauri::command]
pub async fn verify<R: Runtime>(app: AppHandle<R>, on_progress: Channel<ProgressEvent>) -> IpcResult<CaseSummary> {
    let session = current(&app.state::<AppState>())?;
    long(app, on_progress, move |p, _| session.verify(p).map(|(_, after)| after)).await
}

#[tauri::command]
pub async fn cancel<R: Runtime>(app: AppHandle<R>) -> IpcResult<()> {
    if let Ok(flag) = app.state::<AppState>().cancel.lock() {
        flag.cancel();
    }
    Ok(())
}

#[tauri::command]
pub async fn neighbourhood<R: Runtime>(app: AppHandle<R>, reference: String, depth: usize, expanded: Vec<String>) -> IpcResult<View> {
    from_snapshot(app, move |s| s.neighbourhood(&reference, depth.clamp(1, 6), &expanded)).await
}

#[tauri::command]
pub async fn node_details<R: Runtime>(app: AppHandle<R>, id: String) -> IpcResult<NodeDetails> {
    from_snapshot(app, move |s| s.node_details(&id)).await
}

#[tauri::command]
pub async fn findings<R: Runtime>(app: AppHandle<R>) -> IpcResult<Vec<Finding>> {
    from_snapshot(app, |s| Ok(s.findings().to_vec())).await
}

#[tauri::command]
pub async fn search<R: Runtime>(app: AppHandle<R>, query: String) -> IpcResult<Vec<NodeSummary>> {
    from_snapshot(app, move |s| Ok(s.search(&query, 50))).await
}

#[tauri::command]
pub async fn default_focus<R: Runtime>(app: AppHandle<R>) -> IpcResult<Option<String>> {
    from_snapshot(app, |s| Ok(s.default_focus())).await
}

/// Where the lineages upstream of two references diverge: root causes, what follows from
/// them, and a drill-down of each.
#[tauri::command]
pub async fn diff<R: Runtime>(app: AppHandle<R>, reference_a: String, reference_b: String, on_progress: Channel<ProgressEvent>) -> IpcResult<LineageDiff> {
    with_current(app, on_progress, move |s, p| s.diff(&reference_a, &reference_b, p)).await
}

/// The unified diff of one file between two commits of a repository in the evidence.
#[tauri::command]
pub async fn code_file_diff<R: Runtime>(app: AppHandle<R>, repository: String, from: String, to: String, path: String) -> IpcResult<String> {
    from_snapshot(app, move |s| s.code_file_diff(&repository, &from, &to, &path)).await
}

/// What the two choosers of the Compare view offer: aliases, then model versions, then runs.
#[tauri::command]
pub async fn comparables<R: Runtime>(app: AppHandle<R>) -> IpcResult<Vec<NodeSummary>> {
    from_snapshot(app, |s| Ok(s.comparables())).await
}

/// Traces one decision to everything behind it, and profiles its group in the training data:
/// the dossier, written nowhere. `logs` narrows the search to some logs (evidence paths),
/// `fields` names log columns by role (`ROLE=COLUMN`); both may be left out.
#[tauri::command]
pub async fn trace<R: Runtime>(app: AppHandle<R>, prediction: String, logs: Option<Vec<String>>, fields: Option<Vec<String>>, on_progress: Channel<ProgressEvent>) -> IpcResult<Dossier> {
    let request = TraceRequest { prediction, logs: logs.unwrap_or_default(), fields: fields.unwrap_or_default() };
    with_current(app, on_progress, move |s, p| s.dossier(&request, p)).await
}

/// Writes the dossier of one decision (`dossier.html`, `dossier.json`) into `dir`.
#[tauri::command]
pub async fn save_dossier<R: Runtime>(app: AppHandle<R>, prediction: String, logs: Option<Vec<String>>, fields: Option<Vec<String>>, dir: PathBuf, on_progress: Channel<ProgressEvent>) -> IpcResult<DossierWritten> {
    let request = TraceRequest { prediction, logs: logs.unwrap_or_default(), fields: fields.unwrap_or_default() };
    with_current(app, on_progress, move |s, p| s.save_dossier(&request, &dir, p)).await
}

/// What the slicing panel asks for (the UI's `SliceRequest`): the table, the attributes to
/// group by, the outcome specs, a reference table and `COL=VALUE` filters (may be left out).
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SliceArgs {
    pub dataset: String,
    pub by: Vec<String>,
    pub label: Option<String>,
    pub prediction: Option<String>,
    pub reference: Option<String>,
    #[serde(default)]
    pub filters: Vec<String>,
}

impl From<SliceArgs> for SliceRequest {
    fn from(a: SliceArgs) -> SliceRequest {
        SliceRequest { dataset: a.dataset, by: a.by, label: a.label, prediction: a.prediction, reference: a.reference, filters: a.filters }
    }
}

/// Slices a table (any reference the engine locates: a node id, `PATH@REV`, a model's
/// training set) by attributes: group shares, rates, disparities and composition by source.
#[tauri::command]
pub async fn slice<R: Runtime>(app: AppHandle<R>, request: SliceArgs, on_progress: Channel<ProgressEvent>) -> IpcResult<SliceReport> {
    let request = SliceRequest::from(request);
    with_current(app, on_progress, move |s, p| s.slice(&request, p)).await
}

/// The table a reference names, unsliced: where it was read, its digests, rows and columns
/// (what the slicing panel offers as attributes).
#[tauri::command]
pub async fn table_columns<R: Runtime>(app: AppHandle<R>, reference: String, on_progress: Channel<ProgressEvent>) -> IpcResult<TableIdentity> {
    with_current(app, on_progress, move |s, p| s.table(&reference, p)).await
}

/// Writes a chart the user exported (PNG or SVG bytes) to the path they chose in the save
/// dialog; any other kind of path is refused, and so is a path inside the open case's
/// evidence (evidence is never written).
#[tauri::command]
pub async fn save_export<R: Runtime>(app: AppHandle<R>, path: PathBuf, bytes: Vec<u8>) -> IpcResult<ExportWritten> {
    let session = app.state::<AppState>().session.lock().map_err(|_| IpcError::internal("session lock poisoned"))?.clone();
    tauri::async_runtime::spawn_blocking(move || {
        if let Some(session) = session {
            session.ensure_outside_evidence(&path)?;
        }
        crate::export::write(&path, &bytes)
    })
    .await
    .map_err(|e| IpcError::internal(e.to_string()))?
}

#[tauri::command]
pub async fn trusted_keys<R: Runtime>(app: AppHandle<R>) -> IpcResult<Vec<TrustedKeyInfo>> {
    from_snapshot(app, |s| Ok(s.trusted_keys())).await
}

/// Trusts more key files, then re-verifies (hence the progress channel). Returns the keys
/// newly trusted; the UI re-reads the summary and findings.
#[tauri::command]
pub async fn trust_keys<R: Runtime>(app: AppHandle<R>, paths: Vec<PathBuf>, on_progress: Channel<ProgressEvent>) -> IpcResult<Vec<TrustedKeyInfo>> {
    let session = current(&app.state::<AppState>())?;
    blocking(app, on_progress, move |p, state| {
        let (added, after) = session.trust_keys(&paths, p)?;
        install(state, after)?;
        Ok(added)
    })
    .await
}

/// Writes the case's evidence report into `dir` (new or empty), signed with the Ed25519
/// private key file `sign_key` when given.
#[tauri::command]
pub async fn export_report<R: Runtime>(app: AppHandle<R>, dir: PathBuf, sign_key: Option<PathBuf>, on_progress: Channel<ProgressEvent>) -> IpcResult<ReportWritten> {
    with_current(app, on_progress, move |s, p| s.export_report(&dir, sign_key.as_deref(), p)).await
}

/// Re-checks a report folder against the public key files in `trust`. Needs no open case.
#[tauri::command]
pub async fn verify_report(dir: PathBuf, trust: Vec<PathBuf>) -> IpcResult<ReportCheck> {
    tauri::async_runtime::spawn_blocking(move || Ok(workflow::verify_report(&dir, &trust)?)).await.map_err(|e| IpcError::internal(e.to_string()))?
}

/// Creates an investigator signing key (Ed25519) at `path`, and its public key at `path.pub`.
#[tauri::command]
pub async fn new_key(path: PathBuf) -> IpcResult<NewKey> {
    tauri::async_runtime::spawn_blocking(move || Ok(workflow::new_key(&path)?)).await.map_err(|e| IpcError::internal(e.to_string()))?
}

#[tauri::command]
pub async fn recent_cases<R: Runtime>(app: AppHandle<R>) -> IpcResult<Vec<PathBuf>> {
    Ok(app.state::<AppState>().recent(&app))
}

/// How the app was launched: `--demo` opens the bundled demo case at once, `--case FILE`
/// (or a lone `FILE.custody` argument) opens that case.
#[derive(serde::Serialize)]
pub struct LaunchOptions {
    pub open_demo: bool,
    pub open_case: Option<PathBuf>,
}

#[tauri::command]
pub async fn launch_options() -> IpcResult<LaunchOptions> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let open_case = args
        .windows(2)
        .find(|w| w[0] == "--case")
        .map(|w| PathBuf::from(&w[1]))
        .or_else(|| args.iter().find(|a| a.ends_with(".custody")).map(PathBuf::from));
    Ok(LaunchOptions { open_demo: args.iter().any(|a| a == "--demo"), open_case })
}
