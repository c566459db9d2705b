import ShoalKernels

/// Scans partitions for a batch of queries: each partition is read once for all the queries that
/// probe it, with the register-tiled batch kernel, and partitions are spread over threads.
///
/// Each worker keeps its own heaps for every query; they are merged at the end (in parallel over
/// queries), so no locks are taken while scanning.
enum BatchScan {
    /// Largest distance block per kernel call (floats), so scratch stays cache-sized.
    static let distanceBlock = 1 << 16

    /// - Parameters:
    ///   - probes: `queryCount * probesPerQuery` partition ids, −1 for none.
    /// - Complexity: O(Σ over queries of probed sizes × d), plus O(log k) per kept candidate.
    static func run(
        level: PartitionStore, queries: UnsafePointer<Float>, queryCount: Int, probes: [Int], probesPerQuery: Int,
        k: Int, metric: KernelMetric, threads: Int
    ) -> TopKBuffers {
        let d = level.dimension
        var lists: [Int: [Int32]] = [:]
        for q in 0..<queryCount {
            for j in 0..<probesPerQuery {
                let pid = probes[q * probesPerQuery + j]
                if pid >= 0 { lists[pid, default: []].append(Int32(q)) }
            }
        }
        var work: [(partition: Partition, queries: [Int32])] = lists.compactMap { pid, queries in
            guard let partition = level.partitions[pid], partition.count > 0 else { return nil }
            return (partition, queries)
        }
        work.sort { $0.partition.count * $0.queries.count > $1.partition.count * $1.queries.count }
        let workers = max(1, min(threads, work.count))
        let heaps = (0..<workers).map { _ in TopKBuffers(queryCount: queryCount, k: k) }
        let scratches = (0..<workers).map { _ in ScanScratch() }
        let queryNorms = QueryNorms.squared(queries, count: queryCount, dimension: d, metric: metric)
        // Workers only read the partitions and queries, and write only their own heap and scratch.
        let shared = SendableBox((work, heaps, scratches, queries, queryNorms))
        Parallel.forEach(count: work.count, threads: workers) { worker, item in
            let (work, heaps, scratches, queries, queryNorms) = shared.value
            queryNorms.withUnsafeBufferPointer { norms in
                scanPartition(
                    work[item].partition, queries: work[item].queries, allQueries: queries, queryNorms: norms.baseAddress!,
                    metric: metric, heap: heaps[worker], scratch: scratches[worker])
            }
        }
        if workers > 1 {
            let ranges = Parallel.ranges(count: queryCount, chunks: workers * 4)
            let shared = SendableBox((heaps, ranges))
            Parallel.forEach(count: ranges.count, threads: workers) { _, item in
                let (heaps, ranges) = shared.value
                for q in ranges[item] {
                    for w in 1..<heaps.count { heaps[0].merge(query: q, from: heaps[w], query: q) }
                }
            }
        }
        return heaps[0]
    }

    private static func scanPartition(
        _ partition: Partition, queries queryList: [Int32], allQueries: UnsafePointer<Float>,
        queryNorms: UnsafePointer<Float>, metric: KernelMetric, heap: TopKBuffers, scratch: ScanScratch
    ) {
        let d = partition.dimension
        let rows = partition.count
        let chunk = max(1, min(queryList.count, distanceBlock / rows))
        scratch.reserveDistances(chunk * rows)
        scratch.reserveQueries(chunk * d)
        scratch.reserveNorms(chunk)
        let chunkNorms = scratch.norms
        var start = 0
        while start < queryList.count {
            let n = min(chunk, queryList.count - start)
            for i in 0..<n {
                let q = Int(queryList[start + i])
                (scratch.queries + i * d).update(from: allQueries + q * d, count: d)
                chunkNorms[i] = queryNorms[q]
            }
            Kernels.batchDistances(
                metric, queries: scratch.queries, queryNorms: chunkNorms, queryCount: n, rows: partition.vectors,
                rowNorms: partition.norms, rowCount: rows, dimension: d, out: scratch.distances, outStride: rows)
            for i in 0..<n {
                heap.push(
                    query: Int(queryList[start + i]), candidates: scratch.distances + i * rows, ids: partition.ids,
                    count: rows)
            }
            start += n
        }
    }
}
