@testable import Shoal
import ShoalTestSupport
import Testing

/// `validateStructure()` and `invariantViolations(limit:)` report a broken index (made by hand
/// here, through internal access) instead of trapping.
@Suite struct VectorIndexInvariantsTests {
    private func makeIndex(metric: DistanceMetric = .l2) throws -> VectorIndex {
        var random = SeededRandom(seed: 41)
        return try VectorIndex.build(
            vectors: random.clusteredRows(400, dimension: 4, clusters: 5),
            configuration: IndexConfiguration(dimension: 4, metric: metric, partitionCount: 8, threads: 1))
    }

    private func firstPartition(_ index: VectorIndex) throws -> (Int, Partition) {
        let pid = try #require(index.levels[0].partitionIDs.first)
        return (pid, try #require(index.levels[0].partitions[pid]))
    }

    @Test func aSoundIndexHasNoViolations() throws {
        for metric in [DistanceMetric.l2, .innerProduct, .cosine] {
            let index = try makeIndex(metric: metric)
            #expect(index.invariantViolations().isEmpty, "\(metric)")
            try index.validateStructure()
        }
    }

    @Test func aNonFiniteComponentIsReported() throws {
        let index = try makeIndex()
        let (_, partition) = try firstPartition(index)
        partition.vectors[2] = .nan
        expectShoalError(.brokenInvariant, containing: ["breaks a structural invariant", "nan at component 2"]) {
            try index.validateStructure()
        }
    }

    @Test func anIDMapThatDisagreesWithTheSlotsIsReported() throws {
        let index = try makeIndex()
        let (pid, partition) = try firstPartition(index)
        let original = partition.ids[0]
        partition.ids[0] = 999_999
        let found = index.invariantViolations()
        #expect(found.contains("level 0: id 999999 in partition \(pid) slot 0 is mapped to nothing"))
        #expect(found.contains { $0.contains("the id map holds") } == false)
        partition.ids[0] = original
        #expect(index.invariantViolations().isEmpty)
    }

    @Test func aMissingCentroidIsReported() throws {
        let index = try makeIndex()
        #expect(index.levels.count == 2)
        let (pid, _) = try firstPartition(index)
        index.levels[1].remove(id: Int64(pid))
        expectShoalError(
            .brokenInvariant,
            containing: ["level 1 does not hold one centroid per partition of level 0", "no centroid for partitions [\(pid)]"]
        ) { try index.validateStructure() }
    }

    @Test func aCosineVectorOffTheUnitSphereIsReported() throws {
        let index = try makeIndex(metric: .cosine)
        let (_, partition) = try firstPartition(index)
        for j in 0..<4 { partition.vectors[j] *= 2 }
        partition.norms[0] *= 4  // exact: the stored norm stays the row's
        let found = index.invariantViolations()
        #expect(found.count == 1)
        #expect(found.first?.contains("has length 2.0") == true)
        #expect(found.first?.contains("unit length") == true)
    }

    @Test func violationsStopAtTheLimit() throws {
        let index = try makeIndex()
        let (_, partition) = try firstPartition(index)
        for slot in 0..<min(6, partition.count) { partition.vectors[slot * 4] = .infinity }
        #expect(index.invariantViolations(limit: 3).count == 3)
        #expect(index.invariantViolations(limit: 100).count == min(6, partition.count))
    }

    @Test func aStaleStoredNormIsReported() throws {
        let index = try makeIndex()
        let (_, partition) = try firstPartition(index)
        partition.vectors[0] += 1
        let found = index.invariantViolations()
        #expect(found.count == 1)
        #expect(found.first?.contains("stored squared norm") == true)
    }
}
