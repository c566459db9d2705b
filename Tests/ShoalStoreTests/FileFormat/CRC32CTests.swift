@testable import ShoalStore
import Testing

@Suite struct CRC32CTests {
    @Test func matchesTheStandardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8), 0..<9) == 0xE306_9283)
    }

    @Test func incrementalUpdatesEqualOneShot() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var crc = CRC32C()
        crc.update(Array(bytes[0..<333]))
        crc.update(Array(bytes[333...]))
        #expect(crc.value == CRC32C.checksum(bytes, 0..<1000))
    }
}
