// AVX-512: one zmm register per lane vector, 32 registers, so a 4 × 4 tile of accumulators fits.
import ShoalSIMD

typealias ISALane = SIMD16<Float>

@inline(__always) var isaTileQueries: Int { 4 }
