import Shoal
import ShoalStore

/// Insert throughput with batches of `batch` vectors: the in-memory index (`VectorIndex.add`),
/// a durable collection with one writer waiting for each batch, and one with several writers
/// (whose batches share group commits). The three run in alternating rounds of `batches / rounds`
/// batches each, so that a machine whose load drifts treats them alike.
struct ThroughputBench {
    var base = 100_000
    var dimension = 128
    var batches = 100
    var batch = 1000
    var writers = 4
    var applyChunk = 256
    var rounds = 5
    /// `OpenOptions.lowPriorityApply`.
    var lowPriorityApply = true

    func run() async throws {
        var random = Synthetic(seed: 7)
        let baseVectors = random.clustered(base, dimension: dimension)
        let inserts = (0..<batches).map { _ in random.clustered(batch, dimension: dimension) }
        let configuration = IndexConfiguration(dimension: dimension, seed: 1)
        print(
            "throughput: base \(base) × \(dimension) (built, \(IndexConfiguration.defaultPartitionCount(for: base)) partitions), "
                + "then \(batches) batches of \(batch) in \(rounds) alternating rounds; applyChunkSize \(applyChunk), low-priority apply \(lowPriorityApply)")
        let ids: @Sendable (Int) -> [Int64] = { [base, batch] b in (0..<batch).map { Int64(base + b * batch + $0) } }
        let path = Timing.temporaryPath("throughput")
        defer {
            Timing.removeTree(path + "-1")
            Timing.removeTree(path + "-2")
        }
        let options = OpenOptions(applyChunkSize: applyChunk, lowPriorityApply: lowPriorityApply)
        let memory = try VectorIndex.build(vectors: baseVectors, configuration: configuration)
        let sequential = try DurableCollection.create(
            at: path + "-1", index: try VectorIndex.build(vectors: baseVectors, configuration: configuration), options: options)
        let concurrent = try DurableCollection.create(
            at: path + "-2", index: try VectorIndex.build(vectors: baseVectors, configuration: configuration), options: options)
        defer {
            sequential.close()
            concurrent.close()
        }
        var seconds = [0.0, 0.0, 0.0]
        let perRound = batches / rounds
        let writers = self.writers
        for round in 0..<rounds {
            let range = (round * perRound)..<((round + 1) * perRound)
            var start = Timing.now()
            for b in range { try memory.add(vectors: inserts[b], ids: ids(b)) }
            seconds[0] += Timing.now() - start
            start = Timing.now()
            for b in range { try await sequential.insert(vectors: inserts[b], ids: ids(b)) }
            seconds[1] += Timing.now() - start
            start = Timing.now()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<writers {
                    group.addTask {
                        for b in stride(from: range.lowerBound + w, to: range.upperBound, by: writers) {
                            try await concurrent.insert(vectors: inserts[b], ids: ids(b))
                        }
                    }
                }
                try await group.waitForAll()
            }
            seconds[2] += Timing.now() - start
        }
        let rates = seconds.map { Double(perRound * rounds * batch) / $0 }
        print("  in-memory VectorIndex.add:        \(Int(rates[0])) vectors/s")
        print("  durable, 1 writer (await each):   \(Int(rates[1])) vectors/s = \(Timing.format(rates[1] / rates[0], 2))× in-memory")
        print("  durable, \(writers) writers:               \(Int(rates[2])) vectors/s = \(Timing.format(rates[2] / rates[0], 2))× in-memory")
        let stats = concurrent.writeStatistics
        print(
            "  \(writers) writers: \(stats.records) records in \(stats.groupCommits) group commits "
                + "(\(Timing.format(Double(stats.records) / Double(max(1, stats.groupCommits)), 2)) per fdatasync); "
                + "longest index call while applying \(Timing.format(stats.longestApplyCallSeconds * 1000, 2)) ms")
    }
}
