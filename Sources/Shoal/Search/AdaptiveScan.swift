import ShoalKernels

/// Adaptive partition scanning (APS) for one query: scans base partitions in order of their
/// estimated probability of holding a true neighbour (``PartitionProbabilities``) until the
/// estimated recall reaches a threshold, recomputing the probabilities when the search radius moves
/// by more than 1 % (and at the lengths of the floor ladder, ``nextFloor(after:)``), and fetching
/// more candidate partitions from the level above when the current candidates are exhausted before
/// the threshold is reached (the reference stops at a fixed prefix).
///
/// Must run under the index's read lock, on an index with at least two levels.
struct AdaptiveScan {
    let levels: [PartitionStore]
    let metric: DistanceMetric
    let search: LevelSearch
    /// Pairwise distances of the flat top level's centroids, when the index has two levels.
    var separations: SeparationTable? = nil
    /// Every base partition's centroid in one block, when they are all initial candidates.
    var centroids: CentroidBlock? = nil
    /// The order partitions are scanned in.
    var order: SearchOptions.ScanOrder = .centroidDistance
    /// Initial candidates: the nearest `initialCandidates` base partitions (all of them in most
    /// indexes). Giving the model every partition that could intersect the search ball lets its
    /// estimate reach 1 only when they have all been scanned; with a short prefix (the reference
    /// uses 10 %) the estimate saturates as soon as the prefix is done, whatever lies beyond.
    var initialCandidates = AdaptiveScan.defaultInitialCandidates
    static let defaultInitialCandidates = 1024
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

    /// The floors a calibrated stopping rule may use: 1, 2, 3, 4, then about × 1.4 each step (6, 9,
    /// 13, 19, 27, …). The cursor recomputes its probabilities at exactly these scan lengths
    /// (``AdaptiveCursor/advance(position:)``), so a scan that skips its estimates below its
    /// floor computes the same statistics from the floor on as a calibration trace does.
    /// - Complexity: O(1).
    static func nextFloor(after floor: Int) -> Int {
        floor < 4 ? floor + 1 : (floor * 7 + 4) / 5
    }

    /// Scans at least `floor` partitions and then until the stopping statistic reaches
    /// `threshold`, or `maxPartitions` have been scanned, or every partition has.
    /// - Complexity: O(candidates × d) for the geometry plus the scans.
    func run(query: UnsafePointer<Float>, k: Int, threshold: Float, floor: Int = 1, maxPartitions: Int) -> Outcome {
        let base = levels[0]
        let scratch = ScanScratch()
        var cursor = AdaptiveCursor(
            scan: self, query: query, k: k, threshold: threshold, floor: floor, maxPartitions: maxPartitions)
        while let (position, pid) = cursor.next(), let partition = base.partitions[pid] {
            QueryScan.scan(partition, query: query, metric: metric.kernelMetric, into: cursor.heap, scratch: scratch)
            cursor.advance(position: position)
        }
        return Outcome(heap: cursor.heap, scannedPartitions: cursor.scanned)
    }

    /// The geometry of the `count` nearest base partitions (by centroid). When ``centroids`` covers
    /// them all it is used; with two levels the centroids are the flat top partition, used in
    /// place; otherwise the level above is searched for them.
    func candidateGeometry(query: UnsafePointer<Float>, count: Int) -> CandidateGeometry {
        if let centroids, count >= centroids.count {
            return centroids.geometry(query: query, separations: separations)
        }
        if levels.count == 2, let top = levels[1].partitions.values.first, count >= top.count {
            return CandidateGeometry(
                query: query, rows: top.vectors, ids: top.ids, count: top.count, dimension: top.dimension,
                separations: separations)
        }
        let parent = search.search(
            level: 1, queries: query, queryCount: 1, k: count,
            nprobe: search.upperNprobe(level: 1, needed: count))
        return CandidateGeometry(
            query: query, candidates: parent.sorted(query: 0).map { Int($0.id) }, centroids: levels[1])
    }

    /// The Euclidean radius of the ball holding the current k results (∞ while fewer than k).
    func radius(_ heap: TopKBuffers, query: UnsafePointer<Float>) -> Float {
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
