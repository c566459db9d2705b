// Tiny C shim for what Swift cannot spell: a multiply-add that becomes one fused instruction when
// the compilation target has FMA (and a plain multiply and add otherwise, never a libm call), a
// horizontal sum, and a CPU-feature check. No kernels live here: they are Swift (ShoalSIMD).
#ifndef SHOAL_SHIMS_H
#define SHOAL_SHIMS_H

typedef float shoal_f16 __attribute__((ext_vector_type(16)));
typedef float shoal_f8 __attribute__((ext_vector_type(8)));
typedef float shoal_f4 __attribute__((ext_vector_type(4)));

/// acc + a * b, contracted to an FMA where the target CPU has one.
static inline __attribute__((always_inline)) shoal_f16 shoal_madd16(shoal_f16 acc, shoal_f16 a, shoal_f16 b) {
#pragma clang fp contract(fast)
    return acc + a * b;
}

/// acc + a * b, contracted to an FMA where the target CPU has one.
static inline __attribute__((always_inline)) shoal_f8 shoal_madd8(shoal_f8 acc, shoal_f8 a, shoal_f8 b) {
#pragma clang fp contract(fast)
    return acc + a * b;
}

/// acc + a * b, contracted to an FMA where the target CPU has one.
static inline __attribute__((always_inline)) shoal_f4 shoal_madd4(shoal_f4 acc, shoal_f4 a, shoal_f4 b) {
#pragma clang fp contract(fast)
    return acc + a * b;
}

/// Sum of the 16 lanes (pairwise, so it vectorises).
static inline __attribute__((always_inline)) float shoal_hsum16(shoal_f16 v) {
    shoal_f8 a = v.lo + v.hi;
    shoal_f4 b = a.lo + a.hi;
    return (b.x + b.z) + (b.y + b.w);
}

/// Sum of the 8 lanes.
static inline __attribute__((always_inline)) float shoal_hsum8(shoal_f8 v) {
    shoal_f4 b = v.lo + v.hi;
    return (b.x + b.z) + (b.y + b.w);
}

/// Instruction-set levels Shoal has kernels for.
enum {
    SHOAL_ISA_BASELINE = 0,
    SHOAL_ISA_AVX2_FMA = 1,
    SHOAL_ISA_AVX512 = 2,
};

/// The best instruction-set level this CPU and operating system support (one of SHOAL_ISA_*).
int shoal_detect_isa(void);

#endif
