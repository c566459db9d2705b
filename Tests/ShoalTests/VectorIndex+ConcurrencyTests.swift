@testable import Shoal
import ShoalTestSupport
import Testing

/// `add` finds partitions under the shared lock and appends under the exclusive one: searches,
/// adds and maintenance running together must still give correct results, keep every invariant,
/// and place vectors exactly where adds made one after another would.
@Suite struct VectorIndexConcurrencyTests {
    private static let d = 8

    private func makeIndex(seed: UInt64) throws -> (VectorIndex, [Float]) {
        var random = SeededRandom(seed: seed)
        let vectors = random.clusteredRows(1500, dimension: Self.d, clusters: 12)
        var configuration = IndexConfiguration(dimension: Self.d, partitionCount: 24, threads: 2)
        configuration.maintenance.minimumGainNanoseconds = 0
        configuration.maintenance.splitShare = 0.5
        configuration.maintenance.minimumSplitSize = 8
        // No merges (but of empty partitions), so the split hysteresis lets the small test partitions split.
        configuration.maintenance.mergeBelowShareOfMean = 0
        let index = try VectorIndex.build(vectors: vectors, configuration: configuration)
        index.setScanCostModel(MaintenanceTests.affine)
        return (index, vectors)
    }

    /// Searches for stored base vectors (never removed): each must come back first, at distance 0,
    /// with the hits best first and no id twice.
    private static func searchBaseVectors(_ index: VectorIndex, _ base: [Float], rounds: Int, offset: Int) throws {
        let d = Self.d
        for r in 0..<rounds {
            let i = (r * 37 + offset) % (base.count / d)
            let query = Array(base[(i * d)..<((i + 1) * d)])
            let hits = try index.search(query, options: SearchOptions(k: 5, nprobe: 1000, threads: 1))
            #expect(hits.count == 5)
            #expect(hits.first == Neighbor(id: Int64(i), score: 0), "query \(i): \(hits)")
            #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.score <= $1.score })
            #expect(Set(hits.map(\.id)).count == hits.count)
        }
    }

    @Test func concurrentAddsPlaceVectorsAsSequentialAddsDo() async throws {
        let (index, base) = try makeIndex(seed: 21)
        let (reference, _) = try makeIndex(seed: 21)
        var random = SeededRandom(seed: 22)
        let batches = (0..<30).map { _ in random.clusteredRows(40, dimension: Self.d, clusters: 12) }
        let ids = (0..<30).map { b in (0..<Int64(40)).map { 10_000 + Int64(b) * 40 + $0 } }
        for b in batches.indices { try reference.add(vectors: batches[b], ids: ids[b]) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for b in batches.indices { try index.add(vectors: batches[b], ids: ids[b]) }
            }
            for s in 0..<2 {
                group.addTask { try Self.searchBaseVectors(index, base, rounds: 150, offset: s) }
            }
            try await group.waitForAll()
        }
        index.checkInvariants()
        #expect(index.count == reference.count)
        for id in ids.joined() {
            #expect(index.levels[0].locations[id]?.partition == reference.levels[0].locations[id]?.partition, "id \(id)")
        }
    }

    @Test func racingAddsOfTheSameIDsStoreThemOnce() async throws {
        let (index, _) = try makeIndex(seed: 23)
        var random = SeededRandom(seed: 24)
        let vectors = random.clusteredRows(50, dimension: Self.d, clusters: 12)
        let ids = (0..<Int64(50)).map { 5000 + $0 }
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    do {
                        try index.add(vectors: vectors, ids: ids)
                        return true
                    } catch let error as ShoalError {
                        #expect(error.code == .duplicateID)
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        #expect(index.count == 1550)
        index.checkInvariants()
    }

    @Test func addsSearchesAndMaintenanceRunTogether() async throws {
        let (index, base) = try makeIndex(seed: 25)
        var random = SeededRandom(seed: 26)
        let batches = (0..<20).map { _ in random.clusteredRows(30, dimension: Self.d, clusters: 12) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for b in batches.indices {
                    try index.add(vectors: batches[b], ids: (0..<Int64(30)).map { 20_000 + Int64(b) * 30 + $0 })
                }
            }
            group.addTask { try Self.searchBaseVectors(index, base, rounds: 200, offset: 3) }
            group.addTask {
                for _ in 0..<6 { index.maintain() }
            }
            try await group.waitForAll()
        }
        index.checkInvariants()
        #expect(index.count == 1500 + 20 * 30)
        let statistics = index.maintenanceStatistics
        #expect(statistics.passes == 6)
        #expect(statistics.splits + statistics.merges > 0, "maintenance changed the partitions while adds ran")
        // Every added vector is stored unchanged and found at distance 0.
        for b in [0, 7, 19] {
            let ids = (0..<Int64(30)).map { 20_000 + Int64(b) * 30 + $0 }
            #expect(try index.vectors(for: ids) == batches[b])
            let hits = try index.search(row(batches[b], 5, dimension: Self.d), options: SearchOptions(k: 1, nprobe: 1000))
            #expect(hits.first?.score == 0)
        }
    }
}
