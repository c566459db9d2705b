@testable import Shoal
import ShoalTestSupport
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

    /// The standard vectors through each path on its own (the instruction only where the CPU has it).
    @Test func bothPathsMatchTheStandardCheckValues() {
        let vectors: [([UInt8], UInt32)] = [
            (Array("123456789".utf8), 0xE306_9283),
            ([], 0),
            ([UInt8](repeating: 0, count: 32), 0x8A91_36AA),
            ([UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
            (Array(0..<32), 0x46DD_794E),
        ]
        for (bytes, expected) in vectors {
            let software = bytes.withUnsafeBytes { CRC32C.softwareUpdate(0xFFFF_FFFF, $0) } ^ 0xFFFF_FFFF
            #expect(software == expected, "software, \(bytes.count) bytes")
            if CRC32C.hardwareAvailable {
                let hardware = bytes.withUnsafeBytes { CRC32C.hardwareUpdate(0xFFFF_FFFF, $0) } ^ 0xFFFF_FFFF
                #expect(hardware == expected, "instruction, \(bytes.count) bytes")
            }
        }
    }

    /// Random buffers of odd lengths at odd offsets: the instruction and the tables agree.
    @Test func instructionAndTablesAgreeOnRandomBuffers() {
        guard CRC32C.hardwareAvailable else { return }
        var random = SeededRandom(seed: 32)
        let bytes = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &random) }
        bytes.withUnsafeBytes { all in
            for _ in 0..<300 {
                let start = Int.random(in: 0..<64, using: &random)
                let length = Int.random(in: 0..<(all.count - start), using: &random) | 1
                let piece = UnsafeRawBufferPointer(rebasing: all[start..<min(all.count, start + length)])
                let seed = UInt32.random(in: 0...UInt32.max, using: &random)
                #expect(
                    CRC32C.hardwareUpdate(seed, piece) == CRC32C.softwareUpdate(seed, piece),
                    "\(piece.count) bytes at \(start)")
            }
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
