import Foundation
import Shoal
@testable import ShoalStore
import Testing

@Suite struct RecoveryTests {
    /// A closed collection with `batches` inserts of 3 vectors each (one group commit each) and
    /// the path of its only log segment.
    private func collection(in dir: TemporaryDirectory, batches: Int = 4) throws -> (path: String, segment: String) {
        let path = dir.file("c")
        let collection = try DurableCollection.create(at: path, configuration: TestData.configuration(dimension: 4))
        for b in 0..<batches {
            try collection.insert(vectors: TestData.vectors(3, dimension: 4, seed: UInt64(b)), ids: (0..<3).map { Int64(b * 3 + $0) })
        }
        collection.close()
        return (path, path + "/wal/00000000000000000001.log")
    }

    /// Offsets where each record of the segment ends.
    private func recordEnds(_ segment: String) throws -> [Int] {
        let scan = try WALSegmentScan(bytes: try TestData.bytes(segment), path: segment, dimension: 4)
        var ends: [Int] = []
        var offset = WALSegmentHeader.size
        for record in scan.records {
            offset += WALRecord.size(payload: 8 + record.ids.count * 8 + record.vectors.count * 4)
            ends.append(offset)
        }
        return ends
    }

    @Test func everyCutOfTheLogKeepsExactlyTheWholeRecordsBeforeIt() throws {
        let dir = TemporaryDirectory()
        let (pristine, segment) = try collection(in: dir)
        let bytes = try TestData.bytes(segment)
        let ends = try recordEnds(segment)
        for length in stride(from: ends[1] - 1, through: bytes.count, by: 1) {
            let copy = dir.file("cut-\(length)")
            try TestData.copy(pristine, to: copy)
            try TestData.write(Array(bytes[0..<length]), to: copy + "/wal/00000000000000000001.log")
            let whole = ends.filter { $0 <= length }.count
            let (reopened, report) = try DurableCollection.open(at: copy)
            #expect(reopened.count == whole * 3, "cut at \(length)")
            #expect((report.tornTail != nil) == !([WALSegmentHeader.size] + ends).contains(length), "cut at \(length)")
            try reopened.insert(vectors: [9, 9, 9, 9], ids: [999])
            reopened.close()
            let (again, second) = try DurableCollection.open(at: copy)
            #expect(second.tornTail == nil && again.count == whole * 3 + 1)
            again.close()
            #expect(DurableCollection.verify(at: copy).isValid)
            try FileManager.default.removeItem(atPath: copy)
        }
    }

    @Test func damageToAnAcknowledgedRecordIsACorruptFileUnlessSalvaged() throws {
        let dir = TemporaryDirectory()
        let (path, segment) = try collection(in: dir)
        let ends = try recordEnds(segment)
        var bytes = try TestData.bytes(segment)
        bytes[ends[0] + 60] ^= 0x08  // inside record 2; records 3 and 4 follow
        try TestData.write(bytes, to: segment)
        do {
            _ = try DurableCollection.open(at: path)
            Issue.record("damaged acknowledged data was accepted")
        } catch {
            #expect(error.code == .corruptFile)
            #expect(error.path == segment && error.offset == ends[0])
            #expect(error.message.contains("later group commits follow"))
            #expect(error.message.contains("salvage"))
        }
        #expect(!DurableCollection.verify(at: path).isValid)
        let (salvaged, report) = try DurableCollection.open(at: path, options: OpenOptions(recovery: .salvage))
        defer { salvaged.close() }
        #expect(salvaged.count == 3)
        #expect(report.salvaged.count == 1)
    }

    @Test func aMissingSegmentIsACorruptFile() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("c")
        let collection = try DurableCollection.create(
            at: path, configuration: TestData.configuration(dimension: 4), options: OpenOptions(segmentBytes: 4096))
        for b in 0..<100 {
            try collection.insert(vectors: TestData.vectors(3, dimension: 4, seed: UInt64(b)), ids: (0..<3).map { Int64(b * 3 + $0) })
        }
        collection.close()
        let segments = TestData.files(in: path + "/wal")
        #expect(segments.count >= 3)
        try FileManager.default.removeItem(atPath: path + "/wal/" + segments[1])
        do {
            _ = try DurableCollection.open(at: path)
            Issue.record("a missing segment went unnoticed")
        } catch {
            #expect(error.code == .corruptFile)
            #expect(error.message.contains("are missing"))
        }
    }

    @Test func aSegmentWhoseCreationWasInterruptedIsRemoved() throws {
        let dir = TemporaryDirectory()
        let (path, _) = try collection(in: dir)
        let torn = path + "/wal/00000000000000000005.log"
        try TestData.write(Array(WALSegmentHeader(firstLSN: 5, dimension: 4, metric: .l2).encoded()[0..<30]), to: torn)
        let (reopened, report) = try DurableCollection.open(at: path)
        #expect(report.removedFiles == [torn])
        #expect(reopened.count == 12)
        try reopened.insert(vectors: [1, 1, 1, 1], ids: [100])
        reopened.close()
        let (again, _) = try DurableCollection.open(at: path)
        defer { again.close() }
        #expect(again.count == 13)
    }

    @Test func aDamagedOnlySnapshotIsACorruptFileNamingIt() throws {
        let dir = TemporaryDirectory()
        let (path, _) = try collection(in: dir, batches: 1)
        let snapshot = path + "/snapshots/00000000000000000000.shoal"
        let bytes = try TestData.bytes(snapshot)
        for damaged in [Array(bytes[0..<(bytes.count - 3)]), bytes.enumerated().map { $0.offset == 20 ? $0.element ^ 1 : $0.element }] {
            try TestData.write(damaged, to: snapshot)
            do {
                _ = try DurableCollection.open(at: path, options: OpenOptions(mode: .readOnly))
                Issue.record("a damaged snapshot was accepted")
            } catch {
                #expect(error.code == .corruptFile)
                #expect(error.message.contains("no snapshot could be read"))
                #expect(error.message.contains(snapshot))
            }
        }
        let (salvaged, report) = try DurableCollection.open(at: path, options: OpenOptions(mode: .readOnly, recovery: .salvage))
        defer { salvaged.close() }
        #expect(salvaged.count == 3)
        #expect(!report.salvaged.isEmpty)
    }

    @Test func aLogRecordTheSnapshotCannotTakeIsACorruptFile() throws {
        let dir = TemporaryDirectory()
        let (path, segment) = try collection(in: dir, batches: 1)
        var writer = ByteWriter()
        let payload = WALRecord.Payload(kind: .delete, ids: [77], vectors: [], note: "", dimension: 4)
        WALRecord.append(payload, lsn: 2, groupFirst: 2, groupLast: 2, to: &writer)
        try TestData.write(try TestData.bytes(segment) + writer.bytes, to: segment)
        do {
            _ = try DurableCollection.open(at: path)
            Issue.record("an inapplicable record was accepted")
        } catch {
            #expect(error.code == .corruptFile)
            #expect(error.cause?.code == .unknownID)
            #expect(error.message.contains("log record 2 cannot be applied"))
        }
        let (salvaged, report) = try DurableCollection.open(at: path, options: OpenOptions(recovery: .salvage))
        defer { salvaged.close() }
        #expect(salvaged.count == 3 && report.salvaged.count == 1)
    }
}
