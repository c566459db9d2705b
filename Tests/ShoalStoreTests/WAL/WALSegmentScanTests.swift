@testable import ShoalStore
import Testing

@Suite struct WALSegmentScanTests {
    /// A segment starting at LSN 10 with groups of the given sizes (2-dimensional inserts).
    private func segment(groups: [Int]) -> (bytes: [UInt8], groupStarts: [Int]) {
        var writer = ByteWriter()
        let header = WALSegmentHeader(firstLSN: 10, dimension: 2, metric: .l2).encoded()
        header.withUnsafeBytes { writer.write($0) }
        var lsn: UInt64 = 10
        var starts: [Int] = []
        for size in groups {
            starts.append(writer.bytes.count)
            let first = lsn
            for _ in 0..<size {
                let id = Int64(lsn)
                let payload = WALRecord.Payload(kind: .insert, ids: [id], vectors: [Float(id), 1], note: "", dimension: 2)
                WALRecord.append(payload, lsn: lsn, groupFirst: first, groupLast: first + UInt64(size) - 1, to: &writer)
                lsn += 1
            }
        }
        return (writer.bytes, starts)
    }

    private func scan(_ bytes: [UInt8]) throws(StoreError) -> WALSegmentScan {
        try WALSegmentScan(bytes: bytes, path: "wal/x.log", dimension: 2)
    }

    @Test func aCleanSegmentEndsAfterItsLastGroup() throws {
        let (bytes, _) = segment(groups: [1, 3, 2])
        let result = try scan(bytes)
        #expect(result.records.map(\.lsn) == Array(10...15))
        #expect(result.completeEnd == bytes.count)
        #expect(result.completeCount == 6)
        #expect(result.damage == nil)
        #expect(result.tornGroupFirst == nil)
        #expect(result.nextLSN == 16)
    }

    @Test func everyTruncationIsATornLastGroup() throws {
        let (bytes, starts) = segment(groups: [2, 3])
        for length in (WALSegmentHeader.size + 1)..<bytes.count {
            let result = try scan(Array(bytes[0..<length]))
            #expect(!result.damageIsFollowedByLaterGroups, "cut at \(length)")
            if length < starts[1] {
                #expect(result.completeCount == 0)
                #expect(result.tornGroupFirst == 10)
            } else {
                #expect(result.completeCount == 2, "cut at \(length)")
                #expect(result.completeEnd == starts[1])
                #expect(length == starts[1] ? result.tornGroupFirst == nil : result.tornGroupFirst == 12)
            }
        }
    }

    @Test func damageBeforeALaterGroupIsNotATornWrite() throws {
        let (bytes, starts) = segment(groups: [2, 2, 2])
        var damaged = bytes
        damaged[starts[1] + 50] ^= 0xFF
        let result = try scan(damaged)
        #expect(result.completeCount == 2)
        #expect(result.damage?.offset == starts[1])
        #expect(result.damage?.reason == .checksumMismatch)
        #expect(result.damageIsFollowedByLaterGroups)
    }

    @Test func damageInsideTheLastGroupIsATornWrite() throws {
        let (bytes, starts) = segment(groups: [2, 3])
        var damaged = bytes
        damaged[starts[1] + 45] ^= 0xFF  // the first record of the last group; two more of it follow
        let result = try scan(damaged)
        #expect(result.completeCount == 2)
        #expect(result.laterGroupFirsts == [12])
        #expect(!result.damageIsFollowedByLaterGroups)
    }

    @Test func aDamagedHeaderIsACorruptFile() {
        let (bytes, _) = segment(groups: [1])
        for position in [0, 9, 17, 30, 61] {
            var damaged = bytes
            damaged[position] ^= 0x04
            do {
                _ = try scan(damaged)
                Issue.record("damage at \(position) was accepted")
            } catch {
                #expect([StoreError.Code.corruptFile, .unsupportedVersion].contains(error.code))
                #expect(error.path == "wal/x.log")
            }
        }
    }

    @Test func recordsMustChainTheirLSNs() throws {
        var writer = ByteWriter()
        WALSegmentHeader(firstLSN: 10, dimension: 2, metric: .l2).encoded().withUnsafeBytes { writer.write($0) }
        for lsn: UInt64 in [10, 12] {
            let payload = WALRecord.Payload(kind: .delete, ids: [1], vectors: [], note: "", dimension: 2)
            WALRecord.append(payload, lsn: lsn, groupFirst: lsn, groupLast: lsn, to: &writer)
        }
        let result = try scan(writer.bytes)
        #expect(result.records.count == 1)
        guard case .inconsistent(let why) = result.damage?.reason else {
            Issue.record("a gap in LSNs went unnoticed")
            return
        }
        #expect(why.contains("LSN 12 follows LSN 10"))
    }
}
