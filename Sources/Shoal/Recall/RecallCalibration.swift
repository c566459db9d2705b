import ShoalKernels

/// Maps a recall target to the APS stopping rule that meets it on this index at the least cost.
///
/// The spherical-cap estimate is only a model: on real data it is biased (the reference
/// implementation returned 0.87 when asked for 0.9, and about 0.7 for every target on CLIP
/// vectors). So Shoal measures the bias: on calibration queries whose exact neighbours are known
/// (``CalibrationNeighbours``: queries a user pinned, or stored vectors scored without their own
/// id), it runs APS while recording, after every partition, the model's estimate and the true
/// recall (``CalibrationTrace``). A stopping rule is a threshold on that statistic plus a floor:
/// scan at least `floor` partitions (nearest centroid first), then stop at the first statistic at
/// or above the threshold. For each target the calibration picks, among a ladder of floors, the
/// rule whose mean true recall over the sample reaches the target with the fewest partitions.
/// Floor 1 is plain APS, and a zero threshold is a fixed nprobe of `floor`, so the chosen rule is
/// never costlier on the sample than either; floors need pinned queries (``allowsFloors``).
/// (Plain APS scanned 11–27 % more partitions than the cheapest fixed nprobe at every target on
/// sift5k, and 16–20 % more at 0.8 on knng and yfcc, where the model's first estimates rank queries
/// poorly; `docs/results/recall-targets.md`.)
///
/// Traces run past the point where the true recall reaches 1 (``CalibrationTrace``), so the cost
/// of a rule is known unless it stops beyond a trace's end; there the trace's length (or the
/// floor) stands in, an undercount, and the recall is 1.
///
/// Thread safety: immutable after construction.
final class RecallCalibration: Sendable {
    /// For each sample query, (estimate, true recall) after each scanned partition.
    let traces: [[(estimate: Float, recall: Float)]]

    private let plans = Locked<[Double: StopPlan]>([:])

    /// Bisection steps over a threshold in [0, largest statistic]: statistics are `Float`s of order
    /// 1, so 26 halvings reach their resolution (2⁻²⁶ < the spacing of floats near 1).
    static let bisectionSteps = 26

    /// Whether plans may use a floor above 1. A floor is a fixed nprobe, which transfers only to
    /// queries like the sample; plain APS adapts to each query's own distances. So floors are for
    /// pinned queries (``VectorIndex/calibrate(queries:k:)``, given as representative), and a sample
    /// of stored vectors, which are easier queries than held-out ones, calibrates plain APS only.
    /// (In a build that allowed floors here, stored-vector calibration at a 0.8 target gave 0.609
    /// on sift5k, whose queries come from another set; plain APS gives 0.948.)
    let allowsFloors: Bool
    /// The top of the threshold bisection: the largest statistic recorded, at least 1.
    private let largestStatistic: Float

    /// What the traces were recorded from, so that measuring again keeps the traces still
    /// current (nil: keep none).
    let sources: TraceSources?

    init(traces: [[(estimate: Float, recall: Float)]], allowsFloors: Bool = true, sources: TraceSources? = nil) {
        self.traces = traces
        self.allowsFloors = allowsFloors
        self.sources = sources
        largestStatistic = max(1, traces.lazy.flatMap { $0 }.map(\.estimate).max() ?? 1)
    }

    /// Where a trace stops under (`threshold`, `floor`): the index of the first entry at or past
    /// `floor − 1` whose statistic reaches `threshold`, or nil past the trace's end.
    private static func stop(_ trace: [(estimate: Float, recall: Float)], threshold: Float, floor: Int) -> Int? {
        var j = max(0, floor - 1)
        while j < trace.count {
            if trace[j].estimate >= threshold { return j }
            j += 1
        }
        return nil
    }

    /// Mean true recall if APS scanned at least `floor` partitions and then stopped at the first
    /// statistic ≥ `threshold`.
    func meanRecall(threshold: Float, floor: Int = 1) -> Double {
        guard !traces.isEmpty else { return 1 }
        var total = 0.0
        for trace in traces {
            let entry = Self.stop(trace, threshold: threshold, floor: floor).map { trace[$0] } ?? trace.last
            total += Double(entry?.recall ?? 1)
        }
        return total / Double(traces.count)
    }

    /// Mean partitions scanned under (`threshold`, `floor`); a trace that ends before the rule
    /// stops counts its length or the floor, whichever is larger.
    func meanCost(threshold: Float, floor: Int = 1) -> Double {
        guard !traces.isEmpty else { return 0 }
        var total = 0
        for trace in traces {
            total += Self.stop(trace, threshold: threshold, floor: floor).map { $0 + 1 } ?? max(trace.count, floor)
        }
        return Double(total) / Double(traces.count)
    }

    /// The number of partitions after which the sample queries stop under (`threshold`, `floor`),
    /// at the given quantile (0...1) of the sample; 1 without a sample. A trace the rule outlasts
    /// counts its length, so this undercounts rather than overcounts — what a batch wants for its
    /// first round.
    /// - Complexity: O(samples × trace length + samples log samples).
    func stopLength(threshold: Float, floor: Int = 1, quantile: Double) -> Int {
        guard !traces.isEmpty else { return max(1, floor) }
        let lengths = traces.map { trace in
            Self.stop(trace, threshold: threshold, floor: floor).map { $0 + 1 } ?? max(1, trace.count, floor)
        }.sorted()
        let index = min(lengths.count - 1, max(0, Int(Double(lengths.count - 1) * quantile)))
        return lengths[index]
    }

    /// How to stop for a target. Scan at least `floor` partitions; then the mean recall as a
    /// function of the threshold is a step function (it jumps where many sample queries stop at
    /// once), so a single threshold can overshoot a target by a whole step. The plan mixes the two
    /// thresholds around the step — `high` (the smallest that reaches the target) for a share
    /// `highShare` of the queries and `low` for the rest — so the expected mean recall equals the
    /// target.
    struct StopPlan: Sendable {
        var low: Float
        var high: Float
        var highShare: Double
        /// Partitions scanned before the threshold is consulted (≥ 1).
        var floor: Int = 1

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

    /// The floors tried: the ladder of ``AdaptiveScan/nextFloor(after:)`` (1, 2, 3, 4, then about
    /// × 1.4 each step), up to the smallest fixed nprobe that reaches `target` on its own or the
    /// first that no trace outlasts (included).
    private func floors(for target: Double) -> [Int] {
        let longest = traces.map(\.count).max() ?? 1
        var result: [Int] = []
        var floor = 1
        while true {
            result.append(floor)
            if floor >= longest || meanRecall(threshold: 0, floor: floor) >= target { return result }
            floor = AdaptiveScan.nextFloor(after: floor)
        }
    }

    /// The cheapest plan over ``floors(for:)``: for each floor the mixed plan of
    /// ``mixedPlan(for:floor:)``, costed by ``meanCost(threshold:floor:)``; ties go to the lower
    /// floor. A floor no smaller than the best cost so far cannot beat it, which ends the ladder.
    /// - Complexity: O(floors × bisectionSteps × samples × trace length).
    private func computePlan(for target: Double) -> StopPlan {
        guard !traces.isEmpty else { return StopPlan(low: .infinity, high: .infinity, highShare: 1) }
        var best: (plan: StopPlan, cost: Double)?
        for floor in allowsFloors ? floors(for: target) : [1] {
            if let best, Double(floor) >= best.cost { break }
            let plan = mixedPlan(for: target, floor: floor)
            let cost = plan.highShare * meanCost(threshold: plan.high, floor: floor)
                + (1 - plan.highShare) * meanCost(threshold: plan.low, floor: floor)
            if best == nil || cost < best!.cost - 1e-9 { best = (plan, cost) }
        }
        return best!.plan
    }

    /// The mix of the two thresholds around the step at `target`, with a fixed floor.
    private func mixedPlan(for target: Double, floor: Int) -> StopPlan {
        let (low, high) = bracket(for: target, floor: floor)
        guard high.isFinite, high > 0 else { return StopPlan(low: high, high: high, highShare: 1, floor: floor) }
        let recallLow = meanRecall(threshold: low, floor: floor)
        let recallHigh = meanRecall(threshold: high, floor: floor)
        guard recallHigh > recallLow else { return StopPlan(low: high, high: high, highShare: 1, floor: floor) }
        let share = min(1, max(0, (target - recallLow) / (recallHigh - recallLow)))
        return StopPlan(low: low, high: high, highShare: share, floor: floor)
    }

    /// The smallest threshold whose mean recall (with `floor`) reaches `target` (bisection over 0
    /// up to the largest statistic recorded; ∞ when none reaches it).
    /// - Complexity: O(bisectionSteps × samples × trace length).
    func threshold(for target: Double, floor: Int = 1) -> Float {
        bracket(for: target, floor: floor).high
    }

    /// The bisection of ``threshold(for:floor:)``: `high` is that threshold, and `low` the largest
    /// threshold it tried whose mean recall falls short of `target` (within the bisection's
    /// resolution of `high`, so the step at `target` lies between them; 0 when `high` is 0 or ∞).
    /// - Complexity: O(bisectionSteps × samples × trace length).
    private func bracket(for target: Double, floor: Int) -> (low: Float, high: Float) {
        // No sample (an index too small to calibrate on): scan everything, which is exact.
        guard !traces.isEmpty else { return (0, .infinity) }
        if meanRecall(threshold: 0, floor: floor) >= target { return (0, 0) }
        var low: Float = 0
        var high = largestStatistic
        if meanRecall(threshold: high, floor: floor) < target { return (0, .infinity) }
        for _ in 0..<RecallCalibration.bisectionSteps {
            let middle = (low + high) / 2
            if meanRecall(threshold: middle, floor: floor) >= target { high = middle } else { low = middle }
        }
        return (low, high)
    }
}
