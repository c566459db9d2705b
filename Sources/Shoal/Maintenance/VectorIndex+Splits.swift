import ShoalKernels

extension VectorIndex {
    /// Splits base partition `pid` in two with 2-means if the verified cost change is below −τ and
    /// neither child would be a merge candidate (below `mergeLimit`); returns the children's ids, or nil when rejected (nothing changes then). Holds the write lock.
    /// - Complexity: O(5 × size × d) for the 2-means plus O(size × d) to move the vectors.
    func trySplit(_ pid: Int, frequency: Double, plan: MaintenancePlan, report: inout MaintenanceReport) -> [Int]? {
        let base = levels[0]
        guard let partition = base.partitions[pid], partition.count >= 4 else { return nil }
        let d = dimension
        let (vectors, ids) = contents(of: partition)
        let n = ids.count
        let centroids = vectors.withUnsafeBufferPointer { points in
            KMeans.train(
                points: points.baseAddress!, count: n, dimension: d,
                parameters: .init(
                    clusters: 2, iterations: 5, maxPointsPerCentroid: 1 << 20, spherical: metric != .l2,
                    seed: configuration.seed &+ UInt64(pid), threads: 1))
        }
        var assignments = [Int32](repeating: 0, count: n)
        vectors.withUnsafeBufferPointer { v in
            centroids.withUnsafeBufferPointer { c in
                assignments.withUnsafeMutableBufferPointer { a in
                    NearestCentroids.search(
                        points: v.baseAddress!, count: n, centroids: c.baseAddress!, centroidCount: 2, dimension: d,
                        metric: metric.kernelMetric, m: 1, threads: 1, positions: a.baseAddress!, scores: nil)
                }
            }
        }
        let grouping = Grouping(assignments: assignments, groupCount: 2)
        let sizes = (grouping.count(of: 0), grouping.count(of: 1))
        let delta = CostDeltas.splitVerified(
            size: n, childSizes: sizes, frequency: frequency, alpha: plan.alpha, overhead: plan.addOverhead,
            cost: plan.cost)
        // Hysteresis: a child that would itself be a merge candidate would undo the split later.
        guard sizes.0 > 0, sizes.1 > 0, delta < -plan.tau, Double(min(sizes.0, sizes.1)) >= plan.mergeLimit else {
            report.rejectedSplits += 1
            return nil
        }
        base.removePartition(pid)
        levels[1].remove(id: Int64(pid))
        var children: [Int] = []
        for group in 0..<2 {
            let (groupVectors, groupIDs) = grouping.gather(group, vectors: vectors, ids: ids, dimension: d)
            let child = base.createPartition(capacity: groupIDs.count)
            LevelBuilder.append(groupVectors, groupIDs, to: child, in: base)
            insertCentroids(Array(centroids[(group * d)..<((group + 1) * d)]), ids: [Int64(child)], intoLevel: 1)
            children.append(child)
        }
        tracker.inherit(from: pid, to: children, share: plan.alpha)
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

    /// Whether a partition of `size` scanned by a share `frequency` of the queries would be split
    /// (its balanced split estimate is below −τ).
    func wouldSplit(size: Int, frequency: Double) -> Bool {
        size > minimumSplitSize
            && CostDeltas.splitEstimate(size: size, frequency: frequency, alpha: alpha, overhead: addOverhead, cost: cost)
                < -tau
    }
}
