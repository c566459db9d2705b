@testable import Shoal
import Testing

@Suite struct CRC32CTests {
    private func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { CRC32C.checksum($0) }
    }

    @Test func matchesTheStandardCheckValues() {
        // The CRC-32C check value (RFC 3720 / iSCSI): "123456789" → 0xE3069283.
        #expect(checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(checksum([]) == 0)
        // RFC 3720 B.4: 32 bytes of zeros and of 0xFF.
        #expect(checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(checksum(Array(0..<32)) == 0x46DD_794E)
    }

    @Test func feedingInPiecesEqualsFeedingAtOnce() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = checksum(bytes)
        for split in [0, 1, 7, 8, 9, 500, 999, 1000] {
            var crc = CRC32C()
            bytes.withUnsafeBytes { all in
                crc.update(UnsafeRawBufferPointer(rebasing: all[0..<split]))
                crc.update(UnsafeRawBufferPointer(rebasing: all[split...]))
            }
            #expect(crc.value == whole, "split at \(split)")
        }
    }

    @Test func everySingleBitFlipChangesTheChecksum() {
        let bytes = (0..<64).map { UInt8($0) }
        let whole = checksum(bytes)
        for i in bytes.indices {
            for bit in 0..<8 {
                var copy = bytes
                copy[i] ^= 1 << bit
                #expect(checksum(copy) != whole)
            }
        }
    }
}
