import ShoalKernels

/// A merge computed under the shared lock: a snapshot of a partition's rows and, for each, the
/// partition (other than this one) with the nearest centroid.
struct PreparedMerge {
    let partition: Int
    let frequency: Double
    /// The snapshot: ids, their rows (row-major), each row's receiver (−1: none found).
    let ids: [Int64]
    let vectors: [Float]
    let receivers: [Int]
    /// Snapshot row of each id.
    let rowOf: [Int64: Int]
    /// `structureGeneration` when the snapshot was taken; the merge is dropped if it has changed.
    let generation: Int
}

extension VectorIndex {
    /// Finds the receivers of base partition `pid`'s rows if it is a merge candidate: empty, or
    /// (when `allowsNonEmpty`) smaller than `plan.mergeLimit`, not a recent split's child, with
    /// a merge estimate over its three nearest neighbours below −τ (a partition whose own share
    /// of the cost, A·λ(s), cannot outweigh ΔO⁻ and τ is dropped before its neighbours are
    /// looked up). Must hold the lock (the shared
    /// one suffices). - Complexity: O(size × (centroids + log) × d).
    func prepareMerge(
        _ pid: Int, frequencies: [Int: Double], plan: MaintenancePlan, allowsNonEmpty: Bool
    ) -> PreparedMerge? {
        let base = levels[0]
        guard base.partitions.count > 1, let partition = base.partitions[pid] else { return nil }
        let size = partition.count
        let frequency = frequencies[pid] ?? 0
        if size > 0 {
            // Hysteresis: a child of a recent split keeps it until its own hits fill a window.
            // λ never decreases with the size, so the receivers' terms of the estimate are never
            // negative and it is at least ΔO⁻ − A·λ(s): when that is not below −τ, finding the
            // neighbours cannot help.
            guard allowsNonEmpty, Double(size) < plan.mergeLimit, !tracker.isInheriting(pid),
                plan.removeOverhead - frequency * plan.cost(size) < -plan.tau,
                let centre = centroid(of: pid, inLevel: 1)
            else { return nil }
            let neighbours = nearestPartitions(to: centre, atLevel: 0, k: 4)
                .filter { $0 != pid }.prefix(3)
                .map { (size: base.partitions[$0]?.count ?? 0, frequency: frequencies[$0] ?? 0) }
            let estimate = CostDeltas.mergeEstimate(
                size: size, frequency: frequency, neighbours: Array(neighbours), overhead: plan.removeOverhead,
                cost: plan.cost)
            guard estimate < -plan.tau else { return nil }
        }
        let (vectors, ids) = contents(of: partition)
        return PreparedMerge(
            partition: pid, frequency: frequency, ids: ids, vectors: vectors,
            receivers: receivers(of: vectors, count: size, excluding: pid),
            rowOf: Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) }),
            generation: structureGeneration)
    }

    /// Commits a prepared merge against the partition as it is now: rows the snapshot saw (same
    /// id, same vector) go to their precomputed receivers, rows added since are assigned here
    /// (few); then the verified cost change (with each receiver's actual share) must be below −τ
    /// and no receiver may become worth splitting. Every vector is moved, none dropped. Returns
    /// whether it merged; bumps `structureGeneration` then. Must hold the write lock.
    /// - Complexity: O(size × d) plus O(new rows × (centroids + log) × d).
    func commitMerge(
        _ prepared: PreparedMerge, frequencies: [Int: Double], plan: MaintenancePlan,
        report: inout MaintenanceReport
    ) -> Bool {
        let base = levels[0]
        let pid = prepared.partition
        guard prepared.generation == structureGeneration, base.partitions.count > 1,
            let partition = base.partitions[pid]
        else { return false }
        let n = partition.count
        // An empty partition stays a candidate only while empty; a small one while still small.
        guard prepared.ids.isEmpty ? n == 0 : Double(n) < plan.mergeLimit else { return false }
        let d = dimension
        let (vectors, ids) = contents(of: partition)
        var receiverOf = [Int](repeating: -1, count: n)
        var fresh: [Int] = []
        for i in 0..<n {
            if let row = prepared.rowOf[ids[i]],
                vectors[(i * d)..<((i + 1) * d)] == prepared.vectors[(row * d)..<((row + 1) * d)]
            {
                receiverOf[i] = prepared.receivers[row]
            } else {
                fresh.append(i)
            }
        }
        if !fresh.isEmpty {
            var freshVectors: [Float] = []
            freshVectors.reserveCapacity(fresh.count * d)
            for i in fresh { freshVectors += vectors[(i * d)..<((i + 1) * d)] }
            for (j, receiver) in receivers(of: freshVectors, count: fresh.count, excluding: pid).enumerated() {
                receiverOf[fresh[j]] = receiver
            }
        }
        guard !receiverOf.contains(-1) else { return false }
        var counts: [Int: Int] = [:]
        for r in receiverOf { counts[r, default: 0] += 1 }
        let frequency = prepared.frequency
        let receivers = counts.map { receiver, received in
            CostDeltas.Receiver(
                size: base.partitions[receiver]?.count ?? 0, frequency: frequencies[receiver] ?? 0, received: received)
        }
        // Hysteresis: a receiver that would then be worth splitting would undo the merge later.
        let overfills = n > 0 && counts.contains { receiver, received in
            plan.wouldSplit(
                size: (base.partitions[receiver]?.count ?? 0) + received,
                frequency: (frequencies[receiver] ?? 0) + frequency * Double(received) / Double(n))
        }
        let delta = CostDeltas.mergeVerified(
            size: n, frequency: frequency, receivers: receivers, overhead: plan.removeOverhead, cost: plan.cost)
        guard !overfills, n == 0 || delta < -plan.tau else {
            report.rejectedMerges += 1
            return false
        }
        base.removePartition(pid)
        levels[1].remove(id: Int64(pid))
        let targets = Array(counts.keys).sorted()
        let position = Dictionary(uniqueKeysWithValues: targets.enumerated().map { ($1, Int32($0)) })
        let grouping = Grouping(assignments: receiverOf.map { position[$0] ?? 0 }, groupCount: targets.count)
        for (g, target) in targets.enumerated() {
            let (groupVectors, groupIDs) = grouping.gather(g, vectors: vectors, ids: ids, dimension: d)
            LevelBuilder.append(groupVectors, groupIDs, to: target, in: base)
        }
        structureGeneration += 1
        report.merges += 1
        return true
    }

    /// For each of `n` rows, the base partition other than `pid` whose centroid is nearest (−1
    /// when there is none). Must hold the lock. - Complexity: O(n × (centroids + log) × d).
    private func receivers(of vectors: [Float], count n: Int, excluding pid: Int) -> [Int] {
        guard n > 0 else { return [] }
        let engine = LevelSearch(
            levels: levels, metric: metric.kernelMetric, threads: threadCount(nil), upperLevelNprobe: nil)
        let heaps = vectors.withUnsafeBufferPointer { buffer in
            engine.search(
                level: 1, queries: buffer.baseAddress!, queryCount: n, k: 2,
                nprobe: engine.upperNprobe(level: 1, needed: 2))
        }
        return (0..<n).map { i in heaps.sorted(query: i).lazy.map { Int($0.id) }.first { $0 != pid } ?? -1 }
    }
}
