import ShoalKernels

/// The state of one query's adaptive partition scan (APS), stepped from outside: ``next()`` names
/// the partition the scan would read next (or nil when it stops), the caller pushes that
/// partition's candidates into ``heap`` and calls ``advance(position:)``.
///
/// ``AdaptiveScan/run(query:k:threshold:maxPartitions:)`` drives one cursor partition by
/// partition; ``AdaptiveBatch`` drives the cursors of a whole batch in rounds, computing the
/// distances of many (query, partition) pairs with the batched kernel first. Both make exactly the
/// same stopping decisions, so one calibration serves both.
struct AdaptiveCursor {
    let scan: AdaptiveScan
    let query: UnsafePointer<Float>
    let threshold: Float
    /// Partitions scanned before the threshold is consulted (at least 1; a calibrated
    /// ``RecallCalibration/StopPlan`` floor).
    let floor: Int
    /// The query's best `k` so far.
    let heap: TopKBuffers
    private let limit: Int
    private let total: Int
    private var candidateCount: Int
    private(set) var geometry: CandidateGeometry
    /// The candidate rows by centroid distance, ranked as far as the scan has looked.
    private var ranking: NearestFirstOrder
    /// Every rank below this one is scanned.
    private var firstOpenRank = 0
    /// Candidates (other than the nearest) whose probability may be non-zero
    /// (``PartitionProbabilities/probabilities(radius:into:live:prune:)``).
    private var live: [Int]
    /// Whether the radius can only shrink, so candidates with a zero cap can be pruned for good.
    private let prunes: Bool
    private var radiusUsed: Float
    /// Whether the estimates of scans shorter than the floor are skipped. They decide nothing: the
    /// scan goes on whatever they say, and with a threshold of at most 1 neither does the count of
    /// partitions past saturation (``extra``). Not in probability order, which chooses by them.
    private let skipsBelowFloor: Bool
    /// Whether ``probabilities`` and ``estimate`` are out of date (skipped below the floor); the
    /// next estimate then recomputes them.
    private var stale = false
    /// The next scan length on the floor ladder (``AdaptiveScan/nextFloor(after:)``), where the
    /// probabilities are recomputed whatever the radius did.
    private var nextLadderLength = 1
    /// Each candidate row's probability (all 0 while ``stale`` from the start).
    private(set) var probabilities: [Float] = []
    /// Whether each candidate row has been scanned.
    private(set) var done: [Bool]
    private var scannedRows: [Int] = []
    private(set) var estimate: Float = 0
    private(set) var extra = 0
    /// Partitions scanned, in scan order.
    private(set) var scanned: [Int] = []
    /// How far ``predictedRemaining()`` looks ahead: rounds need an order of magnitude, not more.
    static let predictionHorizon = 128

    /// - Parameters:
    ///   - floor: scan at least this many partitions (capped by `maxPartitions` and the partition
    ///     count) before stopping at `threshold`.
    ///   - geometry: the candidate geometry when already computed (a batch computes the centroid
    ///     distances of all its queries at once); nil computes it here.
    init(
        scan: AdaptiveScan, query: UnsafePointer<Float>, k: Int, threshold: Float, floor: Int = 1,
        maxPartitions: Int, geometry known: CandidateGeometry? = nil
    ) {
        self.scan = scan
        self.query = query
        self.threshold = threshold
        self.floor = max(1, floor)
        heap = TopKBuffers(queryCount: 1, k: k)
        total = scan.levels[0].partitions.count
        limit = min(maxPartitions, total)
        candidateCount = min(total, scan.initialCandidates)
        geometry = known ?? scan.candidateGeometry(query: query, count: candidateCount)
        ranking = NearestFirstOrder(squaredDistances: geometry.squaredDistances)
        live = geometry.model.allOthers
        prunes = scan.metric != .innerProduct
        radiusUsed = .infinity
        done = Array(repeating: false, count: geometry.count)
        // Most scans stop within a few partitions of their floor: one allocation each, not one per doubling.
        let expected = min(limit, max(self.floor + 8, 16))
        scanned.reserveCapacity(expected)
        scannedRows.reserveCapacity(expected)
        skipsBelowFloor = self.floor > 1 && threshold <= 1 && scan.order == .centroidDistance
        if skipsBelowFloor {
            probabilities = [Float](repeating: 0, count: geometry.count)
            stale = true
        } else {
            geometry.model.probabilities(radius: .infinity, into: &probabilities, live: &live, prune: false)
        }
    }

    /// The stopping statistic now (``AdaptiveScan/statistic(estimate:extra:)``).
    var statistic: Float { AdaptiveScan.statistic(estimate: estimate, extra: extra) }

    /// Whether the rule asks for more: fewer than `floor` partitions scanned, or the statistic
    /// below the threshold.
    private var wantsMore: Bool { scanned.count < floor || statistic < threshold }

    /// The candidate row (the position handed to ``advance(position:)``) and partition id the scan
    /// reads next, or nil when it stops: the statistic reached the threshold, `maxPartitions` were
    /// scanned, or nothing is left. Fetches more candidates from the level above when the current
    /// ones are exhausted.
    /// - Complexity: amortised O(log candidates) in centroid order, O(live) in probability order;
    ///   O(candidates × d) when it fetches more.
    mutating func next() -> (position: Int, partition: Int)? {
        while true {
            if scanned.count < limit && wantsMore, let row = nextRow() {
                return (row, geometry.partitions[row])
            }
            let exhausted = scannedRows.count == geometry.count
            guard wantsMore, exhausted, scanned.count < limit, candidateCount < total else { return nil }
            candidateCount = min(total, candidateCount * 2)
            geometry = scan.candidateGeometry(query: query, count: candidateCount)
            ranking = NearestFirstOrder(squaredDistances: geometry.squaredDistances)
            firstOpenRank = 0
            let seen = Set(scanned)
            done = geometry.partitions.map(seen.contains)
            scannedRows = done.indices.filter { done[$0] }
            live = geometry.model.allOthers
            probabilities = []
            radiusUsed = scan.radius(heap, query: query)
            geometry.model.probabilities(radius: radiusUsed, into: &probabilities, live: &live, prune: prunes)
            estimate = mass()
        }
    }

    /// Records that the candidate row `position` (as returned by ``next()``) has been pushed into
    /// ``heap``: updates the radius, the probabilities and the estimate. Returns the new statistic.
    ///
    /// The probabilities are recomputed when the radius moved by more than the recompute threshold
    /// since they were last computed, and at every scan length on the floor ladder
    /// (``AdaptiveScan/nextFloor(after:)``). Below the floor they may be skipped
    /// (``skipsBelowFloor``); since the floor is on the ladder, the statistic from the floor on is
    /// then the one a scan that never skipped (a ``CalibrationTrace``) computes.
    @discardableResult
    mutating func advance(position: Int) -> Float {
        let saturated = estimate >= AdaptiveScan.saturation
        scanned.append(geometry.partitions[position])
        scannedRows.append(position)
        done[position] = true
        let onLadder = scanned.count == nextLadderLength
        if onLadder { nextLadderLength = AdaptiveScan.nextFloor(after: nextLadderLength) }
        if skipsBelowFloor && scanned.count < floor { return statistic }
        let newRadius = scan.radius(heap, query: query)
        if stale || onLadder || abs(newRadius - radiusUsed) > scan.recomputeThreshold * radiusUsed
            || radiusUsed.isInfinite
        {
            radiusUsed = newRadius
            geometry.model.probabilities(radius: newRadius, into: &probabilities, live: &live, prune: prunes)
            estimate = mass()
            stale = false
        } else {
            estimate += probabilities[position]
        }
        if saturated { extra += 1 }
        return statistic
    }

    /// How many more partitions the scan would read if the radius stayed where it is: the
    /// unscanned candidates, in scan order, whose probabilities bring the estimate to the
    /// threshold (past saturation, the extra partitions the threshold asks for), and at least
    /// what the floor still asks for (only that while the estimates are skipped below the floor).
    /// The radius only shrinks as the scan goes on, which concentrates the probability on the
    /// nearer partitions, so this is usually an overestimate. At least 1, at most what
    /// `maxPartitions` leaves and ``predictionHorizon``.
    /// - Complexity: O(horizon × log candidates + live log live).
    mutating func predictedRemaining() -> Int {
        let room = min(limit - scanned.count, AdaptiveCursor.predictionHorizon)
        guard room > 0 else { return 0 }
        // Below the floor without estimates: the floor is what is known.
        if stale { return min(room, max(1, floor - scanned.count)) }
        var remaining = 0
        var value = estimate
        var steps = extra
        let threshold = threshold
        let probabilities = probabilities
        let floorLeft = floor - scanned.count
        forEachUpcoming(room) { row in
            if remaining >= floorLeft && AdaptiveScan.statistic(estimate: value, extra: steps) >= threshold {
                return false
            }
            if value >= AdaptiveScan.saturation { steps += 1 }
            value += probabilities[row]
            remaining += 1
            return true
        }
        return min(room, max(1, remaining))
    }

    /// Calls `body(row)` for up to `count` candidate rows the scan would read next if the
    /// probabilities stayed as they are, in order, until `body` returns false; the first is what
    /// ``next()`` returns (unless it stops or fetches more candidates).
    /// - Complexity: O(count × log candidates), plus O(live log live) in probability order.
    mutating func forEachUpcoming(_ count: Int, _ body: (Int) -> Bool) {
        guard count > 0 else { return }
        var left = count
        if scan.order == .probability {
            // The nearest centroid first while unscanned; then the live candidates by probability
            // (ties to the nearer centroid), as `next()` chooses; then the rest by distance.
            if !done[geometry.nearest] {
                guard body(geometry.nearest) else { return }
                left -= 1
            }
            let likely = live.filter { !done[$0] && probabilities[$0] > 0 }.sorted(by: isMoreLikely)
            for row in likely {
                guard left > 0, body(row) else { return }
                left -= 1
            }
            var rank = firstOpenRank
            while left > 0, let row = ranking.row(atRank: rank) {
                rank += 1
                if done[row] || row == geometry.nearest || probabilities[row] > 0 { continue }
                guard body(row) else { return }
                left -= 1
            }
            return
        }
        var rank = firstOpenRank
        while left > 0, let row = ranking.row(atRank: rank) {
            rank += 1
            if done[row] { continue }
            guard body(row) else { return }
            left -= 1
        }
    }

    /// The next row to scan: the nearest unscanned centroid, or in probability order the nearest
    /// centroid first and then the most probable unscanned candidate (ties to the nearer; the
    /// nearest unscanned when no candidate has a probability left).
    private mutating func nextRow() -> Int? {
        if scan.order == .probability {
            if !done[geometry.nearest] { return geometry.nearest }
            var best = -1
            for row in live where !done[row] && probabilities[row] > 0 {
                if best < 0 || isMoreLikely(row, best) { best = row }
            }
            if best >= 0 { return best }
        }
        while let row = ranking.row(atRank: firstOpenRank) {
            if !done[row] { return row }
            firstOpenRank += 1
        }
        return nil
    }

    /// Probability order: higher probability first, ties to the nearer centroid, then the lower row.
    private func isMoreLikely(_ a: Int, _ b: Int) -> Bool {
        if probabilities[a] != probabilities[b] { return probabilities[a] > probabilities[b] }
        let da = geometry.squaredDistances[a]
        let db = geometry.squaredDistances[b]
        return da != db ? da < db : a < b
    }

    private func mass() -> Float {
        var total: Float = 0
        for row in scannedRows { total += probabilities[row] }
        return total
    }
}
