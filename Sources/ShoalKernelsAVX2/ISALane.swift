// AVX2 + FMA: one ymm register per lane vector, 16 registers, so tiles are 2 queries × 4 rows.
import ShoalSIMD

typealias ISALane = SIMD8<Float>

@inline(__always) var isaTileQueries: Int { 2 }
