//! Forwards the engine's progress to a Tauri channel, throttled, and carries the cancel flag
//! the UI's Cancel button sets.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use custody::progress::{CancelFlag, Phase, Progress};
use serde::Serialize;
use tauri::ipc::Channel;

/// What the UI receives while long work runs.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase", tag = "event")]
pub enum ProgressEvent {
    Started { phase: Phase, label: &'static str, total: u64 },
    Advanced { phase: Phase, done: u64, total: u64 },
    Finished { phase: Phase },
}

pub struct ChannelProgress {
    channel: Channel<ProgressEvent>,
    cancel: CancelFlag,
    state: Mutex<(Option<Phase>, u64, u64, Instant)>,
}

impl ChannelProgress {
    pub fn new(channel: Channel<ProgressEvent>, cancel: CancelFlag) -> ChannelProgress {
        ChannelProgress { channel, cancel, state: Mutex::new((None, 0, 0, Instant::now())) }
    }
}

impl Progress for ChannelProgress {
    fn start(&self, phase: Phase, total: u64) {
        *self.state.lock().expect("progress lock") = (Some(phase), total, 0, Instant::now());
        let _ = self.channel.send(ProgressEvent::Started { phase, label: phase.label(), total });
    }

    fn advance(&self, units: u64) {
        let mut s = self.state.lock().expect("progress lock");
        s.2 += units;
        if s.3.elapsed() >= Duration::from_millis(100) {
            s.3 = Instant::now();
            if let Some(phase) = s.0 {
                let _ = self.channel.send(ProgressEvent::Advanced { phase, done: s.2, total: s.1 });
            }
        }
    }

    fn finish(&self) {
        if let Some(phase) = self.state.lock().expect("progress lock").0 {
            let _ = self.channel.send(ProgressEvent::Finished { phase });
        }
    }

    fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }
}
