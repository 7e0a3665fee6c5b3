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

impl custody::progress::Progress for Progress {
    fn start(&self, phase: Phase, total: u64) {
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

    fn finish(&self) {
        self.clear();
    }

    fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }
}
