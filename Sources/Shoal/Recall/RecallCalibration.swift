import ShoalKernels

/// Maps a recall target to the APS stopping threshold that meets it on this index.
///
/// The spherical-cap estimate is only a model: on real data it is biased (the reference
/// implementation returned 0.87 when asked for 0.9, and about 0.7 for every target on CLIP
/// vectors). So Shoal measures the bias: on calibration queries whose exact neighbours are known
/// (``CalibrationNeighbours``: queries a user pinned, or stored vectors scored without their own
/// id), it runs APS while recording, after every partition, the model's estimate and the true
/// recall (``CalibrationTrace``), and then picks for each target the smallest threshold whose mean
/// true recall over the sample reaches the target. Scans in the trace stop once the true recall is
/// 1, so a threshold past the last recorded estimate keeps recall 1.
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

    /// Measures traces for the calibration queries of `truth` (their exact neighbours known).
    /// - Parameters:
    ///   - separations: the index's table of top-level centroid distances, when it has one built.
    ///   - centroids: the index's block of base centroids, when it has one (gathered here if not).
    /// - Complexity: O(queries × (partitions × d + scanned × size × d)) spread over `threads`,
    ///   where only the partitions scanned before a query's first `k + 1` neighbours are found are
    ///   read in full (``CalibrationTrace``).
    static func measure(
        truth: CalibrationTruth, levels: [PartitionStore], metric: DistanceMetric, search: LevelSearch, k: Int,
        threads: Int, separations: SeparationTable? = nil, centroids known: CentroidBlock? = nil
    ) -> RecallCalibration {
        let base = levels[0]
        let d = base.dimension
        let count = truth.lists.count
        guard count > 0, base.count > k + 1, levels.count > 1 else { return RecallCalibration(traces: []) }
        let traces = WorkerSlots<[(estimate: Float, recall: Float)]>(count: count)
        var scan = AdaptiveScan(levels: levels, metric: metric, search: search)
        scan.separations = separations
        scan.centroids = known ?? CentroidBlock(levels: levels, limit: scan.initialCandidates)
        // Every query's geometry from batched kernel calls, as a search batch gets them.
        let geometries = truth.queries.withUnsafeBufferPointer { buffer in
            scan.centroids?.geometries(queries: buffer.baseAddress!, queryCount: count, separations: separations)
        }
        let shared = SendableBox((truth, traces, scan, geometries))
        Parallel.forEach(count: count, threads: threads) { _, q in
            let (truth, traces, scan, geometries) = shared.value
            let trace = truth.queries.withUnsafeBufferPointer { buffer in
                CalibrationTrace.record(
                    query: buffer.baseAddress! + q * d, neighbours: truth.lists[q], own: truth.own?[q], k: k, scan: scan,
                    geometry: geometries?[q])
            }
            traces.set(q, trace)
        }
        return RecallCalibration(traces: traces.all)
    }
}
