import Foundation
import Shoal
@testable import ShoalStore
import ShoalTestSupport
import Testing

@Suite struct DurableCollectionTests {
    @Test func insertsSurviveAReopen() async throws {
        let dir = TemporaryDirectory()
        let path = dir.file("c")
        let vectors = TestData.vectors(300, dimension: 6, seed: 1)
        do {
            let collection = try DurableCollection.create(at: path, configuration: TestData.configuration(dimension: 6))
            try await collection.insert(vectors: Array(vectors[0..<(200 * 6)]), ids: (0..<200).map { Int64($0) })
            try await collection.insert(vectors: Array(vectors[(200 * 6)...]), ids: (200..<300).map { Int64($0) })
            try await collection.remove(ids: [3, 4, 5])
            #expect(collection.count == 297)
            collection.close()
        }
        let (reopened, report) = try DurableCollection.open(at: path)
        defer { reopened.close() }
        #expect(reopened.count == 297)
        #expect(!reopened.contains(4) && reopened.contains(6))
        #expect(report.recordsReplayed == 3)
        #expect(report.vectorsInserted == 300 && report.idsDeleted == 3)
        #expect(report.tornTail == nil && !report.foundDamage)
        #expect(try reopened.vectors(for: [250]) == Array(vectors[(250 * 6)..<(251 * 6)]))
        let hits = try reopened.search(Array(vectors[(10 * 6)..<(11 * 6)]), options: SearchOptions(k: 1, nprobe: 100))
        #expect(hits.first?.id == 10)
        #expect(reopened.verify().isValid)
    }

    @Test func aBuiltIndexKeepsItsPartitioningAcrossCheckpointAndReopen() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("c")
        let vectors = TestData.vectors(2000, dimension: 8, seed: 2)
        var configuration = TestData.configuration(dimension: 8)
        configuration.partitionCount = 12
        let index = try VectorIndex.build(vectors: vectors, configuration: configuration)
        let collection = try DurableCollection.create(at: path, index: index)
        try collection.insert(vectors: TestData.vectors(50, dimension: 8, seed: 3), ids: (5000..<5050).map { Int64($0) })
        let sizes = collection.index.partitionSizes
        collection.close()
        let (replayed, _) = try DurableCollection.open(at: path)
        #expect(replayed.index.partitionSizes == sizes)
        try replayed.checkpoint()
        replayed.close()
        let (loaded, report) = try DurableCollection.open(at: path)
        defer { loaded.close() }
        #expect(report.recordsReplayed == 0)
        #expect(loaded.status.partitions == 12)
        #expect(loaded.index.partitionSizes == sizes)
    }

    @Test func concurrentWritersShareGroupCommits() async throws {
        let dir = TemporaryDirectory()
        let collection = try DurableCollection.create(at: dir.file("c"), configuration: TestData.configuration(dimension: 4))
        defer { collection.close() }
        let writers = 16
        let batches = 10
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    for b in 0..<batches {
                        let first = Int64((w * batches + b) * 10)
                        try await collection.insert(
                            vectors: TestData.vectors(10, dimension: 4, seed: UInt64(first)), ids: (first..<(first + 10)).map { $0 })
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(collection.count == writers * batches * 10)
        let counters = collection.writeStatistics
        #expect(counters.records == writers * batches)
        #expect(counters.groupCommits <= writers * batches && counters.groupCommits > 0)
        #expect(counters.logBytes > 0 && counters.longestApplyCallSeconds > 0)
    }

    @Test func aSecondWriterIsRefusedWithTheHoldersPid() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("c")
        let first = try DurableCollection.create(at: path, configuration: TestData.configuration(dimension: 4))
        do {
            _ = try DurableCollection.open(at: path)
            Issue.record("a second writer was let in")
        } catch {
            #expect(error.code == .locked)
            #expect(error.message.contains("pid \(getpid())"))
            #expect(error.message.contains("open it read-only"))
        }
        let (reader, _) = try DurableCollection.open(at: path, options: OpenOptions(mode: .readOnly))
        #expect(throws: StoreError.self) { try reader.insert(vectors: [1, 2, 3, 4], ids: [1]) }
        reader.close()
        first.close()
        let (again, _) = try DurableCollection.open(at: path)
        again.close()
    }

    @Test func aReadOnlyOpenSeesAcknowledgedWritesAndChangesNothing() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("c")
        let writer = try DurableCollection.create(at: path, configuration: TestData.configuration(dimension: 4))
        defer { writer.close() }
        try writer.insert(vectors: TestData.vectors(20, dimension: 4, seed: 9), ids: (0..<20).map { Int64($0) })
        let before = TestData.files(in: path + "/wal") + TestData.files(in: path + "/snapshots")
        let (reader, report) = try DurableCollection.open(at: path, options: OpenOptions(mode: .readOnly))
        defer { reader.close() }
        #expect(reader.count == 20 && reader.isReadOnly)
        #expect(report.recordsReplayed == 1)
        #expect(TestData.files(in: path + "/wal") + TestData.files(in: path + "/snapshots") == before)
        do {
            try reader.remove(ids: [1])
            Issue.record("a read-only collection accepted a delete")
        } catch {
            #expect(error.code == .readOnly)
        }
    }

    @Test func createRefusesAnOccupiedPathAndOpenRefusesANonCollection() throws {
        let dir = TemporaryDirectory()
        try TestData.write([1, 2, 3], to: dir.file("file"))
        for target in [dir.file("file"), dir.path] {
            do {
                _ = try DurableCollection.create(at: target, configuration: TestData.configuration(dimension: 4))
                Issue.record("create overwrote \(target)")
            } catch {
                #expect(error.code == .alreadyExists)
            }
        }
        for target in [dir.path, dir.file("missing")] {
            do {
                _ = try DurableCollection.open(at: target)
                Issue.record("opened \(target)")
            } catch {
                #expect(error.code == .notACollection)
                #expect(error.message.contains("shoal create"))
            }
        }
    }

    @Test func callsAfterCloseThrowClosed() throws {
        let dir = TemporaryDirectory()
        let collection = try DurableCollection.create(at: dir.file("c"), configuration: TestData.configuration(dimension: 2))
        collection.close()
        collection.close()
        for call in [
            { try collection.insert(vectors: [1, 2], ids: [1]) },
            { _ = try collection.search([1, 2]) },
            { try collection.checkpoint() },
        ] as [() throws -> Void] {
            do {
                try call()
                Issue.record("a call after close succeeded")
            } catch {
                #expect((error as? StoreError)?.code == .closed)
            }
        }
    }

    @Test func statusDescribesTheCollection() throws {
        let dir = TemporaryDirectory()
        var configuration = TestData.configuration(dimension: 3, metric: .innerProduct)
        configuration.partitionCount = 7
        let collection = try DurableCollection.create(at: dir.file("c"), configuration: configuration)
        defer { collection.close() }
        try collection.insert(vectors: [1, 2, 3, 4, 5, 6], ids: [10, 11])
        let status = collection.status
        #expect(status.count == 2 && status.dimension == 3 && status.metric == .innerProduct)
        #expect(status.partitions == 1 && status.configuredPartitions == 7)
        #expect(status.lastLSN == 1 && status.snapshotLSNs == [0])
        #expect(status.logSegments == 1 && status.logBytes > 64)
        #expect(!status.readOnly && status.formatVersion == 1)
    }
}
