import ShoalKernels

/// The queries recall-target search is calibrated on, each with its exact nearest stored vectors
/// (a ``NeighbourList``), kept current as vectors are added and removed, so that measuring a
/// calibration again needs no brute-force pass over the index.
///
/// The queries are the ones a user pinned (``pin(_:)``), or else a sample of stored vectors, each
/// scored without its own id. A sampled vector that is removed later stays a query (its vector is
/// kept here) and its id stays excluded, even if it is added again. The sample is drawn again when
/// a quarter of it has been removed or the index's size has moved by more than a quarter since.
///
/// Lists are kept to a depth of `4k + 16` for the largest k calibrated (``depth(for:)``). An added
/// vector enters the lists it orders into (``prepareAdd(vectors:ids:metric:threads:)`` screens
/// them under the index's shared lock, ``commitAdd(_:vectors:ids:metric:)`` merges them under its
/// exclusive lock); a removed id leaves them (``commitRemove(_:)``), and a list left with fewer than
/// k entries is dropped, to be computed again by brute force, for that query alone, the next time a
/// calibration is measured (``truth(k:base:metric:threads:sampleSize:seed:)``). Maintenance moves
/// vectors between partitions but never changes the (id, vector) pairs, so it changes no list.
///
/// Thread safety: any thread; one mutex guards the state. The lists agree with the stored ids
/// because they change only under the index's exclusive lock, as part of the add or remove being
/// committed, or under its shared lock, when `truth` computes missing lists from the stored
/// vectors (which no writer can change meanwhile). Two readers computing the same lists at once
/// get the same result.
final class CalibrationNeighbours: Sendable {
    private struct QuerySet {
        /// Identifies this set of queries (each new set gets a new one when installed).
        var generation = -1
        /// Row-major, `count * dimension` floats.
        let queries: [Float]
        /// Per query, the stored vector it was sampled from (nil for pinned queries).
        let own: [Int64]?
        let dimension: Int
        /// Vectors stored when the sample was drawn.
        let sampledAt: Int
        /// The largest k calibrated: a list with fewer entries (and not complete) is recomputed.
        var minimum = 0
        var depth = 0
        /// nil: to be computed.
        var lists: [NeighbourList?]
        /// Sampled ids removed since the sample was drawn.
        var removedOwn = 0

        init(queries: [Float], own: [Int64]?, dimension: Int, sampledAt: Int) {
            self.queries = queries
            self.own = own
            self.dimension = dimension
            self.sampledAt = sampledAt
            lists = Array(repeating: nil, count: queries.count / max(1, dimension))
        }

        var count: Int { lists.count }
        var excludedIDs: [Int64] { own ?? Array(repeating: Int64.min, count: count) }
        func excluded(_ q: Int) -> Int64 { own?[q] ?? Int64.min }

        /// Per list, what an added vector must order before to enter it: `.some(nil)` for a
        /// complete list (everything enters), nil for a missing list.
        var bounds: [(distance: Float, id: Int64)??] {
            lists.map { list in
                guard let list else { return nil }
                guard !list.complete, let last = list.ids.last, let distance = list.distances.last else {
                    return .some(nil)
                }
                return .some((distance, last))
            }
        }
    }

    private struct State {
        var pinned: [Float]?
        var set: QuerySet?
        /// Bumped when the set is replaced or queries are pinned.
        var version = 0
        /// Counts, over every add and remove, the lists whose first `minimum` entries it changed.
        var disturbances = 0
    }

    private let state = Locked(State())

    /// How many times an add or a remove has changed the first k entries of a calibration
    /// query's list (each list counted once per call), since the index was made. It only grows.
    /// A calibration is measured on the neighbourhoods of its queries; once many of them changed,
    /// the recall it predicts at a threshold can drift even when the size and the partitions did
    /// not (inserts that densify one region while deletes empty another).
    /// Returned with the number of calibration queries (0 before any list was computed).
    var disturbanceCount: (disturbances: Int, queries: Int) {
        state.withLock { ($0.disturbances, $0.set?.count ?? 0) }
    }

    /// The depth lists are kept to for `k`: deep enough that removals rarely leave fewer than `k`.
    /// (On the synthetic workload trace, whose deletes empty whole clusters, `2k + 8` had 237 lists
    /// computed again over 13 measurements, `4k + 16` 153 and `8k + 24` 131.)
    static func depth(for k: Int) -> Int { 4 * k + 16 }

    /// Replaces the calibration queries with `queries` (row-major, already normalised under cosine);
    /// their lists are computed on first use.
    func pin(_ queries: [Float]) {
        state.withLock {
            $0.pinned = queries
            $0.set = nil
            $0.version += 1
        }
    }

    /// The calibration queries with their current lists, each covering `k`. Computes the missing
    /// lists (and draws the sample when there is none or it is out of date). Must hold the index's
    /// shared lock, with `base` its base level.
    /// - Complexity: O(missing lists × n × d) with the batched kernel on `threads`; O(queries) when
    ///   none is missing.
    func truth(
        k: Int, base: PartitionStore, metric: KernelMetric, threads: Int, sampleSize: Int, seed: UInt64
    ) -> CalibrationTruth {
        let (current, pinned, version) = state.withLock { ($0.set, $0.pinned, $0.version) }
        var set: QuerySet
        let fresh: Bool
        if let current, current.own == nil || !Self.outOfDate(current, stored: base.count) {
            set = current
            fresh = false
        } else if let pinned {
            set = QuerySet(queries: pinned, own: nil, dimension: base.dimension, sampledAt: base.count)
            fresh = true
        } else {
            let sample = Self.sample(base: base, size: sampleSize, seed: seed)
            set = QuerySet(queries: sample.queries, own: sample.own, dimension: base.dimension, sampledAt: base.count)
            fresh = true
        }
        set.minimum = max(set.minimum, k)
        set.depth = max(set.depth, Self.depth(for: set.minimum))
        let minimum = set.minimum
        let missing = (0..<set.count).filter { set.lists[$0].map { !$0.covers(minimum) } ?? true }
        if !missing.isEmpty {
            let d = base.dimension
            var rows = [Float]()
            rows.reserveCapacity(missing.count * d)
            for q in missing { rows += set.queries[(q * d)..<((q + 1) * d)] }
            let computed = ExactNeighbours.compute(
                queries: rows, own: missing.map(set.excluded), base: base, depth: set.depth, metric: metric,
                threads: threads)
            for (q, list) in zip(missing, computed) { set.lists[q] = list }
        }
        let computed = set
        let generation = state.withLock { s in
            // A new set is installed unless the queries were replaced meanwhile; computed lists go
            // into the set they were computed for (a reader that computed the same lists at the same
            // time, under the same shared lock, computed the same values).
            if fresh {
                guard s.version == version else { return -1 }
                s.version += 1
                var installed = computed
                installed.generation = s.version
                s.set = installed
                return s.version
            } else if s.set?.generation == computed.generation {
                s.set = computed
            }
            return computed.generation
        }
        return CalibrationTruth(
            queries: set.queries, own: set.own, lists: set.lists.compactMap { $0 }, generation: generation)
    }

    /// Whether a stored-vector sample should be drawn again.
    private static func outOfDate(_ set: QuerySet, stored: Int) -> Bool {
        set.removedOwn * 4 > set.count || abs(stored - set.sampledAt) * 4 > max(1, set.sampledAt)
    }

    /// Stored vectors to use as calibration queries: `size` of them, chosen with `seed`.
    /// - Complexity: O(n log n + size × d).
    static func sample(base: PartitionStore, size: Int, seed: UInt64) -> (queries: [Float], own: [Int64]) {
        let d = base.dimension
        let ids = base.locations.keys.sorted()
        var random = SeededGenerator(seed: seed)
        let chosen = random.sample(min(size, ids.count), from: ids.count).map { ids[$0] }
        var queries = [Float](repeating: 0, count: chosen.count * d)
        for (i, id) in chosen.enumerated() {
            guard let row = base.vector(for: id) else { continue }
            for j in 0..<d { queries[i * d + j] = row[j] }
        }
        return (queries, chosen)
    }

    /// Screens vectors about to be added against the current lists: for each query, the added
    /// vectors that order before its last entry, with exact distances. Call it under the index's
    /// shared lock (or none); nil when no lists are kept yet.
    /// - Parameter vectors: row-major, `ids.count * dimension` floats, as they will be stored.
    /// - Complexity: O(queries × n × d) with the batched kernel on `threads`.
    func prepareAdd(vectors: [Float], ids: [Int64], metric: KernelMetric, threads: Int) -> CalibrationAddition? {
        guard let set = state.withLock({ $0.set }) else { return nil }
        let bounds = set.bounds
        let entering = ExactNeighbours.entering(
            rows: vectors, ids: ids, queries: set.queries, own: set.excludedIDs, bounds: bounds,
            dimension: set.dimension, metric: metric, threads: threads)
        return CalibrationAddition(
            generation: set.generation,
            entries: zip(bounds, entering).map { bound, found in found.map { (bound: bound ?? nil, entering: $0) } })
    }

    /// Merges added vectors into the lists. Call it under the index's exclusive lock, with the add
    /// being committed, and nothing after it that can fail. `prepared` is what ``prepareAdd``
    /// returned for the same vectors; the lists it does not cover (the queries or a list changed
    /// in between, rarely) are screened here, with the batched kernel on one thread.
    /// - Complexity: O(queries × depth + entering) for prepared lists, plus O(n × d) per other list.
    func commitAdd(_ prepared: CalibrationAddition?, vectors: [Float], ids: [Int64], metric: KernelMetric) {
        state.withLock { s in
            // The lists are changed in place (`s.set?...`): a copy of the set would copy them all.
            guard let generation = s.set?.generation, let depth = s.set?.depth, let count = s.set?.count,
                let minimum = s.set?.minimum
            else { return }
            let usable = prepared?.generation == generation ? prepared : nil
            var unscreened: [Int] = []
            for q in 0..<count {
                // No copy of the list is held while it is merged into (it would be copied on write).
                guard let tail = s.set?.lists[q]?.entryBound else { continue }
                if let entry = usable?.entries[q], Self.covers(entry.bound, tail) {
                    if let first = entry.entering.first, s.set?.lists[q]?.reachesTop(minimum, first) == true {
                        s.disturbances += 1
                    }
                    if !entry.entering.isEmpty { s.set?.lists[q]?.merge(entry.entering, depth: depth) }
                } else {
                    unscreened.append(q)
                }
            }
            guard !unscreened.isEmpty, let set = s.set else { return }
            let d = set.dimension
            var rows = [Float]()
            rows.reserveCapacity(unscreened.count * d)
            for q in unscreened { rows += set.queries[(q * d)..<((q + 1) * d)] }
            let bounds = set.bounds
            let entering = ExactNeighbours.entering(
                rows: vectors, ids: ids, queries: rows, own: unscreened.map(set.excluded),
                bounds: unscreened.map { bounds[$0] }, dimension: d, metric: metric, threads: 1)
            for (q, found) in zip(unscreened, entering) {
                guard let found else { continue }
                if let first = found.first, s.set?.lists[q]?.reachesTop(minimum, first) == true { s.disturbances += 1 }
                s.set?.lists[q]?.merge(found, depth: depth)
            }
        }
    }

    /// Whether vectors screened against `bound` include every one that a list with `tail` admits.
    private static func covers(
        _ bound: (distance: Float, id: Int64)?, _ tail: (complete: Bool, last: (distance: Float, id: Int64)?)
    ) -> Bool {
        guard let bound else { return true }
        guard !tail.complete, let last = tail.last else { return false }
        return !ExactNeighbours.precedes(bound, last)
    }

    /// Drops removed ids from the lists; a list left with fewer entries than the largest k
    /// calibrated is dropped, to be computed again. Call it under the index's exclusive lock, with
    /// the removal being committed.
    /// - Complexity: O(queries × depth) bitmap tests (``RemovedIDs``).
    func commitRemove(_ removed: Set<Int64>) {
        let screen = RemovedIDs(removed)
        state.withLock { s in
            // In place (`s.set?...`): a copy of the set would copy every list.
            guard let count = s.set?.count, let minimum = s.set?.minimum else { return }
            for q in 0..<count {
                if let own = s.set?.own, screen.contains(own[q]) { s.set?.removedOwn += 1 }
                if let top = s.set?.lists[q]?.ids.prefix(minimum), top.contains(where: screen.contains) {
                    s.disturbances += 1
                }
                guard s.set?.lists[q]?.remove(screen) == true, let list = s.set?.lists[q] else { continue }
                if !list.covers(minimum) { s.set?.lists[q] = nil }
            }
        }
    }

    /// Appends a description of each broken list invariant (see ``NeighbourList``) to `found`, up
    /// to `limit` in all: every entry is a stored vector other than the query's own, the entries
    /// are in (distance, id) order with their exact distances, at most ``depth(for:)`` of them, and
    /// a complete list holds every stored vector but the query's own. Must hold the index's lock.
    /// - Complexity: O(queries × depth × d).
    func collectViolations(base: PartitionStore, metric: KernelMetric, into found: inout [String], limit: Int) {
        guard let set = state.withLock({ $0.set }) else { return }
        let d = set.dimension
        for (q, list) in set.lists.enumerated() {
            guard let list, found.count < limit else { continue }
            if list.count > set.depth {
                found.append("calibration query \(q) keeps \(list.count) neighbours, more than its depth \(set.depth)")
            }
            if list.complete, list.count != base.count - (base.contains(set.excluded(q)) ? 1 : 0) {
                found.append("calibration query \(q)'s complete list holds \(list.count) of \(base.count) vectors")
            }
            set.queries.withUnsafeBufferPointer { queries in
                for i in 0..<list.count where found.count < limit {
                    let id = list.ids[i]
                    guard id != set.excluded(q), let row = base.vector(for: id) else {
                        found.append("calibration query \(q) lists id \(id), which is its own or not stored")
                        continue
                    }
                    let exact = ExactNeighbours.distance(queries.baseAddress! + q * d, row, dimension: d, metric: metric)
                    if exact != list.distances[i] {
                        found.append("calibration query \(q) lists id \(id) at \(list.distances[i]), not \(exact)")
                    }
                    if i > 0, !ExactNeighbours.precedes((list.distances[i - 1], list.ids[i - 1]), (exact, id)) {
                        found.append("calibration query \(q)'s neighbours are out of order at \(i)")
                    }
                }
            }
        }
    }

    /// The lists kept now (nil for one to be computed), for tests.
    var currentLists: [NeighbourList?] { state.withLock { $0.set?.lists ?? [] } }
}

/// The calibration queries and their exact neighbours, consistent with the stored vectors of the
/// index whose shared lock the caller holds.
struct CalibrationTruth: Sendable {
    /// Row-major, `lists.count * dimension` floats.
    let queries: [Float]
    /// Per query, the id it must not count (the stored vector it was sampled from), or nil.
    let own: [Int64]?
    let lists: [NeighbourList]
    /// Identifies the query set (the same queries, though their lists change): negative for a
    /// set drawn by a reader that lost the race to install it.
    let generation: Int
}

/// What ``CalibrationNeighbours/prepareAdd(vectors:ids:metric:threads:)`` found: per query (nil for
/// a list that was missing), the bound it screened against (nil: every vector) and the vectors that
/// order before it.
struct CalibrationAddition: Sendable {
    let generation: Int
    let entries: [(bound: (distance: Float, id: Int64)?, entering: [(distance: Float, id: Int64)])?]
}
