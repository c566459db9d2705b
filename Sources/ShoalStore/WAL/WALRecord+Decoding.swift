import Shoal
extension WALRecord {
    /// Why bytes at some offset are not a valid record.
    enum Damage: Error, Sendable, Equatable {
        /// Fewer bytes remain than a header or the announced payload needs.
        case truncated
        /// The bytes do not start with the record magic, or a reserved field is not zero.
        case notARecord
        /// The checksum does not match.
        case checksumMismatch
        /// The checksum matches but the payload contradicts itself or the collection (a wrong
        /// dimension, a count that does not fit the length, an unknown kind).
        case inconsistent(String)

        var explanation: String {
            switch self {
            case .truncated: return "the record is cut short"
            case .notARecord: return "no record starts here"
            case .checksumMismatch: return "the record's checksum does not match"
            case .inconsistent(let why): return "the record is inconsistent: \(why)"
            }
        }
    }

    /// Decodes the record at `offset`; returns it with the offset of the next record, or the
    /// damage. Never reads outside `bytes`. - Complexity: O(record size).
    static func decode(
        _ bytes: UnsafeRawBufferPointer, at offset: Int, dimension: Int
    ) -> Result<(WALRecord, next: Int), Damage> {
        var reader = ByteReader(bytes, offset: offset)
        guard let magic = reader.read(UInt32.self), let stored = reader.read(UInt32.self),
            let length = reader.read(UInt32.self), let kindCode = reader.read(UInt8.self),
            let reserved1 = reader.read(UInt8.self), let reserved2 = reader.read(UInt16.self),
            let lsn = reader.read(UInt64.self), let groupFirst = reader.read(UInt64.self),
            let groupLast = reader.read(UInt64.self)
        else {
            let startsLikeOne =
                bytes.count - offset < 4
                || UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) == magic
            return .failure(startsLikeOne ? .truncated : .notARecord)
        }
        guard magic == WALRecord.magic, reserved1 == 0, reserved2 == 0 else { return .failure(.notARecord) }
        let payloadStart = offset + headerSize
        guard Int(length) <= bytes.count - payloadStart else { return .failure(.truncated) }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[payloadStart..<(payloadStart + Int(length))])
        var crc = CRC32C()
        crc.update(payload)
        crc.update(UnsafeRawBufferPointer(rebasing: bytes[(offset + 8)..<payloadStart]))
        guard crc.value == stored else { return .failure(.checksumMismatch) }
        guard let kind = Kind(rawValue: kindCode) else { return .failure(.inconsistent("unknown kind \(kindCode)")) }
        guard groupFirst <= lsn, lsn <= groupLast else {
            return .failure(.inconsistent("LSN \(lsn) lies outside its group \(groupFirst)...\(groupLast)"))
        }
        var body = ByteReader(payload)
        guard let count = body.read(UInt32.self), let second = body.read(UInt32.self) else {
            return .failure(.inconsistent("the payload has no count"))
        }
        var record = WALRecord(kind: kind, lsn: lsn, groupFirst: groupFirst, groupLast: groupLast, ids: [], vectors: [], note: "")
        let n = Int(count)
        switch kind {
        case .insert:
            guard Int(second) == dimension else {
                return .failure(.inconsistent("it holds \(second)-dimensional vectors; the collection stores \(dimension)"))
            }
            guard 8 + n * 8 + n * dimension * 4 == Int(length), let ids = body.read(array: Int64.self, count: n),
                let vectors = body.read(array: Float.self, count: n * dimension)
            else { return .failure(.inconsistent("\(n) vectors do not fill a \(length)-byte payload")) }
            record.ids = ids
            record.vectors = vectors
        case .delete:
            guard second == 0, 8 + n * 8 == Int(length), let ids = body.read(array: Int64.self, count: n) else {
                return .failure(.inconsistent("\(n) ids do not fill a \(length)-byte payload"))
            }
            record.ids = ids
        case .maintenance:
            guard second == 0, 8 + n == Int(length), let utf8 = body.read(array: UInt8.self, count: n) else {
                return .failure(.inconsistent("a \(n)-byte note does not fill a \(length)-byte payload"))
            }
            record.note = String(decoding: utf8, as: UTF8.self)
        }
        let next = offset + size(payload: Int(length))
        guard next <= bytes.count else { return .failure(.truncated) }
        return .success((record, next))
    }
}
