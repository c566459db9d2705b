import ShoalKernels

/// The single nearest row (k = 1) of a level for each query of a batch, among the partitions each
/// query probes: a running minimum over each block of distances, with no per-query heaps.
///
/// Queries are grouped by partition with a counting sort over partition ids (no hashing per
/// probe). Each partition is read for its queries in chunks of at most ``queryChunk`` queries,
/// gathered contiguously unless they are nearly consecutive already; chunks are spread over
/// threads. Each worker keeps its own best (distance, id) per query, merged at the
/// end.
///
/// Ties: the smallest (distance, id) pair wins, so the result depends neither on the order in which
/// chunks are scanned nor on the number of threads. Distances are those of the batched kernel
/// (``Kernels``: squared L2 or negated dot product).
///
/// Must run under the index's read lock (it reads the partitions).
enum NearestScan {
    /// Most queries per kernel call: 256 rows of d = 128 are 128 KB, which stay in L2 while each
    /// panel of partition rows is run over them. (1,024, which packs a large partition's rows a
    /// quarter as often, measured slower on the synthetic workload trace.)
    static let queryChunk = 256

    /// The nearest row and its distance, per query; id −1 and distance +∞ where no probed
    /// partition holds a row.
    struct Nearest {
        var ids: [Int64]
        var distances: [Float]
    }

    /// - Parameters:
    ///   - queries: row-major, `queryCount * dimension` floats.
    ///   - probes: `queryCount * probesPerQuery` partition ids of `level`, −1 for none; a query
    ///     should list a partition at most once (a repeat is scanned again, harmlessly).
    /// - Complexity: O(Σ over queries of probed sizes × d), plus O(queryCount × probesPerQuery +
    ///   partition ids) for the grouping.
    static func run(
        level: PartitionStore, queries: UnsafePointer<Float>, queryCount: Int, probes: [Int], probesPerQuery: Int,
        metric: KernelMetric, threads: Int
    ) -> Nearest {
        let d = level.dimension
        let groups = group(level: level, queryCount: queryCount, probes: probes, probesPerQuery: probesPerQuery)
        let work = chunks(of: groups)
        let workers = max(1, min(threads, work.items.count))
        let bests = (0..<workers).map { _ in RunningBest(count: queryCount) }
        let scratches = (0..<workers).map { _ in ScanScratch() }
        let queryNorms = QueryNorms.squared(queries, count: queryCount, dimension: d, metric: metric)
        // Workers only read the partitions, queries, norms and grouping, and write only their own
        // best arrays and scratch.
        let shared = SendableBox((work, bests, scratches, queries, queryNorms))
        Parallel.forEach(count: work.items.count, threads: workers) { worker, item in
            let (work, bests, scratches, queries, queryNorms) = shared.value
            let chunk = work.items[item]
            queryNorms.withUnsafeBufferPointer { norms in
                scan(
                    work.partitions[chunk.group], queries: work.members[chunk.range], allQueries: queries, queryNorms: norms.baseAddress!,
                    metric: metric, best: bests[worker], scratch: scratches[worker])
            }
        }
        for other in bests.dropFirst() { bests[0].merge(other) }
        return Nearest(ids: bests[0].allIDs, distances: bests[0].allDistances)
    }

    /// Queries grouped by the partition they probe: `members[offsets[g] ..< offsets[g + 1]]` are
    /// the queries (ascending) that probe `partitions[g]`. Empty and unknown partitions are left out.
    struct Groups {
        var partitions: [Partition] = []
        var offsets: [Int] = [0]
        var members: [Int32] = []
    }

    /// A counting sort of the (query, partition) probes by partition, indexed by partition id.
    /// - Complexity: O(queryCount × probesPerQuery + `level.nextPartitionID`).
    static func group(level: PartitionStore, queryCount: Int, probes: [Int], probesPerQuery: Int) -> Groups {
        let bound = level.nextPartitionID
        // Per partition id: its group, −1 before it is seen, −2 when it is empty or unknown.
        var slot = [Int32](repeating: -1, count: bound)
        var groups = Groups()
        var counts: [Int] = []
        for pid in probes where pid >= 0 && pid < bound {
            if slot[pid] == -1 {
                if let partition = level.partitions[pid], partition.count > 0 {
                    slot[pid] = Int32(groups.partitions.count)
                    groups.partitions.append(partition)
                    counts.append(0)
                } else {
                    slot[pid] = -2
                }
            }
            if slot[pid] >= 0 { counts[Int(slot[pid])] += 1 }
        }
        groups.offsets = [Int](repeating: 0, count: counts.count + 1)
        for g in counts.indices { groups.offsets[g + 1] = groups.offsets[g] + counts[g] }
        var cursor = groups.offsets
        groups.members = [Int32](repeating: 0, count: groups.offsets[counts.count])
        for q in 0..<queryCount {
            for j in 0..<probesPerQuery {
                let pid = probes[q * probesPerQuery + j]
                guard pid >= 0, pid < bound, slot[pid] >= 0 else { continue }
                let g = Int(slot[pid])
                groups.members[cursor[g]] = Int32(q)
                cursor[g] += 1
            }
        }
        return groups
    }

    /// The units of parallel work: a group's queries cut into chunks of at most ``queryChunk``,
    /// the largest (rows × queries) first so the workers finish together.
    struct Chunks {
        var partitions: [Partition]
        var members: [Int32]
        var items: [(group: Int, range: Range<Int>)]
    }

    static func chunks(of groups: Groups) -> Chunks {
        var items: [(group: Int, range: Range<Int>)] = []
        for g in groups.partitions.indices {
            var start = groups.offsets[g]
            while start < groups.offsets[g + 1] {
                let end = min(start + queryChunk, groups.offsets[g + 1])
                items.append((g, start..<end))
                start = end
            }
        }
        let rows = groups.partitions.map(\.count)
        items.sort { rows[$0.group] * $0.range.count > rows[$1.group] * $1.range.count }
        return Chunks(partitions: groups.partitions, members: groups.members, items: items)
    }

    /// A chunk whose queries span at most this many times their count of consecutive queries is
    /// scanned in place, for the whole span, rather than gathered: computing the few distances
    /// nobody asked for costs less than copying every query.
    static let densityForInPlace = 1.25

    /// Scans one partition for a chunk of queries (ascending) and lowers their running best.
    private static func scan(
        _ partition: Partition, queries queryList: ArraySlice<Int32>,
        allQueries: UnsafePointer<Float>,
        queryNorms: UnsafePointer<Float>, metric: KernelMetric, best: RunningBest, scratch: ScanScratch
    ) {
        guard let firstQuery = queryList.first, let lastQuery = queryList.last else { return }
        let d = partition.dimension
        let rows = partition.count
        let first = Int(firstQuery)
        let span = Int(lastQuery) - first + 1
        let inPlace = Double(span) <= densityForInPlace * Double(queryList.count)
        // Kernel rows: the span of queries in place, or the gathered queries.
        let n = inPlace ? span : queryList.count
        scratch.reserveDistances(n * rows)
        if !inPlace {
            scratch.reserveQueries(n * d)
            scratch.reserveNorms(n)
        }
        // Local copies of the buffers, so the loops below read no class properties.
        let distances = scratch.distances
        let vectors = partition.vectors
        let ids = partition.ids
        queryList.withUnsafeBufferPointer { list in
            let kernelQueries: UnsafePointer<Float>
            let kernelNorms: UnsafePointer<Float>
            if inPlace {
                kernelQueries = allQueries + first * d
                kernelNorms = queryNorms + first
            } else {
                let gathered = scratch.queries
                let chunkNorms = scratch.norms
                for i in 0..<n {
                    let q = Int(list[i])
                    (gathered + i * d).update(from: allQueries + q * d, count: d)
                    chunkNorms[i] = queryNorms[q]
                }
                kernelQueries = UnsafePointer(gathered)
                kernelNorms = UnsafePointer(chunkNorms)
            }
            Kernels.batchDistances(
                metric, queries: kernelQueries, queryNorms: kernelNorms, queryCount: n, rows: vectors,
                rowNorms: partition.norms, rowCount: rows, dimension: d, out: distances, outStride: rows)
            for i in 0..<list.count {
                let q = Int(list[i])
                let line = inPlace ? q - first : i
                best.lower(query: q, candidates: distances + line * rows, ids: ids, count: rows)
            }
        }
    }
}
