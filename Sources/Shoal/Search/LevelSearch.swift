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
        let (probes, probesPerQuery) = partitionsToScan(
            level: l, queries: queries, queryCount: queryCount, nprobe: nprobe)
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

    /// The nearest vector of `level` to each query (k = 1), among its `nprobe` most promising
    /// partitions, found with a running minimum (``NearestScan``) rather than heaps. A query
    /// whose probed partitions are all empty is compared with every vector of the level. Ties go
    /// to the smaller id.
    /// - Returns: per query, the id of the nearest vector, or −1 when the level holds none.
    /// - Complexity: O(nprobe × partition size × d) per query at each level.
    func nearest(level l: Int, queries: UnsafePointer<Float>, queryCount: Int, nprobe: Int) -> [Int64] {
        let store = levels[l]
        let (probes, probesPerQuery) = partitionsToScan(
            level: l, queries: queries, queryCount: queryCount, nprobe: nprobe, selectingFromFlatTop: true)
        var found = NearestScan.run(
            level: store, queries: queries, queryCount: queryCount, probes: probes, probesPerQuery: probesPerQuery,
            metric: metric, threads: threads
        ).ids
        let missing = found.indices.filter { found[$0] < 0 }
        guard !missing.isEmpty, store.count > 0 else { return found }
        // Rare: every probed partition is empty. Such queries are compared with the whole level.
        let d = store.dimension
        var rows = [Float]()
        rows.reserveCapacity(missing.count * d)
        for q in missing { rows += UnsafeBufferPointer(start: queries + q * d, count: d) }
        let all = store.partitionIDs
        let everywhere = [Int]((0..<missing.count).map { _ in all }.joined())
        let rescued = rows.withUnsafeBufferPointer { buffer in
            NearestScan.run(
                level: store, queries: buffer.baseAddress!, queryCount: missing.count, probes: everywhere,
                probesPerQuery: all.count, metric: metric, threads: threads)
        }
        for (i, q) in missing.enumerated() { found[q] = rescued.ids[i] }
        return found
    }

    /// The partitions of `level` each query scans: `queryCount × probesPerQuery` ids, best first,
    /// −1 for none. The top level has one partition, scanned by all; below it they are the
    /// `nprobe` nearest centroids, found by searching the level above. With
    /// `selectingFromFlatTop`, a batch picks them from the flat top level with ``FlatSelection``
    /// (ties to the smaller id) instead of heaps.
    func partitionsToScan(
        level l: Int, queries: UnsafePointer<Float>, queryCount: Int, nprobe: Int, selectingFromFlatTop: Bool = false
    ) -> (probes: [Int], probesPerQuery: Int) {
        let store = levels[l]
        if l == levels.count - 1 {
            let top = store.partitions.keys.first ?? -1
            return ([Int](repeating: top, count: queryCount), 1)
        }
        let probesPerQuery = min(nprobe, store.partitions.count)
        if selectingFromFlatTop, queryCount > 1, probesPerQuery > 0, l + 1 == levels.count - 1,
            let top = levels[l + 1].partitions.values.first, levels[l + 1].partitions.count == 1
        {
            let probes = FlatSelection.select(
                top, queries: queries, queryCount: queryCount, m: probesPerQuery, metric: metric, threads: threads)
            return (probes, probesPerQuery)
        }
        var probes = [Int](repeating: -1, count: queryCount * probesPerQuery)
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
        return (probes, probesPerQuery)
    }

    /// Partitions to scan on an upper level that must deliver `needed` centroids.
    func upperNprobe(level l: Int, needed: Int) -> Int {
        let available = levels[l].partitions.count
        if let upperLevelNprobe { return min(available, upperLevelNprobe) }
        let quarter = (available + 3) / 4
        return min(available, max(2 * needed, 8, quarter))
    }
}
