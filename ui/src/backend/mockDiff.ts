// The demo case's staging against production, as the engine computed it, and what the Compare
// view's choosers offer on it: recorded from the command line by scripts/record-ui-fixtures
// (see fixtures/README.md for each file's command and what was trimmed). Each `./fixtures/NAME.json`
// import is NAME.json at run time and NAME.d.json.ts (its exact type) for the compiler, so
// `satisfies` checks the engine's answer against the types generated from Rust.
import type { LineageDiff } from "../generated/LineageDiff";
import type { NodeSummary } from "../generated/NodeSummary";
import comparables from "./fixtures/comparables.json";
import diff from "./fixtures/diff-staging-production.json";
import fileDiffs from "./fixtures/file-diffs-staging-production.json";

/** What `comparables` answers on the demo case: aliases, then model versions, then runs. */
export const DEMO_COMPARABLES: NodeSummary[] = comparables satisfies NodeSummary[];

/** What `diff` answers for models:/fraud-detector@staging against …@production. */
export const DEMO_DIFF: LineageDiff = diff satisfies LineageDiff;

/** `code_file_diff` of the code divergence (project.git, 43659e4a → 0a90b199), by path. */
export const DEMO_FILE_DIFFS: Record<string, string> = fileDiffs satisfies Record<string, string>;
