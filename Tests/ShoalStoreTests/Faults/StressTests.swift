import Foundation
import Shoal
@testable import ShoalStore
import Testing

/// Searches, inserts, deletes, maintenance passes (logged as markers) and checkpoints all at once, bounded by
/// iteration counts. Run it under the thread sanitizer by hand:
/// `swift test --sanitize=thread --filter Stress --scratch-path .build-tsan`.
@Suite struct StressTests {
    @Test func readersWritersAndCheckpointsRunTogether() async throws {
        let dir = TemporaryDirectory()
        let path = dir.file("c")
        let d = 8
        var configuration = TestData.configuration(dimension: d)
        configuration.partitionCount = 8
        configuration.maintenance.costCacheDirectory = dir.file("cost-cache")
        let index = try VectorIndex.build(vectors: TestData.vectors(2000, dimension: d, seed: 1), configuration: configuration)
        let collection = try DurableCollection.create(
            at: path, index: index, options: OpenOptions(checkpointAfterLogBytes: 16 << 10, applyChunkSize: 16))
        let writers = 4
        let batches = 25
        let queries = TestData.vectors(16, dimension: d, seed: 2)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    for b in 0..<batches {
                        let first = Int64(10_000 + (w * batches + b) * 10)
                        try await collection.insert(
                            vectors: TestData.vectors(10, dimension: d, seed: UInt64(first)), ids: (first..<(first + 10)).map { $0 })
                        if b % 3 == 0 { try await collection.remove(ids: [first, first + 1]) }
                        // Real maintenance passes (splits, merges, refinement) while searches run.
                        if b % 5 == 0 { _ = try collection.maintain(note: "stress") { index in index.maintain() } }
                    }
                }
            }
            for r in 0..<3 {
                group.addTask {
                    for i in 0..<60 {
                        let row = Array(queries[((i + r) % 16 * d)..<((i + r) % 16 * d + d)])
                        let hits = try collection.search(row, options: SearchOptions(k: 5, nprobe: 3))
                        #expect(hits.count == 5)
                        _ = collection.status
                    }
                }
            }
            group.addTask {
                for _ in 0..<5 { try collection.checkpoint() }
            }
            try await group.waitForAll()
        }
        let expected = collection.allIDs()
        #expect(expected.count == 2000 + writers * batches * 10 - writers * 9 * 2)
        #expect(collection.verify().isValid)
        collection.close()
        let (reopened, _) = try DurableCollection.open(at: path)
        defer { reopened.close() }
        #expect(reopened.allIDs() == expected)
    }
}
