@testable import Shoal
import ShoalTestSupport
import Testing

@Suite struct MaintenanceTests {
    /// λ(n) = 100 + 10 n nanoseconds: a fixed cost per scan plus a per-vector cost.
    static let affine = GridScanCost(sizes: [1, 100_000], nanoseconds: [[110, 1_000_100]])

    private func makeIndex(n: Int = 3000, d: Int = 16, partitions: Int = 20, seed: UInt64 = 3) throws -> (VectorIndex, [Float]) {
        var random = SeededRandom(seed: seed)
        let vectors = random.clusteredRows(n, dimension: d, clusters: 10)
        var configuration = IndexConfiguration(dimension: d, partitionCount: partitions, threads: 2)
        configuration.maintenance.minimumGainNanoseconds = 0
        configuration.maintenance.splitShare = 0.5
        let index = try VectorIndex.build(vectors: vectors, configuration: configuration)
        index.setScanCostModel(MaintenanceTests.affine)
        return (index, vectors)
    }

    @Test func withNoQueriesMaintenanceChangesNothing() throws {
        let (index, _) = try makeIndex()
        let before = try storedPairs(index)
        let report = index.maintain()
        #expect(report.splits == 0 && report.merges == 0)
        #expect(index.partitionCount == 20)
        #expect(try storedPairs(index) == before)
    }

    @Test func aPartitionEveryQueryScansIsSplitAndNothingIsLost() throws {
        let (index, vectors) = try makeIndex()
        let before = try storedPairs(index)
        let d = index.dimension
        let query = Array(vectors[0..<d])
        for _ in 0..<50 { _ = try index.search(query, options: SearchOptions(k: 10, nprobe: 1)) }
        let hot = try #require(index.partitionSizes.first)
        let report = index.maintain()
        #expect(report.splits >= 1)
        #expect(index.partitionCount == 20 + report.splits - report.merges)
        #expect(index.partitionSizes.first ?? 0 <= hot)
        index.checkInvariants()
        #expect(try storedPairs(index) == before)
    }

    /// A shrunken partition whose centroid still attracts queries is weighed like any other; what
    /// must hold whatever the pass decides is that the stored pairs and the counts stay exact.
    @Test func maintainingAroundAShrunkenPartitionKeepsEverythingExact() throws {
        let (index, vectors) = try makeIndex()
        let d = index.dimension
        // Shrink the partition holding vector 0 to three vectors.
        let members = try index.search(Array(vectors[0..<d]), options: SearchOptions(k: 3000, nprobe: 1))
            .map(\.id).filter { $0 >= 0 }
        try index.remove(ids: Array(members.dropFirst(3)))
        let kept = Set(members.prefix(3))
        let before = try storedPairs(index)
        // Queries taken from stored vectors elsewhere, one partition each: the shrunken one is cold.
        let others = index.allIDs().filter { !kept.contains($0) }
        for id in others.prefix(200) {
            _ = try index.search(try index.vectors(for: [id]), options: SearchOptions(k: 10, nprobe: 1))
        }
        let partitions = index.partitionCount
        let report = index.maintain()
        #expect(report.splits + report.merges > 0)
        #expect(index.partitionCount == partitions + report.splits - report.merges)
        index.checkInvariants()
        #expect(try storedPairs(index) == before)
    }

    @Test func emptyPartitionsAreRemovedEvenWithoutQueries() throws {
        let (index, _) = try makeIndex(n: 400, partitions: 8)
        // Empty one partition by removing its vectors.
        let ids = index.allIDs()
        let firstVector = try index.vectors(for: [ids[0]])
        let hits = try index.search(firstVector, options: SearchOptions(k: 400, nprobe: 1))
        let members = hits.map(\.id).filter { $0 >= 0 }
        try index.remove(ids: members)
        let before = try storedPairs(index)
        let report = index.maintain()
        #expect(report.merges >= 1)
        #expect(index.partitionSizes.allSatisfy { $0 > 0 })
        index.checkInvariants()
        #expect(try storedPairs(index) == before)
    }

    /// Refinement with one round (neighbours' rows move only towards a child) and with several
    /// (every row of the set reassigned), over a small and the default radius.
    @Test(arguments: [(1, 25), (3, 4)])
    func randomOperationsWithMaintenanceKeepTheStoredSetExact(refinement: (iterations: Int, radius: Int)) throws {
        var random = SeededRandom(seed: 99)
        let d = 8
        let initial = random.clusteredRows(600, dimension: d, clusters: 6)
        var configuration = IndexConfiguration(dimension: d, partitionCount: 12, threads: 2)
        configuration.maintenance.minimumGainNanoseconds = 0
        configuration.maintenance.minimumSplitSize = 8
        configuration.maintenance.refinementIterations = refinement.iterations
        configuration.maintenance.refinementRadius = refinement.radius
        configuration.accessWindow = 50
        let index = try VectorIndex.build(vectors: initial, configuration: configuration)
        index.setScanCostModel(MaintenanceTests.affine)
        var expected = [Int64: [Float]]()
        for i in 0..<600 { expected[Int64(i)] = Array(initial[(i * d)..<((i + 1) * d)]) }
        var nextID: Int64 = 600
        for step in 0..<120 {
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<3:
                let rows = random.clusteredRows(20, dimension: d, clusters: 2)
                let ids = (0..<20).map { nextID + Int64($0) }
                nextID += 20
                try index.add(vectors: rows, ids: ids)
                for (j, id) in ids.enumerated() { expected[id] = Array(rows[(j * d)..<((j + 1) * d)]) }
            case 3..<5:
                let victims = Array(expected.keys.shuffled(using: &random).prefix(15))
                try index.remove(ids: victims)
                for id in victims { expected.removeValue(forKey: id) }
            case 5..<9:
                let query = random.gaussianRows(3, dimension: d).map { $0 * 10 }
                _ = try index.search(batch: query, options: SearchOptions(k: 5, nprobe: 2))
            default:
                index.maintain()
            }
            if step % 10 == 0 { index.maintain() }
            index.checkInvariants()
            #expect(try storedPairs(index) == expected)
        }
    }
}
