import ShoalKernels

extension VectorIndex {
    /// Merges base partition `pid` into the partitions of its vectors' nearest other centroids if
    /// the verified cost change (with each receiver's actual share) is below −τ and no receiver
    /// would then be worth splitting. Every vector is
    /// moved, none dropped. Returns whether it merged. Holds the write lock.
    /// - Complexity: O(size × (centroids + log) × d).
    func tryMerge(
        _ pid: Int, frequency: Double, frequencies: [Int: Double], plan: MaintenancePlan,
        report: inout MaintenanceReport
    ) -> Bool {
        let base = levels[0]
        guard base.partitions.count > 1, let partition = base.partitions[pid] else { return false }
        let d = dimension
        let (vectors, ids) = contents(of: partition)
        let n = ids.count
        var receiverOf = [Int](repeating: -1, count: n)
        if n > 0 {
            let engine = LevelSearch(
                levels: levels, metric: metric.kernelMetric, threads: threadCount(nil), upperLevelNprobe: nil)
            let heaps = vectors.withUnsafeBufferPointer { buffer in
                engine.search(
                    level: 1, queries: buffer.baseAddress!, queryCount: n, k: 2,
                    nprobe: engine.upperNprobe(level: 1, needed: 2))
            }
            for i in 0..<n {
                receiverOf[i] = heaps.sorted(query: i).lazy.map { Int($0.id) }.first { $0 != pid } ?? -1
            }
        }
        guard !receiverOf.contains(-1) else { return false }
        var counts: [Int: Int] = [:]
        for r in receiverOf { counts[r, default: 0] += 1 }
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
        guard !overfills else {
            report.rejectedMerges += 1
            return false
        }
        let delta = CostDeltas.mergeVerified(
            size: n, frequency: frequency, receivers: receivers, overhead: plan.removeOverhead, cost: plan.cost)
        guard n == 0 || delta < -plan.tau else {
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
        report.merges += 1
        return true
    }
}
