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
        var prepared = query
        if metric.normalizes { try Validation.normalizeForCosine(&prepared, dimension: dimension, what: "query") }
        try options.validate()
        return try search(prepared: prepared, queryCount: 1, options: options)[0]
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
        return try search(prepared: prepared, queryCount: queryCount, options: options)
    }

    /// The search itself, on validated queries (normalised under cosine) and validated options.
    private func search(prepared: [Float], queryCount: Int, options: SearchOptions) throws(ShoalError)
        -> SearchResults
    {
        let k = options.k
        defer { maintainAfterSearchIfDue() }
        return try lock.withReadLock { () throws(ShoalError) -> SearchResults in
            guard levels[0].count > 0 else {
                throw ShoalError(.emptyIndex, "the index is empty; add vectors before searching")
            }
            guard queryCount > 0, options.nprobe > 0 || options.recallTarget != nil else {
                return padded(queryCount: queryCount, k: k)
            }
            let engine = LevelSearch(
                levels: levels, metric: metric.kernelMetric, threads: threadCount(options.threads),
                upperLevelNprobe: options.upperLevelNprobe)
            return prepared.withUnsafeBufferPointer { buffer in
                if let target = options.recallTarget, levels.count > 1 {
                    return adaptiveSearch(
                        queries: buffer.baseAddress!, queryCount: queryCount, target: target, options: options,
                        engine: engine)
                }
                let level = engine.probe(
                    level: 0, queries: buffer.baseAddress!, queryCount: queryCount, k: k, nprobe: options.nprobe)
                let scanned = (0..<queryCount).map { level.scanned(query: $0) }
                tracker.record(scanned)
                return results(level.heap, queryCount: queryCount, k: k, scanned: scanned.map(\.count))
            }
        }
    }

    /// Calibrates recall-target search on queries like the ones you will send.
    ///
    /// Recall-target search turns its per-query recall estimate into a stopping threshold that
    /// meets the target on average. By default it calibrates on stored vectors used as queries;
    /// when your queries come from a different distribution (other images, questions instead of
    /// passages), give a few hundred representative queries here and the targets will be met on
    /// them. The exact neighbours of each are found by brute force once, about `queries × n × d`
    /// operations, and then kept current by every `add` (about `queries × added × d` more) and
    /// `remove`; measuring again after the index has changed costs one recall-target scan per query.
    ///
    /// - Parameters:
    ///   - queries: row-major, `count * dimension` finite floats, at least 16 queries.
    ///   - k: also calibrate for this k now (others are calibrated on first use).
    /// - Throws: ``ShoalError`` for a wrong length, a non-finite value, fewer than 16 queries or a
    ///   zero query under cosine.
    public func calibrate(queries: [Float], k: Int = 10) throws(ShoalError) {
        let d = dimension
        let count = try queries.withUnsafeBufferPointer { (buffer) throws(ShoalError) -> Int in
            try Validation.rows(buffer, dimension: d, what: "calibration queries")
        }
        guard count >= 16 else {
            throw ShoalError(.invalidArgument, "got \(count) calibration queries; give at least 16 (a few hundred is better)")
        }
        guard k >= 1 else { throw ShoalError(.invalidK, "k is \(k); it must be at least 1") }
        var prepared = queries
        if metric.normalizes {
            try Validation.normalizeForCosine(&prepared, dimension: d, what: "calibration queries")
        }
        calibrations.pin(prepared)
        _ = try search(batch: Array(prepared.prefix(d)), options: SearchOptions(k: k, recallTarget: 0.9))
    }

    /// Recall-target search: calibrate (once per k, under the read lock), then run APS for every
    /// query: a batch in rounds of the batched kernel (``AdaptiveBatch``), fewer queries one by
    /// one, spread over threads.
    private func adaptiveSearch(
        queries: UnsafePointer<Float>, queryCount: Int, target: Double, options: SearchOptions, engine: LevelSearch
    ) -> SearchResults {
        let k = options.k
        let threads = threadCount(options.threads)
        let calibration = calibrations.calibration(
            k: k, changes: statistics.splits + statistics.merges, levels: levels.count,
            partitions: levels[0].partitions.count, count: levels[0].count
        ) { stale in
            let truth = calibrations.neighbours.truth(
                k: k, base: levels[0], metric: metric.kernelMetric, threads: threads,
                sampleSize: configuration.calibrationQueries, seed: configuration.seed)
            return RecallCalibration.measure(
                truth: truth, levels: levels, metric: metric, search: engine, k: k, threads: threads,
                separations: separationTable(build: false), centroids: centroidBlock(), structure: structureGeneration,
                previous: stale)
        }
        let plan = calibration.plan(for: target)
        var scan = AdaptiveScan(levels: levels, metric: metric, search: engine)
        // A batch (and the calibration above) computes its separations with one kernel call; the
        // O(partitions² × d) table pays only across many single queries of one structure generation.
        scan.separations = separationTable(build: queryCount < AdaptiveSearchTuning.minimumBatch)
        scan.centroids = centroidBlock()
        scan.order = options.scanOrder
        let limit = options.maxPartitions ?? Int.max
        let firstSequence = querySequence.wrappingAdd(queryCount, ordering: .relaxed).oldValue
        let d = dimension
        let merged = TopKBuffers(queryCount: queryCount, k: k)
        if queryCount >= AdaptiveSearchTuning.minimumBatch {
            // A batch: rounds of the batched kernel, with the same stopping decisions.
            let batch = AdaptiveBatch(
                scan: scan, k: k, floor: plan.floor, maxPartitions: limit,
                firstRound: calibration.stopLength(
                    threshold: plan.low, floor: plan.floor, quantile: AdaptiveSearchTuning.firstRoundQuantile),
                threads: threads)
            let thresholds = (0..<queryCount).map { plan.threshold(sequence: firstSequence &+ $0) }
            let cursors = batch.run(queries: queries, queryCount: queryCount, thresholds: thresholds)
            for (q, cursor) in cursors.enumerated() { merged.merge(query: q, from: cursor.heap, query: 0) }
            tracker.record(cursors.map { $0.scanned.map { Int32($0) } })
            return results(merged, queryCount: queryCount, k: k, scanned: cursors.map(\.scanned.count))
        }
        let scanned = WorkerSlots<[Int32]>(count: queryCount)
        let shared = SendableBox((scan, queries, merged, scanned))
        Parallel.forEach(count: queryCount, threads: threads) { _, q in
            let (scan, queries, merged, scanned) = shared.value
            let outcome = scan.run(
                query: queries + q * d, k: k, threshold: plan.threshold(sequence: firstSequence &+ q), floor: plan.floor,
                maxPartitions: limit)
            merged.merge(query: q, from: outcome.heap, query: 0)
            scanned.set(q, outcome.scannedPartitions.map { Int32($0) })
        }
        let lists = scanned.all
        tracker.record(lists)
        return results(merged, queryCount: queryCount, k: k, scanned: lists.map(\.count))
    }

    /// The pairwise distances of the top level's centroids for this structure generation (two
    /// levels, at most 2048 centroids), built on first use when `build`. Must hold the read lock.
    private func separationTable(build: Bool = true) -> SeparationTable? {
        guard levels.count == 2, let top = levels[1].partitions.values.first,
            top.count <= SeparationTable.maximumCount
        else { return nil }
        let generation = structureGeneration
        return separations.withLock { cached in
            if let cached, cached.generation == generation, cached.count == top.count { return cached }
            guard build else { return nil }
            let fresh = SeparationTable(top: top, generation: generation)
            cached = fresh
            return fresh
        }
    }

    /// Every base partition's centroid in one block for this structure generation, when there are
    /// at most as many base partitions as APS's initial candidates; gathered on first use. Must
    /// hold the read lock.
    private func centroidBlock() -> CentroidBlock? {
        let generation = structureGeneration
        return centroidBlocks.withLock { cached in
            if let cached, cached.generation == generation, cached.levelCount == levels.count,
                cached.count == levels[0].partitions.count
            {
                return cached
            }
            let fresh = CentroidBlock(levels: levels, limit: AdaptiveScan.defaultInitialCandidates, generation: generation)
            cached = fresh
            return fresh
        }
    }

    private func padded(queryCount: Int, k: Int) -> SearchResults {
        SearchResults(
            queryCount: queryCount, k: k, ids: [Int64](repeating: -1, count: queryCount * k),
            scores: [Float](repeating: metric.paddingScore, count: queryCount * k))
    }

    private func results(_ heaps: TopKBuffers, queryCount: Int, k: Int, scanned: [Int]) -> SearchResults {
        var ids = [Int64](repeating: -1, count: queryCount * k)
        var scores = [Float](repeating: metric.paddingScore, count: queryCount * k)
        for q in 0..<queryCount {
            for (j, hit) in heaps.sorted(query: q).enumerated() {
                ids[q * k + j] = hit.id
                scores[q * k + j] = metric.reportedScore(hit.distance)
            }
        }
        return SearchResults(queryCount: queryCount, k: k, ids: ids, scores: scores, partitionsScanned: scanned)
    }
}

/// Fixed choices of batched recall-target search.
enum AdaptiveSearchTuning {
    /// Batches at least this large use ``AdaptiveBatch``; smaller ones scan query by query.
    static let minimumBatch = 4
    /// The first round reads as many partitions as this quantile of the calibration sample needed.
    static let firstRoundQuantile = 0.25
}
