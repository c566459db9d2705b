import Shoal
import ShoalStore
import Synchronization

/// Search latency (single queries on one thread) with and without a concurrent durable writer.
/// Idle and busy phases alternate (`rounds` of each), so that a machine whose load drifts
/// treats both alike; the writer pauses (between batches) during idle phases.
struct LatencyBench {
    var base = 100_000
    var dimension = 128
    var queries = 3000
    var batch = 1000
    var applyChunk = 256
    var nprobe = 8
    /// Batches per second the writer inserts; 0: as fast as it can.
    var rate = 0
    var rounds = 10
    /// Threads of the index (its adds); `nil`: every core.
    var indexThreads: Int?
    /// `OpenOptions.lowPriorityApply`.
    var lowPriorityApply = true

    func run() async throws {
        var random = Synthetic(seed: 8)
        let baseVectors = random.clustered(base, dimension: dimension)
        let queryVectors = random.clustered(200, dimension: dimension)
        let inserts = (0..<20).map { _ in random.clustered(batch, dimension: dimension) }
        let path = Timing.temporaryPath("latency")
        defer { Timing.removeTree(path) }
        let collection = try DurableCollection.create(
            at: path, index: try VectorIndex.build(vectors: baseVectors, configuration: IndexConfiguration(dimension: dimension, seed: 1)),
            options: OpenOptions(applyChunkSize: applyChunk, threads: indexThreads, lowPriorityApply: lowPriorityApply))
        defer { collection.close() }
        let options = SearchOptions(k: 10, nprobe: nprobe, threads: 1)
        _ = try measure(collection, queryVectors, options, count: 300)
        let active = Atomic<Bool>(false)
        let inFlight = Atomic<Bool>(false)
        let stop = Atomic<Bool>(false)
        let (batchSize, baseCount, batchRate) = (batch, base, rate)
        let writer = Task.detached {
            var b = 0
            while !stop.load(ordering: .relaxed) {
                guard active.load(ordering: .relaxed) else {
                    try await Task.sleep(nanoseconds: 200_000)
                    continue
                }
                inFlight.store(true, ordering: .relaxed)
                let start = Timing.now()
                let ids = (0..<batchSize).map { Int64(baseCount + b * batchSize + $0) }
                try await collection.insert(vectors: inserts[b % inserts.count], ids: ids)
                inFlight.store(false, ordering: .relaxed)
                b += 1
                if batchRate > 0 {
                    let wait = 1 / Double(batchRate) - (Timing.now() - start)
                    if wait > 0 { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
                }
            }
            return b
        }
        var idle: [Double] = []
        var busy: [Double] = []
        for _ in 0..<rounds {
            active.store(false, ordering: .relaxed)
            while inFlight.load(ordering: .relaxed) { try await Task.sleep(nanoseconds: 100_000) }
            idle += try measure(collection, queryVectors, options, count: queries / rounds)
            active.store(true, ordering: .relaxed)
            busy += try measure(collection, queryVectors, options, count: queries / rounds)
        }
        stop.store(true, ordering: .relaxed)
        let inserted = try await writer.value
        let idleP99 = Timing.quantile(idle, 0.99)
        let busyP99 = Timing.quantile(busy, 0.99)
        print(
            "latency: base \(base) × \(dimension), k 10, nprobe \(nprobe), \(queries) single queries per phase on 1 thread, "
                + "\(rounds) alternating rounds; applyChunkSize \(applyChunk), index threads \(indexThreads.map(String.init) ?? "all"), low-priority apply \(lowPriorityApply); writer \(rate == 0 ? "as fast as it can" : "\(rate) batches/s")")
        print("  idle:              p50 \(Timing.format(Timing.quantile(idle, 0.5) * 1000)) ms, p99 \(Timing.format(idleP99 * 1000)) ms, max \(Timing.format((idle.max() ?? 0) * 1000)) ms")
        print(
            "  during inserts:    p50 \(Timing.format(Timing.quantile(busy, 0.5) * 1000)) ms, p99 \(Timing.format(busyP99 * 1000)) ms, "
                + "max \(Timing.format((busy.max() ?? 0) * 1000)) ms (\(inserted) batches of \(batch) inserted)")
        print("  p99 ratio:         \(Timing.format(busyP99 / idleP99, 2))×")
        print("  longest index call while applying: "
            + "\(Timing.format(collection.writeStatistics.longestApplyCallSeconds * 1000, 2)) ms")
        print("  longest hold of the index's write lock (the most a search waited for a writer): "
            + "\(Timing.format(collection.writeStatistics.longestIndexWriteLockSeconds * 1000, 2)) ms")
    }

    private func measure(_ collection: DurableCollection, _ queries: [Float], _ options: SearchOptions, count: Int) throws -> [Double] {
        var latencies: [Double] = []
        latencies.reserveCapacity(count)
        for i in 0..<count {
            let row = Array(queries[(i % 200 * dimension)..<(i % 200 * dimension + dimension)])
            let start = Timing.now()
            _ = try collection.search(row, options: options)
            latencies.append(Timing.now() - start)
        }
        return latencies
    }
}
