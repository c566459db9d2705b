import Dispatch
import ShoalKernels

/// The sampling clusters of a workload: k-means over the base vectors (L2), and every base
/// vector's nearest centroid.
///
/// Deterministic for a seed: assignments are computed in parallel but each point independently,
/// and the centroid sums are accumulated sequentially in a fixed order.
struct WorkloadClustering: Sendable {
    let clusterCount: Int
    let dimension: Int
    /// `clusterCount × dimension` centroids, row-major.
    let centroids: [Float]
    /// Nearest centroid of each base vector.
    let assignments: [Int32]

    /// Clusters `base` into `clusterCount` clusters with `iterations` Lloyd rounds, training on at
    /// most 256 points per cluster (as Faiss does), then assigns every base vector.
    static func cluster(
        base: Matrix<Float>, clusterCount: Int, iterations: Int, seed: UInt64, threads: Int
    ) -> WorkloadClustering {
        let n = base.rows
        let d = base.columns
        let c = max(1, min(clusterCount, n))
        var random = WorkloadRandom(seed: seed ^ 0x6B6D_6561_6E73)
        let everyRow = Array(0..<n)
        let trainingRows = n > 256 * c ? random.choose(256 * c, from: everyRow).sorted() : everyRow
        var training = [Float](repeating: 0, count: trainingRows.count * d)
        base.values.withUnsafeBufferPointer { values in
            for (r, row) in trainingRows.enumerated() {
                for j in 0..<d { training[r * d + j] = values[row * d + j] }
            }
        }
        let initial = random.choose(c, from: Array(0..<trainingRows.count))
        var centroids = [Float](repeating: 0, count: c * d)
        for (i, row) in initial.enumerated() {
            for j in 0..<d { centroids[i * d + j] = training[row * d + j] }
        }
        for _ in 0..<iterations {
            let assignment = nearest(rows: training, rowCount: trainingRows.count, centroids: centroids, clusterCount: c, dimension: d, threads: threads)
            var sums = [Double](repeating: 0, count: c * d)
            var counts = [Int](repeating: 0, count: c)
            for r in 0..<trainingRows.count {
                let a = Int(assignment[r])
                counts[a] += 1
                for j in 0..<d { sums[a * d + j] += Double(training[r * d + j]) }
            }
            for i in 0..<c {
                if counts[i] == 0 {
                    // An empty cluster restarts at a random training point.
                    let row = random.below(trainingRows.count)
                    for j in 0..<d { centroids[i * d + j] = training[row * d + j] }
                } else {
                    let scale = 1 / Double(counts[i])
                    for j in 0..<d { centroids[i * d + j] = Float(sums[i * d + j] * scale) }
                }
            }
        }
        let assignments = nearest(rows: base.values, rowCount: n, centroids: centroids, clusterCount: c, dimension: d, threads: threads)
        return WorkloadClustering(clusterCount: c, dimension: d, centroids: centroids, assignments: assignments)
    }

    /// The nearest centroid (squared L2; ties to the lower index) of each of `rowCount` rows.
    static func nearest(
        rows: [Float], rowCount: Int, centroids: [Float], clusterCount: Int, dimension: Int, threads: Int
    ) -> [Int32] {
        guard rowCount > 0 else { return [] }
        var result = [Int32](repeating: 0, count: rowCount)
        let workers = max(1, threads)
        let chunk = max(64, (rowCount + workers * 4 - 1) / (workers * 4))
        let chunks = (rowCount + chunk - 1) / chunk
        rows.withUnsafeBufferPointer { rowValues in
            centroids.withUnsafeBufferPointer { centroidValues in
                result.withUnsafeMutableBufferPointer { out in
                    let shared = NearestPointers(
                        rows: rowValues.baseAddress!, centroids: centroidValues.baseAddress!, out: out.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: chunks) { part in
                        let distances = UnsafeMutablePointer<Float>.allocate(capacity: clusterCount)
                        defer { distances.deallocate() }
                        for r in (part * chunk)..<min(rowCount, (part + 1) * chunk) {
                            Kernels.distances(
                                .squaredL2, query: shared.rows + r * dimension, rows: shared.centroids,
                                count: clusterCount, dimension: dimension, out: distances)
                            var best = 0
                            for i in 1..<max(1, clusterCount) where distances[i] < distances[best] { best = i }
                            shared.out[r] = Int32(best)
                        }
                    }
                }
            }
        }
        return result
    }

    /// Cluster indices ordered by the L2 distance of their centroid to `root`'s (ties by index).
    func ranks(from root: Int) -> [Int] {
        let d = dimension
        var distances = [Float](repeating: 0, count: clusterCount)
        for i in 0..<clusterCount {
            var total: Float = 0
            for j in 0..<d {
                let diff = centroids[i * d + j] - centroids[root * d + j]
                total += diff * diff
            }
            distances[i] = total
        }
        return (0..<clusterCount).sorted { distances[$0] < distances[$1] || (distances[$0] == distances[$1] && $0 < $1) }
    }
}

/// Pointers shared with the worker threads (each writes its own rows of `out`).
private struct NearestPointers: @unchecked Sendable {
    let rows: UnsafePointer<Float>
    let centroids: UnsafePointer<Float>
    let out: UnsafeMutablePointer<Int32>
}
