import Shoal

/// The `COLLECTION` file: what makes a directory a Shoal collection. Written once, by `create`,
/// last (so a half-created directory is never mistaken for a collection), atomically.
///
/// ```
/// 0  magic "SHOALCOL"                    8 bytes
/// 8  collection format version           u32 (1)
/// 12 size of this file                   u32 (64)
/// 16 dimension                           u32
/// 20 metric                              u8 (0 l2, 1 inner product, 2 cosine), 3 bytes zero
/// 24 configured partition count          u64 (0: the default rule)
/// 32 k-means iterations                  u32
/// 36 max training points per centroid    u32
/// 40 build seed                          u64
/// 48 max top-level centroids             u32
/// 52 reserved (zero)                     8 bytes
/// 60 CRC-32C of bytes 0..<60             u32
/// ```
/// All integers little-endian.
struct CollectionIdentity: Sendable, Equatable {
    static let magic: [UInt8] = Array("SHOALCOL".utf8)
    static let version: UInt32 = 1
    static let size = 64

    /// The configuration the collection was created with (`threads` is not stored).
    var configuration: IndexConfiguration

    /// The file's bytes.
    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: CollectionIdentity.size)
        CollectionIdentity.magic.withUnsafeBytes { writer.write($0) }
        writer.write(CollectionIdentity.version)
        writer.write(UInt32(CollectionIdentity.size))
        writer.write(UInt32(configuration.dimension))
        writer.write(IndexFileFormat.code(of: configuration.metric))
        writer.write(UInt8(0))
        writer.write(UInt16(0))
        writer.write(UInt64(configuration.partitionCount ?? 0))
        writer.write(UInt32(configuration.kMeansIterations))
        writer.write(UInt32(configuration.maxTrainingPointsPerCentroid))
        writer.write(configuration.seed)
        writer.write(UInt32(configuration.maxTopLevelCentroids))
        writer.write(UInt64(0))
        writer.write(CRC32C.checksum(writer.bytes, 0..<60))
        return writer.bytes
    }

    init(configuration: IndexConfiguration) {
        self.configuration = configuration
    }

    /// Parses the file's bytes.
    /// - Throws: ``StoreError/Code/corruptFile`` or ``StoreError/Code/unsupportedVersion``,
    ///   naming `path` and the offset.
    init(decoding bytes: [UInt8], path: String) throws(StoreError) {
        guard bytes.count >= 12, Array(bytes[0..<8]) == CollectionIdentity.magic else {
            throw StoreError(.corruptFile, "this is not a Shoal collection identity file (no SHOALCOL magic)", path: path, offset: 0)
        }
        let fields = bytes.withUnsafeBytes { raw -> (UInt32, UInt32)? in
            var reader = ByteReader(raw, offset: 8)
            guard let version = reader.read(UInt32.self), let size = reader.read(UInt32.self) else { return nil }
            return (version, size)
        }
        guard let (version, size) = fields else {
            throw StoreError(.corruptFile, "the identity file is truncated", path: path, offset: 8)
        }
        guard version <= CollectionIdentity.version else {
            throw StoreError(
                .unsupportedVersion,
                "the collection uses format version \(version); this Shoal reads versions up to \(CollectionIdentity.version), upgrade Shoal",
                path: path, offset: 8)
        }
        guard Int(size) == CollectionIdentity.size, bytes.count == CollectionIdentity.size else {
            throw StoreError(
                .corruptFile, "the identity file is \(bytes.count) bytes, announces \(size), expected 64; it is damaged",
                path: path, offset: 12)
        }
        let stored = bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 60, as: UInt32.self)) }
        guard CRC32C.checksum(bytes, 0..<60) == stored else {
            throw StoreError(.corruptFile, "the identity file's checksum does not match; it is damaged", path: path, offset: 60)
        }
        let decoded: IndexConfiguration? = bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw, offset: 16)
            guard let dimension = reader.read(UInt32.self), let metricCode = reader.read(UInt8.self),
                let metric = IndexFileFormat.metric(code: metricCode), reader.skip(3),
                let partitions = reader.read(UInt64.self), let iterations = reader.read(UInt32.self),
                let training = reader.read(UInt32.self), let seed = reader.read(UInt64.self),
                let top = reader.read(UInt32.self), partitions <= UInt64(Int32.max)
            else { return nil }
            return IndexConfiguration(
                dimension: Int(dimension), metric: metric, partitionCount: partitions == 0 ? nil : Int(partitions),
                kMeansIterations: Int(iterations), maxTrainingPointsPerCentroid: Int(training),
                maxTopLevelCentroids: Int(top), seed: seed)
        }
        guard let configuration = decoded else {
            throw StoreError(.corruptFile, "the identity file names an unknown metric; it is damaged", path: path, offset: 20)
        }
        do {
            try configuration.validate()
        } catch {
            throw StoreError(.corruptFile, "the identity file holds an invalid setting: \(error.message)", path: path, offset: 16)
        }
        self.configuration = configuration
    }
}
