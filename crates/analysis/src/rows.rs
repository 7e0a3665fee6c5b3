//! Row and value hashing shared by the analyses: the diff matches rows of two table versions
//! by it, and the diff and the slice attribute rows to the raw sources they came from by it.
//!
//! Why one module: two rows are "the same row" only if every analysis agrees they are, so the
//! normalisation (a CSV's `5` and a Parquet's `5.0`, a boolean and its 0/1, a categorical and
//! its string hash equal) lives in one place.
//!
//! Guarantees: two rows hash equal when their shared values are equal; the hash is 64-bit, so
//! a collision (about one in 10^19 per pair) could hide one changed row.

use polars::prelude::*;

/// A raw source table to attribute added rows to.
pub struct RawSource<'a> {
    pub path: String,
    pub node: String,
    pub table: &'a DataFrame,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
const NULL_HASH: u64 = 0x9e37_79b9_7f4a_7c15;

fn mix(h: u64, v: u64) -> u64 {
    // splitmix64 finaliser over the running hash and the value
    let mut z = h ^ v.wrapping_add(0x9e37_79b9_7f4a_7c15).wrapping_add(h << 6).wrapping_add(h >> 2);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = FNV_OFFSET;
    for &x in b {
        h = (h ^ x as u64).wrapping_mul(FNV_PRIME);
    }
    h
}

fn hash_f64(v: f64) -> u64 {
    let v = if v == 0.0 { 0.0 } else { v };
    if v.is_nan() { 0x7ff8_0000_0000_0000 } else { v.to_bits() }
}

pub(crate) fn is_numeric(dt: &DataType) -> bool {
    dt.is_primitive_numeric() || matches!(dt, DataType::Boolean)
}

pub(crate) fn is_temporal(dt: &DataType) -> bool {
    matches!(dt, DataType::Date | DataType::Datetime(_, _) | DataType::Duration(_) | DataType::Time)
}

/// The integers behind a date, time or duration column (formatting them as text would cost
/// more than everything else the comparison does).
pub(crate) fn temporal_integers(s: &Series) -> PolarsResult<Vec<Option<i64>>> {
    let ints = s.to_physical_repr().cast(&DataType::Int64)?;
    Ok(ints.i64()?.iter().collect())
}

/// One hash per row of `column`, normalised across types (see the module docs).
fn column_hashes(column: &Column) -> PolarsResult<Vec<u64>> {
    let s = column.as_materialized_series();
    if is_temporal(s.dtype()) {
        // the unit is part of the type: a second and a millisecond column compare unequal
        let unit = hash_bytes(s.dtype().to_string().as_bytes());
        return Ok(temporal_integers(s)?.into_iter().map(|v| v.map(|x| mix(unit, x as u64)).unwrap_or(NULL_HASH)).collect());
    }
    if is_numeric(s.dtype()) {
        let f = s.cast(&DataType::Float64)?;
        return Ok(f.f64()?.iter().map(|v| v.map(hash_f64).unwrap_or(NULL_HASH)).collect());
    }
    let text = s.cast(&DataType::String)?;
    Ok(text.str()?.iter().map(|v| v.map(|t| hash_bytes(t.as_bytes())).unwrap_or(NULL_HASH)).collect())
}

/// The content hash of every row over `columns` (in the order given).
pub fn row_hashes(df: &DataFrame, columns: &[String]) -> PolarsResult<Vec<u64>> {
    Ok(combine(&hash_columns(df, columns)?, df.height()))
}

/// One hash per value of `column`, normalised exactly as [`row_hashes`] normalises it (a null
/// hashes like any other null). Value sets compared through these hashes compare as rows do.
pub fn value_hashes(column: &Column) -> PolarsResult<Vec<u64>> {
    column_hashes(column)
}

/// Mixes one more column's [`value_hashes`] into row hashes: `row_hashes(df, [a, b])` is
/// `row_hashes(df, [a])` extended by `value_hashes(b)`. Lets a caller try one column more
/// without rehashing the others.
pub fn extend_row_hashes(rows: &mut [u64], values: &[u64]) {
    for (r, v) in rows.iter_mut().zip(values) {
        *r = mix(*r, *v);
    }
}

/// Per-value hashes of each of `columns`.
pub(crate) fn hash_columns(df: &DataFrame, columns: &[String]) -> PolarsResult<Vec<Vec<u64>>> {
    columns.iter().map(|name| column_hashes(df.column(name)?)).collect()
}

/// Row hashes from per-column value hashes.
pub(crate) fn combine(columns: &[Vec<u64>], height: usize) -> Vec<u64> {
    let mut rows = vec![FNV_OFFSET; height];
    for col in columns {
        for (r, v) in rows.iter_mut().zip(col) {
            *r = mix(*r, *v);
        }
    }
    rows
}
