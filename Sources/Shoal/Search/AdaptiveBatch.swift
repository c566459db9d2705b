import ShoalKernels

/// Recall-target search (APS) for a batch of queries, in rounds that use the batched distance
/// kernel.
///
/// Scanning query by query reads each partition once per query with the one-query kernel. Here
/// every query first gets its centroid distances from one batched kernel call; then, each round,
/// every unfinished query names the next few partitions its scan would read
/// (``AdaptiveCursor/upcoming(_:)``), the (query, partition) pairs are grouped by partition, and
/// each partition is read once for all its queries with the register-tiled batch kernel. Each
/// query then consumes its distances partition by partition through its cursor, exactly as the
/// one-query scan would, and drops what is left of its round once the cursor stops or picks a
/// different partition. So the stopping decisions (and the calibration that maps recall targets
/// to thresholds) are those of ``AdaptiveScan``; the only cost of batching is the distances
/// computed for partitions a query then does not need.
///
/// The first round reads `firstRound` partitions per query (a low quantile of the calibrated stop
/// lengths); later rounds read `roundShare` of what the cursor predicts it still needs
/// (``AdaptiveCursor/predictedRemaining()``, usually an overestimate), at least one.
///
/// Must run under the index's read lock, on an index with at least two levels.
struct AdaptiveBatch {
    let scan: AdaptiveScan
    let k: Int
    let maxPartitions: Int
    let firstRound: Int
    let threads: Int
    /// Share of the predicted remaining partitions read in each round after the first.
    static let roundShare = 0.5
    /// Queries handled together (bounds the round buffers).
    static let chunk = 256

    /// Runs APS for `queryCount` queries (row-major), query `q` stopping at `thresholds[q]`.
    /// - Returns: each query's finished cursor (its heap and scanned partitions).
    /// - Complexity: as the one-query scan, plus the distances of partitions read but not needed.
    func run(queries: UnsafePointer<Float>, queryCount: Int, thresholds: [Float]) -> [AdaptiveCursor] {
        var cursors: [AdaptiveCursor] = []
        cursors.reserveCapacity(queryCount)
        var start = 0
        while start < queryCount {
            let n = min(AdaptiveBatch.chunk, queryCount - start)
            cursors += runChunk(queries: queries + start * scan.levels[0].dimension, count: n,
                thresholds: Array(thresholds[start..<(start + n)]))
            start += n
        }
        return cursors
    }

    private func runChunk(queries: UnsafePointer<Float>, count: Int, thresholds: [Float]) -> [AdaptiveCursor] {
        let d = scan.levels[0].dimension
        let geometries = batchGeometry(queries: queries, count: count)
        var cursors = (0..<count).map { q in
            AdaptiveCursor(
                scan: scan, query: queries + q * d, k: k, threshold: thresholds[q], maxPartitions: maxPartitions,
                geometry: geometries?[q])
        }
        var wanted = [Int](repeating: max(1, firstRound), count: count)
        var active = Array(0..<count)
        let buffer = RoundBuffer()
        while !active.isEmpty {
            // Plan the round: the next partitions of every unfinished query.
            var plans: [[(position: Int, partition: Int)]] = []
            var stillActive: [Int] = []
            for q in active {
                guard cursors[q].next() != nil else { continue }
                stillActive.append(q)
                plans.append(cursors[q].upcoming(wanted[q]))
            }
            active = stillActive
            guard !active.isEmpty else { break }
            let offsets = buffer.compute(
                plans: plans, queries: active, queryPointer: queries, level: scan.levels[0],
                metric: scan.metric.kernelMetric, threads: threads)
            // Consume: each query reads its distances in order, through its cursor.
            let base = scan.levels[0]
            for (slot, q) in active.enumerated() {
                for (j, pair) in plans[slot].enumerated() {
                    guard let next = cursors[q].next(), next.position == pair.position,
                        let partition = base.partitions[pair.partition]
                    else { break }
                    cursors[q].heap.push(
                        query: 0, candidates: buffer.distances + offsets[slot][j], ids: partition.ids,
                        count: partition.count)
                    cursors[q].advance(position: pair.position)
                }
                let predicted = Double(cursors[q].predictedRemaining()) * AdaptiveBatch.roundShare
                wanted[q] = max(1, Int(predicted.rounded(.up)))
            }
        }
        return cursors
    }

    /// Squared Euclidean distances of every query to every top-level centroid with one batched
    /// kernel call, as candidate geometries; nil when the candidates come from a search of the
    /// level above instead (three or more levels, or more centroids than the initial candidates).
    private func batchGeometry(queries: UnsafePointer<Float>, count: Int) -> [CandidateGeometry]? {
        guard scan.levels.count == 2, let top = scan.levels[1].partitions.values.first, top.count > 0,
            top.count <= scan.initialCandidates
        else { return nil }
        let d = top.dimension
        let rows = top.count
        var distances = [Float](repeating: 0, count: count * rows)
        var queryNorms = [Float](repeating: 0, count: count)
        var rowNorms = [Float](repeating: 0, count: rows)
        queryNorms.withUnsafeMutableBufferPointer { qn in
            rowNorms.withUnsafeMutableBufferPointer { rn in
                distances.withUnsafeMutableBufferPointer { out in
                    Kernels.squaredNorms(rows: queries, count: count, dimension: d, out: qn.baseAddress!)
                    Kernels.squaredNorms(rows: top.vectors, count: rows, dimension: d, out: rn.baseAddress!)
                    Kernels.batchDistances(
                        .squaredL2, queries: queries, queryNorms: qn.baseAddress!, queryCount: count, rows: top.vectors,
                        rowNorms: rn.baseAddress!, rowCount: rows, dimension: d, out: out.baseAddress!, outStride: rows)
                }
            }
        }
        return (0..<count).map { q in
            CandidateGeometry(
                squaredDistances: Array(distances[(q * rows)..<((q + 1) * rows)]), rows: top.vectors, ids: top.ids,
                dimension: d, separations: scan.separations)
        }
    }
}

/// The distances of one round: for every planned (query, partition) pair, the query's distances
/// to all the partition's rows, grouped by partition so each partition is read once. The squared
/// norms of a partition's rows (for the batched L2 form) are computed once per batch and kept
/// across its rounds (the read lock keeps the partitions unchanged meanwhile).
private final class RoundBuffer: @unchecked Sendable {
    private(set) var distances = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private var capacity = 1
    private var rowNorms: [Int: UnsafeMutablePointer<Float>] = [:]

    deinit {
        distances.deallocate()
        for pointer in rowNorms.values { pointer.deallocate() }
    }

    /// Computes the pairs of `plans` (`plans[i]` belongs to query `queries[i]`) and returns, for
    /// each, the offset of its distances in ``distances``. Groups are spread over `threads`; each
    /// writes only its own region.
    func compute(
        plans: [[(position: Int, partition: Int)]], queries: [Int], queryPointer: UnsafePointer<Float>,
        level: PartitionStore, metric: KernelMetric, threads: Int
    ) -> [[Int]] {
        var groups: [Int: [(slot: Int, index: Int)]] = [:]
        for (slot, plan) in plans.enumerated() {
            for (index, pair) in plan.enumerated() { groups[pair.partition, default: []].append((slot, index)) }
        }
        var offsets = plans.map { [Int](repeating: 0, count: $0.count) }
        var work: [(partition: Partition, members: [(slot: Int, index: Int)], offset: Int)] = []
        var workIDs: [Int] = []
        var total = 0
        for pid in groups.keys.sorted() {
            guard let partition = level.partitions[pid], let members = groups[pid] else { continue }
            work.append((partition, members, total))
            workIDs.append(pid)
            for (i, member) in members.enumerated() { offsets[member.slot][member.index] = total + i * partition.count }
            total += members.count * partition.count
        }
        if total > capacity {
            distances.deallocate()
            capacity = max(total, capacity * 2)
            distances = .allocate(capacity: capacity)
        }
        var normsOf: [UnsafeMutablePointer<Float>?] = []
        for (item, pid) in zip(work, workIDs) {
            guard metric == .squaredL2, item.members.count > 1, item.partition.count > 0 else {
                normsOf.append(nil)
                continue
            }
            if let known = rowNorms[pid] {
                normsOf.append(known)
                continue
            }
            let norms = UnsafeMutablePointer<Float>.allocate(capacity: item.partition.count)
            Kernels.squaredNorms(
                rows: item.partition.vectors, count: item.partition.count, dimension: item.partition.dimension,
                out: norms)
            rowNorms[pid] = norms
            normsOf.append(norms)
        }
        let workers = max(1, min(threads, work.count))
        let scratches = (0..<workers).map { _ in ScanScratch() }
        let shared = SendableBox((work, scratches, queries, queryPointer, distances, normsOf))
        Parallel.forEach(count: work.count, threads: workers) { worker, item in
            let (work, scratches, queries, queryPointer, distances, normsOf) = shared.value
            let (partition, members, offset) = work[item]
            let d = partition.dimension
            let rows = partition.count
            guard rows > 0 else { return }
            if members.count == 1 {
                Kernels.distances(
                    metric, query: queryPointer + queries[members[0].slot] * d, rows: partition.vectors, count: rows,
                    dimension: d, out: distances + offset)
                return
            }
            let scratch = scratches[worker]
            scratch.reserveQueries(members.count * d)
            scratch.reserveNorms(members.count)
            for (i, member) in members.enumerated() {
                (scratch.queries + i * d).update(from: queryPointer + queries[member.slot] * d, count: d)
            }
            let queryNorms = scratch.norms
            if metric == .squaredL2 {
                Kernels.squaredNorms(rows: scratch.queries, count: members.count, dimension: d, out: queryNorms)
            }
            Kernels.batchDistances(
                metric, queries: scratch.queries, queryNorms: queryNorms, queryCount: members.count,
                rows: partition.vectors, rowNorms: normsOf[item].map { UnsafePointer($0) }, rowCount: rows,
                dimension: d, out: distances + offset, outStride: rows)
        }
        return offsets
    }
}
