import Shoal

/// The 64-byte header of a log segment file `wal/<first LSN>.log`.
///
/// ```
/// 0  magic "SHOALWAL"          8 bytes
/// 8  log format version        u32 (1)
/// 12 header size               u32 (64)
/// 16 first LSN                 u64   (the LSN the segment's first record has, or will have)
/// 24 dimension                 u32
/// 28 metric                    u8, 3 bytes zero
/// 32 reserved (zero)           28 bytes
/// 60 CRC-32C of bytes 0..<60   u32
/// ```
struct WALSegmentHeader: Sendable, Equatable {
    static let magic: [UInt8] = Array("SHOALWAL".utf8)
    static let version: UInt32 = 1
    static let size = 64

    var firstLSN: UInt64
    var dimension: Int
    var metric: DistanceMetric

    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: WALSegmentHeader.size)
        WALSegmentHeader.magic.withUnsafeBytes { writer.write($0) }
        writer.write(WALSegmentHeader.version)
        writer.write(UInt32(WALSegmentHeader.size))
        writer.write(firstLSN)
        writer.write(UInt32(dimension))
        writer.write(IndexFileFormat.code(of: metric))
        writer.pad(to: 4)
        for _ in 0..<7 { writer.write(UInt32(0)) }
        writer.write(CRC32C.checksum(writer.bytes, 0..<60))
        return writer.bytes
    }

    init(firstLSN: UInt64, dimension: Int, metric: DistanceMetric) {
        self.firstLSN = firstLSN
        self.dimension = dimension
        self.metric = metric
    }

    /// Parses the first 64 bytes of a segment.
    /// - Throws: ``StoreError/Code/corruptFile`` (truncated, wrong magic, checksum) or
    ///   ``StoreError/Code/unsupportedVersion``, naming `path`.
    init(decoding bytes: UnsafeRawBufferPointer, path: String) throws(StoreError) {
        guard bytes.count >= WALSegmentHeader.size else {
            throw StoreError(
                .corruptFile, "the log segment is \(bytes.count) bytes, shorter than its 64-byte header", path: path,
                offset: 0)
        }
        guard Array(bytes[0..<8]) == WALSegmentHeader.magic else {
            throw StoreError(.corruptFile, "this is not a Shoal log segment (no SHOALWAL magic)", path: path, offset: 0)
        }
        var reader = ByteReader(bytes, offset: 8)
        let version = reader.read(UInt32.self) ?? 0
        guard version <= WALSegmentHeader.version else {
            throw StoreError(
                .unsupportedVersion,
                "the log segment uses log format version \(version); this Shoal reads versions up to \(WALSegmentHeader.version), upgrade Shoal",
                path: path, offset: 8)
        }
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 60, as: UInt32.self))
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<60])) == stored else {
            throw StoreError(.corruptFile, "the log segment header's checksum does not match", path: path, offset: 60)
        }
        guard let size = reader.read(UInt32.self), Int(size) == WALSegmentHeader.size,
            let first = reader.read(UInt64.self), let dimension = reader.read(UInt32.self),
            let code = reader.read(UInt8.self), let metric = IndexFileFormat.metric(code: code)
        else {
            throw StoreError(.corruptFile, "the log segment header holds an impossible value", path: path, offset: 12)
        }
        firstLSN = first
        self.dimension = Int(dimension)
        self.metric = metric
    }
}
