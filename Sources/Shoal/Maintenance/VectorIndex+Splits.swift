import ShoalKernels

/// A split computed under the shared lock: 2-means centroids trained on a snapshot of a partition.
struct PreparedSplit {
    let partition: Int
    let frequency: Double
    /// The two centroids, row-major (2 × d floats).
    let centroids: [Float]
    /// `structureGeneration` when they were trained; the split is dropped if it has changed.
    let generation: Int
    /// The nearer centroid (0 or 1) of each row, and the partition's `version` they were computed
    /// for: the commit reuses them while the rows are unchanged.
    let assignments: [Int32]
    let version: Int
}

/// A split that verification rejected, remembered so that a later pass does not train the same
/// 2-means again: the 2-means is seeded by the partition id and reads the rows in order, so while
/// the partition's rows are unchanged (same ``Partition/version``) it would give the same
/// centroids and the same children.
struct RejectedSplit {
    /// The partition's `version` at the rejection.
    let version: Int
    /// The trained centroids (2 × d floats) and the children's sizes they gave.
    let centroids: [Float]
    let childSizes: (Int, Int)
}

/// What maintenance keeps from one pass to the next. Guarded by `VectorIndex.maintenancePass`.
struct MaintenanceMemory {
    /// Rejected splits by partition id. An entry is used only while the partition's version
    /// matches; entries of partitions that no longer exist are dropped at the start of a pass.
    var rejectedSplits: [Int: RejectedSplit] = [:]
}

extension VectorIndex {
    /// Trains the 2-means split of base partition `pid` (on at most 512 of its rows) if it exists
    /// and its balanced split estimate is below −τ (`plan.wouldSplit`), and assigns every row to
    /// the nearer of the two centroids. When `memory` holds a rejection of this partition with the
    /// same rows, the remembered children are verified again with the current frequency instead
    /// (the outcome the training and ``commitSplit(_:plan:memory:report:)`` would reach); a
    /// split that still fails is counted in `report.rejectedSplits` and not returned. Must hold
    /// the lock (the shared one suffices).
    /// - Complexity: O(5 × min(size, 512) × d + size × d); O(1) for a remembered rejection.
    func prepareSplit(
        _ pid: Int, frequency: Double, plan: MaintenancePlan, memory: MaintenanceMemory, report: inout MaintenanceReport
    ) -> PreparedSplit? {
        guard let partition = levels[0].partitions[pid], partition.count >= 4,
            plan.wouldSplit(size: partition.count, frequency: frequency)
        else { return nil }
        let centroids: [Float]
        if let known = memory.rejectedSplits[pid], known.version == partition.version {
            guard plan.verifiesSplit(size: partition.count, childSizes: known.childSizes, frequency: frequency) else {
                report.rejectedSplits += 1
                return nil
            }
            centroids = known.centroids
        } else {
            // At most 256 training rows per centroid, as the build's k-means and Faiss's default.
            centroids = KMeans.train(
                points: partition.vectors, count: partition.count, dimension: dimension,
                parameters: .init(
                    clusters: 2, iterations: 5, maxPointsPerCentroid: 256, spherical: metric != .l2,
                    seed: configuration.seed &+ UInt64(pid), threads: 1))
        }
        return PreparedSplit(
            partition: pid, frequency: frequency, centroids: centroids, generation: structureGeneration,
            assignments: nearerCentroid(of: partition, centroids: centroids), version: partition.version)
    }

    /// For each row of `partition`, which of the two `centroids` (0 or 1) is nearer.
    /// - Complexity: O(size × d).
    private func nearerCentroid(of partition: Partition, centroids: [Float]) -> [Int32] {
        var assignments = [Int32](repeating: 0, count: partition.count)
        centroids.withUnsafeBufferPointer { c in
            assignments.withUnsafeMutableBufferPointer { a in
                NearestCentroids.search(
                    points: partition.vectors, count: partition.count, centroids: c.baseAddress!, centroidCount: 2,
                    dimension: dimension, metric: metric.kernelMetric, m: 1, threads: 1, positions: a.baseAddress!,
                    scores: nil)
            }
        }
        return assignments
    }

    /// Commits a prepared split against the partition as it is now (rows may have come and gone
    /// since): re-checks the estimate, takes the prepared assignment (or assigns the rows again
    /// if they changed since),
    /// verifies the cost change with the actual child sizes (`plan.verifiesSplit`), and replaces
    /// the partition by the two children. Returns the children's ids, or nil when rejected
    /// (nothing changes then; a verification failure is remembered in `memory`). Bumps
    /// `structureGeneration` when it splits. Must hold the write lock.
    /// - Complexity: O(size × d) to move the vectors (each id's location is updated in place),
    ///   plus O(size × d) to assign them again if they changed since the prepare.
    func commitSplit(
        _ prepared: PreparedSplit, plan: MaintenancePlan, memory: inout MaintenanceMemory,
        report: inout MaintenanceReport
    ) -> [Int]? {
        let base = levels[0]
        let pid = prepared.partition
        guard prepared.generation == structureGeneration, let partition = base.partitions[pid], partition.count >= 4,
            plan.wouldSplit(size: partition.count, frequency: prepared.frequency)
        else { return nil }
        let d = dimension
        let n = partition.count
        let assignments =
            partition.version == prepared.version
            ? prepared.assignments : nearerCentroid(of: partition, centroids: prepared.centroids)
        let grouping = Grouping(assignments: assignments, groupCount: 2)
        let sizes = (grouping.count(of: 0), grouping.count(of: 1))
        guard plan.verifiesSplit(size: n, childSizes: sizes, frequency: prepared.frequency) else {
            memory.rejectedSplits[pid] = RejectedSplit(
                version: partition.version, centroids: prepared.centroids, childSizes: sizes)
            report.rejectedSplits += 1
            return nil
        }
        let children = base.splitPartition(pid, grouping: grouping)
        levels[1].remove(id: Int64(pid))
        for (group, child) in children.enumerated() {
            insertCentroids(
                Array(prepared.centroids[(group * d)..<((group + 1) * d)]), ids: [Int64(child)], intoLevel: 1)
        }
        tracker.inherit(from: pid, to: children, share: plan.alpha)
        structureGeneration += 1
        report.splits += 1
        return children
    }
}

/// The cost inputs of one maintenance pass, fixed at its start.
struct MaintenancePlan {
    let cost: (Int) -> Double
    let tau: Double
    let alpha: Double
    /// ΔO⁺ and ΔO⁻ for the base level at the pass's start.
    let addOverhead: Double
    let removeOverhead: Double
    /// Partitions smaller than this are merge candidates (`mergeBelowShareOfMean` × the mean size).
    var mergeLimit: Double = 0
    /// Partitions this small are never split.
    var minimumSplitSize = Int.max

    /// Whether the split of a partition of `size` scanned by a share `frequency` of the queries into
    /// children of `childSizes` passes verification: neither child empty, the verified cost
    /// change (``CostDeltas/splitVerified(size:childSizes:frequency:alpha:overhead:cost:)``)
    /// below −τ, and (hysteresis) the smaller child not a merge candidate, which would undo the
    /// split later.
    func verifiesSplit(size: Int, childSizes: (Int, Int), frequency: Double) -> Bool {
        guard childSizes.0 > 0, childSizes.1 > 0, Double(min(childSizes.0, childSizes.1)) >= mergeLimit else {
            return false
        }
        let delta = CostDeltas.splitVerified(
            size: size, childSizes: childSizes, frequency: frequency, alpha: alpha, overhead: addOverhead, cost: cost)
        return delta < -tau
    }

    /// Whether a partition of `size` scanned by a share `frequency` of the queries would be split:
    /// its balanced split estimate is below −τ, and the balanced halves (`size / 2`, the
    /// estimate's own assumption) would not be merge candidates. Verification rejects a split
    /// whose smaller child is a merge candidate, so a partition below twice `mergeLimit` could
    /// only be rejected: checking it here saves its 2-means.
    func wouldSplit(size: Int, frequency: Double) -> Bool {
        size > minimumSplitSize && Double(size / 2) >= mergeLimit
            && CostDeltas.splitEstimate(size: size, frequency: frequency, alpha: alpha, overhead: addOverhead, cost: cost)
                < -tau
    }
}
