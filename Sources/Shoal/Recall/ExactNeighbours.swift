import ShoalKernels

/// Exact nearest stored vectors of calibration queries, by brute force, and the newly added vectors
/// that enter such lists.
///
/// Distances are those of ``distance(_:_:dimension:metric:)``: the one-row kernel, which gives a
/// (query, row) pair the same value wherever the row lies (the block kernel's rounding depends on a
/// row's position within its block of four). The batched kernel, faster but rounding differently
/// (its dot-product form of L2 loses precision on data with large norms, such as raw pixels), only
/// shortlists.
enum ExactNeighbours {
    /// The exact distance (squared L2 or negated dot product) between two vectors of `d` floats.
    /// - Complexity: O(d).
    @inline(__always)
    static func distance(
        _ query: UnsafePointer<Float>, _ row: UnsafePointer<Float>, dimension d: Int, metric: KernelMetric
    ) -> Float {
        var value: Float = 0
        Kernels.distances(metric, query: query, rows: row, count: 1, dimension: d, out: &value)
        return value
    }

    /// The (distance, id) order of neighbour lists.
    @inline(__always)
    static func precedes(_ a: (distance: Float, id: Int64), _ b: (distance: Float, id: Int64)) -> Bool {
        a.distance < b.distance || (a.distance == b.distance && a.id < b.id)
    }

    /// The `depth` nearest stored vectors of each query, leaving out its own id.
    /// - Parameters:
    ///   - queries: row-major, `own.count * dimension` floats.
    ///   - own: per query, the id it must not count (`Int64.min` for none).
    /// - Complexity: O(queries × n × d) with the batched kernel on `threads`, plus O(queries ×
    ///   depth × d) for the exact distances of the shortlist.
    static func compute(
        queries: [Float], own: [Int64], base: PartitionStore, depth: Int, metric: KernelMetric, threads: Int
    ) -> [NeighbourList] {
        let count = own.count
        let d = base.dimension
        guard count > 0 else { return [] }
        // Every query against every partition: the batched kernel reads each partition once for
        // all the queries; it shortlists twice what is kept (plus the query's own id).
        let shortlist = 2 * (depth + 1) + 8
        let pids = base.partitions.keys.sorted()
        var probes = [Int]()
        probes.reserveCapacity(count * pids.count)
        for _ in 0..<count { probes += pids }
        let candidates = queries.withUnsafeBufferPointer { buffer in
            BatchScan.run(
                level: base, queries: buffer.baseAddress!, queryCount: count, probes: probes,
                probesPerQuery: pids.count, k: shortlist, metric: metric, threads: threads)
        }
        let lists = WorkerSlots<NeighbourList>(count: count)
        let shared = SendableBox((queries, candidates, base, lists, own))
        Parallel.forEach(count: count, threads: threads) { _, q in
            let (queries, candidates, base, lists, own) = shared.value
            var entries: [(distance: Float, id: Int64)] = []
            queries.withUnsafeBufferPointer { buffer in
                for hit in candidates.sorted(query: q) where hit.id != own[q] {
                    guard let row = base.vector(for: hit.id) else { continue }
                    entries.append((distance(buffer.baseAddress! + q * d, row, dimension: d, metric: metric), hit.id))
                }
            }
            entries.sort(by: precedes)
            let others = base.count - (base.contains(own[q]) ? 1 : 0)
            lists.set(q, NeighbourList(entries: Array(entries.prefix(depth)), complete: others <= depth))
        }
        return lists.all
    }

    /// For each query with a bound, the added rows that order before it (all of them for a nil
    /// bound), with exact distances, in (distance, id) order; nil for queries without a bound.
    ///
    /// The rows come in groups of nearby rows (those going to one partition). Under squared L2, a
    /// ball around each group first rules out the queries whose bound none of its rows can reach
    /// (the triangle inequality, with margins above the kernels' rounding). The batched kernel then
    /// screens every remaining (query, row) pair with a margin above its worst-case rounding error
    /// (4·d·ε·(‖q‖² + ‖x‖²)), and the survivors get exact distances.
    /// - Parameters:
    ///   - groups: each row-major (`ids.count * dimension` floats) with its ids.
    ///   - queries: row-major, `own.count * dimension` floats.
    ///   - bounds: per query, `.some(nil)` to take every row, `.some(bound)` for the rows that
    ///     order before `bound`, `nil` to skip the query.
    /// - Complexity: O(groups × queries × d + rows × d), plus O(d) per (query, row) pair the balls
    ///   leave, with the batched kernel, groups spread over `threads`, plus O(d) per survivor.
    static func entering(
        groups: [RowGroup], queries: [Float], own: [Int64], bounds: [(distance: Float, id: Int64)??],
        dimension d: Int, metric: KernelMetric, threads: Int
    ) -> [[(distance: Float, id: Int64)]?] {
        let queryCount = own.count
        let candidates = own.indices.filter { bounds[$0] != nil }
        var result: [[(distance: Float, id: Int64)]?] = bounds.map { $0 == nil ? nil : [] }
        guard !candidates.isEmpty, !groups.isEmpty else { return result }
        var queryNorms = [Float](repeating: 0, count: queryCount)
        queries.withUnsafeBufferPointer { q in
            queryNorms.withUnsafeMutableBufferPointer { out in
                Kernels.squaredNorms(rows: q.baseAddress!, count: queryCount, dimension: d, out: out.baseAddress!)
            }
        }
        let found = WorkerSlots<[(query: Int, entries: [(distance: Float, id: Int64)])]>(count: groups.count)
        let shared = SendableBox((groups, queries, own, bounds, queryNorms, candidates, found))
        Parallel.forEach(count: groups.count, threads: threads) { _, g in
            let (groups, queries, own, bounds, queryNorms, candidates, found) = shared.value
            let group = groups[g]
            var active = candidates
            if metric == .squaredL2, !group.ids.isEmpty {
                let ball = RowBall(rows: group.rows, count: group.ids.count, dimension: d)
                queries.withUnsafeBufferPointer { q in
                    active = active.filter { query in
                        guard case .some(.some(let bound)) = bounds[query] else { return true }
                        return !ball.excludes(query: q.baseAddress! + query * d, bound: bound.distance)
                    }
                }
            }
            found.set(
                g,
                screen(
                    group, queries: queries, queryNorms: queryNorms, active: active, own: own, bounds: bounds,
                    dimension: d, metric: metric))
        }
        for part in found.all {
            for (query, entries) in part { result[query]?.append(contentsOf: entries) }
        }
        return result.map { entries in entries.map { $0.count > 1 ? $0.sorted(by: precedes) : $0 } }
    }

    /// The rows of `group` that enter the lists of the `active` queries, screened by the batched
    /// kernel in blocks of rows (at most 2¹⁸ distances at a time); only queries with entries.
    private static func screen(
        _ group: RowGroup, queries: [Float], queryNorms: [Float], active: [Int], own: [Int64],
        bounds: [(distance: Float, id: Int64)??], dimension d: Int, metric: KernelMetric
    ) -> [(query: Int, entries: [(distance: Float, id: Int64)])] {
        let rowCount = group.ids.count
        guard !active.isEmpty, rowCount > 0 else { return [] }
        var selected = [Float]()
        selected.reserveCapacity(active.count * d)
        for query in active { selected += queries[(query * d)..<((query + 1) * d)] }
        let selectedNorms = active.map { queryNorms[$0] }
        let block = max(1, min(rowCount, (1 << 18) / active.count))
        let slack = 4 * Float(d) * Float.ulpOfOne
        var lists = [[(distance: Float, id: Int64)]](repeating: [], count: active.count)
        var rowNorms = [Float](repeating: 0, count: block)
        var screen = [Float](repeating: 0, count: active.count * block)
        selected.withUnsafeBufferPointer { q in
            selectedNorms.withUnsafeBufferPointer { qn in
                group.rows.withUnsafeBufferPointer { r in
                    var start = 0
                    while start < rowCount {
                        let n = min(block, rowCount - start)
                        let rows = r.baseAddress! + start * d
                        rowNorms.withUnsafeMutableBufferPointer { rn in
                            screen.withUnsafeMutableBufferPointer { out in
                                Kernels.squaredNorms(rows: rows, count: n, dimension: d, out: rn.baseAddress!)
                                Kernels.batchDistances(
                                    metric, queries: q.baseAddress!, queryNorms: qn.baseAddress!, queryCount: active.count,
                                    rows: rows, rowNorms: rn.baseAddress!, rowCount: n, dimension: d,
                                    out: out.baseAddress!, outStride: n)
                                // A pair passes when screen − slack·‖x‖² ≤ bound + slack·‖q‖².
                                for i in 0..<n { rn[i] *= slack }
                                for (slot, query) in active.enumerated() {
                                    let bound = bounds[query] ?? nil
                                    let line = out.baseAddress! + slot * n
                                    let limit = (bound?.distance ?? .infinity) + slack * qn[slot]
                                    let origin = q.baseAddress! + slot * d
                                    for i in 0..<n where line[i] - rn[i] <= limit && group.ids[start + i] != own[query] {
                                        let value = distance(origin, rows + i * d, dimension: d, metric: metric)
                                        let entry = (distance: value, id: group.ids[start + i])
                                        if let bound, !precedes(entry, bound) { continue }
                                        lists[slot].append(entry)
                                    }
                                }
                            }
                        }
                        start += n
                    }
                }
            }
        }
        return zip(active, lists).compactMap { query, entries in entries.isEmpty ? nil : (query, entries) }
    }
}

/// Rows that are added together and lie near one another (those going to one partition).
struct RowGroup: Sendable {
    /// Row-major, `ids.count * dimension` floats.
    let rows: [Float]
    let ids: [Int64]
}

/// A ball holding a block of rows (squared L2): its centre is their mean, its radius their largest
/// distance from it, inflated above the kernel's rounding.
private struct RowBall {
    let center: [Float]
    let radius: Float
    let dimension: Int
    /// Relative margin above the rounding of a d-term sum of squares (ε·d each way, twice over).
    let margin: Float

    /// - Complexity: O(count × d).
    init(rows: [Float], count: Int, dimension d: Int) {
        var sum = [Double](repeating: 0, count: d)
        for i in 0..<count {
            for j in 0..<d { sum[j] += Double(rows[i * d + j]) }
        }
        let center = sum.map { Float($0 / Double(count)) }
        var distances = [Float](repeating: 0, count: count)
        rows.withUnsafeBufferPointer { r in
            distances.withUnsafeMutableBufferPointer { out in
                Kernels.distances(
                    .squaredL2, query: center, rows: r.baseAddress!, count: count, dimension: d, out: out.baseAddress!)
            }
        }
        margin = 4 * Float(d) * Float.ulpOfOne
        self.center = center
        radius = (distances.max() ?? 0).squareRoot() * (1 + margin)
        dimension = d
    }

    /// Whether every row lies farther from `query` than `bound` (a squared L2 distance), by
    /// enough that its exact distance exceeds `bound`: ‖q − x‖ ≥ ‖q − c‖ − r > √bound.
    func excludes(query: UnsafePointer<Float>, bound: Float) -> Bool {
        let toCenter = ExactNeighbours.distance(query, center, dimension: dimension, metric: .squaredL2)
        return toCenter.squareRoot() * (1 - margin) - radius > bound.squareRoot() * (1 + margin)
    }
}

/// Per-item results written by worker threads: each slot is written once, by one worker, and
/// read after the join.
final class WorkerSlots<Element>: @unchecked Sendable {
    private var slots: [Element?]
    private let lock = Locked<Void>(())

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Element) { lock.withLock { _ in slots[index] = value } }

    /// The slots that were set, in order (all of them once every worker has finished).
    var all: [Element] { lock.withLock { _ in slots.compactMap { $0 } } }
}
