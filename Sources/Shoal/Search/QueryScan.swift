import ShoalKernels

/// Scans a list of partitions for one query, nearest-centroid first, keeping the best `k`.
///
/// With more than one thread and enough rows to pay for the fork (about 2¹⁹ floats), the
/// partitions are dealt to workers (largest first, each to the least-loaded worker), each with its
/// own heap, and the heaps are merged.
enum QueryScan {
    static let minimumFloatsPerThread = 1 << 19

    /// - Complexity: O(Σ probed sizes × d), plus O(log k) per kept candidate.
    static func run(
        level: PartitionStore, query: UnsafePointer<Float>, probes: ArraySlice<Int>, k: Int, metric: KernelMetric,
        threads: Int
    ) -> TopKBuffers {
        let d = level.dimension
        let partitions = probes.compactMap { level.partitions[$0] }
        let totalRows = partitions.reduce(0) { $0 + $1.count }
        let workers = max(1, min(threads, partitions.count, totalRows * d / minimumFloatsPerThread))
        if workers == 1 {
            let heap = TopKBuffers(queryCount: 1, k: k)
            scan(partitions[...], query: query, metric: metric, into: heap, scratch: ScanScratch())
            return heap
        }
        var shares = [[Partition]](repeating: [], count: workers)
        var loads = [Int](repeating: 0, count: workers)
        for partition in partitions.sorted(by: { $0.count > $1.count }) {
            let lightest = loads.indices.min { loads[$0] < loads[$1] } ?? 0
            shares[lightest].append(partition)
            loads[lightest] += partition.count
        }
        let heaps = (0..<workers).map { _ in TopKBuffers(queryCount: 1, k: k) }
        // Each worker reads its own share of partitions (no writer holds the index lock during a
        // search) and writes only its own heap.
        let shared = SendableBox((shares, heaps, query))
        Parallel.forEach(count: workers, threads: workers) { _, item in
            let (shares, heaps, query) = shared.value
            scan(shares[item][...], query: query, metric: metric, into: heaps[item], scratch: ScanScratch())
        }
        for w in 1..<workers { heaps[0].merge(query: 0, from: heaps[w], query: 0) }
        return heaps[0]
    }

    /// Scans partitions one after another into `heap`.
    static func scan(
        _ partitions: ArraySlice<Partition>, query: UnsafePointer<Float>, metric: KernelMetric, into heap: TopKBuffers,
        scratch: ScanScratch
    ) {
        for partition in partitions { scan(partition, query: query, metric: metric, into: heap, scratch: scratch) }
    }

    /// Scans one partition into `heap`.
    static func scan(
        _ partition: Partition, query: UnsafePointer<Float>, metric: KernelMetric, into heap: TopKBuffers,
        scratch: ScanScratch
    ) {
        guard partition.count > 0 else { return }
        scratch.reserveDistances(partition.count)
        Kernels.distances(
            metric, query: query, rows: partition.vectors, count: partition.count, dimension: partition.dimension,
            out: scratch.distances)
        heap.push(query: 0, candidates: scratch.distances, ids: partition.ids, count: partition.count)
    }
}
