/// How many stored vectors lie outside the partition of their nearest base centroid.
///
/// Recall-target search estimates, from the centroids alone, how likely each partition is to hold
/// a query's neighbours, which assumes every vector lies in the Voronoi cell of its partition's
/// centroid. Inserts keep that exactly (each goes to its nearest centroid), but maintenance bends
/// it: refinement re-centres the partitions around a split, which moves their cells' borders past
/// vectors of partitions it did not touch (docs/workload.md measures the effect on recall).
public struct PlacementAudit: Sendable, Equatable {
    /// Stored vectors checked (every base vector).
    public var rows: Int
    /// Vectors whose own partition's centroid is farther than another base centroid (beyond
    /// float rounding; ties count as placed).
    public var misplaced: Int

    /// `misplaced / rows` (0 for an empty index).
    public var misplacedShare: Double { rows == 0 ? 0 : Double(misplaced) / Double(rows) }
}

extension VectorIndex {
    /// Compares every stored vector with every base centroid and counts the vectors that lie
    /// outside the partition of their nearest one (see ``PlacementAudit``). A diagnostic for
    /// tests and benchmarks: it reads every stored vector once, under the shared lock (searches
    /// go on; writers wait).
    /// - Parameter threads: workers for the batched nearest-centroid search (`nil`: every core).
    /// - Complexity: O(n × partitions × d).
    public func placementAudit(threads: Int? = nil) -> PlacementAudit {
        lock.withReadLock {
            guard levels.count > 1, let block = CentroidBlock(levels: levels, limit: .max) else {
                return PlacementAudit(rows: levels[0].count, misplaced: 0)
            }
            let d = dimension
            let kernel = metric.kernelMetric
            let workers = threadCount(threads)
            var rows = 0
            var misplaced = 0
            var nearest: [Int32] = []
            block.rows.withUnsafeBufferPointer { centroids in
                for (pid, partition) in levels[0].partitions where partition.count > 0 {
                    let n = partition.count
                    rows += n
                    nearest = [Int32](repeating: 0, count: n)
                    nearest.withUnsafeMutableBufferPointer { out in
                        NearestCentroids.search(
                            points: partition.vectors, count: n, centroids: centroids.baseAddress!,
                            centroidCount: block.count, dimension: d, metric: kernel, m: 1, threads: workers,
                            positions: out.baseAddress!, scores: nil)
                    }
                    guard let own = block.partitions.firstIndex(of: pid) else { continue }
                    let ownCentroid = centroids.baseAddress! + own * d
                    for slot in 0..<n where block.partitions[Int(nearest[slot])] != pid {
                        // The batched kernel rounds differently from the one-row kernel: decide
                        // with the latter, both distances alike, and leave near ties placed.
                        let row = partition.row(slot)
                        let toOwn = ExactNeighbours.distance(row, ownCentroid, dimension: d, metric: kernel)
                        let toBest = ExactNeighbours.distance(
                            row, centroids.baseAddress! + Int(nearest[slot]) * d, dimension: d, metric: kernel)
                        if toOwn - toBest > 1e-5 * max(1, abs(toOwn)) { misplaced += 1 }
                    }
                }
            }
            return PlacementAudit(rows: rows, misplaced: misplaced)
        }
    }
}
