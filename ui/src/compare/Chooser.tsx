// A text field with suggestions, for choosing a lineage or a table: the comparables
// (aliases, model versions, runs) first, then search hits; a typed reference works too. The
// Compare view's two sides and the slicing panel's table and reference use it.
import { useEffect, useState } from "preact/hooks";
import { backend } from "../backend";
import type { NodeSummary } from "../generated/NodeSummary";
import { chooserOptions, referenceOf } from "./model";

/** What was chosen: the reference given to the engine and what the field shows. */
export interface Choice {
  reference: string;
  label: string;
}

interface Props {
  /** The short caption before the field (`A`, `Table`). */
  caption: string;
  testid: string;
  optionsTestid: string;
  placeholder?: string;
  value: Choice | null;
  comparables: NodeSummary[];
  onChange(v: Choice | null): void;
  onError(e: unknown): void;
  /**
   * When typed text becomes the value: at each keystroke (the default), or only on Enter
   * (for a value that sets off work, such as reading a table). Choosing a suggestion always does.
   */
  commit?: "typing" | "enter";
}

/**
 * A text field with suggestions: the comparables first, then search hits; typing a reference
 * works too. The field shows what was typed and is not synchronised with `value` (an echo of
 * its own typing would arrive after later keystrokes): a value set from outside remounts it.
 */
export function Chooser({ caption, testid, optionsTestid, placeholder, value, comparables, onChange, onError, commit = "typing" }: Props) {
  const [text, setText] = useState(value?.label ?? "");
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [hits, setHits] = useState<NodeSummary[]>([]);
  useEffect(() => {
    if (!open || typed.trim().length < 2) {
      setHits([]);
      return;
    }
    const t = setTimeout(() => backend().search(typed).then(setHits).catch(onError), 120);
    return () => clearTimeout(t);
  }, [typed, open]);
  const options = chooserOptions(comparables, hits, typed);
  const choose = (n: NodeSummary) => {
    onChange({ reference: referenceOf(n), label: n.label });
    setText(n.label);
    setTyped("");
    setOpen(false);
  };
  return (
    <div class="chooser">
      <label>
        <b>{caption}</b>
        <input
          data-testid={testid}
          value={text}
          placeholder={placeholder ?? "alias, model version, run, or search"}
          onFocus={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onInput={(e) => {
            const v = (e.target as HTMLInputElement).value;
            setText(v);
            setTyped(v);
            setOpen(true);
            if (commit === "typing") onChange(v.trim() === "" ? null : { reference: v.trim(), label: v.trim() });
          }}
          onKeyDown={(e) => {
            if (e.key === "Escape") setOpen(false);
            else if (e.key === "Enter" && commit === "enter") {
              const v = text.trim();
              onChange(v === "" ? null : { reference: v, label: v });
              setTyped("");
              setOpen(false);
            } else if (e.key === "Enter" && options.length > 0 && typed.trim() !== "") choose(options[0]);
          }}
        />
      </label>
      {open && options.length > 0 && (
        // mousedown would blur the field before the click lands; keep the focus instead
        <ul class="options" data-testid={optionsTestid} onMouseDown={(e) => e.preventDefault()}>
          {options.map((n) => (
            <li key={n.id}>
              <button class="option" data-testid="compare-option" data-id={n.id} onClick={() => choose(n)}>
                <span class="badge">{n.kind}</span> {n.label}
                {n.label !== n.id && <span class="muted mono"> {n.id}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
