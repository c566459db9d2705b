import ShoalKernels

/// A local refinement computed under the shared lock: the rows that move, and the new centroids.
struct PreparedRefinement {
    /// The partitions of the set, ascending; positions in it number the groups.
    let set: [Int]
    /// The rows that move: ids, their rows (row-major, for the commit's check), the group each
    /// was in and the one it goes to.
    let ids: [Int64]
    let vectors: [Float]
    let origin: [Int32]
    let destination: [Int32]
    /// The new centroid of each group (set.count × d floats): the mean of its rows after the
    /// moves (an emptied group keeps its centroid).
    let centroids: [Float]
    /// `structureGeneration` when the snapshot was taken; nothing is applied if it has changed.
    let generation: Int
}

extension VectorIndex {
    /// Local k-means after a split (Quake's refinement, a generalisation of SpFresh's
    /// reassignment): the new children and the `radius` partitions nearest to each form a set —
    /// with a `budget` (in mean partition sizes), only the nearest of them whose vectors fit in
    /// budget × the mean partition size per child (at least one).
    /// First round: every row of a child goes to its nearest centroid in the set, and a row of a
    /// neighbour moves to a child only if that child's centroid is nearer than its own (the only
    /// centroids that changed are the children's, so a neighbour's row has no other reason to
    /// move). Later rounds (`iterations` > 1) recompute the centroids as means and reassign every
    /// row of the set among all of them. Finally every partition of the set gets the mean of its
    /// rows as centroid (an emptied one keeps its centroid). Partition ids stay; only memberships
    /// and centroids change.
    ///
    /// Locking: must not hold the lock. The k-means runs under the shared lock, reading the
    /// partitions in place; the exclusive lock is held only to apply the moves
    /// (``commitRefinement(_:)``).
    /// - Complexity: first round O(neighbours' rows × (1 + children) × d + children's rows × set
    ///   size × d); each later round O(rows of the set × set size × d); all under the shared lock.
    ///   O(moved × d + set size × centroid insert) under the exclusive one.
    func refine(
        around children: [Int], radius: Int, budget: Double?, iterations: Int, report: inout MaintenanceReport
    ) {
        guard radius > 0, !children.isEmpty else { return }
        let prepared = lock.withReadLock {
            prepareRefinement(around: children, radius: radius, budget: budget, iterations: iterations)
        }
        guard let prepared else { return }
        report.refinedPartitions += prepared.set.count
        guard !prepared.ids.isEmpty else { return }
        let moved = withMaintenanceWriteLock(&report) { _ in commitRefinement(prepared) }
        report.refinementMoves += moved
    }

    /// The k-means of ``refine(around:radius:budget:iterations:report:)``. Must hold the lock (the
    /// shared one suffices); reads the partitions in place and copies only the moving rows. The
    /// last round adds each partition's rows to their groups' sums right after assigning them,
    /// while the partition is still in cache.
    func prepareRefinement(around children: [Int], radius: Int, budget: Double?, iterations: Int) -> PreparedRefinement? {
        guard levels.count > 1 else { return nil }
        let base = levels[0]
        let d = dimension
        let limit = budget.map { $0 * Double(base.count) / Double(max(1, base.partitions.count)) } ?? .infinity
        var members = Set<Int>()
        for child in children where base.partitions[child] != nil {
            members.insert(child)
            guard let centre = centroid(of: child, inLevel: 1) else { continue }
            // Nearest first (the list starts with the child itself), within the budget.
            var rows = 0
            var taken = 0
            for pid in nearestPartitions(to: centre, atLevel: 0, k: radius + 1) where pid != child {
                guard let partition = base.partitions[pid] else { continue }
                if children.contains(pid) {
                    members.insert(pid)
                    continue
                }
                if taken > 0 && Double(rows + partition.count) > limit { break }
                rows += partition.count
                taken += 1
                members.insert(pid)
            }
        }
        let set = members.sorted()
        guard set.count > 1 else { return nil }
        let partitions = set.map { base.partitions[$0]! }
        let childPositions = set.indices.filter { children.contains(set[$0]) }
        var centroids: [Float] = []
        centroids.reserveCapacity(set.count * d)
        for pid in set { centroids += centroid(of: pid, inLevel: 1) ?? [Float](repeating: 0, count: d) }
        // assignment[p][i]: the group row i of partition set[p] goes to.
        var assignment = partitions.indices.map { [Int32](repeating: Int32($0), count: partitions[$0].count) }
        let everyGroup = Array(set.indices)
        var sums = GroupSums(groups: set.count, dimension: d)
        for round in 0..<iterations {
            if round > 0 {
                var previous = GroupSums(groups: set.count, dimension: d)
                for (p, partition) in partitions.enumerated() { previous.add(partition, groups: assignment[p]) }
                centroids = previous.means(keeping: centroids, normalised: metric != .l2)
            }
            for (p, partition) in partitions.enumerated() where partition.count > 0 {
                if round == 0 && !childPositions.contains(p) {
                    moveTowardChildren(partition, own: p, children: childPositions, centroids: centroids, into: &assignment[p])
                } else {
                    // The own centroid first, so that a tie keeps the row where it is.
                    let candidates = [p] + everyGroup.filter { $0 != p }
                    assign(partition, among: candidates, centroids: centroids, into: &assignment[p])
                }
                if round == iterations - 1 { sums.add(partition, groups: assignment[p]) }
            }
        }
        let final = sums.means(keeping: centroids, normalised: metric != .l2)
        var ids: [Int64] = []
        var vectors: [Float] = []
        var origin: [Int32] = []
        var destination: [Int32] = []
        for (p, partition) in partitions.enumerated() {
            for (i, group) in assignment[p].enumerated() where group != Int32(p) {
                ids.append(partition.ids[i])
                vectors.append(contentsOf: UnsafeBufferPointer(start: partition.row(i), count: d))
                origin.append(Int32(p))
                destination.append(group)
            }
        }
        return PreparedRefinement(
            set: set, ids: ids, vectors: vectors, origin: origin, destination: destination, centroids: final,
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
        for i in prepared.ids.indices {
            let id = prepared.ids[i]
            guard let location = base.locations[id], Int(location.partition) == set[Int(prepared.origin[i])],
                base.partitions[set[Int(prepared.destination[i])]] != nil, let row = base.vector(for: id),
                UnsafeBufferPointer(start: row, count: d).elementsEqual(prepared.vectors[(i * d)..<((i + 1) * d)])
            else { continue }
            moving[Int(prepared.destination[i])].append(i)
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

    /// Moves each row of `partition` (group `own`) to the group in `children` whose centroid is
    /// nearer than its own, the nearest one if several; a tie keeps the row. With `u = c − o` and
    /// `t = (‖c‖² − ‖o‖²) / 2` for L2 (`t = 0` for inner product and cosine, whose score is
    /// −⟨x, c⟩), a row `x` is nearer to `c` than to `o` exactly when `⟨x, u⟩ > t`, and `⟨x, u⟩ − t`
    /// is half the amount by which it is nearer, so one dot product per child decides (no norms).
    /// - Complexity: O(rows × children × d).
    private func moveTowardChildren(
        _ partition: Partition, own: Int, children: [Int], centroids: [Float], into groups: inout [Int32]
    ) {
        let d = dimension
        let n = partition.count
        let m = children.count
        guard n > 0, m > 0 else { return }
        var directions = [Float](repeating: 0, count: m * d)
        var thresholds = [Float](repeating: 0, count: m)
        for (k, child) in children.enumerated() {
            var childNorm: Float = 0
            var ownNorm: Float = 0
            for j in 0..<d {
                let c = centroids[child * d + j]
                let o = centroids[own * d + j]
                directions[k * d + j] = c - o
                childNorm += c * c
                ownNorm += o * o
            }
            thresholds[k] = metric == .l2 ? (childNorm - ownNorm) / 2 : 0
        }
        // −⟨x, u⟩ for every child and row, reading each row once (the directions are the queries).
        var products = [Float](repeating: 0, count: m * n)
        directions.withUnsafeBufferPointer { u in
            products.withUnsafeMutableBufferPointer { out in
                Kernels.batchDistances(
                    .negatedDot, queries: u.baseAddress!, queryNorms: nil, queryCount: m, rows: partition.vectors,
                    rowNorms: nil, rowCount: n, dimension: d, out: out.baseAddress!, outStride: n)
            }
        }
        for i in 0..<n {
            var best = Int32(own)
            var bestMargin: Float = 0
            for k in 0..<m {
                let margin = -products[k * n + i] - thresholds[k]
                if margin > bestMargin {
                    bestMargin = margin
                    best = Int32(children[k])
                }
            }
            groups[i] = best
        }
    }

    /// Assigns each row of `partition` to the nearest of the `candidates` (group positions, whose
    /// centroids are rows of `centroids`), the first candidate winning ties.
    /// - Complexity: O(rows × candidates × d).
    private func assign(_ partition: Partition, among candidates: [Int], centroids: [Float], into groups: inout [Int32]) {
        let d = dimension
        let n = partition.count
        var chosen = [Float](repeating: 0, count: candidates.count * d)
        for (c, group) in candidates.enumerated() {
            for j in 0..<d { chosen[c * d + j] = centroids[group * d + j] }
        }
        var positions = [Int32](repeating: 0, count: n)
        chosen.withUnsafeBufferPointer { c in
            positions.withUnsafeMutableBufferPointer { out in
                NearestCentroids.search(
                    points: partition.vectors, count: n, centroids: c.baseAddress!, centroidCount: candidates.count,
                    dimension: d, metric: metric.kernelMetric, m: 1, threads: threadCount(nil),
                    positions: out.baseAddress!, scores: nil)
            }
        }
        for i in 0..<n { groups[i] = Int32(candidates[Int(positions[i])]) }
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

/// Per-group sums of rows, for the means of a local k-means: Float sums within one partition
/// (bounded by its rows), folded into Double per partition.
struct GroupSums {
    let dimension: Int
    private(set) var sums: [Double]
    private(set) var counts: [Int]
    private var partial: [Float]
    /// The partition (call) that last touched each group's partial sum.
    private var touchedIn: [Int]
    private var calls = 0

    init(groups: Int, dimension: Int) {
        self.dimension = dimension
        sums = [Double](repeating: 0, count: groups * dimension)
        counts = [Int](repeating: 0, count: groups)
        partial = [Float](repeating: 0, count: groups * dimension)
        touchedIn = [Int](repeating: -1, count: groups)
    }

    /// Adds row `i` of `partition` to group `groups[i]`, for every row.
    /// - Complexity: O(rows × d).
    mutating func add(_ partition: Partition, groups: [Int32]) {
        let d = dimension
        calls += 1
        var touched: [Int] = []
        // The scratch is moved out while in use, so the closure's accesses to `self` do not
        // overlap the buffer's.
        var scratch: [Float] = []
        swap(&scratch, &partial)
        defer { swap(&scratch, &partial) }
        scratch.withUnsafeMutableBufferPointer { buffer in
            let partial = buffer.baseAddress!
            for (i, group) in groups.enumerated() {
                let g = Int(group)
                if touchedIn[g] != calls {
                    touchedIn[g] = calls
                    touched.append(g)
                }
                counts[g] += 1
                Self.add(partition.row(i), to: partial + g * d, count: d)
            }
            for g in touched {
                let target = partial + g * d
                for j in 0..<d {
                    sums[g * d + j] += Double(target[j])
                    target[j] = 0
                }
            }
        }
    }

    /// The mean of each group (rows scaled to unit length when `normalised`); a group with no
    /// row keeps its row of `centroids`. - Complexity: O(groups × d).
    func means(keeping centroids: [Float], normalised: Bool) -> [Float] {
        let d = dimension
        var result = centroids
        for g in counts.indices where counts[g] > 0 {
            let scale = 1 / Double(counts[g])
            for j in 0..<d { result[g * d + j] = Float(sums[g * d + j] * scale) }
        }
        if normalised { KMeans.normalizeRows(&result, dimension: d) }
        return result
    }

    /// `sum[j] += row[j]` for `j < count`, eight lanes at a time.
    @inline(__always)
    private static func add(_ row: UnsafePointer<Float>, to sum: UnsafeMutablePointer<Float>, count: Int) {
        var j = 0
        while j + 8 <= count {
            let a = UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Float>.self)
            let b = UnsafeRawPointer(sum + j).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(sum + j).storeBytes(of: a + b, as: SIMD8<Float>.self)
            j += 8
        }
        while j < count {
            sum[j] += row[j]
            j += 1
        }
    }
}
