import ShoalKernels

/// Adaptive partition scanning (APS) for one query: scans base partitions in order of their
/// estimated probability of holding a true neighbour (``PartitionProbabilities``) until the
/// estimated recall reaches a threshold, recomputing the probabilities when the search radius moves
/// by more than 1 %, and fetching more candidate partitions from the level above when the current
/// candidates are exhausted before the threshold is reached (the reference stops at a fixed prefix).
///
/// Must run under the index's read lock, on an index with at least two levels.
struct AdaptiveScan {
    let levels: [PartitionStore]
    let metric: DistanceMetric
    let search: LevelSearch
    /// Initial candidates: the nearest `initialCandidates` base partitions (all of them in most
    /// indexes). Giving the model every partition that could intersect the search ball lets its
    /// estimate reach 1 only when they have all been scanned; with a short prefix (the reference
    /// uses 10 %) the estimate saturates as soon as the prefix is done, whatever lies beyond.
    var initialCandidates = 1024
    /// Relative radius change that triggers a recomputation of the probabilities.
    var recomputeThreshold: Float = 0.01

    struct Outcome {
        var heap: TopKBuffers
        var scannedPartitions: [Int]
        var partitionsScanned: Int { scannedPartitions.count }
    }

    /// Estimates at or above this count as saturated: the model sees no candidate left that could
    /// hold a neighbour.
    static let saturation: Float = 0.9999
    /// What each partition scanned after saturation adds to the stopping statistic.
    static let extraStep: Float = 0.01

    /// The stopping statistic: the estimate, or past saturation `1 + extraStep × partitions scanned
    /// since` — so a calibrated threshold above 1 buys extra partitions (nearest centroid first)
    /// where the model is over-confident (high dimensions).
    static func statistic(estimate: Float, extra: Int) -> Float {
        estimate < saturation ? estimate : 1 + extraStep * Float(extra)
    }

    /// Scans until the stopping statistic reaches `threshold`, or `maxPartitions` have been
    /// scanned, or every partition has. `trace`, when given, is called after every partition with
    /// the current statistic and heap (for calibration); returning false stops the scan.
    /// - Complexity: O(candidates × d) for the geometry plus the scans.
    func run(
        query: UnsafePointer<Float>, k: Int, threshold: Float, maxPartitions: Int,
        trace: ((Float, TopKBuffers) -> Bool)? = nil
    ) -> Outcome {
        let base = levels[0]
        let total = base.partitions.count
        let heap = TopKBuffers(queryCount: 1, k: k)
        let scratch = ScanScratch()
        var scanned = Set<Int>()
        var candidateCount = min(total, initialCandidates)
        let limit = min(maxPartitions, total)
        var extra = 0
        while true {
            let candidates = candidatePartitions(query: query, count: candidateCount)
            let geometry = CandidateGeometry(query: query, candidates: candidates, centroids: levels[1], metric: metric)
            var probabilities = geometry.model.probabilities(radius: radius(heap, query: query))
            var radiusUsed = radius(heap, query: query)
            var estimate = zip(geometry.order, probabilities).reduce(Float(0)) { sum, pair in
                scanned.contains(pair.0) ? sum + pair.1 : sum
            }
            while scanned.count < limit
                && (AdaptiveScan.statistic(estimate: estimate, extra: extra) < threshold || scanned.isEmpty)
            {
                let saturated = estimate >= AdaptiveScan.saturation
                var best = -1
                var bestProbability: Float = -1
                for (position, pid) in geometry.order.enumerated()
                where !scanned.contains(pid) && probabilities[position] > bestProbability {
                    best = position
                    bestProbability = probabilities[position]
                }
                guard best >= 0, let partition = base.partitions[geometry.order[best]] else { break }
                QueryScan.scan([partition], query: query, metric: metric.kernelMetric, into: heap, scratch: scratch)
                scanned.insert(geometry.order[best])
                let newRadius = radius(heap, query: query)
                if abs(newRadius - radiusUsed) > recomputeThreshold * radiusUsed || radiusUsed.isInfinite {
                    radiusUsed = newRadius
                    probabilities = geometry.model.probabilities(radius: newRadius)
                    estimate = zip(geometry.order, probabilities).reduce(Float(0)) { sum, pair in
                        scanned.contains(pair.0) ? sum + pair.1 : sum
                    }
                } else {
                    estimate += probabilities[best]
                }
                if saturated { extra += 1 }
                if let trace, !trace(AdaptiveScan.statistic(estimate: estimate, extra: extra), heap) {
                    return Outcome(heap: heap, scannedPartitions: Array(scanned))
                }
            }
            let exhausted = geometry.order.allSatisfy(scanned.contains)
            guard AdaptiveScan.statistic(estimate: estimate, extra: extra) < threshold, exhausted,
                scanned.count < limit, candidateCount < total
            else {
                return Outcome(heap: heap, scannedPartitions: Array(scanned))
            }
            candidateCount = min(total, candidateCount * 2)
        }
    }

    /// The `count` nearest base partitions (by centroid) from the level above.
    private func candidatePartitions(query: UnsafePointer<Float>, count: Int) -> [Int] {
        let parent = search.search(
            level: 1, queries: query, queryCount: 1, k: count,
            nprobe: search.upperNprobe(level: 1, needed: count))
        return parent.sorted(query: 0).map { Int($0.id) }
    }

    /// The Euclidean radius of the ball holding the current k results (∞ while fewer than k).
    private func radius(_ heap: TopKBuffers, query: UnsafePointer<Float>) -> Float {
        let worst = heap.threshold(query: 0)
        guard worst.isFinite else { return .infinity }
        switch metric {
        case .l2: return worst.squareRoot()
        case .cosine: return max(0, 2 + 2 * worst).squareRoot()
        case .innerProduct:
            guard let id = heap.worstID(query: 0), let row = levels[0].vector(for: id) else { return .infinity }
            var distance: Float = 0
            Kernels.distances(
                .squaredL2, query: query, rows: row, count: 1, dimension: levels[0].dimension, out: &distance)
            return distance.squareRoot()
        }
    }
}

/// Distances from the query to each candidate centroid and between centroids, in Euclidean space,
/// with the nearest centroid first.
struct CandidateGeometry {
    /// Partition ids, nearest centroid (Euclidean) first.
    let order: [Int]
    let model: PartitionProbabilities

    init(query: UnsafePointer<Float>, candidates: [Int], centroids: PartitionStore, metric: DistanceMetric) {
        let d = centroids.dimension
        let present = candidates.filter { centroids.vector(for: Int64($0)) != nil }
        var gathered = [Float](repeating: 0, count: max(1, present.count * d))
        for (i, pid) in present.enumerated() {
            guard let row = centroids.vector(for: Int64(pid)) else { continue }
            for j in 0..<d { gathered[i * d + j] = row[j] }
        }
        var distances = [Float](repeating: 0, count: present.count)
        gathered.withUnsafeBufferPointer { rows in
            distances.withUnsafeMutableBufferPointer { out in
                guard let rowBase = rows.baseAddress, let outBase = out.baseAddress, !present.isEmpty else { return }
                Kernels.distances(.squaredL2, query: query, rows: rowBase, count: present.count, dimension: d, out: outBase)
            }
        }
        let ranked = present.indices.sorted { distances[$0] < distances[$1] }
        order = ranked.map { present[$0] }
        var separations = [Float](repeating: 0, count: present.count)
        if let first = ranked.first {
            gathered.withUnsafeBufferPointer { rows in
                separations.withUnsafeMutableBufferPointer { out in
                    guard let rowBase = rows.baseAddress, let outBase = out.baseAddress else { return }
                    Kernels.distances(
                        .squaredL2, query: rowBase + first * d, rows: rowBase, count: present.count, dimension: d,
                        out: outBase)
                }
            }
        }
        model = PartitionProbabilities(
            squaredDistances: ranked.map { distances[$0] }, separations: ranked.map { separations[$0].squareRoot() },
            table: CapVolumeTable.table(for: d))
    }
}
