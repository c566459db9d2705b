import Shoal

// CRC-32C itself lives in Shoal (package access): the collection's records, segment headers and
// identity file use the same checksum as the index files.
extension CRC32C {
    /// Feeds the bytes of an array.
    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The checksum of part of an array.
    static func checksum(_ bytes: [UInt8], _ range: Range<Int>) -> UInt32 {
        bytes.withUnsafeBytes { checksum(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }
}
