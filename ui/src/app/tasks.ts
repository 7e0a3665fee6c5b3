// Running long work: the state behind the progress bar and the error bar, and the runner every
// view's backend work goes through. Called by App, so the state is App's.
import { useState } from "preact/hooks";
import type { ProgressEvent } from "../backend";
import { normalise, severity, type IpcError } from "../backend/errors";
import type { CaseSummary } from "../generated/CaseSummary";
import type { Task } from "./Reports";
import type { Busy } from "./StatusBars";

/** Runs long work that yields a case, then shows that case. */
export type Run = (label: string, work: () => Promise<CaseSummary>) => Promise<void>;

export function useTasks() {
  const [busy, setBusy] = useState<Busy | null>(null);
  const [error, setError] = useState<IpcError | null>(null);

  /** A backend error to the error bar, unless it is a quiet one (a cancel). */
  const fail = (e: unknown) => {
    const err = normalise(e);
    if (severity(err) !== "quiet") setError(err);
  };

  const onProgress = (e: ProgressEvent) => {
    if (e.event === "started") setBusy({ label: e.label, done: 0, total: e.total });
    else if (e.event === "advanced") setBusy((b) => (b ? { ...b, done: e.done, total: e.total } : b));
  };

  /** Runs work with the progress bar; errors go to the error bar and the result is null. */
  const task: Task = async (label, work) => {
    setError(null);
    setBusy({ label, done: 0, total: 0 });
    try {
      return await work();
    } catch (e) {
      fail(e);
      return null;
    } finally {
      setBusy(null);
    }
  };

  return { busy, error, dismissError: () => setError(null), fail, onProgress, task };
}
