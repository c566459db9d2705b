import Foundation
import Shoal
@testable import ShoalStore
import Testing

/// The collection written by format version 1 (Tests/Fixtures/collection-v1) must stay readable.
@Suite struct FormatFixtureTests {
    private static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/collection-v1").path

    /// A writable copy of the fixture, with the snapshot under its real name.
    private func copy(in dir: TemporaryDirectory) throws -> String {
        let path = dir.file("c")
        try TestData.copy(Self.fixture, to: path)
        let snapshot = path + "/snapshots/00000000000000000002.shoal"
        try FileManager.default.moveItem(atPath: snapshot + ".fixture", toPath: snapshot)
        try FileManager.default.removeItem(atPath: path + "/README.md")
        return path
    }

    @Test func theVersion1CollectionOpensWithEveryWrite() throws {
        let dir = TemporaryDirectory()
        let path = try copy(in: dir)
        let (collection, report) = try DurableCollection.open(at: path, options: OpenOptions(mode: .readOnly))
        defer { collection.close() }
        #expect(collection.allIDs() == [0, 2, 3, 5, 100, 101, 102])
        #expect(try collection.vectors(for: [3, 101]) == [3, 3.5, -3, 1, 11, 2, 3, -1.5])
        #expect(report.snapshotLSN == 2 && report.recordsReplayed == 2 && report.lastLSN == 4)
        #expect(collection.status.configuredPartitions == 3)
        #expect(DurableCollection.verify(at: path).isValid)
    }

    @Test func theVersion1FilesAreWhatThisVersionWrites() throws {
        let identity = try TestData.bytes(Self.fixture + "/COLLECTION")
        let decoded = try CollectionIdentity(decoding: identity, path: "COLLECTION")
        #expect(decoded.encoded() == identity)
        let segment = try TestData.bytes(Self.fixture + "/wal/00000000000000000003.log")
        let scan = try WALSegmentScan(bytes: segment, path: "log", dimension: 4)
        #expect(scan.records.map(\.kind) == [.insert, .delete])
        var writer = ByteWriter()
        WALSegmentHeader(firstLSN: 3, dimension: 4, metric: .l2).encoded().withUnsafeBytes { writer.write($0) }
        for record in scan.records {
            let payload = WALRecord.Payload(kind: record.kind, ids: record.ids, vectors: record.vectors, note: record.note, dimension: 4)
            WALRecord.append(payload, lsn: record.lsn, groupFirst: record.groupFirst, groupLast: record.groupLast, to: &writer)
        }
        #expect(writer.bytes == segment)
    }
}
