import Shoal
/// One record of the write-ahead log: a batch of inserts, a batch of deletes, or a maintenance
/// marker, with its log sequence number (LSN) and the LSN range of the group commit it was
/// written in.
///
/// On disk (all integers little-endian, records start at multiples of 8):
/// ```
/// 0  magic "SHWR"                 u32
/// 4  CRC-32C                      u32   of the payload, then of header bytes 8..<40
/// 8  payload length               u32
/// 12 kind                         u8    (1 insert, 2 delete, 3 maintenance), 3 bytes zero
/// 16 LSN                          u64   consecutive across the whole log
/// 24 first LSN of its group       u64
/// 32 last LSN of its group        u64
/// 40 payload, zero-padded to a multiple of 8 bytes
///    insert:       count u32, dimension u32, ids (count × i64), vectors (count × dimension × f32)
///    delete:       count u32, 0 u32, ids (count × i64)
///    maintenance:  byte count u32, 0 u32, a UTF-8 note
/// ```
/// The group fields let recovery tell a torn write (damage confined to the last group commit,
/// which was never acknowledged) from damage to acknowledged records (anything earlier).
struct WALRecord: Sendable, Equatable {
    /// What a record does.
    enum Kind: UInt8, Sendable {
        case insert = 1
        case delete = 2
        case maintenance = 3
    }

    static let magic: UInt32 = 0x5257_4853  // "SHWR" little-endian
    static let headerSize = 40

    var kind: Kind
    var lsn: UInt64
    var groupFirst: UInt64
    var groupLast: UInt64
    /// Inserted or deleted ids; empty for a maintenance marker.
    var ids: [Int64]
    /// Inserted vectors, row-major `ids.count × dimension`; empty otherwise.
    var vectors: [Float]
    /// The note of a maintenance marker; empty otherwise.
    var note: String

    /// A record's payload, encoded (and checksummed) by the writer's thread before it is queued, so
    /// that the group commit only adds the small header.
    struct Payload: Sendable {
        let kind: Kind
        let bytes: [UInt8]
        let checksum: CRC32C

        /// Encodes an insert, delete or maintenance payload.
        init(kind: Kind, ids: [Int64], vectors: [Float], note: String, dimension: Int) {
            var writer = ByteWriter(capacity: 8 + ids.count * 8 + vectors.count * 4)
            switch kind {
            case .insert, .delete:
                writer.write(UInt32(ids.count))
                writer.write(UInt32(kind == .insert ? dimension : 0))
                ids.withUnsafeBytes { writer.write($0) }
                if kind == .insert { vectors.withUnsafeBytes { writer.write($0) } }
            case .maintenance:
                let utf8 = Array(note.utf8)
                writer.write(UInt32(utf8.count))
                writer.write(UInt32(0))
                utf8.withUnsafeBytes { writer.write($0) }
            }
            self.kind = kind
            bytes = writer.bytes
            var crc = CRC32C()
            crc.update(bytes)
            checksum = crc
        }
    }

    /// Appends the on-disk form of a record with `payload` to `writer`.
    static func append(
        _ payload: Payload, lsn: UInt64, groupFirst: UInt64, groupLast: UInt64, to writer: inout ByteWriter
    ) {
        var header = ByteWriter(capacity: headerSize)
        header.write(magic)
        header.write(UInt32(0))
        header.write(UInt32(payload.bytes.count))
        header.write(payload.kind.rawValue)
        header.write(UInt8(0))
        header.write(UInt16(0))
        header.write(lsn)
        header.write(groupFirst)
        header.write(groupLast)
        var crc = payload.checksum
        header.bytes.withUnsafeBytes { crc.update(UnsafeRawBufferPointer(rebasing: $0[8..<headerSize])) }
        header.patch(crc.value, at: 4)
        header.bytes.withUnsafeBytes { writer.write($0) }
        payload.bytes.withUnsafeBytes { writer.write($0) }
        writer.pad(to: 8)
    }

    /// The on-disk size of a record with a payload of `payloadSize` bytes.
    static func size(payload payloadSize: Int) -> Int {
        headerSize + (payloadSize + 7) / 8 * 8
    }
}
