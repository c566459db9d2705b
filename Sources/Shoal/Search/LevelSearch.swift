import ShoalKernels

/// Top-down search over the levels of an index, for one query or a batch.
///
/// To find the best `k` vectors of level `l` among its `nprobe` most promising partitions, it first
/// finds the `nprobe` nearest centroids of level `l` — which are vectors of level `l + 1` — the
/// same way, recursively, up to the flat top level, which is scanned in full.
///
/// Must run under the index's read lock.
struct LevelSearch {
    let levels: [PartitionStore]
    let metric: KernelMetric
    let threads: Int
    let upperLevelNprobe: Int?

    /// The best `k` vectors of `level` for each query, scanning `nprobe` partitions of it.
    /// - Complexity: O(nprobe × partition size × d) per query at each level.
    func search(level l: Int, queries: UnsafePointer<Float>, queryCount: Int, k: Int, nprobe: Int) -> TopKBuffers {
        probe(level: l, queries: queries, queryCount: queryCount, k: k, nprobe: nprobe).heap
    }

    /// The result of searching one level: the heaps, and the partitions each query scanned
    /// (`queryCount × probesPerQuery` ids, −1 for none).
    struct LevelResult {
        var heap: TopKBuffers
        var probes: [Int]
        var probesPerQuery: Int

        /// The partitions query `q` scanned.
        func scanned(query q: Int) -> [Int32] {
            probes[(q * probesPerQuery)..<((q + 1) * probesPerQuery)].filter { $0 >= 0 }.map { Int32($0) }
        }
    }

    /// As `search`, also reporting which partitions were scanned.
    func probe(level l: Int, queries: UnsafePointer<Float>, queryCount: Int, k: Int, nprobe: Int) -> LevelResult {
        let store = levels[l]
        let probesPerQuery: Int
        var probes: [Int]
        if l == levels.count - 1 {
            probesPerQuery = 1
            let top = store.partitions.keys.first ?? -1
            probes = [Int](repeating: top, count: queryCount)
        } else {
            probesPerQuery = min(nprobe, store.partitions.count)
            probes = [Int](repeating: -1, count: queryCount * probesPerQuery)
            if probesPerQuery > 0 {
                let parent = search(
                    level: l + 1, queries: queries, queryCount: queryCount, k: probesPerQuery,
                    nprobe: upperNprobe(level: l + 1, needed: probesPerQuery))
                for q in 0..<queryCount {
                    for (j, hit) in parent.sorted(query: q).prefix(probesPerQuery).enumerated() {
                        probes[q * probesPerQuery + j] = Int(hit.id)
                    }
                }
            }
        }
        let heap: TopKBuffers
        if queryCount == 1 {
            heap = QueryScan.run(
                level: store, query: queries, probes: probes[...].filter { $0 >= 0 }[...], k: k, metric: metric,
                threads: threads)
        } else {
            heap = BatchScan.run(
                level: store, queries: queries, queryCount: queryCount, probes: probes, probesPerQuery: probesPerQuery,
                k: k, metric: metric, threads: threads)
        }
        return LevelResult(heap: heap, probes: probes, probesPerQuery: probesPerQuery)
    }

    /// Partitions to scan on an upper level that must deliver `needed` centroids.
    func upperNprobe(level l: Int, needed: Int) -> Int {
        let available = levels[l].partitions.count
        if let upperLevelNprobe { return min(available, upperLevelNprobe) }
        let quarter = (available + 3) / 4
        return min(available, max(2 * needed, 8, quarter))
    }
}
