import Shoal

/// The workload generator's random numbers: xoshiro256** seeded through SplitMix64.
///
/// Written out here (rather than using the standard library's `random(in:using:)`, whose
/// algorithm may change between Swift releases) so that a seed gives the same runbook on every
/// toolchain and platform.
struct WorkloadRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    init(seed: UInt64) {
        var seeder = SeededGenerator(seed: seed)
        s0 = seeder.next()
        s1 = seeder.next()
        s2 = seeder.next()
        s3 = seeder.next()
    }

    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform double in [0, 1) from the top 53 bits.
    mutating func unit() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-and-reject, no modulo bias).
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold { product = next().multipliedFullWidth(by: b) }
        }
        return Int(product.high)
    }

    /// `count` distinct elements of `pool` chosen uniformly (a partial Fisher–Yates shuffle of a
    /// copy), in the order drawn. O(pool.count) for the copy plus O(count).
    mutating func choose<T>(_ count: Int, from pool: [T]) -> [T] {
        var items = pool
        let take = min(count, items.count)
        for i in 0..<take {
            let j = i + below(items.count - i)
            if i != j { items.swapAt(i, j) }
        }
        return Array(items.prefix(take))
    }
}

/// FNV-1a over the bit patterns of a float matrix: a cheap fingerprint that lets the runner check
/// that it was given the vectors a runbook was generated from.
enum VectorChecksum {
    static func fnv1a(_ matrix: Matrix<Float>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        let prime: UInt64 = 0x0000_0100_0000_01B3
        func mix(_ word: UInt64) {
            var w = word
            for _ in 0..<8 {
                hash ^= w & 0xFF
                hash = hash &* prime
                w >>= 8
            }
        }
        mix(UInt64(matrix.rows))
        mix(UInt64(matrix.columns))
        matrix.values.withUnsafeBufferPointer { values in
            for value in values {
                hash ^= UInt64(value.bitPattern)
                hash = hash &* prime
            }
        }
        return hash
    }
}
