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

    /// Merges newly stored vectors, given in (distance, id) order, then cuts the list to `depth`
    /// (after which it is no longer complete if anything was cut). Candidates the list does not
    /// admit are skipped, so a caller may pass a superset of what belongs.
    /// - Complexity: O(count + candidates).
    mutating func merge(_ candidates: [(distance: Float, id: Int64)], depth: Int) {
        let admitted = candidates.filter { admits(distance: $0.distance, id: $0.id) }
        guard !admitted.isEmpty else { return }
        var mergedDistances: [Float] = []
        var mergedIDs: [Int64] = []
        let total = min(depth, ids.count + admitted.count)
        mergedDistances.reserveCapacity(total)
        mergedIDs.reserveCapacity(total)
        var i = 0
        var j = 0
        while mergedIDs.count < total {
            if j < admitted.count && (i == ids.count || precedes(admitted[j].distance, admitted[j].id, entry: i)) {
                mergedDistances.append(admitted[j].distance)
                mergedIDs.append(admitted[j].id)
                j += 1
            } else {
                mergedDistances.append(distances[i])
                mergedIDs.append(ids[i])
                i += 1
            }
        }
        if i < ids.count || j < admitted.count { complete = false }
        distances = mergedDistances
        ids = mergedIDs
    }

    /// Drops the entries whose id is in `removed`; returns whether any was dropped.
    /// - Complexity: O(count) hash lookups.
    @discardableResult
    mutating func remove(_ removed: Set<Int64>) -> Bool {
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
