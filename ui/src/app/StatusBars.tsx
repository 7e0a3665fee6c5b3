// The bars at the foot of every screen: the progress of long work (with Cancel), and the last
// error (until dismissed).
import { backend } from "../backend";
import { severity, type IpcError } from "../backend/errors";

/** Long work under way: what it is and how far it got (total 0 while the size is unknown). */
export interface Busy {
  label: string;
  done: number;
  total: number;
}

export function BusyBar({ busy }: { busy: Busy | null }) {
  if (!busy) return null;
  const pct = busy.total > 0 ? Math.min(100, Math.round((busy.done / busy.total) * 100)) : null;
  return (
    <div class="busy" data-testid="busy">
      <span>{busy.label}</span>
      <progress value={pct ?? undefined} max={100} />
      <button onClick={() => backend().cancel()}>Cancel</button>
    </div>
  );
}

export function ErrorBar({ error, onClose }: { error: IpcError | null; onClose(): void }) {
  if (!error) return null;
  return (
    <div class={`error ${severity(error)}`} role="alert" data-testid="error">
      <span>{error.message}</span>
      <button onClick={onClose}>Dismiss</button>
    </div>
  );
}
