//! The app's commands. Each unpacks its arguments, calls one engine function, converts the
//! error. Work that reads evidence runs on a blocking thread so the window stays responsive.

use std::path::PathBuf;

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
use tauri::{AppHandle, Manager, Runtime, State};

use crate::error::{IpcError, IpcResult};
use crate::export::ExportWritten;
use crate::progress::{ChannelProgress, ProgressEvent};
use crate::state::AppState;

fn with_session<T>(state: &AppState, f: impl FnOnce(&Session) -> Result<T, custody::Error>) -> IpcResult<T> {
    let guard = state.session.lock().map_err(|_| IpcError::internal("session lock poisoned"))?;
    let session = guard.as_ref().ok_or_else(IpcError::no_case)?;
    Ok(f(session)?)
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

/// Runs long work off the UI thread, then installs the session it opened, if any.
async fn long<R: Runtime>(app: AppHandle<R>, channel: Channel<ProgressEvent>, work: impl FnOnce(&ChannelProgress, &AppState) -> Result<Option<Session>, custody::Error> + Send + 'static) -> IpcResult<CaseSummary> {
    let handle = app.clone();
    blocking(app, channel, move |progress, state| {
        if let Some(session) = work(progress, state)? {
            state.remember(&handle, session.path());
            *state.session.lock().map_err(|_| IpcError::internal("session lock poisoned"))? = Some(session);
        }
        with_session(state, Session::summary)
    })
    .await
}

/// Runs `f` on the open session, mutably (for work that records in the case).
fn with_session_mut<T>(state: &AppState, f: impl FnOnce(&mut Session) -> Result<T, custody::Error>) -> IpcResult<T> {
    let mut guard = state.session.lock().map_err(|_| IpcError::internal("session lock poisoned"))?;
    let session = guard.as_mut().ok_or_else(IpcError::no_case)?;
    Ok(f(session)?)
}

#[tauri::command]
pub fn case_summary(state: State<'_, AppState>) -> IpcResult<CaseSummary> {
    with_session(&state, Session::summary)
}

#[tauri::command]
pub async fn open_case<R: Runtime>(app: AppHandle<R>, path: PathBuf) -> IpcResult<CaseSummary> {
    long(app, Channel::new(|_| Ok(())), move |_, _| Session::open(&path).map(Some)).await
}

#[tauri::command]
pub async fn new_case<R: Runtime>(app: AppHandle<R>, path: PathBuf, title: String) -> IpcResult<CaseSummary> {
    long(app, Channel::new(|_| Ok(())), move |_, _| Session::create(&path, &title).map(Some)).await
}

#[tauri::command]
pub async fn investigate<R: Runtime>(app: AppHandle<R>, dir: PathBuf, case_path: PathBuf, on_progress: Channel<ProgressEvent>) -> IpcResult<CaseSummary> {
    long(app, on_progress, move |p, _| Session::investigate(&dir, &case_path, p).map(Some)).await
}

#[tauri::command]
pub async fn open_demo<R: Runtime>(app: AppHandle<R>, on_progress: Channel<ProgressEvent>) -> IpcResult<CaseSummary> {
    let (dir, case_path) = crate::state::demo_paths(&app)?;
    let keys = crate::state::demo_keys(&dir);
    long(app, on_progress, move |p, _| Session::investigate_with_keys(&dir, &case_path, &keys, p).map(Some)).await
}

#[tauri::command]
pub async fn add_evidence<R: Runtime>(app: AppHandle<R>, path: PathBuf, kind: Option<SourceKind>, on_progress: Channel<ProgressEvent>) -> IpcResult<CaseSummary> {
    long(app, on_progress, move |p, state| {
        let mut guard = state.session.lock().expect("session lock");
        let session = guard.as_mut().ok_or_else(|| custody::Error::Usage { path: path.clone(), problem: "open or create a case first".into() })?;
        session.add_evidence(&path, kind, p).map(|_| None)
    })
    .await
}

#[tauri::command]
pub async fn verify<R: Runtime>(app: AppHandle<R>, on_progress: Channel<ProgressEvent>) -> IpcResult<CaseSummary> {
    long(app, on_progress, move |p, state| {
        let mut guard = state.session.lock().expect("session lock");
        let session = guard.as_mut().ok_or_else(|| custody::Error::Usage { path: PathBuf::new(), problem: "no case is open".into() })?;
        session.verify(p).map(|_| None)
    })
    .await
}

#[tauri::command]
pub fn cancel(state: State<'_, AppState>) {
    if let Ok(flag) = state.cancel.lock() {
        flag.cancel();
    }
}

#[tauri::command]
pub fn neighbourhood(state: State<'_, AppState>, reference: String, depth: usize, expanded: Vec<String>) -> IpcResult<View> {
    with_session(&state, |s| s.neighbourhood(&reference, depth.clamp(1, 6), &expanded))
}

#[tauri::command]
pub fn node_details(state: State<'_, AppState>, id: String) -> IpcResult<NodeDetails> {
    with_session(&state, |s| s.node_details(&id))
}

#[tauri::command]
pub fn findings(state: State<'_, AppState>) -> IpcResult<Vec<Finding>> {
    with_session(&state, |s| Ok(s.findings().to_vec()))
}

#[tauri::command]
pub fn search(state: State<'_, AppState>, query: String) -> IpcResult<Vec<NodeSummary>> {
    with_session(&state, |s| Ok(s.search(&query, 50)))
}

#[tauri::command]
pub fn default_focus(state: State<'_, AppState>) -> IpcResult<Option<String>> {
    with_session(&state, |s| Ok(s.default_focus()))
}

/// Where the lineages upstream of two references diverge: root causes, what follows from
/// them, and a drill-down of each. Reads evidence, so it runs off the UI thread.
#[tauri::command]
pub async fn diff<R: Runtime>(app: AppHandle<R>, reference_a: String, reference_b: String, on_progress: Channel<ProgressEvent>) -> IpcResult<LineageDiff> {
    blocking(app, on_progress, move |p, state| with_session(state, |s| s.diff(&reference_a, &reference_b, p))).await
}

/// The unified diff of one file between two commits of a repository in the evidence.
#[tauri::command]
pub async fn code_file_diff<R: Runtime>(app: AppHandle<R>, repository: String, from: String, to: String, path: String) -> IpcResult<String> {
    blocking(app, Channel::new(|_| Ok(())), move |_, state| with_session(state, |s| s.code_file_diff(&repository, &from, &to, &path))).await
}

/// What the two choosers of the Compare view offer: aliases, then model versions, then runs.
#[tauri::command]
pub fn comparables(state: State<'_, AppState>) -> IpcResult<Vec<NodeSummary>> {
    with_session(&state, |s| Ok(s.comparables()))
}

/// Traces one decision to everything behind it, and profiles its group in the training data:
/// the dossier, written nowhere. `logs` narrows the search to some logs (evidence paths),
/// `fields` names log columns by role (`ROLE=COLUMN`); both may be left out.
#[tauri::command]
pub async fn trace<R: Runtime>(app: AppHandle<R>, prediction: String, logs: Option<Vec<String>>, fields: Option<Vec<String>>, on_progress: Channel<ProgressEvent>) -> IpcResult<Dossier> {
    let request = TraceRequest { prediction, logs: logs.unwrap_or_default(), fields: fields.unwrap_or_default() };
    blocking(app, on_progress, move |p, state| with_session_mut(state, |s| s.dossier(&request, p))).await
}

/// Writes the dossier of one decision (`dossier.html`, `dossier.json`) into `dir`.
#[tauri::command]
pub async fn save_dossier<R: Runtime>(app: AppHandle<R>, prediction: String, logs: Option<Vec<String>>, fields: Option<Vec<String>>, dir: PathBuf, on_progress: Channel<ProgressEvent>) -> IpcResult<DossierWritten> {
    let request = TraceRequest { prediction, logs: logs.unwrap_or_default(), fields: fields.unwrap_or_default() };
    blocking(app, on_progress, move |p, state| with_session_mut(state, |s| s.save_dossier(&request, &dir, p))).await
}

/// Slices a table (any reference the engine locates: a node id, `PATH@REV`, a model's
/// training set) by attributes: group shares, rates, disparities and composition by source.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn slice<R: Runtime>(app: AppHandle<R>, dataset: String, by: Vec<String>, label: Option<String>, prediction: Option<String>, reference: Option<String>, filters: Option<Vec<String>>, on_progress: Channel<ProgressEvent>) -> IpcResult<SliceReport> {
    let request = SliceRequest { dataset, by, label, prediction, reference, filters: filters.unwrap_or_default() };
    blocking(app, on_progress, move |p, state| with_session_mut(state, |s| s.slice(&request, p))).await
}

/// The table a reference names, unsliced: where it was read, its digests, rows and columns
/// (what the slicing panel offers as attributes).
#[tauri::command]
pub async fn table_columns<R: Runtime>(app: AppHandle<R>, reference: String, on_progress: Channel<ProgressEvent>) -> IpcResult<TableIdentity> {
    blocking(app, on_progress, move |p, state| with_session(state, |s| s.table(&reference, p))).await
}

/// Writes a chart the user exported (PNG or SVG bytes) to the path they chose in the save
/// dialog; any other kind of path is refused, and so is a path inside the open case's
/// evidence (evidence is never written).
#[tauri::command]
pub fn save_export(state: State<'_, AppState>, path: PathBuf, bytes: Vec<u8>) -> IpcResult<ExportWritten> {
    {
        let guard = state.session.lock().map_err(|_| IpcError::internal("session lock poisoned"))?;
        if let Some(session) = guard.as_ref() {
            session.ensure_outside_evidence(&path)?;
        }
    }
    crate::export::write(&path, &bytes)
}

#[tauri::command]
pub fn trusted_keys(state: State<'_, AppState>) -> IpcResult<Vec<TrustedKeyInfo>> {
    with_session(&state, Session::trusted_keys)
}

/// Trusts more key files, then re-verifies (hence the progress channel). Returns the keys
/// newly trusted; the UI re-reads the summary and findings.
#[tauri::command]
pub async fn trust_keys<R: Runtime>(app: AppHandle<R>, paths: Vec<PathBuf>, on_progress: Channel<ProgressEvent>) -> IpcResult<Vec<TrustedKeyInfo>> {
    blocking(app, on_progress, move |p, state| with_session_mut(state, |s| s.trust_keys(&paths, p))).await
}

/// Writes the case's evidence report into `dir` (new or empty), signed with the Ed25519
/// private key file `sign_key` when given.
#[tauri::command]
pub async fn export_report<R: Runtime>(app: AppHandle<R>, dir: PathBuf, sign_key: Option<PathBuf>, on_progress: Channel<ProgressEvent>) -> IpcResult<ReportWritten> {
    blocking(app, on_progress, move |p, state| with_session_mut(state, |s| s.export_report(&dir, sign_key.as_deref(), p))).await
}

/// Re-checks a report folder against the public key files in `trust`. Needs no open case.
#[tauri::command]
pub async fn verify_report(dir: PathBuf, trust: Vec<PathBuf>) -> IpcResult<ReportCheck> {
    tauri::async_runtime::spawn_blocking(move || Ok(workflow::verify_report(&dir, &trust)?)).await.map_err(|e| IpcError::internal(e.to_string()))?
}

/// Creates an investigator signing key (Ed25519) at `path`, and its public key at `path.pub`.
#[tauri::command]
pub fn new_key(path: PathBuf) -> IpcResult<NewKey> {
    Ok(workflow::new_key(&path)?)
}

#[tauri::command]
pub fn recent_cases<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Vec<PathBuf> {
    state.recent(&app)
}


/// How the app was launched: `--demo` opens the bundled demo case at once, `--case FILE`
/// (or a lone `FILE.custody` argument) opens that case.
#[derive(serde::Serialize)]
pub struct LaunchOptions {
    pub open_demo: bool,
    pub open_case: Option<PathBuf>,
}

#[tauri::command]
pub fn launch_options() -> LaunchOptions {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let open_case = args
        .windows(2)
        .find(|w| w[0] == "--case")
        .map(|w| PathBuf::from(&w[1]))
        .or_else(|| args.iter().find(|a| a.ends_with(".custody")).map(PathBuf::from));
    LaunchOptions { open_demo: args.iter().any(|a| a == "--demo"), open_case }
}
