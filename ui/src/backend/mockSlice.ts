// Slices of the demo case as the engine computed them, on the case mockTrace.ts was traced in:
// recorded from the command line by scripts/record-ui-fixtures (fixtures/README.md gives each
// command). Each import is the JSON at run time and its exact type (.d.json.ts) for the compiler, so
// `satisfies` checks the engine's answer against the type generated from Rust.
import type { SliceReport } from "../generated/SliceReport";
import type { TableIdentity } from "../generated/TableIdentity";
import decisions from "./fixtures/slice-decisions-by-age-band.json";
import training from "./fixtures/slice-training-by-age-band.json";

/** The production training set by age band, against staging's:
 *    custody slice CASE project/data/processed/train.parquet@v2.0 --by customer_age_band \
 *      --label is_fraud --reference project/data/processed/train.parquet@v1.1 --json */
export const DEMO_SLICE: SliceReport = training satisfies SliceReport;

/** The production model's decisions by age band, with ground truth:
 *    custody slice CASE inference/predictions.parquet --by customer_age_band --label is_fraud \
 *      --prediction decision=decline --where model_version=3 --json */
export const DEMO_SLICE_DECISIONS: SliceReport = decisions satisfies SliceReport;

/** What `table_columns` answers for the production training set (DEMO_SLICE's dataset). */
export const DEMO_TABLE: TableIdentity = DEMO_SLICE.dataset;
