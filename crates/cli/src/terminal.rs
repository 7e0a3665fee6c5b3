//! The terminal side of progress: an indicatif bar on stderr when stderr is a terminal, and
//! Ctrl-C turned into a cancellation the engine honours (the case file is left as it was).

use std::io::IsTerminal;
use std::sync::Mutex;

use custody::progress::{CancelFlag, Phase};
use indicatif::{ProgressBar, ProgressStyle};

pub struct Progress {
    bar: Mutex<Option<ProgressBar>>,
    enabled: bool,
    cancel: CancelFlag,
}

impl Progress {
    /// A bar is drawn only when `wanted` and stderr is a terminal.
    pub fn new(wanted: bool) -> Progress {
        let cancel = CancelFlag::new();
        let flag = cancel.clone();
        let _ = ctrlc::set_handler(move || flag.cancel());
        Progress { bar: Mutex::new(None), enabled: wanted && std::io::stderr().is_terminal(), cancel }
    }

    pub fn clear(&self) {
        if let Some(bar) = self.bar.lock().expect("progress lock").take() {
            bar.finish_and_clear();
        }
    }
}

/// What the command is doing now (the phase, and the source or file it is on), for the panic
/// hook to name when something unexpected happens.
static ACTIVITY: Mutex<(Option<Phase>, String)> = Mutex::new((None, String::new()));

/// The phase and item being worked on, as a phrase: "re-hashing (project/data/x.csv)".
pub fn activity() -> String {
    let guard = match ACTIVITY.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    match (&guard.0, guard.1.as_str()) {
        (None, _) => "starting".to_string(),
        (Some(p), "") => p.label().to_string(),
        (Some(p), item) => format!("{} ({})", p.label(), crate::escape::text(item)),
    }
}

fn set_activity(phase: Option<Phase>, item: Option<&str>) {
    let mut guard = match ACTIVITY.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    if phase.is_some() {
        guard.0 = phase;
        guard.1.clear();
    }
    if let Some(item) = item {
        guard.1.clear();
        guard.1.push_str(item);
    }
}

/// Installs the hook that turns an unexpected panic into a message saying what Custody was
/// doing and on which file, and exit code 2 (never Rust's 101). The evidence is only ever
/// read, so a crash leaves it as it was.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!(
            "custody: internal error while {}: {}{place}\ncustody: this is a bug in Custody, not a finding; the evidence was only read and is unchanged",
            activity(),
            crate::escape::text(&what)
        );
        std::process::exit(2);
    }));
}

impl custody::progress::Progress for Progress {
    fn start(&self, phase: Phase, total: u64) {
        set_activity(Some(phase), None);
        if !self.enabled {
            return;
        }
        let bar = if total == 0 { ProgressBar::new_spinner() } else { ProgressBar::new(total) };
        let template = if phase.counts_bytes() {
            "{spinner} {msg:24} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}"
        } else if total == 0 {
            "{spinner} {msg:24} {pos}"
        } else {
            "{spinner} {msg:24} [{bar:30}] {pos}/{len}"
        };
        bar.set_style(ProgressStyle::with_template(template).expect("static template").progress_chars("=> "));
        bar.set_message(phase.label());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        if let Some(old) = self.bar.lock().expect("progress lock").replace(bar) {
            old.finish_and_clear();
        }
    }

    fn advance(&self, units: u64) {
        if let Some(bar) = self.bar.lock().expect("progress lock").as_ref() {
            bar.inc(units);
        }
    }

    fn item(&self, what: &str) {
        set_activity(None, Some(what));
    }

    fn finish(&self) {
        self.clear();
    }

    fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }
}
