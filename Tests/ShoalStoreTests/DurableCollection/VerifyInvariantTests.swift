@testable import Shoal
import ShoalStore
import Testing

/// Verification reports a broken invariant (here a snapshot whose checksums hold but which stores
/// a NaN) as a problem instead of crashing.
@Suite struct VerifyInvariantTests {
    @Test func aSnapshotThatBreaksAnInvariantFailsVerification() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("c")
        let index = try VectorIndex.build(
            vectors: TestData.vectors(200, dimension: 4, seed: 3), configuration: TestData.configuration(dimension: 4))
        let pid = try #require(index.levels[0].partitionIDs.first)
        try #require(index.levels[0].partitions[pid]).vectors[1] = .nan
        let collection = try DurableCollection.create(at: path, index: index)
        let open = collection.verify()
        #expect(!open.isValid)
        #expect(open.problems.contains { $0.hasPrefix("the open index:") && $0.contains("nan at component 1") })
        collection.close()
        let report = DurableCollection.verify(at: path)
        #expect(!report.isValid)
        #expect(report.problems.contains { $0.contains(".shoal: level 0: id") && $0.contains("nan at component 1") })
        #expect(report.problems.contains { $0.hasPrefix("after replay:") })
    }
}
