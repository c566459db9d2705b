@testable import Shoal
import ShoalTestSupport
import Testing

/// `placementAudit()` counts exactly the stored vectors nearer (beyond rounding) to another base
/// centroid than to their own partition's, as an independent Double brute force does.
@Suite struct VectorIndexPlacementTests {
    private static let d = 6

    private func makeIndex(metric: DistanceMetric) throws -> VectorIndex {
        var random = SeededRandom(seed: 53)
        return try VectorIndex.build(
            vectors: random.clusteredRows(1200, dimension: Self.d, clusters: 6),
            configuration: IndexConfiguration(dimension: Self.d, metric: metric, partitionCount: 12, threads: 2))
    }

    /// The brute-force count, in Double, skipping rows within a relative 1e-4 of a tie (where float
    /// rounding may decide either way); also returns how many rows it skipped.
    private func bruteForce(_ index: VectorIndex, metric: DistanceMetric) -> (misplaced: Int, ties: Int) {
        index.lock.withReadLock {
            let base = index.levels[0]
            let centroids = base.partitionIDs.map { ($0, index.centroid(of: $0, inLevel: 1)!.map(Double.init)) }
            func distance(_ row: [Double], _ c: [Double]) -> Double {
                metric == .l2 ? zip(row, c).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } : -zip(row, c).reduce(0) { $0 + $1.0 * $1.1 }
            }
            var misplaced = 0
            var ties = 0
            for (pid, partition) in base.partitions {
                for slot in 0..<partition.count {
                    let row = (0..<Self.d).map { Double(partition.row(slot)[$0]) }
                    let own = distance(row, centroids.first { $0.0 == pid }!.1)
                    let best = centroids.map { distance(row, $0.1) }.min()!
                    if abs(own - best) <= 1e-4 * max(1, abs(own)) && own != best {
                        ties += 1
                    } else if own > best {
                        misplaced += 1
                    }
                }
            }
            return (misplaced, ties)
        }
    }

    /// Moves `count` rows of the first partition into the partition whose centroid is farthest
    /// from the first's (by hand, through internal access).
    private func misplace(_ count: Int, in index: VectorIndex) throws {
        try index.lock.withWriteLock {
            let base = index.levels[0]
            let first = try #require(base.partitionIDs.first)
            let source = try #require(base.partitions[first])
            let centre = try #require(index.centroid(of: first, inLevel: 1))
            let far = try #require(
                base.partitionIDs.max { a, b in
                    let ca = index.centroid(of: a, inLevel: 1)!
                    let cb = index.centroid(of: b, inLevel: 1)!
                    return zip(ca, centre).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                        < zip(cb, centre).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                })
            let ids = (0..<count).map { source.ids[$0] }
            let rows = ids.flatMap { id in Array(UnsafeBufferPointer(start: base.vector(for: id)!, count: Self.d)) }
            for id in ids { base.remove(id: id) }
            LevelBuilder.append(rows, ids, to: far, in: base)
        }
        index.checkInvariants()
    }

    @Test(arguments: [DistanceMetric.l2, .innerProduct])
    func countsWhatABruteForceCounts(metric: DistanceMetric) throws {
        let index = try makeIndex(metric: metric)
        let before = index.placementAudit()
        #expect(before.rows == 1200)
        try misplace(5, in: index)
        let after = index.placementAudit(threads: 1)
        #expect(after.rows == 1200)
        let (expected, ties) = bruteForce(index, metric: metric)
        #expect(abs(after.misplaced - expected) <= ties, "audit \(after.misplaced), brute force \(expected) ± \(ties)")
        // The five rows moved to the farthest partition are misplaced now.
        #expect(after.misplaced >= 5)
        #expect(after.misplaced - before.misplaced == 5)
        #expect(after.misplacedShare == Double(after.misplaced) / 1200)
    }

    @Test func anIndexBuiltAndFedOnlyByInsertsIsPlaced() throws {
        let index = try makeIndex(metric: .l2)
        let built = index.placementAudit()
        var random = SeededRandom(seed: 59)
        try index.add(vectors: random.clusteredRows(300, dimension: Self.d, clusters: 6), ids: (0..<300).map { 10_000 + Int64($0) })
        let after = index.placementAudit()
        #expect(after.rows == 1500)
        // Each insert goes to its nearest centroid, so inserts add no misplaced row.
        #expect(after.misplaced == built.misplaced)
    }

    @Test func anEmptyIndexHasNothingToAudit() throws {
        let index = try VectorIndex(configuration: IndexConfiguration(dimension: Self.d, partitionCount: 4))
        #expect(index.placementAudit() == PlacementAudit(rows: 0, misplaced: 0))
        #expect(index.placementAudit().misplacedShare == 0)
    }
}
