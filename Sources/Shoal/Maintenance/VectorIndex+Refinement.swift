import ShoalKernels

/// A local k-means computed under the shared lock from a snapshot of a set of partitions.
struct PreparedRefinement {
    /// The partitions of the set, ascending; positions in it number the groups.
    let set: [Int]
    /// The snapshot: ids, rows (row-major), the group each row was in and the one it goes to.
    let ids: [Int64]
    let vectors: [Float]
    let origin: [Int32]
    let assignments: [Int32]
    /// The new centroid of each group (set.count × d floats).
    let centroids: [Float]
    /// `structureGeneration` when the snapshot was taken; nothing is applied if it has changed.
    let generation: Int
}

extension VectorIndex {
    /// Local k-means after a split: the new children and the `radius` partitions nearest to each
    /// form a set whose vectors are reassigned to the nearest centroid within the set, for
    /// `iterations` rounds (centroids recomputed as means between rounds; an emptied partition keeps
    /// its centroid). Partition ids stay; only memberships and centroids change.
    ///
    /// Locking: must not hold the lock. The k-means runs under the shared lock on a snapshot; the
    /// exclusive lock is held only to apply the moves (``commitRefinement(_:)``).
    /// - Complexity: O(iterations × vectors in the set × set size × d) under the shared lock,
    ///   O(moved × d + set size × centroid insert) under the exclusive one.
    func refine(around children: [Int], radius: Int, iterations: Int, report: inout MaintenanceReport) {
        guard radius > 0, !children.isEmpty else { return }
        let prepared = lock.withReadLock {
            prepareRefinement(around: children, radius: radius, iterations: iterations)
        }
        guard let prepared else { return }
        report.refinedPartitions += prepared.set.count
        guard zip(prepared.assignments, prepared.origin).contains(where: { $0 != $1 }) else { return }
        let moved = withMaintenanceWriteLock(&report) { _ in commitRefinement(prepared) }
        report.refinementMoves += moved
    }

    /// The k-means of ``refine(around:radius:iterations:report:)`` on a snapshot. Must hold the
    /// lock (the shared one suffices).
    func prepareRefinement(around children: [Int], radius: Int, iterations: Int) -> PreparedRefinement? {
        guard levels.count > 1 else { return nil }
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
        guard set.count > 1 else { return nil }
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
        guard n > 0 else { return nil }
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
        recomputeCentroids(&centroids, vectors: vectors, assignments: assignments, groups: set.count)
        return PreparedRefinement(
            set: set, ids: ids, vectors: vectors, origin: origin, assignments: assignments, centroids: centroids,
            generation: structureGeneration)
    }

    /// Applies a prepared refinement to the partitions as they are now: a row moves only if it is
    /// still stored, unchanged, in the partition the snapshot saw it in (rows removed since are
    /// skipped, rows added since stay put). Then every partition of the set gets its new centroid.
    /// Returns the rows moved; bumps `structureGeneration` when any moved. Must hold the write lock.
    /// - Complexity: O(moved × d) plus one centroid insert per partition of the set.
    func commitRefinement(_ prepared: PreparedRefinement) -> Int {
        guard prepared.generation == structureGeneration else { return 0 }
        let base = levels[0]
        let d = dimension
        let set = prepared.set
        var moving = [[Int]](repeating: [], count: set.count)
        for i in prepared.ids.indices where prepared.assignments[i] != prepared.origin[i] {
            let id = prepared.ids[i]
            guard let location = base.locations[id], Int(location.partition) == set[Int(prepared.origin[i])],
                base.partitions[set[Int(prepared.assignments[i])]] != nil, let row = base.vector(for: id),
                UnsafeBufferPointer(start: row, count: d).elementsEqual(prepared.vectors[(i * d)..<((i + 1) * d)])
            else { continue }
            moving[Int(prepared.assignments[i])].append(i)
        }
        let moved = moving.reduce(0) { $0 + $1.count }
        guard moved > 0 else { return 0 }
        // Remove every moving row first: removing by id after appending could take a row from its
        // new place.
        for rows in moving { for i in rows { base.remove(id: prepared.ids[i]) } }
        for (position, rows) in moving.enumerated() where !rows.isEmpty {
            var groupVectors: [Float] = []
            groupVectors.reserveCapacity(rows.count * d)
            for i in rows { groupVectors += prepared.vectors[(i * d)..<((i + 1) * d)] }
            LevelBuilder.append(groupVectors, rows.map { prepared.ids[$0] }, to: set[position], in: base)
        }
        for (position, pid) in set.enumerated() where base.partitions[pid] != nil {
            replaceCentroid(Array(prepared.centroids[(position * d)..<((position + 1) * d)]), id: Int64(pid), inLevel: 1)
        }
        structureGeneration += 1
        return moved
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
