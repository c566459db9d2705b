import ShoalKernels

extension VectorIndex {
    /// Builds an index over `vectors` with k-means partitions.
    ///
    /// - Parameters:
    ///   - vectors: row-major, `n * dimension` floats, all finite.
    ///   - ids: one unique id per row; `nil` numbers the rows `0..<n`.
    ///   - configuration: dimension, metric, partition count (default ≈ √n) and build settings.
    /// - Throws: ``ShoalError`` for a bad configuration, a length that is not a whole number of
    ///   rows, a NaN or infinite component, a duplicate id, a zero vector under cosine, or more
    ///   partitions than vectors.
    /// - Complexity: O(`iterations * min(n, 256·P) * P * d + n * P * d`) work spread over the
    ///   configured threads, with P the partition count.
    public static func build(
        vectors: [Float], ids: [Int64]? = nil, configuration: IndexConfiguration
    ) throws(ShoalError) -> VectorIndex {
        try configuration.validate()
        let d = configuration.dimension
        let n = try vectors.withUnsafeBufferPointer { (buffer) throws(ShoalError) -> Int in
            try Validation.rows(buffer, dimension: d, what: "vectors")
        }
        let ids = ids ?? (0..<Int64(n)).map { $0 }
        _ = try Validation.uniqueIDs(ids, rows: n)
        var stored = vectors
        if configuration.metric.normalizes {
            try Validation.normalizeForCosine(&stored, dimension: d, what: "vectors")
        }
        let partitions = configuration.partitionCount ?? IndexConfiguration.defaultPartitionCount(for: n)
        guard partitions <= max(1, n) else {
            throw ShoalError(
                .invalidArgument,
                "partitionCount is \(partitions) but there are only \(n) vectors; use at most \(n) partitions")
        }
        let builder = LevelBuilder(configuration: configuration)
        let levels = builder.buildLevels(vectors: stored, ids: ids, partitions: partitions)
        let index = VectorIndex(configuration: configuration, levels: levels)
        index.debugCheckInvariants()
        return index
    }
}

/// Builds the levels of an index: k-means partitions for the data, then the centroids, level by
/// level, until a flat top partition is small enough (`maxTopLevelCentroids`).
struct LevelBuilder {
    let configuration: IndexConfiguration

    var threads: Int { configuration.threads ?? Parallel.coreCount }

    func buildLevels(vectors: [Float], ids: [Int64], partitions: Int) -> [PartitionStore] {
        let d = configuration.dimension
        var levels: [PartitionStore] = []
        var currentVectors = vectors
        var currentIDs = ids
        var currentPartitions = partitions
        var depth = 0
        while true {
            if currentPartitions <= 1 {
                let top = PartitionStore(dimension: d)
                let pid = top.createPartition(capacity: currentIDs.count)
                Self.append(currentVectors, currentIDs, to: pid, in: top)
                levels.append(top)
                return levels
            }
            let (store, centroids, centroidIDs) = partitionLevel(
                vectors: currentVectors, ids: currentIDs, partitions: currentPartitions,
                seed: configuration.seed &+ UInt64(depth))
            levels.append(store)
            currentVectors = centroids
            currentIDs = centroidIDs
            let count = centroidIDs.count
            currentPartitions =
                count > configuration.maxTopLevelCentroids
                ? IndexConfiguration.defaultPartitionCount(for: count) : 1
            depth += 1
        }
    }

    /// Clusters one level: returns its partitions and their centroids (ids = partition ids).
    /// Empty clusters get no partition.
    func partitionLevel(
        vectors: [Float], ids: [Int64], partitions: Int, seed: UInt64
    ) -> (PartitionStore, [Float], [Int64]) {
        let d = configuration.dimension
        let n = ids.count
        let spherical = configuration.metric != .l2
        let outcome = vectors.withUnsafeBufferPointer { points in
            KMeans.run(
                points: points.baseAddress!, count: n, dimension: d,
                parameters: .init(
                    clusters: partitions, iterations: configuration.kMeansIterations,
                    maxPointsPerCentroid: configuration.maxTrainingPointsPerCentroid, spherical: spherical,
                    seed: seed, threads: threads))
        }
        let centroids = outcome.centroids
        let assignments =
            outcome.assignments
            ?? assign(vectors: vectors, count: n, centroids: centroids, centroidCount: partitions)
        let store = PartitionStore(dimension: d)
        var keptCentroids: [Float] = []
        var keptIDs: [Int64] = []
        let groups = Grouping(assignments: assignments, groupCount: partitions)
        for c in 0..<partitions where groups.count(of: c) > 0 {
            let pid = store.createPartition(capacity: groups.count(of: c))
            let (groupVectors, groupIDs) = groups.gather(c, vectors: vectors, ids: ids, dimension: d)
            Self.append(groupVectors, groupIDs, to: pid, in: store)
            keptCentroids.append(contentsOf: centroids[(c * d)..<((c + 1) * d)])
            keptIDs.append(Int64(pid))
        }
        return (store, keptCentroids, keptIDs)
    }

    /// Nearest centroid of every vector.
    func assign(vectors: [Float], count n: Int, centroids: [Float], centroidCount: Int) -> [Int32] {
        var assignments = [Int32](repeating: 0, count: n)
        vectors.withUnsafeBufferPointer { v in
            centroids.withUnsafeBufferPointer { c in
                assignments.withUnsafeMutableBufferPointer { a in
                    NearestCentroids.search(
                        points: v.baseAddress!, count: n, centroids: c.baseAddress!, centroidCount: centroidCount,
                        dimension: configuration.dimension, metric: configuration.metric.kernelMetric, m: 1,
                        threads: threads, positions: a.baseAddress!, scores: nil)
                }
            }
        }
        return assignments
    }

    static func append(_ vectors: [Float], _ ids: [Int64], to pid: Int, in store: PartitionStore) {
        vectors.withUnsafeBufferPointer { v in
            ids.withUnsafeBufferPointer { i in
                guard let vectorBase = v.baseAddress, let idBase = i.baseAddress else { return }
                store.append(to: pid, vectors: vectorBase, ids: idBase, count: i.count)
            }
        }
    }
}
