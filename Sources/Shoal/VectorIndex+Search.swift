import ShoalKernels

extension VectorIndex {
    /// The `options.k` nearest stored vectors to `query`, best first.
    ///
    /// - Parameters:
    ///   - query: `dimension` finite floats.
    ///   - options: `k`, `nprobe` and threads.
    /// - Returns: exactly `k` neighbours, padded with id −1 and score `+∞` (L2) or `−∞` (inner
    ///   product, cosine) when fewer were found.
    /// - Throws: ``ShoalError`` for a wrong dimension, a non-finite component, a zero query under
    ///   cosine, `k < 1`, a negative `nprobe`, or an empty index.
    /// - Complexity: O((centroids + nprobe × average partition size) × d).
    public func search(_ query: [Float], options: SearchOptions = SearchOptions()) throws(ShoalError) -> [Neighbor] {
        try Validation.vector(query, dimension: dimension, what: "query")
        return try search(batch: query, options: options)[0]
    }

    /// The `options.k` nearest stored vectors to each of a batch of queries.
    ///
    /// Each partition is read once for all the queries that probe it, and partitions are spread
    /// over threads, so a batch is much faster than the same queries one at a time.
    ///
    /// - Parameters:
    ///   - queries: row-major, `queryCount * dimension` finite floats (empty for no queries).
    ///   - options: `k`, `nprobe` and threads.
    /// - Returns: `queryCount × k` results, best first, padded as in ``search(_:options:)``.
    /// - Throws: as ``search(_:options:)``; the message names the offending query.
    public func search(batch queries: [Float], options: SearchOptions = SearchOptions()) throws(ShoalError)
        -> SearchResults
    {
        try options.validate()
        let d = dimension
        let queryCount = try queries.withUnsafeBufferPointer { (buffer) throws(ShoalError) -> Int in
            try Validation.rows(buffer, dimension: d, what: "queries")
        }
        var prepared = queries
        if metric.normalizes { try Validation.normalizeForCosine(&prepared, dimension: d, what: "queries") }
        let k = options.k
        return try lock.withReadLock { () throws(ShoalError) -> SearchResults in
            guard levels[0].count > 0 else {
                throw ShoalError(.emptyIndex, "the index is empty; add vectors before searching")
            }
            guard queryCount > 0, options.nprobe > 0 else {
                return padded(queryCount: queryCount, k: k)
            }
            let engine = LevelSearch(
                levels: levels, metric: metric.kernelMetric, threads: threadCount(options.threads),
                upperLevelNprobe: options.upperLevelNprobe)
            let heaps = prepared.withUnsafeBufferPointer { buffer in
                engine.search(
                    level: 0, queries: buffer.baseAddress!, queryCount: queryCount, k: k, nprobe: options.nprobe)
            }
            return results(heaps, queryCount: queryCount, k: k)
        }
    }

    private func padded(queryCount: Int, k: Int) -> SearchResults {
        SearchResults(
            queryCount: queryCount, k: k, ids: [Int64](repeating: -1, count: queryCount * k),
            scores: [Float](repeating: metric.paddingScore, count: queryCount * k))
    }

    private func results(_ heaps: TopKBuffers, queryCount: Int, k: Int) -> SearchResults {
        var ids = [Int64](repeating: -1, count: queryCount * k)
        var scores = [Float](repeating: metric.paddingScore, count: queryCount * k)
        for q in 0..<queryCount {
            for (j, hit) in heaps.sorted(query: q).enumerated() {
                ids[q * k + j] = hit.id
                scores[q * k + j] = metric.reportedScore(hit.distance)
            }
        }
        return SearchResults(queryCount: queryCount, k: k, ids: ids, scores: scores)
    }
}
