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
    /// The batched kernel screens every (query, row) pair with a margin above its worst-case
    /// rounding error (4·d·ε·(‖q‖² + ‖x‖²)), and the survivors get exact distances.
    /// - Parameters:
    ///   - rows: row-major, `ids.count * dimension` floats.
    ///   - queries: row-major, `own.count * dimension` floats.
    ///   - bounds: per query, `.some(nil)` to take every row, `.some(bound)` for the rows that
    ///     order before `bound`, `nil` to skip the query.
    /// - Complexity: O(queries × rows × d) with the batched kernel on `threads`, plus O(d) per
    ///   survivor.
    static func entering(
        rows: [Float], ids: [Int64], queries: [Float], own: [Int64], bounds: [(distance: Float, id: Int64)??],
        dimension d: Int, metric: KernelMetric, threads: Int
    ) -> [[(distance: Float, id: Int64)]?] {
        let queryCount = own.count
        let rowCount = ids.count
        guard queryCount > 0, rowCount > 0 else { return Array(repeating: nil, count: queryCount) }
        let block = max(1, min(rowCount, (1 << 18) / queryCount))
        let blocks = (rowCount + block - 1) / block
        let found = WorkerSlots<[[(distance: Float, id: Int64)]]>(count: blocks)
        var queryNorms = [Float](repeating: 0, count: queryCount)
        queries.withUnsafeBufferPointer { q in
            queryNorms.withUnsafeMutableBufferPointer { out in
                Kernels.squaredNorms(rows: q.baseAddress!, count: queryCount, dimension: d, out: out.baseAddress!)
            }
        }
        let slack = 4 * Float(d) * Float.ulpOfOne
        let shared = SendableBox((rows, ids, queries, own, bounds, queryNorms, found))
        Parallel.forEach(count: blocks, threads: threads) { _, item in
            let (rows, ids, queries, own, bounds, queryNorms, found) = shared.value
            let start = item * block
            let n = min(block, rowCount - start)
            var rowNorms = [Float](repeating: 0, count: n)
            var screen = [Float](repeating: 0, count: queryCount * n)
            var lists = [[(distance: Float, id: Int64)]](repeating: [], count: queryCount)
            rows.withUnsafeBufferPointer { r in
                queries.withUnsafeBufferPointer { q in
                    queryNorms.withUnsafeBufferPointer { qn in
                        let block = r.baseAddress! + start * d
                        rowNorms.withUnsafeMutableBufferPointer { rn in
                            screen.withUnsafeMutableBufferPointer { out in
                                Kernels.squaredNorms(rows: block, count: n, dimension: d, out: rn.baseAddress!)
                                Kernels.batchDistances(
                                    metric, queries: q.baseAddress!, queryNorms: qn.baseAddress!, queryCount: queryCount,
                                    rows: block, rowNorms: rn.baseAddress!, rowCount: n, dimension: d,
                                    out: out.baseAddress!, outStride: n)
                            }
                        }
                        // A pair passes the screen when screen − slack·‖x‖² ≤ bound + slack·‖q‖².
                        let allowance = rowNorms.map { slack * $0 }
                        screen.withUnsafeBufferPointer { sp in
                            allowance.withUnsafeBufferPointer { ap in
                                for query in 0..<queryCount {
                                    guard let bound = bounds[query] else { continue }
                                    let line = sp.baseAddress! + query * n
                                    let limit = (bound?.distance ?? .infinity) + slack * qn[query]
                                    let origin = q.baseAddress! + query * d
                                    for i in 0..<n where line[i] - ap[i] <= limit && ids[start + i] != own[query] {
                                        let value = distance(origin, block + i * d, dimension: d, metric: metric)
                                        let entry = (distance: value, id: ids[start + i])
                                        if let bound, !precedes(entry, bound) { continue }
                                        lists[query].append(entry)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            found.set(item, lists)
        }
        let perBlock = found.all
        return (0..<queryCount).map { query in
            guard bounds[query] != nil else { return nil }
            var entries = perBlock.count == 1 ? perBlock[0][query] : perBlock.flatMap { $0[query] }
            if entries.count > 1 { entries.sort(by: precedes) }
            return entries
        }
    }
}
