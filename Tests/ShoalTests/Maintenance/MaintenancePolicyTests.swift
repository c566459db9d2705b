@testable import Shoal
import ShoalTestSupport
import Testing

/// The policy of a maintenance pass: when a hot partition is split, how many actions a pass may
/// commit, and that a fixed workload settles instead of oscillating.
@Suite struct MaintenancePolicyTests {
    private func makeIndex(
        n: Int, d: Int = 16, partitions: Int, seed: UInt64, configure: (inout MaintenanceConfiguration) -> Void = { _ in }
    ) throws -> (VectorIndex, [Float]) {
        var random = SeededRandom(seed: seed)
        let vectors = random.gaussianRows(n, dimension: d)
        var configuration = IndexConfiguration(dimension: d, partitionCount: partitions, threads: 2)
        configuration.accessWindow = 100
        configure(&configuration.maintenance)
        let index = try VectorIndex.build(vectors: vectors, configuration: configuration)
        index.setScanCostModel(MaintenanceTests.affine)
        return (index, vectors)
    }

    /// With the default α = 0.9 and τ = 100 ns and λ(n) = 100 + 10 n, a partition every query scans
    /// pays for a split once it holds more than about 190 vectors: not at ~100, but after growing.
    @Test func aHotPartitionIsSplitOnceItHasGrown() throws {
        let (index, vectors) = try makeIndex(n: 2000, partitions: 20, seed: 21)
        let d = index.dimension
        let hot = Array(vectors[0..<d])
        let options = SearchOptions(k: 10, nprobe: 1)
        for _ in 0..<100 { _ = try index.search(hot, options: options) }
        let hotSize = try index.search(hot, options: SearchOptions(k: 2000, nprobe: 1)).filter { $0.id >= 0 }.count
        #expect(hotSize < 170)
        let before = index.maintain()
        #expect(before.splits == 0)
        // The hot region grows: 400 vectors close to the hot query land in its partition.
        var random = SeededRandom(seed: 5)
        let noise = random.gaussianRows(400, dimension: d)
        let grown = (0..<(400 * d)).map { hot[$0 % d] + 0.01 * noise[$0] }
        try index.add(vectors: grown, ids: (0..<400).map { Int64(10_000 + $0) })
        for _ in 0..<100 { _ = try index.search(hot, options: options) }
        let after = index.maintain()
        #expect(after.splits >= 1)
        let newHotSize = try index.search(hot, options: SearchOptions(k: 3000, nprobe: 1)).filter { $0.id >= 0 }.count
        #expect(newHotSize < hotSize + 400)
        index.checkInvariants()
        #expect(index.count == 2400)
    }

    @Test func aPassCommitsAtMostItsActionBudget() throws {
        let (index, vectors) = try makeIndex(n: 3000, partitions: 20, seed: 8) { maintenance in
            maintenance.minimumGainNanoseconds = 0
            maintenance.splitShare = 0.5
            maintenance.maximumActionsPerPass = 3
        }
        let d = index.dimension
        // Every partition is scanned by every query: each one is worth splitting.
        let queries = Array(vectors[0..<(20 * d)])
        for _ in 0..<5 { _ = try index.search(batch: queries, options: SearchOptions(k: 10, nprobe: 20)) }
        var total = 0
        for _ in 0..<3 {
            let report = index.maintain()
            #expect(report.splits + report.merges <= 3)
            total += report.splits + report.merges
        }
        #expect(total >= 3)
        index.checkInvariants()
        #expect(index.count == 3000)
    }

    /// The same queries over and over: after a few passes the structure stops changing.
    @Test func aFixedWorkloadSettles() throws {
        let (index, vectors) = try makeIndex(n: 3000, partitions: 20, seed: 13) { maintenance in
            maintenance.minimumGainNanoseconds = 0
        }
        let d = index.dimension
        let queries = Array(vectors[0..<(50 * d)])
        var actions: [Int] = []
        for _ in 0..<30 {
            _ = try index.search(batch: queries, options: SearchOptions(k: 10, nprobe: 3))
            _ = try index.search(batch: queries, options: SearchOptions(k: 10, nprobe: 3))
            let report = index.maintain()
            actions.append(report.splits + report.merges)
        }
        #expect(actions.prefix(20).reduce(0, +) > 0)
        #expect(actions.suffix(10).reduce(0, +) == 0, "actions per pass: \(actions)")
        index.checkInvariants()
        #expect(index.count == 3000)
    }
}
