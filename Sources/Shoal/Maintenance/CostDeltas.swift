/// The cost arithmetic of maintenance (Quake §4), as pure functions of λ, sizes and frequencies.
///
/// Notation: a partition of size `s` scanned by a share `A` of recent queries costs `A · λ(s)` per
/// query; every query ranks all `T` centroids of the level, which costs `λ(T)`. An action is kept
/// when its cost change is below `−τ`.
enum CostDeltas {
    /// ΔO⁺ = λ(T + 1) − λ(T): one more centroid to rank.
    static func addOverhead(partitionCount t: Int, cost: (Int) -> Double) -> Double { cost(t + 1) - cost(t) }

    /// ΔO⁻ = λ(T − 1) − λ(T): one centroid fewer.
    static func removeOverhead(partitionCount t: Int, cost: (Int) -> Double) -> Double { cost(t - 1) - cost(t) }

    /// Split estimate (paper eq. 6): two balanced children each inheriting `α · A`:
    /// `ΔO⁺ + 2α·A·λ(s/2) − A·λ(s)`.
    static func splitEstimate(size s: Int, frequency a: Double, alpha: Double, overhead: Double, cost: (Int) -> Double)
        -> Double
    {
        overhead + 2 * alpha * a * cost(s / 2) - a * cost(s)
    }

    /// Split verification with the children's actual sizes: `ΔO⁺ − A·λ(s) + α·A·(λ(s_L) + λ(s_R))`.
    static func splitVerified(
        size s: Int, childSizes: (Int, Int), frequency a: Double, alpha: Double, overhead: Double,
        cost: (Int) -> Double
    ) -> Double {
        overhead - a * cost(s) + alpha * a * (cost(childSizes.0) + cost(childSizes.1))
    }

    /// One partition receiving vectors of a merged one.
    struct Receiver {
        var size: Int
        var frequency: Double
        /// Vectors it would receive.
        var received: Int
    }

    /// Merge verification (paper eq. 5 with the real receivers): the merged partition's vectors go
    /// to their nearest remaining centroids; receiver `m` gets `count_m` vectors and, by assumption,
    /// the matching share `A · count_m / s` of the merged partition's queries:
    /// `ΔO⁻ − A·λ(s) + Σ_m [(A_m + A·count_m/s)·λ(s_m + count_m) − A_m·λ(s_m)]`.
    static func mergeVerified(
        size s: Int, frequency a: Double, receivers: [Receiver], overhead: Double, cost: (Int) -> Double
    ) -> Double {
        var delta = overhead - a * cost(s)
        for m in receivers {
            let share = s > 0 ? a * Double(m.received) / Double(s) : 0
            delta += (m.frequency + share) * cost(m.size + m.received) - m.frequency * cost(m.size)
        }
        return delta
    }

    /// Merge estimate before the receivers are known: the vectors spread evenly over the `r`
    /// partitions with the nearest centroids (paper [Sub], with the `−A_m λ(s_m)` term restored).
    static func mergeEstimate(
        size s: Int, frequency a: Double, neighbours: [(size: Int, frequency: Double)], overhead: Double,
        cost: (Int) -> Double
    ) -> Double {
        guard !neighbours.isEmpty else { return .infinity }
        let r = neighbours.count
        let receivers = neighbours.enumerated().map { i, n in
            Receiver(size: n.size, frequency: n.frequency, received: s / r + (i < s % r ? 1 : 0))
        }
        return mergeVerified(size: s, frequency: a, receivers: receivers, overhead: overhead, cost: cost)
    }
}
