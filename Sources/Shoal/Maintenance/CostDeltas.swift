#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// Split verification with the children's actual sizes:
    /// `ΔO⁺ − A·λ(s) + A·(σ(s_L/s)·λ(s_L) + σ(s_R/s)·λ(s_R))`, where σ is ``childShare(fraction:alpha:)``.
    ///
    /// The paper charges each child `α·A` whatever its size. With a λ that is affine in the size
    /// (as measured here) `λ(s_L) + λ(s_R)` does not depend on how the vectors are divided, so that
    /// check cannot reject a lopsided split (450/50 costs the same as 250/250). Letting a child's
    /// share of the queries grow with its share of the vectors — α for a balanced child, as in the
    /// paper's estimate — makes a lopsided split worth little (the big child keeps almost all the
    /// queries and almost all the vectors), so τ rejects it.
    static func splitVerified(
        size s: Int, childSizes: (Int, Int), frequency a: Double, alpha: Double, overhead: Double,
        cost: (Int) -> Double
    ) -> Double {
        let total = Double(max(1, childSizes.0 + childSizes.1))
        let left = childShare(fraction: Double(childSizes.0) / total, alpha: alpha)
        let right = childShare(fraction: Double(childSizes.1) / total, alpha: alpha)
        return overhead - a * cost(s) + a * (left * cost(childSizes.0) + right * cost(childSizes.1))
    }

    /// The share of its parent's queries a child holding `fraction` of the parent's vectors is
    /// assumed to keep: `fraction^γ` with `γ = log α / log ½`, so a balanced child keeps α (the
    /// paper's assumption), the whole keeps everything and an empty child nothing.
    static func childShare(fraction: Double, alpha: Double) -> Double {
        guard fraction > 0 else { return 0 }
        guard fraction < 1 else { return 1 }
        let gamma = log(min(1, max(1e-9, alpha))) / log(0.5)
        return pow(fraction, gamma)
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
