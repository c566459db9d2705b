import ShoalKernels

/// Maps a recall target to the APS stopping threshold that meets it on this index.
///
/// The spherical-cap estimate is only a model: on real data it is biased (the reference
/// implementation returned 0.87 when asked for 0.9, and about 0.7 for every target on CLIP
/// vectors). So Shoal measures the bias: it samples stored vectors as queries, finds their exact
/// neighbours (excluding the query vector itself), runs APS on each while recording, after every
/// partition, the model's estimate and the true recall, and then picks for each target the smallest
/// threshold whose mean true recall over the sample reaches the target. Scans in the trace stop once
/// the true recall is 1, so a threshold past the last recorded estimate keeps recall 1.
///
/// Thread safety: immutable after construction.
final class RecallCalibration: Sendable {
    /// For each sample query, (estimate, true recall) after each scanned partition.
    let traces: [[(estimate: Float, recall: Float)]]

    private let plans = Locked<[Double: StopPlan]>([:])

    init(traces: [[(estimate: Float, recall: Float)]]) {
        self.traces = traces
    }

    /// Mean true recall if APS stopped at the first estimate ≥ `threshold`.
    func meanRecall(threshold: Float) -> Double {
        guard !traces.isEmpty else { return 1 }
        var total = 0.0
        for trace in traces {
            let stop = trace.first { $0.estimate >= threshold } ?? trace.last
            total += Double(stop?.recall ?? 1)
        }
        return total / Double(traces.count)
    }

    /// The number of partitions after which the sample queries stop at `threshold`, at the given
    /// quantile (0...1) of the sample; 1 without a sample. Traces end once recall is 1, so this
    /// undercounts rather than overcounts — what a batch wants for its first round.
    /// - Complexity: O(samples × trace length + samples log samples).
    func stopLength(threshold: Float, quantile: Double) -> Int {
        guard !traces.isEmpty else { return 1 }
        let lengths = traces.map { trace in
            (trace.firstIndex { $0.estimate >= threshold }).map { $0 + 1 } ?? max(1, trace.count)
        }.sorted()
        let index = min(lengths.count - 1, max(0, Int(Double(lengths.count - 1) * quantile)))
        return lengths[index]
    }

    /// How to stop for a target: the mean recall as a function of the threshold is a step function
    /// (it jumps where many sample queries stop at once), so a single threshold can overshoot a
    /// target by a whole step. The plan mixes the two thresholds around the step — `high` (the
    /// smallest that reaches the target) for a share `highShare` of the queries and `low` for the
    /// rest — so the expected mean recall equals the target.
    struct StopPlan: Sendable {
        var low: Float
        var high: Float
        var highShare: Double

        /// The threshold for the query with sequence number `sequence` (a low-discrepancy split).
        func threshold(sequence: Int) -> Float {
            let position = (Double(sequence) * 0.618_033_988_749_895).truncatingRemainder(dividingBy: 1)
            return position < highShare ? high : low
        }
    }

    /// The stopping plan for `target` (computed once per target, then cached).
    func plan(for target: Double) -> StopPlan {
        if let known = plans.withLock({ $0[target] }) { return known }
        let plan = computePlan(for: target)
        plans.withLock { $0[target] = plan }
        return plan
    }

    private func computePlan(for target: Double) -> StopPlan {
        let high = threshold(for: target)
        guard high.isFinite, high > 0 else { return StopPlan(low: high, high: high, highShare: 1) }
        var low: Float = 0
        var upper = high
        for _ in 0..<40 {
            let middle = (low + upper) / 2
            if meanRecall(threshold: middle) >= target { upper = middle } else { low = middle }
        }
        let recallLow = meanRecall(threshold: low)
        let recallHigh = meanRecall(threshold: high)
        guard recallHigh > recallLow else { return StopPlan(low: high, high: high, highShare: 1) }
        let share = min(1, max(0, (target - recallLow) / (recallHigh - recallLow)))
        return StopPlan(low: low, high: high, highShare: share)
    }

    /// The smallest threshold whose mean recall reaches `target` (bisection over 0 up to the
    /// largest statistic recorded; that largest value when none does).
    /// - Complexity: O(40 × samples × trace length).
    func threshold(for target: Double) -> Float {
        // No sample (an index too small to calibrate on): scan everything, which is exact.
        guard !traces.isEmpty else { return .infinity }
        if meanRecall(threshold: 0) >= target { return 0 }
        var low: Float = 0
        var high: Float = traces.lazy.flatMap { $0 }.map(\.estimate).max() ?? 1
        high = max(high, 1)
        if meanRecall(threshold: high) < target { return .infinity }
        for _ in 0..<40 {
            let middle = (low + high) / 2
            if meanRecall(threshold: middle) >= target { high = middle } else { low = middle }
        }
        return high
    }

    /// Stored vectors to use as calibration queries: `sampleSize` of them (chosen with `seed`),
    /// each to be scored without its own id.
    static func baseSample(levels: [PartitionStore], sampleSize: Int, seed: UInt64) -> (queries: [Float], own: [Int64]) {
        let base = levels[0]
        let d = base.dimension
        let ids = base.locations.keys.sorted()
        var random = SeededGenerator(seed: seed)
        let chosen = random.sample(min(sampleSize, ids.count), from: ids.count).map { ids[$0] }
        var queries = [Float](repeating: 0, count: chosen.count * d)
        for (i, id) in chosen.enumerated() {
            guard let row = base.vector(for: id) else { continue }
            for j in 0..<d { queries[i * d + j] = row[j] }
        }
        return (queries, chosen)
    }

    /// Measures traces for calibration queries (row-major). `own[i]`, when given, is an id that
    /// query `i` must not count (the stored vector it was taken from).
    /// - Complexity: O(queries × (n × d + scanned × size × d)), spread over `threads`.
    static func measure(
        queries: [Float], own: [Int64]?, levels: [PartitionStore], metric: DistanceMetric, search: LevelSearch,
        k: Int, threads: Int
    ) -> RecallCalibration {
        let base = levels[0]
        let d = base.dimension
        let count = queries.count / d
        guard count > 0, base.count > k + 1, levels.count > 1 else { return RecallCalibration(traces: []) }
        let excluded = own ?? Array(repeating: Int64.min, count: count)
        let extra = own == nil ? 0 : 1
        let truths = exactNeighbours(
            queries: queries, excluding: excluded, base: base, k: k, extra: extra, metric: metric, threads: threads)
        let traces = TraceCollector(count: count)
        let scan = AdaptiveScan(levels: levels, metric: metric, search: search)
        let shared = SendableBox((queries, truths, traces, excluded, scan))
        Parallel.forEach(count: count, threads: threads) { _, q in
            let (queries, truths, traces, excluded, scan) = shared.value
            let truth = truths[q]
            var trace: [(estimate: Float, recall: Float)] = []
            queries.withUnsafeBufferPointer { buffer in
                _ = scan.run(
                    query: buffer.baseAddress! + q * d, k: k + extra, threshold: .infinity, maxPartitions: Int.max
                ) { estimate, heap in
                    let found = heap.sorted(query: 0).lazy.map(\.id).filter { $0 != excluded[q] }.prefix(k)
                    let recall = Float(found.filter(truth.contains).count) / Float(max(1, truth.count))
                    trace.append((estimate, recall))
                    return recall < 1
                }
            }
            traces.store(trace, at: q)
        }
        return RecallCalibration(traces: traces.all)
    }

    /// Exact top-k ids of each query among the stored vectors, leaving out the query's own id.
    private static func exactNeighbours(
        queries: [Float], excluding own: [Int64], base: PartitionStore, k: Int, extra: Int, metric: DistanceMetric,
        threads: Int
    ) -> [Set<Int64>] {
        let count = own.count
        let d = base.dimension
        // Every query against every partition: the batched kernel reads each partition once for
        // all the queries. Its dot-product form of L2 rounds differently from the direct form (on
        // data with large norms, such as raw pixels, enough to reorder near ties), so it only
        // shortlists twice as many candidates, which are then ranked with the direct kernel.
        let shortlist = 2 * (k + extra) + 8
        let pids = base.partitions.keys.sorted()
        var probes = [Int]()
        probes.reserveCapacity(count * pids.count)
        for _ in 0..<count { probes += pids }
        let candidates = queries.withUnsafeBufferPointer { buffer in
            BatchScan.run(
                level: base, queries: buffer.baseAddress!, queryCount: count, probes: probes,
                probesPerQuery: pids.count, k: shortlist, metric: metric.kernelMetric, threads: threads)
        }
        let heaps = TopKBuffers(queryCount: count, k: k + extra)
        let shared = SendableBox((queries, candidates, heaps, base))
        Parallel.forEach(count: count, threads: threads) { _, q in
            let (queries, candidates, heaps, base) = shared.value
            queries.withUnsafeBufferPointer { buffer in
                for hit in candidates.sorted(query: q) {
                    guard let row = base.vector(for: hit.id) else { continue }
                    var distance: Float = 0
                    Kernels.distances(
                        metric.kernelMetric, query: buffer.baseAddress! + q * d, rows: row, count: 1, dimension: d,
                        out: &distance)
                    heaps.push(query: q, distance: distance, id: hit.id)
                }
            }
        }
        return (0..<count).map { q in Set(heaps.sorted(query: q).map(\.id).filter { $0 != own[q] }.prefix(k)) }
    }
}

/// Collects per-query traces from worker threads (each query's slot is written once, by one worker).
private final class TraceCollector: @unchecked Sendable {
    private var slots: [[(estimate: Float, recall: Float)]]
    private let lock = ReadWriteLock()

    init(count: Int) { slots = Array(repeating: [], count: count) }

    func store(_ trace: [(estimate: Float, recall: Float)], at index: Int) {
        lock.withWriteLock { slots[index] = trace }
    }

    var all: [[(estimate: Float, recall: Float)]] { lock.withReadLock { slots } }
}
