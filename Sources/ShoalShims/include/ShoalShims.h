// Tiny C shim for what Swift cannot spell: a multiply-add that becomes one fused instruction when
// the compilation target has FMA (and a plain multiply and add otherwise, never a libm call), a
// horizontal sum, the CRC-32C instruction, and CPU-feature checks. No kernels live here: they are
// Swift (ShoalSIMD, and the CRC-32C loop in Shoal).
#ifndef SHOAL_SHIMS_H
#define SHOAL_SHIMS_H

#include <stdint.h>

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

/// 1 when `shoal_crc32c_u64` may run here (x86: SSE4.2; ARM64: the CRC32 extension), else 0.
int shoal_has_crc32c(void);

/// One step of CRC-32C (Castagnoli, reflected, no pre- or post-inversion) over the eight bytes of
/// `data`, read little-endian: one `crc32` (x86 SSE4.2) or `crc32cx` (ARM64) instruction.
/// Call it only where `shoal_has_crc32c()` returned 1; where neither instruction exists it
/// returns `crc` unchanged. Compiled for that instruction only (the `target` attribute), so the
/// rest of the program never uses it; the cost is one call per eight bytes.
#if defined(__x86_64__)
static inline __attribute__((target("sse4.2"))) uint32_t shoal_crc32c_u64(uint32_t crc, uint64_t data) {
    return (uint32_t)__builtin_ia32_crc32di(crc, data);
}
#elif defined(__aarch64__)
static inline __attribute__((target("crc"))) uint32_t shoal_crc32c_u64(uint32_t crc, uint64_t data) {
    return __builtin_arm_crc32cd(crc, data);
}
#else
static inline uint32_t shoal_crc32c_u64(uint32_t crc, uint64_t data) {
    (void)data;
    return crc;
}
#endif

#endif
