// Baseline x86-64 (SSE2) or any other CPU: 4-wide vectors, 16 registers, 2 queries × 4 rows tiles.
import ShoalSIMD

typealias ISALane = SIMD4<Float>

@inline(__always) var isaTileQueries: Int { 2 }
