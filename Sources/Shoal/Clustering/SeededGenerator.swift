/// A small, fast, seeded random number generator (SplitMix64): the one every seeded Shoal
/// operation uses (k-means, the workload generator's seeding), and that tests and benchmarks use
/// for reproducible data. `next()` gives the same sequence for a seed on every platform and Swift
/// release (the standard library's `random(in:using:)` on top of it may not).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Makes a generator; the same seed gives the same sequence.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` distinct values from `0..<population`, in random order.
    /// - Complexity: O(`count`) expected time and memory.
    mutating func sample(_ count: Int, from population: Int) -> [Int] {
        precondition(count <= population)
        var chosen: [Int: Int] = [:]  // sparse Fisher–Yates: position → value swapped in
        chosen.reserveCapacity(count * 2)
        var result: [Int] = []
        result.reserveCapacity(count)
        for i in 0..<count {
            let j = Int.random(in: i..<population, using: &self)
            let vj = chosen[j] ?? j
            let vi = chosen[i] ?? i
            chosen[j] = vi
            result.append(vj)
        }
        return result
    }
}
