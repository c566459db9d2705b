/// The single-file index format, version 1. All integers little-endian.
///
/// ```
/// header (64 bytes)
///   0  magic "SHOALIDX"           8 bytes
///   8  format version             u32 (1)
///  12  header size                u32 (64)
///  16  dimension                  u32
///  20  metric                     u8 (0 l2, 1 ip, 2 cosine), 3 bytes zero
///  24  level count                u32
///  28  k-means iterations         u32
///  32  base vector count          u64
///  40  body size in bytes         u64
///  48  build seed                 u64
///  56  max training points/centroid u32
///  60  CRC-32C of bytes 0..<60    u32
/// body, level by level from the base:
///   partition count u64, next partition id u64, then per partition:
///   partition id u64, vector count u64, vectors (count × dimension f32), ids (count × i64)
/// trailer: CRC-32C of the body u32, end magic "SHLE"
/// ```
package enum IndexFileFormat {
    static let magic: [UInt8] = Array("SHOALIDX".utf8)
    static let endMagic: [UInt8] = Array("SHLE".utf8)
    static let version: UInt32 = 1
    static let headerSize = 64
    static let trailerSize = 8

    /// The one-byte code of a metric in Shoal's files (index files, and ShoalStore's log and
    /// identity files).
    package static func code(of metric: DistanceMetric) -> UInt8 {
        switch metric {
        case .l2: return 0
        case .innerProduct: return 1
        case .cosine: return 2
        }
    }

    /// The metric of a one-byte code, or nil for an unknown code.
    package static func metric(code: UInt8) -> DistanceMetric? {
        switch code {
        case 0: return .l2
        case 1: return .innerProduct
        case 2: return .cosine
        default: return nil
        }
    }
}
