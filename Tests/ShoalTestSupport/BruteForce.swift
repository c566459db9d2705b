import Shoal

/// A brute-force oracle: exact neighbours by scanning every vector in Double precision.
public enum BruteForce {
    /// The exact `k` best (id, score) pairs for `query` among `vectors` (row-major) with `ids`,
    /// best first, with scores as Shoal reports them (Euclidean distance, or similarity).
    public static func search(
        _ query: [Float], vectors: [Float], ids: [Int64], dimension d: Int, metric: DistanceMetric, k: Int
    ) -> [Neighbor] {
        let n = ids.count
        var q = query.map(Double.init)
        if metric == .cosine { q = normalized(q) }
        var scored: [(Double, Int64)] = []
        scored.reserveCapacity(n)
        for i in 0..<n {
            var row = (0..<d).map { Double(vectors[i * d + $0]) }
            if metric == .cosine { row = normalized(row) }
            switch metric {
            case .l2:
                var s = 0.0
                for j in 0..<d { s += (q[j] - row[j]) * (q[j] - row[j]) }
                scored.append((s.squareRoot(), ids[i]))
            case .innerProduct, .cosine:
                var s = 0.0
                for j in 0..<d { s += q[j] * row[j] }
                scored.append((-s, ids[i]))
            }
        }
        scored.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        return scored.prefix(k).map { Neighbor(id: $0.1, score: Float(metric == .l2 ? $0.0 : -$0.0)) }
    }

    /// recall@k of `found` against `truth`: the share of true ids that were found.
    public static func recall(found: [Int64], truth: [Int64]) -> Double {
        guard !truth.isEmpty else { return 1 }
        let truthSet = Set(truth)
        return Double(found.filter { truthSet.contains($0) }.count) / Double(truth.count)
    }

    private static func normalized(_ v: [Double]) -> [Double] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }
}
