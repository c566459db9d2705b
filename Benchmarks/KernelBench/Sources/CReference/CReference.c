// C reference for Shoal's distance kernels: the algorithms of Sources/ShoalSIMD/RowKernels.swift,
// BatchKernels.swift and PanelKernels.swift, instantiated for the AVX2 lane (8 floats), line for
// line, including the order of the horizontal sums and the batch dispatch of
// Sources/ShoalKernelsAVX512/ISAKernels.swift (which ShoalKernelsAVX2 shares): fewer than 4
// queries use the 2 × 4 register tiles, 4 or more the packed panels. The results agree with
// Swift's bit for bit where no scalar tail is involved. Compiled with -O3 -march=native
// -ffp-contract=fast (see Package.swift).
#include "CReference.h"

#include <stdlib.h>
#include <string.h>

#if defined(__AVX2__) && defined(__FMA__)
#define CREF_AVX2 1
#include <immintrin.h>
#endif

#define CREF_INLINE static inline __attribute__((always_inline))

#ifdef CREF_AVX2

const char *cref_variant(void) { return "avx2+fma"; }

/// Sum of 4 lanes as (x + z) + (y + w), the order of Swift's `SIMD4.laneSum`.
CREF_INLINE float hsum4(__m128 b) {
    __m128 t = _mm_add_ps(b, _mm_movehl_ps(b, b));  // [x+z, y+w, ..]
    return _mm_cvtss_f32(_mm_add_ss(t, _mm_movehdup_ps(t)));
}

/// Sum of 8 lanes: (lo + hi), then as `hsum4` (the order of the shim's `shoal_hsum8`).
CREF_INLINE float hsum8(__m256 v) {
    return hsum4(_mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1)));
}

static float l2_row(const float *a, const float *b, long d) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    long j = 0;
    for (; j + 16 <= d; j += 16) {
        __m256 t0 = _mm256_sub_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j));
        __m256 t1 = _mm256_sub_ps(_mm256_loadu_ps(a + j + 8), _mm256_loadu_ps(b + j + 8));
        acc0 = _mm256_fmadd_ps(t0, t0, acc0);
        acc1 = _mm256_fmadd_ps(t1, t1, acc1);
    }
    if (j + 8 <= d) {
        __m256 t0 = _mm256_sub_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j));
        acc0 = _mm256_fmadd_ps(t0, t0, acc0);
        j += 8;
    }
    __m128 quad = _mm_setzero_ps();
    for (; j + 4 <= d; j += 4) {
        __m128 t = _mm_sub_ps(_mm_loadu_ps(a + j), _mm_loadu_ps(b + j));
        quad = _mm_fmadd_ps(t, t, quad);
    }
    float s = hsum8(_mm256_add_ps(acc0, acc1)) + hsum4(quad);
    for (; j < d; j++) {
        float t = a[j] - b[j];
        s += t * t;
    }
    return s;
}

static float dot_row(const float *a, const float *b, long d) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    long j = 0;
    for (; j + 16 <= d; j += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j + 8), _mm256_loadu_ps(b + j + 8), acc1);
    }
    if (j + 8 <= d) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j), acc0);
        j += 8;
    }
    __m128 quad = _mm_setzero_ps();
    for (; j + 4 <= d; j += 4) quad = _mm_fmadd_ps(_mm_loadu_ps(a + j), _mm_loadu_ps(b + j), quad);
    float s = hsum8(_mm256_add_ps(acc0, acc1)) + hsum4(quad);
    for (; j < d; j++) s += a[j] * b[j];
    return s;
}

void cref_squared_l2_rows(const float *q, const float *rows, long count, long d, float *out) {
    const long vector_end = d - d % 8, quad_end = d - d % 4;
    long i = 0;
    for (; i + 4 <= count; i += 4) {
        const float *r0 = rows + i * d, *r1 = r0 + d, *r2 = r1 + d, *r3 = r2 + d;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(),
               a3 = _mm256_setzero_ps();
        long j = 0;
        for (; j < vector_end; j += 8) {
            __m256 qv = _mm256_loadu_ps(q + j);
            __m256 t0 = _mm256_sub_ps(qv, _mm256_loadu_ps(r0 + j));
            __m256 t1 = _mm256_sub_ps(qv, _mm256_loadu_ps(r1 + j));
            __m256 t2 = _mm256_sub_ps(qv, _mm256_loadu_ps(r2 + j));
            __m256 t3 = _mm256_sub_ps(qv, _mm256_loadu_ps(r3 + j));
            a0 = _mm256_fmadd_ps(t0, t0, a0);
            a1 = _mm256_fmadd_ps(t1, t1, a1);
            a2 = _mm256_fmadd_ps(t2, t2, a2);
            a3 = _mm256_fmadd_ps(t3, t3, a3);
        }
        float s0 = hsum8(a0), s1 = hsum8(a1), s2 = hsum8(a2), s3 = hsum8(a3);
        if (j < quad_end) {  // 4-wide tail, only when d % 8 >= 4
            __m128 b0 = _mm_setzero_ps(), b1 = _mm_setzero_ps(), b2 = _mm_setzero_ps(), b3 = _mm_setzero_ps();
            for (; j < quad_end; j += 4) {
                __m128 qv = _mm_loadu_ps(q + j);
                __m128 t0 = _mm_sub_ps(qv, _mm_loadu_ps(r0 + j));
                __m128 t1 = _mm_sub_ps(qv, _mm_loadu_ps(r1 + j));
                __m128 t2 = _mm_sub_ps(qv, _mm_loadu_ps(r2 + j));
                __m128 t3 = _mm_sub_ps(qv, _mm_loadu_ps(r3 + j));
                b0 = _mm_fmadd_ps(t0, t0, b0);
                b1 = _mm_fmadd_ps(t1, t1, b1);
                b2 = _mm_fmadd_ps(t2, t2, b2);
                b3 = _mm_fmadd_ps(t3, t3, b3);
            }
            s0 += hsum4(b0);
            s1 += hsum4(b1);
            s2 += hsum4(b2);
            s3 += hsum4(b3);
        }
        for (; j < d; j++) {
            float qj = q[j];
            float t0 = qj - r0[j], t1 = qj - r1[j], t2 = qj - r2[j], t3 = qj - r3[j];
            s0 += t0 * t0;
            s1 += t1 * t1;
            s2 += t2 * t2;
            s3 += t3 * t3;
        }
        out[i] = s0;
        out[i + 1] = s1;
        out[i + 2] = s2;
        out[i + 3] = s3;
    }
    for (; i < count; i++) out[i] = l2_row(q, rows + i * d, d);
}

void cref_negated_dot_rows(const float *q, const float *rows, long count, long d, float *out) {
    const long vector_end = d - d % 8, quad_end = d - d % 4;
    long i = 0;
    for (; i + 4 <= count; i += 4) {
        const float *r0 = rows + i * d, *r1 = r0 + d, *r2 = r1 + d, *r3 = r2 + d;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(),
               a3 = _mm256_setzero_ps();
        long j = 0;
        for (; j < vector_end; j += 8) {
            __m256 qv = _mm256_loadu_ps(q + j);
            a0 = _mm256_fmadd_ps(qv, _mm256_loadu_ps(r0 + j), a0);
            a1 = _mm256_fmadd_ps(qv, _mm256_loadu_ps(r1 + j), a1);
            a2 = _mm256_fmadd_ps(qv, _mm256_loadu_ps(r2 + j), a2);
            a3 = _mm256_fmadd_ps(qv, _mm256_loadu_ps(r3 + j), a3);
        }
        float s0 = hsum8(a0), s1 = hsum8(a1), s2 = hsum8(a2), s3 = hsum8(a3);
        if (j < quad_end) {  // 4-wide tail, only when d % 8 >= 4
            __m128 b0 = _mm_setzero_ps(), b1 = _mm_setzero_ps(), b2 = _mm_setzero_ps(), b3 = _mm_setzero_ps();
            for (; j < quad_end; j += 4) {
                __m128 qv = _mm_loadu_ps(q + j);
                b0 = _mm_fmadd_ps(qv, _mm_loadu_ps(r0 + j), b0);
                b1 = _mm_fmadd_ps(qv, _mm_loadu_ps(r1 + j), b1);
                b2 = _mm_fmadd_ps(qv, _mm_loadu_ps(r2 + j), b2);
                b3 = _mm_fmadd_ps(qv, _mm_loadu_ps(r3 + j), b3);
            }
            s0 += hsum4(b0);
            s1 += hsum4(b1);
            s2 += hsum4(b2);
            s3 += hsum4(b3);
        }
        for (; j < d; j++) {
            float qj = q[j];
            s0 += qj * r0[j];
            s1 += qj * r1[j];
            s2 += qj * r2[j];
            s3 += qj * r3[j];
        }
        out[i] = -s0;
        out[i + 1] = -s1;
        out[i + 2] = -s2;
        out[i + 3] = -s3;
    }
    for (; i < count; i++) out[i] = -dot_row(q, rows + i * d, d);
}

/// Dot products of `qc` (1 or 2, a constant at each call site) queries with 4 rows: a qc × 4 block
/// of `out` (row stride `stride`). Mirrors `dotTile` with the AVX2 tile height of 2.
CREF_INLINE void dot_tile(int qc, const float *q, const float *x, long d, float *out, long stride) {
    const long vector_end = d - d % 8, quad_end = d - d % 4;
    const float *x0 = x, *x1 = x0 + d, *x2 = x1 + d, *x3 = x2 + d;
    const float *q0 = q, *q1 = q0 + d;
    __m256 t00 = _mm256_setzero_ps(), t01 = _mm256_setzero_ps(), t02 = _mm256_setzero_ps(),
           t03 = _mm256_setzero_ps();
    __m256 t10 = _mm256_setzero_ps(), t11 = _mm256_setzero_ps(), t12 = _mm256_setzero_ps(),
           t13 = _mm256_setzero_ps();
    long j = 0;
    for (; j < vector_end; j += 8) {
        __m256 v0 = _mm256_loadu_ps(x0 + j), v1 = _mm256_loadu_ps(x1 + j);
        __m256 v2 = _mm256_loadu_ps(x2 + j), v3 = _mm256_loadu_ps(x3 + j);
        __m256 a = _mm256_loadu_ps(q0 + j);
        t00 = _mm256_fmadd_ps(a, v0, t00);
        t01 = _mm256_fmadd_ps(a, v1, t01);
        t02 = _mm256_fmadd_ps(a, v2, t02);
        t03 = _mm256_fmadd_ps(a, v3, t03);
        if (qc > 1) {
            __m256 b = _mm256_loadu_ps(q1 + j);
            t10 = _mm256_fmadd_ps(b, v0, t10);
            t11 = _mm256_fmadd_ps(b, v1, t11);
            t12 = _mm256_fmadd_ps(b, v2, t12);
            t13 = _mm256_fmadd_ps(b, v3, t13);
        }
    }
    float s0[4] = {hsum8(t00), hsum8(t01), hsum8(t02), hsum8(t03)};
    float s1[4] = {hsum8(t10), hsum8(t11), hsum8(t12), hsum8(t13)};
    if (j < quad_end) {
        __m128 u00 = _mm_setzero_ps(), u01 = _mm_setzero_ps(), u02 = _mm_setzero_ps(), u03 = _mm_setzero_ps();
        __m128 u10 = _mm_setzero_ps(), u11 = _mm_setzero_ps(), u12 = _mm_setzero_ps(), u13 = _mm_setzero_ps();
        for (; j < quad_end; j += 4) {
            __m128 v0 = _mm_loadu_ps(x0 + j), v1 = _mm_loadu_ps(x1 + j);
            __m128 v2 = _mm_loadu_ps(x2 + j), v3 = _mm_loadu_ps(x3 + j);
            __m128 a = _mm_loadu_ps(q0 + j);
            u00 = _mm_fmadd_ps(a, v0, u00);
            u01 = _mm_fmadd_ps(a, v1, u01);
            u02 = _mm_fmadd_ps(a, v2, u02);
            u03 = _mm_fmadd_ps(a, v3, u03);
            if (qc > 1) {
                __m128 b = _mm_loadu_ps(q1 + j);
                u10 = _mm_fmadd_ps(b, v0, u10);
                u11 = _mm_fmadd_ps(b, v1, u11);
                u12 = _mm_fmadd_ps(b, v2, u12);
                u13 = _mm_fmadd_ps(b, v3, u13);
            }
        }
        s0[0] += hsum4(u00); s0[1] += hsum4(u01); s0[2] += hsum4(u02); s0[3] += hsum4(u03);
        s1[0] += hsum4(u10); s1[1] += hsum4(u11); s1[2] += hsum4(u12); s1[3] += hsum4(u13);
    }
    for (; j < d; j++) {
        float c0 = x0[j], c1 = x1[j], c2 = x2[j], c3 = x3[j];
        s0[0] += c0 * q0[j]; s0[1] += c1 * q0[j]; s0[2] += c2 * q0[j]; s0[3] += c3 * q0[j];
        if (qc > 1) { s1[0] += c0 * q1[j]; s1[1] += c1 * q1[j]; s1[2] += c2 * q1[j]; s1[3] += c3 * q1[j]; }
    }
    _mm_storeu_ps(out, _mm_loadu_ps(s0));
    if (qc > 1) _mm_storeu_ps(out + stride, _mm_loadu_ps(s1));
}

#define CREF_TILE_QUERIES 2

/// Packs `count` rows into ceil(count / 8) panels of d × 8 floats, dimension-major, zero-padded
/// (as `packPanels`).
static void pack_panels(const float *rows, long count, long d, float *panels) {
    long panel_count = (count + 7) / 8;
    memset(panels, 0, (size_t)(panel_count * d * 8) * sizeof(float));
    for (long r = 0; r < count; r++) {
        float *panel = panels + (r / 8) * d * 8 + r % 8;
        const float *row = rows + r * d;
        for (long j = 0; j < d; j++) panel[j * 8] = row[j];
    }
}

/// Stores the first `valid` (≤ 16) lanes of two accumulators (as `storeTile`).
CREF_INLINE void store_tile(__m256 first, __m256 second, long valid, float *out) {
    if (valid >= 16) {
        _mm256_storeu_ps(out, first);
        _mm256_storeu_ps(out + 8, second);
        return;
    }
    float lanes[16];
    _mm256_storeu_ps(lanes, first);
    _mm256_storeu_ps(lanes + 8, second);
    for (long i = 0; i < valid; i++) out[i] = lanes[i];
}

/// Dot products of `qc` (1 or 4) queries with the rows of two panels (the second may be absent),
/// as `panelTile`: query components broadcast, no horizontal sums.
CREF_INLINE void panel_tile(int qc, const float *q, long d, const float *p0, int has_second, long valid, float *out,
                            long stride) {
    const float *p1 = p0 + d * 8;
    const float *q0 = q, *q1 = q0 + d, *q2 = q1 + d, *q3 = q2 + d;
    __m256 a00 = _mm256_setzero_ps(), a01 = _mm256_setzero_ps(), a10 = _mm256_setzero_ps(), a11 = _mm256_setzero_ps();
    __m256 a20 = _mm256_setzero_ps(), a21 = _mm256_setzero_ps(), a30 = _mm256_setzero_ps(), a31 = _mm256_setzero_ps();
    if (has_second) {
        for (long j = 0; j < d; j++) {
            __m256 x0 = _mm256_loadu_ps(p0 + j * 8), x1 = _mm256_loadu_ps(p1 + j * 8);
            __m256 b0 = _mm256_broadcast_ss(q0 + j);
            a00 = _mm256_fmadd_ps(b0, x0, a00);
            a01 = _mm256_fmadd_ps(b0, x1, a01);
            if (qc > 1) {
                __m256 b1 = _mm256_broadcast_ss(q1 + j);
                a10 = _mm256_fmadd_ps(b1, x0, a10);
                a11 = _mm256_fmadd_ps(b1, x1, a11);
            }
            if (qc > 2) {
                __m256 b2 = _mm256_broadcast_ss(q2 + j);
                a20 = _mm256_fmadd_ps(b2, x0, a20);
                a21 = _mm256_fmadd_ps(b2, x1, a21);
            }
            if (qc > 3) {
                __m256 b3 = _mm256_broadcast_ss(q3 + j);
                a30 = _mm256_fmadd_ps(b3, x0, a30);
                a31 = _mm256_fmadd_ps(b3, x1, a31);
            }
        }
    } else {
        for (long j = 0; j < d; j++) {
            __m256 x0 = _mm256_loadu_ps(p0 + j * 8);
            a00 = _mm256_fmadd_ps(_mm256_broadcast_ss(q0 + j), x0, a00);
            if (qc > 1) a10 = _mm256_fmadd_ps(_mm256_broadcast_ss(q1 + j), x0, a10);
            if (qc > 2) a20 = _mm256_fmadd_ps(_mm256_broadcast_ss(q2 + j), x0, a20);
            if (qc > 3) a30 = _mm256_fmadd_ps(_mm256_broadcast_ss(q3 + j), x0, a30);
        }
    }
    store_tile(a00, a01, valid, out);
    if (qc > 1) store_tile(a10, a11, valid, out + stride);
    if (qc > 2) store_tile(a20, a21, valid, out + 2 * stride);
    if (qc > 3) store_tile(a30, a31, valid, out + 3 * stride);
}

/// `<q_i, x_r>` for `row_count` packed rows (as `dotPanels`).
static void dot_panels(const float *queries, long query_count, const float *panels, long row_count, long d, float *out,
                       long out_stride) {
    long panel_count = (row_count + 7) / 8;
    for (long panel = 0; panel < panel_count;) {
        int has_second = panel + 1 < panel_count;
        long first_row = panel * 8;
        long limit = has_second ? 16 : 8;
        long valid = row_count - first_row < limit ? row_count - first_row : limit;
        const float *p0 = panels + panel * d * 8;
        long qi = 0;
        for (; qi + 4 <= query_count; qi += 4)
            panel_tile(4, queries + qi * d, d, p0, has_second, valid, out + qi * out_stride + first_row, out_stride);
        for (; qi < query_count; qi++)
            panel_tile(1, queries + qi * d, d, p0, has_second, valid, out + qi * out_stride + first_row, out_stride);
        panel += has_second ? 2 : 1;
    }
}

/// The panel path of `ISAKernels.dotBatch`: blocks of ~64 KB of rows (a multiple of 16 rows),
/// each packed into a scratch buffer allocated per call, then `dot_panels`.
static void dot_batch_panels(const float *queries, long query_count, const float *rows, long row_count, long d,
                             float *out, long out_stride) {
    long block = (64 * 1024) / (d * 4 > 1 ? d * 4 : 1);
    if (block < 16) block = 16;
    long block_rows = block - block % 16;
    long first = row_count < block_rows ? row_count : block_rows;
    float *panels = malloc((size_t)((first + 7) / 8 * d * 8) * sizeof(float));
    for (long start = 0; start < row_count;) {
        long count = row_count - start < block_rows ? row_count - start : block_rows;
        pack_panels(rows + start * d, count, d, panels);
        dot_panels(queries, query_count, panels, count, d, out + start, out_stride);
        start += count;
    }
    free(panels);
}

#define CREF_HAS_PANELS 1

#else  // plain C fallback: the same loops over 8-float arrays (any compiler, any CPU)

const char *cref_variant(void) { return "scalar"; }

CREF_INLINE float hsum4(const float b[4]) { return (b[0] + b[2]) + (b[1] + b[3]); }

CREF_INLINE float hsum8(const float v[8]) {
    float b[4];
    for (int k = 0; k < 4; k++) b[k] = v[k] + v[k + 4];
    return hsum4(b);
}

static float l2_row(const float *a, const float *b, long d) {
    float acc[8] = {0};
    long j = 0;
    for (; j + 8 <= d; j += 8)
        for (int k = 0; k < 8; k++) {
            float t = a[j + k] - b[j + k];
            acc[k] += t * t;
        }
    float quad[4] = {0};
    for (; j + 4 <= d; j += 4)
        for (int k = 0; k < 4; k++) {
            float t = a[j + k] - b[j + k];
            quad[k] += t * t;
        }
    float s = hsum8(acc) + hsum4(quad);
    for (; j < d; j++) {
        float t = a[j] - b[j];
        s += t * t;
    }
    return s;
}

static float dot_row(const float *a, const float *b, long d) {
    float acc[8] = {0};
    long j = 0;
    for (; j + 8 <= d; j += 8)
        for (int k = 0; k < 8; k++) acc[k] += a[j + k] * b[j + k];
    float quad[4] = {0};
    for (; j + 4 <= d; j += 4)
        for (int k = 0; k < 4; k++) quad[k] += a[j + k] * b[j + k];
    float s = hsum8(acc) + hsum4(quad);
    for (; j < d; j++) s += a[j] * b[j];
    return s;
}

void cref_squared_l2_rows(const float *q, const float *rows, long count, long d, float *out) {
    for (long i = 0; i < count; i++) out[i] = l2_row(q, rows + i * d, d);
}

void cref_negated_dot_rows(const float *q, const float *rows, long count, long d, float *out) {
    for (long i = 0; i < count; i++) out[i] = -dot_row(q, rows + i * d, d);
}

CREF_INLINE void dot_tile(int qc, const float *q, const float *x, long d, float *out, long stride) {
    for (int i = 0; i < qc; i++)
        for (int r = 0; r < 4; r++) out[i * stride + r] = dot_row(q + i * d, x + r * d, d);
}

#define CREF_TILE_QUERIES 2

#endif

void cref_squared_norms(const float *rows, long count, long d, float *out) {
    for (long i = 0; i < count; i++) out[i] = dot_row(rows + i * d, rows + i * d, d);
}

/// Rows per cache block: ~192 KB of rows, a multiple of 4 (as `rowsPerCacheBlock`).
static long rows_per_cache_block(long d) {
    long target = (192 * 1024) / (d * 4 > 1 ? d * 4 : 1);
    long rounded = target - target % 4;
    return rounded > 4 ? rounded : 4;
}

void cref_dot_batch_tiles(const float *queries, long query_count, const float *rows, long row_count, long d,
                          float *out, long out_stride) {
    const long block = rows_per_cache_block(d);
    for (long row_start = 0; row_start < row_count;) {
        long row_end = row_start + block < row_count ? row_start + block : row_count;
        long tiled_end = row_start + (row_end - row_start) / 4 * 4;
        long qi = 0;
        for (; qi + CREF_TILE_QUERIES <= query_count; qi += CREF_TILE_QUERIES)
            for (long r = row_start; r < tiled_end; r += 4)
                dot_tile(CREF_TILE_QUERIES, queries + qi * d, rows + r * d, d, out + qi * out_stride + r, out_stride);
        for (; qi < query_count; qi++)
            for (long r = row_start; r < tiled_end; r += 4)
                dot_tile(1, queries + qi * d, rows + r * d, d, out + qi * out_stride + r, out_stride);
        for (long i = 0; i < query_count; i++)
            for (long r = tiled_end; r < row_end; r++) out[i * out_stride + r] = dot_row(queries + i * d, rows + r * d, d);
        row_start = row_end;
    }
}

void cref_dot_batch(const float *queries, long query_count, const float *rows, long row_count, long d, float *out,
                    long out_stride) {
#ifdef CREF_HAS_PANELS
    if (query_count >= (d <= 128 ? 32 : 64)) {  // ISAKernels.dotBatch's crossover
        dot_batch_panels(queries, query_count, rows, row_count, d, out, out_stride);
        return;
    }
#endif
    cref_dot_batch_tiles(queries, query_count, rows, row_count, d, out, out_stride);
}

void cref_batch_squared_l2(const float *queries, const float *query_norms, long query_count, const float *rows,
                           const float *row_norms, long row_count, long d, float *out, long out_stride) {
    cref_dot_batch(queries, query_count, rows, row_count, d, out, out_stride);
    for (long i = 0; i < query_count; i++) {
        float *line = out + i * out_stride;
        const float qn = query_norms[i];
        for (long r = 0; r < row_count; r++) {
            float v = qn + row_norms[r] - 2 * line[r];
            line[r] = v >= 0 ? v : 0;  // Swift's max(0, v)
        }
    }
}
