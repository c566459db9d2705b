/// One calibration query's exact nearest stored vectors, best first.
///
/// Invariant: the entries are a prefix of every stored vector other than the query's own id,
/// ordered by (distance, id) — the distances computed by ``ExactNeighbours/distance(_:_:dimension:metric:)``,
/// which gives a pair the same value wherever the row is stored. So any stored vector not in the
/// list orders after every entry. When ``complete`` is true the list holds every such vector.
///
/// The prefix stays a prefix under the index's changes: a removal drops an entry (what follows in
/// the order moves up, and the list is a shorter prefix), and an added vector is inserted when it
/// orders before the last entry (or the list is complete), after which the list is cut back to its
/// depth. Maintenance moves vectors between partitions without changing the (id, vector) pairs,
/// so it never changes a list.
struct NeighbourList: Equatable, Sendable {
    /// Squared L2 or negated dot product (smaller is better), ascending with `ids`.
    private(set) var distances: [Float]
    private(set) var ids: [Int64]
    /// Whether the list holds every stored vector other than the query's own id. (False may still
    /// hold everything, after removals: it only means the list cannot tell.)
    private(set) var complete: Bool

    /// - Parameters:
    ///   - entries: (distance, id) pairs in (distance, id) order, at most `depth` of them.
    ///   - complete: whether they are every stored vector other than the query's own.
    init(entries: [(distance: Float, id: Int64)], complete: Bool) {
        distances = entries.map(\.distance)
        ids = entries.map(\.id)
        self.complete = complete
    }

    var count: Int { ids.count }

    /// Whether (`distance`, `id`) orders before entry `i`.
    @inline(__always)
    private func precedes(_ distance: Float, _ id: Int64, entry i: Int) -> Bool {
        distance < distances[i] || (distance == distances[i] && id < ids[i])
    }

    /// Whether a newly stored vector at `distance` with `id` belongs in the list: it orders before
    /// the last entry, or the list is complete.
    func admits(distance: Float, id: Int64) -> Bool {
        complete || (!ids.isEmpty && precedes(distance, id, entry: ids.count - 1))
    }

    /// Whether `candidate` would be among the first `count` entries (the list has fewer, or it
    /// orders before entry `count − 1`).
    func reachesTop(_ count: Int, _ candidate: (distance: Float, id: Int64)) -> Bool {
        ids.count < count || precedes(candidate.distance, candidate.id, entry: count - 1)
    }

    /// Merges newly stored vectors, given in (distance, id) order, each cutting the list back to
    /// `depth` (after which it is no longer complete if anything was cut). Candidates the list
    /// does not admit are skipped, so a caller may pass a superset of what belongs. In place: a
    /// uniquely referenced list allocates nothing.
    /// - Complexity: O(entering × (log count + count)) moves; O(1) per candidate not admitted.
    mutating func merge(_ candidates: [(distance: Float, id: Int64)], depth: Int) {
        for candidate in candidates {
            // Sorted candidates: once one is not admitted (the list is not complete), none is.
            guard admits(distance: candidate.distance, id: candidate.id) else { break }
            var low = 0
            var high = ids.count
            while low < high {
                let middle = (low + high) / 2
                if precedes(candidate.distance, candidate.id, entry: middle) { high = middle } else { low = middle + 1 }
            }
            distances.insert(candidate.distance, at: low)
            ids.insert(candidate.id, at: low)
            if ids.count > depth {
                distances.removeLast()
                ids.removeLast()
                complete = false
            }
        }
    }

    /// What an added vector must order before to enter: nil for a complete list (everything
    /// enters), else the last entry (nil too for an empty list that is not complete: nothing).
    var entryBound: (complete: Bool, last: (distance: Float, id: Int64)?) {
        (complete, ids.last.flatMap { id in distances.last.map { ($0, id) } })
    }

    /// Drops the entries whose id is in `removed`; returns whether any was dropped.
    /// - Complexity: O(count) bitmap tests, plus a hash lookup for each that passes.
    @discardableResult
    mutating func remove(_ removed: RemovedIDs) -> Bool {
        guard ids.contains(where: removed.contains) else { return false }
        var keptDistances: [Float] = []
        var keptIDs: [Int64] = []
        for (distance, id) in zip(distances, ids) where !removed.contains(id) {
            keptDistances.append(distance)
            keptIDs.append(id)
        }
        distances = keptDistances
        ids = keptIDs
        return true
    }

    /// Whether the list still answers for `k` neighbours: it holds at least `k` entries, or every
    /// stored vector.
    func covers(_ k: Int) -> Bool { complete || ids.count >= k }
}
