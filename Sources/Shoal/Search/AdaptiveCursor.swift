import ShoalKernels

/// The state of one query's adaptive partition scan (APS), stepped from outside: ``next()`` names
/// the partition the scan would read next (or nil when it stops), the caller pushes that
/// partition's candidates into ``heap`` and calls ``advance(position:)``.
///
/// ``AdaptiveScan/run(query:k:threshold:maxPartitions:trace:)`` drives one cursor partition by
/// partition; ``AdaptiveBatch`` drives the cursors of a whole batch in rounds, computing the
/// distances of many (query, partition) pairs with the batched kernel first. Both make exactly the
/// same stopping decisions, so one calibration serves both.
struct AdaptiveCursor {
    let scan: AdaptiveScan
    let query: UnsafePointer<Float>
    let threshold: Float
    /// The query's best `k` so far.
    let heap: TopKBuffers
    private let limit: Int
    private let total: Int
    private var candidateCount: Int
    private(set) var geometry: CandidateGeometry
    private var radiusUsed: Float
    private(set) var probabilities: [Float]
    private(set) var done: [Bool]
    private(set) var estimate: Float = 0
    private(set) var extra = 0
    /// Partitions scanned, in scan order.
    private(set) var scanned: [Int] = []

    /// - Parameter geometry: the candidate geometry when already computed (a batch computes the
    ///   centroid distances of all its queries at once); nil computes it here.
    init(
        scan: AdaptiveScan, query: UnsafePointer<Float>, k: Int, threshold: Float, maxPartitions: Int,
        geometry known: CandidateGeometry? = nil
    ) {
        self.scan = scan
        self.query = query
        self.threshold = threshold
        heap = TopKBuffers(queryCount: 1, k: k)
        total = scan.levels[0].partitions.count
        limit = min(maxPartitions, total)
        candidateCount = min(total, scan.initialCandidates)
        geometry = known ?? scan.candidateGeometry(query: query, count: candidateCount)
        radiusUsed = .infinity
        probabilities = geometry.model.probabilities(radius: .infinity)
        done = Array(repeating: false, count: geometry.order.count)
    }

    /// The stopping statistic now (``AdaptiveScan/statistic(estimate:extra:)``).
    var statistic: Float { AdaptiveScan.statistic(estimate: estimate, extra: extra) }

    /// The position (in ``geometry``'s order) and partition id the scan reads next, or nil when it
    /// stops: the statistic reached the threshold, `maxPartitions` were scanned, or nothing is left.
    /// Fetches more candidates from the level above when the current ones are exhausted.
    /// - Complexity: O(candidates); O(candidates × d) when it fetches more.
    mutating func next() -> (position: Int, partition: Int)? {
        let base = scan.levels[0]
        while true {
            if scanned.count < limit && (statistic < threshold || scanned.isEmpty) {
                // The nearest centroid's partition goes first (the radius is unknown until then);
                // after that, the next by centroid distance, or the most probable unscanned one.
                var best = done.firstIndex(of: false) ?? -1
                if scan.order == .probability && best > 0 {
                    var bestProbability: Float = -1
                    for position in 0..<done.count where !done[position] && probabilities[position] > bestProbability {
                        best = position
                        bestProbability = probabilities[position]
                    }
                }
                if best >= 0, base.partitions[geometry.order[best]] != nil { return (best, geometry.order[best]) }
            }
            let exhausted = !done.contains(false)
            guard statistic < threshold, exhausted, scanned.count < limit, candidateCount < total else { return nil }
            candidateCount = min(total, candidateCount * 2)
            geometry = scan.candidateGeometry(query: query, count: candidateCount)
            let seen = Set(scanned)
            done = geometry.order.map(seen.contains)
            radiusUsed = scan.radius(heap, query: query)
            geometry.model.probabilities(radius: radiusUsed, into: &probabilities)
            estimate = mass()
        }
    }

    /// Records that the partition at `position` (as returned by ``next()``) has been pushed into
    /// ``heap``: updates the radius, the probabilities (when the radius moved by more than the
    /// recompute threshold) and the estimate. Returns the new statistic.
    @discardableResult
    mutating func advance(position: Int) -> Float {
        let saturated = estimate >= AdaptiveScan.saturation
        scanned.append(geometry.order[position])
        done[position] = true
        let newRadius = scan.radius(heap, query: query)
        if abs(newRadius - radiusUsed) > scan.recomputeThreshold * radiusUsed || radiusUsed.isInfinite {
            radiusUsed = newRadius
            geometry.model.probabilities(radius: newRadius, into: &probabilities)
            estimate = mass()
        } else {
            estimate += probabilities[position]
        }
        if saturated { extra += 1 }
        return statistic
    }

    /// How many more partitions the scan would read if the radius stayed where it is: the
    /// unscanned candidates, in scan order, whose probabilities bring the estimate to the
    /// threshold (past saturation, the extra partitions the threshold asks for). The radius only
    /// shrinks as the scan goes on, which concentrates the probability on the nearer partitions,
    /// so this is usually an overestimate. At least 1, at most what `maxPartitions` leaves.
    /// - Complexity: O(candidates log candidates) for the probability order, else O(candidates).
    func predictedRemaining() -> Int {
        let room = limit - scanned.count
        guard room > 0 else { return 0 }
        var remaining = 0
        var value = estimate
        var steps = extra
        func take(_ position: Int) -> Bool {
            if AdaptiveScan.statistic(estimate: value, extra: steps) >= threshold { return false }
            if value >= AdaptiveScan.saturation { steps += 1 }
            value += probabilities[position]
            remaining += 1
            return true
        }
        if scan.order == .probability {
            for position in upcoming(done.count).map(\.position) where !take(position) { break }
        } else {
            for position in 0..<done.count where !done[position] {
                if !take(position) { break }
            }
        }
        return min(room, max(1, remaining))
    }

    /// Up to `count` partitions the scan would read next if the probabilities stayed as they are,
    /// in order; the first is what ``next()`` returns (unless it stops or fetches more candidates).
    /// - Complexity: O(candidates log candidates) for the probability order, else O(candidates).
    func upcoming(_ count: Int) -> [(position: Int, partition: Int)] {
        var result: [(position: Int, partition: Int)] = []
        forEachUpcoming(count) { result.append(($0, $1)) }
        return result
    }

    /// Calls `body(position, partition)` for each of ``upcoming(_:)`` without building the list
    /// (for the centroid order).
    func forEachUpcoming(_ count: Int, _ body: (Int, Int) -> Void) {
        guard count > 0 else { return }
        if scan.order == .centroidDistance {
            var left = count
            for position in 0..<done.count where !done[position] {
                body(position, geometry.order[position])
                left -= 1
                if left == 0 { return }
            }
            return
        }
        var positions = (0..<done.count).filter { !done[$0] }
        if let first = positions.first {
            // Position 0 (the nearest centroid) goes first while unscanned; then by probability,
            // ties to the nearer centroid, as `next()` chooses.
            let rest = (first == 0 ? Array(positions.dropFirst()) : positions).sorted {
                probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : $0 < $1
            }
            positions = first == 0 ? [0] + rest : rest
        }
        for position in positions.prefix(count) { body(position, geometry.order[position]) }
    }

    private func mass() -> Float {
        var total: Float = 0
        for i in 0..<done.count where done[i] { total += probabilities[i] }
        return total
    }
}
