import Dispatch
import Shoal
import ShoalKernels

/// Exact nearest neighbours by brute force, on all cores: the reference that recall is measured
/// against.
public enum GroundTruth {
    /// For each query, the row numbers (0-based) of its `k` nearest base rows, best first; `-1`
    /// pads when the base has fewer than `k` rows.
    ///
    /// L2 uses the direct `Σ (q − x)²` kernel (no cancellation from the dot-product form); cosine
    /// normalises copies of both sides first.
    ///
    /// - Parameters:
    ///   - base: `n × d` vectors.
    ///   - queries: `m × d` vectors.
    ///   - threads: workers; `nil` uses every core.
    /// - Complexity: O(m × n × d), spread over threads.
    public static func compute(
        base: Matrix<Float>, queries: Matrix<Float>, k: Int, metric: DistanceMetric, threads: Int? = nil
    ) -> Matrix<Int64> {
        precondition(base.columns == queries.columns || base.rows == 0, "base and queries differ in dimension")
        precondition(k >= 1, "k must be at least 1")
        let d = queries.columns
        let n = base.rows
        let m = queries.rows
        let prepared = metric == .cosine ? normalized(base) : base
        let preparedQueries = metric == .cosine ? normalized(queries) : queries
        let kernelMetric: KernelMetric = metric == .l2 ? .squaredL2 : .negatedDot
        let workers = max(1, threads ?? IndexConfiguration.availableCores)
        let heaps = TopKBuffers(queryCount: m, k: k)
        let rowIDs = (0..<Int64(n)).map { $0 }
        let chunk = max(1, (m + workers * 8 - 1) / (workers * 8))
        let chunks = (m + chunk - 1) / chunk
        prepared.values.withUnsafeBufferPointer { baseValues in
            preparedQueries.values.withUnsafeBufferPointer { queryValues in
                rowIDs.withUnsafeBufferPointer { ids in
                    let shared = Pointers(base: baseValues.baseAddress, queries: queryValues.baseAddress, ids: ids.baseAddress)
                    DispatchQueue.concurrentPerform(iterations: chunks) { c in
                        guard let base = shared.base, let queries = shared.queries, let ids = shared.ids else { return }
                        let distances = UnsafeMutablePointer<Float>.allocate(capacity: max(1, n))
                        defer { distances.deallocate() }
                        for q in (c * chunk)..<min(m, (c + 1) * chunk) {
                            Kernels.distances(
                                kernelMetric, query: queries + q * d, rows: base, count: n, dimension: d, out: distances)
                            heaps.push(query: q, candidates: distances, ids: ids, count: n)
                        }
                    }
                }
            }
        }
        var result = [Int64](repeating: -1, count: m * k)
        for q in 0..<m {
            for (j, hit) in heaps.sorted(query: q).enumerated() { result[q * k + j] = hit.id }
        }
        return Matrix(rows: m, columns: k, values: result)
    }

    /// Mean recall@k: the share of each query's first `k` true neighbours found among its first
    /// `k` results, averaged over queries.
    /// - Complexity: O(queries × k).
    public static func recall(found: Matrix<Int64>, truth: Matrix<Int64>, k: Int) -> Double {
        precondition(found.rows == truth.rows, "found and truth differ in query count")
        guard found.rows > 0 else { return 1 }
        var total = 0.0
        for q in 0..<found.rows {
            let expected = Set(truth.row(q).prefix(k).filter { $0 >= 0 })
            guard !expected.isEmpty else {
                total += 1
                continue
            }
            let hits = found.row(q).prefix(k).filter { expected.contains($0) }.count
            total += Double(hits) / Double(expected.count)
        }
        return total / Double(found.rows)
    }

    private static func normalized(_ matrix: Matrix<Float>) -> Matrix<Float> {
        var values = matrix.values
        let d = matrix.columns
        for r in 0..<matrix.rows {
            var norm: Float = 0
            for j in 0..<d { norm += values[r * d + j] * values[r * d + j] }
            guard norm > 0 else { continue }
            let scale = 1 / norm.squareRoot()
            for j in 0..<d { values[r * d + j] *= scale }
        }
        return Matrix(rows: matrix.rows, columns: d, values: values)
    }
}

/// Read-only pointers shared with worker threads.
private struct Pointers: @unchecked Sendable {
    let base: UnsafePointer<Float>?
    let queries: UnsafePointer<Float>?
    let ids: UnsafePointer<Int64>?
}
