// C reference for Shoal's distance kernels (benchmark only; never part of the library).
//
// The same algorithms as Sources/ShoalSIMD (RowKernels.swift, BatchKernels.swift, PanelKernels.swift)
// with the AVX2 lane (8 floats; 2-query × 4-row batch tiles, 4-query × 2-panel panel tiles), written
// with AVX2/FMA intrinsics when the compiler targets them (`-march=native` on an AVX2+FMA machine)
// and in plain C otherwise (the fallback uses the tile path for every batch).
#ifndef CREFERENCE_H
#define CREFERENCE_H

/// "avx2+fma" when the intrinsics path was compiled, "scalar" for the plain C fallback.
const char *cref_variant(void);

/// Squared L2 from one query to `count` rows (row-major, `dimension` floats each) into `out`.
void cref_squared_l2_rows(const float *query, const float *rows, long count, long dimension, float *out);

/// `-<q, x>` from one query to `count` rows into `out`.
void cref_negated_dot_rows(const float *query, const float *rows, long count, long dimension, float *out);

/// `||x||^2` of `count` rows into `out`.
void cref_squared_norms(const float *rows, long count, long dimension, float *out);

/// `<q_i, x_r>` into `out[i * out_stride + r]` as `ISAKernels.dotBatch` (AVX2) does it: with at
/// least 32 queries (64 when dimension > 128), rows packed into dimension-major panels of 8
/// (blocks of ~64 KB) and tiles of 4 queries × 2 panels; with fewer, `cref_dot_batch_tiles`.
void cref_dot_batch(const float *queries, long query_count, const float *rows, long row_count, long dimension,
                    float *out, long out_stride);

/// `<q_i, x_r>` with row blocks of ~192 KB and register tiles of 2 queries × 4 rows (AVX2),
/// 1 × 4 for a leftover query, one row at a time for leftover rows (`dotBatch`/`dotTile`).
void cref_dot_batch_tiles(const float *queries, long query_count, const float *rows, long row_count, long dimension,
                          float *out, long out_stride);

/// `cref_dot_batch`, then the squared-L2 epilogue `max(0, ||q||^2 + ||x||^2 - 2<q, x>)`.
void cref_batch_squared_l2(const float *queries, const float *query_norms, long query_count, const float *rows,
                           const float *row_norms, long row_count, long dimension, float *out, long out_stride);

#endif
