// The demo case's decision pred-000017 as the engine traced it: recorded from the command line
// (`custody trace CASE pred-000017 --dossier DIR`) by scripts/record-ui-fixtures, see
// fixtures/README.md. The import is the JSON at run time and its exact type (.d.json.ts) for the
// compiler, so `satisfies` checks the engine's answer against the type generated from Rust.
import type { Dossier } from "../generated/Dossier";
import dossier from "./fixtures/dossier-pred-000017.json";

export const DEMO_DOSSIER: Dossier = dossier satisfies Dossier;
