import Foundation
import Shoal
@testable import ShoalStore
import Testing

@Suite struct CheckpointTests {
    private func filled(_ dir: TemporaryDirectory, options: OpenOptions = OpenOptions(), batches: Int = 5) throws -> DurableCollection {
        let collection = try DurableCollection.create(at: dir.file("c"), configuration: TestData.configuration(dimension: 4), options: options)
        for b in 0..<batches {
            let ids = (0..<20).map { Int64(b * 20 + $0) }
            try collection.insert(vectors: TestData.vectors(20, dimension: 4, seed: UInt64(b)), ids: ids)
        }
        return collection
    }

    @Test func aCheckpointReplacesTheLogWithASnapshot() throws {
        let dir = TemporaryDirectory()
        let collection = try filled(dir)
        let report = try collection.checkpoint()
        #expect(report.lsn == 5)
        #expect(report.vectorCount == 100)
        #expect(report.snapshotPath == dir.file("c/snapshots/00000000000000000005.shoal"))
        #expect(report.removedFiles.count == 2)
        #expect(TestData.files(in: dir.file("c/snapshots")) == ["00000000000000000005.shoal"])
        #expect(TestData.files(in: dir.file("c/wal")) == ["00000000000000000006.log"])
        let again = try collection.checkpoint()
        #expect(again.snapshotPath == nil && again.removedFiles.isEmpty)
        try collection.insert(vectors: [1, 2, 3, 4], ids: [1000])
        collection.close()
        let (reopened, recovery) = try DurableCollection.open(at: dir.file("c"))
        defer { reopened.close() }
        #expect(recovery.snapshotLSN == 5 && recovery.recordsReplayed == 1 && reopened.count == 101)
    }

    @Test func backgroundCheckpointsStartOnceTheLogGrows() throws {
        let dir = TemporaryDirectory()
        let collection = try filled(dir, options: OpenOptions(checkpointAfterLogBytes: 2048), batches: 8)
        var waited = 0
        while collection.backgroundCheckpoints.completed == 0 && waited < 500 {
            usleep(10_000)
            waited += 1
        }
        #expect(collection.backgroundCheckpoints.completed >= 1)
        #expect(collection.backgroundCheckpoints.lastError == nil)
        collection.close()
        let (reopened, recovery) = try DurableCollection.open(at: dir.file("c"))
        defer { reopened.close() }
        #expect(recovery.snapshotLSN > 0)
        #expect(reopened.count == 160)
    }

    @Test func aSecondRetainedSnapshotIsAFallbackWhenTheNewestIsDamaged() throws {
        let dir = TemporaryDirectory()
        let options = OpenOptions(retainedSnapshots: 2)
        let collection = try filled(dir, options: options, batches: 2)
        try collection.checkpoint()
        try collection.insert(vectors: TestData.vectors(5, dimension: 4, seed: 77), ids: (500..<505).map { Int64($0) })
        try collection.checkpoint()
        collection.close()
        #expect(TestData.files(in: dir.file("c/snapshots")) == ["00000000000000000002.shoal", "00000000000000000003.shoal"])
        let newest = dir.file("c/snapshots/00000000000000000003.shoal")
        var bytes = try TestData.bytes(newest)
        bytes[bytes.count / 2] ^= 0x40
        try TestData.write(bytes, to: newest)
        let (reopened, report) = try DurableCollection.open(at: dir.file("c"), options: options)
        defer { reopened.close() }
        #expect(reopened.count == 45)
        #expect(report.snapshotLSN == 2 && report.recordsReplayed == 1)
        #expect(report.skippedSnapshots.map(\.path) == [newest])
        #expect(report.skippedSnapshots.first?.reason.contains("checksum") == true)
        #expect(TestData.files(in: dir.file("c/snapshots")).contains("00000000000000000003.shoal.damaged"))
    }

    @Test func leftoversOfAnInterruptedSnapshotAreRemovedOnOpen() throws {
        let dir = TemporaryDirectory()
        try filled(dir, batches: 1).close()
        let leftover = dir.file("c/snapshots/00000000000000000001.shoal.tmp-4242")
        try TestData.write([1, 2, 3], to: leftover)
        let (reopened, report) = try DurableCollection.open(at: dir.file("c"))
        defer { reopened.close() }
        #expect(report.removedFiles == [leftover])
        #expect(!FileManager.default.fileExists(atPath: leftover))
    }

    @Test func maintenanceIsLoggedAndCheckpointed() throws {
        let dir = TemporaryDirectory()
        let collection = try filled(dir, batches: 2)
        let partitions = try collection.maintain(note: "test pass") { index in index.partitionCount }
        #expect(partitions == 1)
        collection.close()
        let (reopened, report) = try DurableCollection.open(at: dir.file("c"))
        defer { reopened.close() }
        #expect(report.maintenanceMarkers + (report.snapshotLSN == 3 ? 1 : 0) == 1)
        #expect(reopened.count == 40)
    }
}
