@testable import ShoalStore
import Testing

@Suite struct WALRecordTests {
    private func encode(_ kind: WALRecord.Kind, ids: [Int64], vectors: [Float], note: String = "", lsn: UInt64 = 7) -> [UInt8] {
        var writer = ByteWriter()
        let payload = WALRecord.Payload(kind: kind, ids: ids, vectors: vectors, note: note, dimension: 3)
        WALRecord.append(payload, lsn: lsn, groupFirst: lsn, groupLast: lsn + 2, to: &writer)
        return writer.bytes
    }

    private func decode(_ bytes: [UInt8], dimension: Int = 3) -> Result<(WALRecord, next: Int), WALRecord.Damage> {
        bytes.withUnsafeBytes { WALRecord.decode($0, at: 0, dimension: dimension) }
    }

    @Test func insertDeleteAndMaintenanceRecordsRoundTrip() throws {
        let cases: [(WALRecord.Kind, [Int64], [Float], String)] = [
            (.insert, [5, -9], [1, 2, 3, 4, 5, 6], ""),
            (.delete, [1, 2, 3], [], ""),
            (.maintenance, [], [], "split 4 partitions ✓"),
            (.insert, [], [], ""),
        ]
        for (kind, ids, vectors, note) in cases {
            let bytes = encode(kind, ids: ids, vectors: vectors, note: note)
            #expect(bytes.count % 8 == 0)
            let (record, next) = try decode(bytes).get()
            #expect(next == bytes.count)
            #expect(record == WALRecord(kind: kind, lsn: 7, groupFirst: 7, groupLast: 9, ids: ids, vectors: vectors, note: note))
        }
    }

    @Test func everyFlippedByteOfTheRecordProperIsDetected() {
        let bytes = encode(.insert, ids: [5, -9], vectors: [1, 2, 3, 4, 5, 6])
        let used = WALRecord.headerSize + 8 + 2 * 8 + 6 * 4
        for position in 0..<used {
            var damaged = bytes
            damaged[position] ^= 0x01
            guard case .failure = decode(damaged) else {
                Issue.record("flipping byte \(position) went unnoticed")
                continue
            }
        }
    }

    @Test func everyTruncationIsReportedAsTruncated() {
        let bytes = encode(.delete, ids: [1, 2, 3], vectors: [])
        for length in 0..<bytes.count {
            #expect(throws: WALRecord.Damage.truncated) { try decode(Array(bytes[0..<length])).get() }
        }
    }

    @Test func aRecordOfAnotherDimensionIsInconsistent() {
        let bytes = encode(.insert, ids: [1], vectors: [1, 2, 3])
        guard case .failure(.inconsistent(let why)) = decode(bytes, dimension: 4) else {
            Issue.record("a 3-dimensional record was accepted by a 4-dimensional log")
            return
        }
        #expect(why.contains("3-dimensional"))
    }

    @Test func garbageIsNotARecord() {
        let garbage = [UInt8](repeating: 0xAB, count: 64)
        #expect(throws: WALRecord.Damage.notARecord) { try decode(garbage).get() }
        #expect(throws: WALRecord.Damage.notARecord) { try decode([UInt8](repeating: 0, count: 64)).get() }
    }
}
