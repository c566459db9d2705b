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
    /// Pairwise distances of the flat top level's centroids, when the index has two levels.
    var separations: SeparationTable? = nil
    /// The order partitions are scanned in.
    var order: SearchOptions.ScanOrder = .centroidDistance
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
        let scratch = ScanScratch()
        var cursor = AdaptiveCursor(scan: self, query: query, k: k, threshold: threshold, maxPartitions: maxPartitions)
        while let (position, pid) = cursor.next(), let partition = base.partitions[pid] {
            QueryScan.scan([partition], query: query, metric: metric.kernelMetric, into: cursor.heap, scratch: scratch)
            let statistic = cursor.advance(position: position)
            if let trace, !trace(statistic, cursor.heap) { break }
        }
        return Outcome(heap: cursor.heap, scannedPartitions: cursor.scanned)
    }

    /// The geometry of the `count` nearest base partitions (by centroid). With two levels the
    /// centroids are the flat top partition, used in place; otherwise the level above is searched
    /// for them.
    func candidateGeometry(query: UnsafePointer<Float>, count: Int) -> CandidateGeometry {
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

/// Distances from the query to each candidate centroid and between centroids, in Euclidean space,
/// with the nearest centroid first.
struct CandidateGeometry {
    /// Partition ids, nearest centroid (Euclidean) first.
    let order: [Int]
    let model: PartitionProbabilities

    /// - Parameters:
    ///   - rows: `count` centroids, row-major; `ids[i]` is the partition of row `i`.
    ///   - separations: when given, the pairwise centroid distances of these rows (`count × count`).
    init(
        query: UnsafePointer<Float>, rows: UnsafePointer<Float>, ids: UnsafePointer<Int64>, count: Int, dimension d: Int,
        separations table: SeparationTable? = nil
    ) {
        var distances = [Float](repeating: 0, count: count)
        distances.withUnsafeMutableBufferPointer { out in
            guard let outBase = out.baseAddress, count > 0 else { return }
            Kernels.distances(.squaredL2, query: query, rows: rows, count: count, dimension: d, out: outBase)
        }
        self.init(squaredDistances: distances, rows: rows, ids: ids, dimension: d, separations: table)
    }

    /// As above, with the query's squared Euclidean distances to the `distances.count` rows
    /// already computed (a batch computes them for all its queries with one kernel call).
    init(
        squaredDistances distances: [Float], rows: UnsafePointer<Float>, ids: UnsafePointer<Int64>, dimension d: Int,
        separations table: SeparationTable? = nil
    ) {
        let count = distances.count
        // Sort (distance, row) pairs packed in one integer: non-negative floats order like their bits.
        var keys = (0..<count).map { UInt64(max(0, distances[$0]).bitPattern) << 32 | UInt64($0) }
        keys.sort()
        let ranked = keys.map { Int(truncatingIfNeeded: $0 & 0xFFFF_FFFF) }
        var separations = [Float](repeating: 0, count: count)
        if let first = ranked.first {
            if let table, table.count == count {
                for (position, row) in ranked.enumerated() { separations[position] = table.values[first * count + row] }
            } else {
                var squared = [Float](repeating: 0, count: count)
                squared.withUnsafeMutableBufferPointer { out in
                    Kernels.distances(
                        .squaredL2, query: rows + first * d, rows: rows, count: count, dimension: d, out: out.baseAddress!)
                }
                for (position, row) in ranked.enumerated() { separations[position] = squared[row].squareRoot() }
            }
        }
        order = ranked.map { Int(ids[$0]) }
        model = PartitionProbabilities(
            squaredDistances: ranked.map { distances[$0] }, separations: separations,
            table: CapVolumeTable.table(for: d))
    }

    /// The geometry of the `candidates` (partition ids) whose centroids are stored in `centroids`.
    init(query: UnsafePointer<Float>, candidates: [Int], centroids: PartitionStore) {
        let d = centroids.dimension
        var rows: [Float] = []
        rows.reserveCapacity(candidates.count * d)
        var ids: [Int64] = []
        for pid in candidates {
            guard let row = centroids.vector(for: Int64(pid)) else { continue }
            rows.append(contentsOf: UnsafeBufferPointer(start: row, count: d))
            ids.append(Int64(pid))
        }
        self = rows.withUnsafeBufferPointer { r in
            ids.withUnsafeBufferPointer { i in
                CandidateGeometry(
                    query: query, rows: r.baseAddress ?? query, ids: i.baseAddress ?? UnsafePointer(bitPattern: 8)!,
                    count: ids.count, dimension: d)
            }
        }
    }
}
