import Shoal
import ShoalData
import ShoalTestSupport

/// Small clustered data for workload tests (d ≤ 16, fast).
enum WorkloadFixtures {
    static func clustered(rows: Int, dimension: Int = 8, clusters: Int = 12, seed: UInt64) -> Matrix<Float> {
        var random = SeededRandom(seed: seed)
        return Matrix(rows: rows, columns: dimension, values: random.clusteredRows(rows, dimension: dimension, clusters: clusters))
    }

    static func parameters(
        insert: Double = 0.3, delete: Double = 0.2, query: Double = 0.5, updateBatch: Int = 20, queryBatch: Int = 10,
        initial: Int = 300, operations: Int = 40, clusterSize: Int = 20, sampling: ClusterSampling = .uniform,
        querySampling: ClusterSampling = .uniform, seed: UInt64 = 1738, k: Int = 20
    ) -> WorkloadParameters {
        WorkloadParameters(
            insertRatio: insert, deleteRatio: delete, queryRatio: query, updateBatchSize: updateBatch,
            queryBatchSize: queryBatch, initialSize: initial, operationCount: operations, clusterSize: clusterSize,
            sampling: sampling, querySampling: querySampling, seed: seed, k: k)
    }

    /// Exact k nearest ids (L2, ties by id) among `ids`.
    static func bruteForce(query: ArraySlice<Float>, base: Matrix<Float>, ids: [Int64], k: Int) -> [Int64] {
        let scored = ids.map { id -> (Float, Int64) in
            var total: Float = 0
            for (a, b) in zip(query, base[row: Int(id)]) { total += (a - b) * (a - b) }
            return (total, id)
        }
        return scored.sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }.prefix(k).map(\.1)
    }
}
