import ShoalKernels

/// The `m` nearest rows of one (small) partition for each query of a batch — the probes an
/// index's flat top level hands to the level below — with one kernel call per chunk of queries
/// and a short sorted list per query instead of heaps. The queries are read in place.
///
/// Order: (distance, id) ascending, so ties go to the smaller id; distances are those of the
/// batched kernel (``Kernels``).
enum FlatSelection {
    /// Queries per kernel call and per unit of parallel work.
    static let queryChunk = 256

    /// - Parameters:
    ///   - queries: row-major, `queryCount * dimension` floats.
    ///   - m: ids kept per query (≥ 1).
    /// - Returns: `queryCount * m` ids, query-major, best first, −1 past the partition's count.
    /// - Complexity: O(queryCount × rows × d) with the batched kernel, plus O(rows × m) per query,
    ///   on `threads` workers.
    static func select(
        _ partition: Partition, queries: UnsafePointer<Float>, queryCount: Int, m: Int, metric: KernelMetric,
        threads: Int
    ) -> [Int] {
        let d = partition.dimension
        let rows = partition.count
        guard queryCount > 0, rows > 0, m > 0 else { return [Int](repeating: -1, count: max(0, queryCount * m)) }
        let chunks = (queryCount + queryChunk - 1) / queryChunk
        let found = WorkerSlots<[Int]>(count: chunks)
        // Each chunk writes only its own slot; the partition and queries are read-only.
        let shared = SendableBox((partition, queries, found))
        Parallel.forEach(count: chunks, threads: threads) { _, item in
            let (partition, queries, found) = shared.value
            let start = item * queryChunk
            let n = min(queryChunk, queryCount - start)
            var distances = [Float](repeating: 0, count: n * rows)
            let block = queries + start * d
            let queryNorms = QueryNorms.squared(block, count: n, dimension: d, metric: metric)
            queryNorms.withUnsafeBufferPointer { qn in
                distances.withUnsafeMutableBufferPointer { out in
                    Kernels.batchDistances(
                        metric, queries: block, queryNorms: qn.baseAddress!, queryCount: n, rows: partition.vectors,
                        rowNorms: partition.norms, rowCount: rows, dimension: d, out: out.baseAddress!,
                        outStride: rows)
                }
            }
            var picks = [Int](repeating: -1, count: n * m)
            // The kept pairs of one query, sorted; a candidate that does not order before the
            // last one is dropped at once.
            let keptDistances = UnsafeMutablePointer<Float>.allocate(capacity: m)
            let keptIDs = UnsafeMutablePointer<Int64>.allocate(capacity: m)
            defer {
                keptDistances.deallocate()
                keptIDs.deallocate()
            }
            let ids = partition.ids
            distances.withUnsafeBufferPointer { all in
                for i in 0..<n {
                    let line = all.baseAddress! + i * rows
                    var count = 0
                    for r in 0..<rows {
                        let value = line[r]
                        let id = ids[r]
                        if count == m {
                            let worst = keptDistances[m - 1]
                            guard value < worst || (value == worst && id < keptIDs[m - 1]) else { continue }
                        } else {
                            count += 1
                        }
                        var position = count - 1
                        while position > 0 {
                            let before = keptDistances[position - 1]
                            guard value < before || (value == before && id < keptIDs[position - 1]) else { break }
                            keptDistances[position] = before
                            keptIDs[position] = keptIDs[position - 1]
                            position -= 1
                        }
                        keptDistances[position] = value
                        keptIDs[position] = id
                    }
                    for j in 0..<count { picks[i * m + j] = Int(keptIDs[j]) }
                }
            }
            found.set(item, picks)
        }
        return found.all.flatMap { $0 }
    }
}
