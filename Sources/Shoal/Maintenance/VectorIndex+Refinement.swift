import ShoalKernels

extension VectorIndex {
    /// Local k-means after splits: the new children and the `radius` partitions nearest to each
    /// form a set whose vectors are reassigned to the nearest centroid within the set, for
    /// `iterations` rounds (centroids recomputed as means between rounds; an emptied partition keeps
    /// its centroid). Partition ids stay; only memberships and centroids change. Holds the write lock.
    /// - Complexity: O(iterations × vectors in the set × set size × d).
    func refine(around children: [Int], radius: Int, iterations: Int, report: inout MaintenanceReport) {
        guard radius > 0, levels.count > 1, !children.isEmpty else { return }
        let base = levels[0]
        let d = dimension
        var members = Set<Int>()
        for child in children where base.partitions[child] != nil {
            members.insert(child)
            guard let centre = centroid(of: child, inLevel: 1) else { continue }
            let near = nearestPartitions(to: centre, atLevel: 0, k: radius + 1)
            members.formUnion(near.filter { base.partitions[$0] != nil })
        }
        let set = members.sorted()
        guard set.count > 1 else { return }
        var centroids: [Float] = []
        for pid in set { centroids += centroid(of: pid, inLevel: 1) ?? [Float](repeating: 0, count: d) }
        var vectors: [Float] = []
        var ids: [Int64] = []
        var origin: [Int32] = []
        for (position, pid) in set.enumerated() {
            guard let partition = base.partitions[pid] else { continue }
            let (v, i) = contents(of: partition)
            vectors += v
            ids += i
            origin += Array(repeating: Int32(position), count: i.count)
        }
        let n = ids.count
        guard n > 0 else { return }
        var assignments = origin
        for round in 0..<iterations {
            if round > 0 { recomputeCentroids(&centroids, vectors: vectors, assignments: assignments, groups: set.count) }
            vectors.withUnsafeBufferPointer { v in
                centroids.withUnsafeBufferPointer { c in
                    assignments.withUnsafeMutableBufferPointer { a in
                        NearestCentroids.search(
                            points: v.baseAddress!, count: n, centroids: c.baseAddress!, centroidCount: set.count,
                            dimension: d, metric: metric.kernelMetric, m: 1, threads: threadCount(nil),
                            positions: a.baseAddress!, scores: nil)
                    }
                }
            }
        }
        let moved = zip(assignments, origin).filter { $0 != $1 }.count
        report.refinedPartitions += set.count
        report.refinementMoves += moved
        guard moved > 0 else { return }
        recomputeCentroids(&centroids, vectors: vectors, assignments: assignments, groups: set.count)
        let grouping = Grouping(assignments: assignments, groupCount: set.count)
        // Empty every partition of the set first: a vector may move into a partition that has not
        // been emptied yet, and removing by id afterwards would then take it from its new place.
        for pid in set {
            guard let partition = base.partitions[pid] else { continue }
            for slot in stride(from: partition.count - 1, through: 0, by: -1) { base.remove(id: partition.ids[slot]) }
        }
        for (position, pid) in set.enumerated() where base.partitions[pid] != nil {
            let (groupVectors, groupIDs) = grouping.gather(position, vectors: vectors, ids: ids, dimension: d)
            LevelBuilder.append(groupVectors, groupIDs, to: pid, in: base)
            replaceCentroid(Array(centroids[(position * d)..<((position + 1) * d)]), id: Int64(pid), inLevel: 1)
        }
    }

    /// Means of each group's vectors (normalised for inner product and cosine); an empty group
    /// keeps its centroid.
    private func recomputeCentroids(_ centroids: inout [Float], vectors: [Float], assignments: [Int32], groups: Int) {
        let d = dimension
        var sums = [Double](repeating: 0, count: groups * d)
        var counts = [Int](repeating: 0, count: groups)
        for (i, group) in assignments.enumerated() {
            let g = Int(group)
            counts[g] += 1
            for j in 0..<d { sums[g * d + j] += Double(vectors[i * d + j]) }
        }
        for g in 0..<groups where counts[g] > 0 {
            for j in 0..<d { centroids[g * d + j] = Float(sums[g * d + j] / Double(counts[g])) }
        }
        if metric != .l2 { KMeans.normalizeRows(&centroids, dimension: d) }
    }

    /// The `k` partitions of `level` whose centroids are nearest to `vector`.
    func nearestPartitions(to vector: [Float], atLevel level: Int, k: Int) -> [Int] {
        guard level < levels.count - 1 else { return Array(levels[level].partitions.keys) }
        let engine = LevelSearch(
            levels: levels, metric: metric.kernelMetric, threads: 1, upperLevelNprobe: nil)
        let heap = vector.withUnsafeBufferPointer { buffer in
            engine.search(
                level: level + 1, queries: buffer.baseAddress!, queryCount: 1, k: k,
                nprobe: engine.upperNprobe(level: level + 1, needed: k))
        }
        return heap.sorted(query: 0).map { Int($0.id) }
    }
}
