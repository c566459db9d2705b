import ShoalKernels

/// Recall-target search (APS) for a batch of queries, in rounds that use the batched distance
/// kernel.
///
/// Scanning query by query reads each partition once per query with the one-query kernel. Here
/// every query first gets its centroid distances from one batched kernel call; then, each round,
/// every unfinished query names the next few partitions its scan would read
/// (``AdaptiveCursor/forEachUpcoming(_:_:)``), the (query, partition) pairs are grouped by partition, and
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
    /// Partitions every query scans before its threshold is consulted (``AdaptiveCursor/floor``).
    let floor: Int
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
                scan: scan, query: queries + q * d, k: k, threshold: thresholds[q], floor: floor,
                maxPartitions: maxPartitions, geometry: geometries?[q])
        }
        var wanted = [Int](repeating: max(1, firstRound), count: count)
        var active = Array(0..<count)
        let round = RoundBuffer()
        let base = scan.levels[0]
        // The queries' squared norms (for the batched L2 form), once for every round.
        let queryNorms = QueryNorms.squared(queries, count: count, dimension: d, metric: scan.metric.kernelMetric)
        while !active.isEmpty {
            // Plan the round: the next partitions of every unfinished query, as flat pairs, query
            // by query (`starts[i]` is where query `active[i]`'s pairs begin).
            round.clear()
            var stillActive: [Int] = []
            var starts: [Int] = []
            for q in active {
                guard cursors[q].next() != nil else { continue }
                stillActive.append(q)
                starts.append(round.count)
                let partitions = cursors[q].geometry.partitions
                cursors[q].forEachUpcoming(wanted[q]) { row in
                    round.add(query: q, position: row, partition: partitions[row])
                    return true
                }
            }
            starts.append(round.count)
            active = stillActive
            guard !active.isEmpty else { break }
            queryNorms.withUnsafeBufferPointer { norms in
                round.compute(
                    queries: queries, queryNorms: norms.baseAddress!, level: base, metric: scan.metric.kernelMetric,
                    threads: threads)
            }
            // Consume: each query reads its distances in order, through its cursor, and stops at
            // the first pair its cursor no longer wants. Queries are independent: spread over threads.
            cursors.withUnsafeMutableBufferPointer { cursorBuffer in
                wanted.withUnsafeMutableBufferPointer { wantedBuffer in
                    let shared = SendableBox((cursorBuffer, wantedBuffer, active, starts, round, base))
                    Parallel.forEach(count: active.count, threads: threads) { _, slot in
                        let (cursors, wanted, active, starts, round, base) = shared.value
                        let q = active[slot]
                        for pair in starts[slot]..<starts[slot + 1] {
                            guard let next = cursors[q].next(), next.position == round.position[pair],
                                let partition = base.partitions[round.partition[pair]]
                            else { break }
                            cursors[q].heap.push(
                                query: 0, candidates: round.distances + round.offset[pair], ids: partition.ids,
                                count: partition.count)
                            cursors[q].advance(position: round.position[pair])
                        }
                        let predicted = Double(cursors[q].predictedRemaining()) * AdaptiveBatch.roundShare
                        wanted[q] = max(1, Int(predicted.rounded(.up)))
                    }
                }
            }
        }
        return cursors
    }

    /// Every query's candidate geometry from batched kernel calls (``CentroidBlock``); nil when the
    /// candidates come from a search of the level above instead (more base partitions than the
    /// initial candidates).
    private func batchGeometry(queries: UnsafePointer<Float>, count: Int) -> [CandidateGeometry]? {
        scan.centroids?.geometries(queries: queries, queryCount: count, separations: scan.separations)
    }
}

/// The distances of one round: for every planned (query, partition) pair, the query's distances
/// to all the partition's rows, grouped by partition so each partition is read once.
private final class RoundBuffer: @unchecked Sendable {
    /// The planned pairs, query by query: query, position in its cursor, partition, and the
    /// offset of its distances in ``distances``.
    private(set) var query: [Int] = []
    private(set) var position: [Int] = []
    private(set) var partition: [Int] = []
    private(set) var offset: [Int] = []
    private(set) var distances = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private var capacity = 1
    /// One per worker, kept across rounds.
    private var scratches: [ScanScratch] = []

    var count: Int { query.count }

    deinit {
        distances.deallocate()
    }

    func clear() {
        query.removeAll(keepingCapacity: true)
        position.removeAll(keepingCapacity: true)
        partition.removeAll(keepingCapacity: true)
    }

    func add(query q: Int, position p: Int, partition pid: Int) {
        query.append(q)
        position.append(p)
        partition.append(pid)
    }

    /// Computes every planned pair. Groups (one per partition) are spread over `threads`; each
    /// writes only its own region. `queryNorms` are the queries' squared norms (read for l2 only).
    func compute(
        queries: UnsafePointer<Float>, queryNorms: UnsafePointer<Float>, level: PartitionStore, metric: KernelMetric,
        threads: Int
    ) {
        // Group the pairs by partition: sort (partition id, pair index) keys.
        let order = groupedPairs()
        offset = [Int](repeating: 0, count: count)
        var work: [Group] = []
        var total = 0
        var start = 0
        while start < order.count {
            let pid = partition[order[start]]
            var end = start
            while end < order.count && partition[order[end]] == pid { end += 1 }
            if let stored = level.partitions[pid] {
                let members = order[start..<end].map { query[$0] }
                for (i, pair) in order[start..<end].enumerated() { offset[pair] = total + i * stored.count }
                work.append(Group(partition: stored, queries: members, offset: total))
                total += members.count * stored.count
            }
            start = end
        }
        if total > capacity {
            distances.deallocate()
            capacity = max(total, capacity * 2)
            distances = .allocate(capacity: capacity)
        }
        let workers = max(1, min(threads, work.count))
        while scratches.count < workers { scratches.append(ScanScratch()) }
        let shared = SendableBox((work, scratches, queries, queryNorms, distances))
        Parallel.forEach(count: work.count, threads: workers) { worker, item in
            let (work, scratches, queries, queryNorms, distances) = shared.value
            work[item].compute(
                queries: queries, queryNorms: queryNorms, metric: metric, scratch: scratches[worker], out: distances)
        }
    }

    /// Pair indices ordered by partition id, then pair index.
    /// - Complexity: O(pairs log pairs).
    private func groupedPairs() -> [Int] {
        guard partition.allSatisfy({ $0 >= 0 && $0 <= Int(UInt32.max) }) else {
            return (0..<count).sorted { partition[$0] != partition[$1] ? partition[$0] < partition[$1] : $0 < $1 }
        }
        var keys = (0..<count).map { UInt64(partition[$0]) << 32 | UInt64($0) }
        keys.withUnsafeMutableBufferPointer { KeySort.sortAscending($0) }
        return keys.map { Int(truncatingIfNeeded: $0 & 0xFFFF_FFFF) }
    }

    /// One partition and the queries that read it this round.
    private struct Group {
        let partition: Partition
        let queries: [Int]
        let offset: Int

        func compute(
            queries all: UnsafePointer<Float>, queryNorms: UnsafePointer<Float>, metric: KernelMetric,
            scratch: ScanScratch, out: UnsafeMutablePointer<Float>
        ) {
            let d = partition.dimension
            let rows = partition.count
            guard rows > 0 else { return }
            if queries.count == 1 {
                Kernels.distances(
                    metric, query: all + queries[0] * d, rows: partition.vectors, count: rows, dimension: d,
                    out: out + offset)
                return
            }
            scratch.reserveQueries(queries.count * d)
            scratch.reserveNorms(queries.count)
            for (i, q) in queries.enumerated() {
                (scratch.queries + i * d).update(from: all + q * d, count: d)
                scratch.norms[i] = queryNorms[q]
            }
            Kernels.batchDistances(
                metric, queries: scratch.queries, queryNorms: scratch.norms, queryCount: queries.count,
                rows: partition.vectors, rowNorms: partition.norms, rowCount: rows, dimension: d, out: out + offset,
                outStride: rows)
        }
    }
}
