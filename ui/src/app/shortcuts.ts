// The keyboard shortcuts' listener: turns a key press into an action (model.ts says which) and
// hands it to App, which does it. Called by App.
import { useEffect } from "preact/hooks";
import { actionFor, type Action } from "./model";

/** While `active` (a case is open), a key that maps to an action is taken from the page and done. */
export function useShortcuts(active: boolean, perform: (action: Action) => void) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const inField = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
      const action = actionFor(e.key, e.ctrlKey || e.metaKey, inField);
      if (!action || !active) return;
      e.preventDefault();
      perform(action);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [active, perform]);
}
