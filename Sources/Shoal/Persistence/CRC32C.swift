import ShoalShims

/// CRC-32C (Castagnoli): the CPU's CRC-32C instruction (x86 SSE4.2 `crc32`, ARM64 `crc32cx`)
/// eight bytes per step where the CPU has it, checked once at run time; otherwise table-driven,
/// eight bytes per step ("slicing by 8"). Both paths give the same value (tested against each
/// other and the standard check values), so files written on one machine read on any other.
///
/// Used as the checksum of index files, and (package access) of ShoalStore's log and identity
/// files. - Complexity: O(bytes); about 0.3 ns per byte with the instruction (one call per eight
/// bytes, a dependent chain of 3-cycle instructions), about 1 ns per byte without.
///
/// Thread safety: a value type; the tables and the CPU check are immutable after first use.
package struct CRC32C {
    /// Whether this CPU has the CRC-32C instruction (decided once).
    static let hardwareAvailable = shoal_has_crc32c() != 0

    private static let tables: [[UInt32]] = {
        var tables = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for i in 0..<256 {
            var crc = UInt32(i)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            tables[0][i] = crc
        }
        for i in 0..<256 {
            for t in 1..<8 {
                let previous = tables[t - 1][i]
                tables[t][i] = (previous >> 8) ^ tables[0][Int(previous & 0xFF)]
            }
        }
        return tables
    }()

    private var state: UInt32 = 0xFFFF_FFFF

    /// Starts an empty checksum.
    package init() {}

    /// The checksum of everything fed so far.
    package var value: UInt32 { state ^ 0xFFFF_FFFF }

    /// Feeds `bytes`.
    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        if CRC32C.hardwareAvailable {
            state = CRC32C.hardwareUpdate(state, bytes)
        } else {
            state = CRC32C.softwareUpdate(state, bytes)
        }
    }

    /// The running (inverted) state after feeding `bytes` with the CPU instruction; the tail of
    /// fewer than eight bytes goes through the table. Only call it where `hardwareAvailable`.
    static func hardwareUpdate(_ state: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress else { return state }
        var crc = state
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            crc = shoal_crc32c_u64(crc, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            i += 8
        }
        return softwareUpdate(crc, UnsafeRawBufferPointer(rebasing: bytes[i...]))
    }

    /// The running (inverted) state after feeding `bytes` through the tables (slicing by 8).
    static func softwareUpdate(_ state: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress else { return state }
        var crc = state
        var i = 0
        let n = bytes.count
        CRC32C.tables.withUnsafeBufferPointer { tables in
            let t0 = tables[0], t1 = tables[1], t2 = tables[2], t3 = tables[3]
            let t4 = tables[4], t5 = tables[5], t6 = tables[6], t7 = tables[7]
            while i + 8 <= n {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let low = UInt32(truncatingIfNeeded: word) ^ crc
                let high = UInt32(truncatingIfNeeded: word >> 32)
                crc =
                    t7[Int(low & 0xFF)] ^ t6[Int((low >> 8) & 0xFF)] ^ t5[Int((low >> 16) & 0xFF)]
                    ^ t4[Int(low >> 24)] ^ t3[Int(high & 0xFF)] ^ t2[Int((high >> 8) & 0xFF)]
                    ^ t1[Int((high >> 16) & 0xFF)] ^ t0[Int(high >> 24)]
                i += 8
            }
            while i < n {
                crc = (crc >> 8) ^ t0[Int((crc ^ UInt32(base.load(fromByteOffset: i, as: UInt8.self))) & 0xFF)]
                i += 1
            }
        }
        return crc
    }

    /// The checksum of `bytes`.
    package static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32C()
        crc.update(bytes)
        return crc.value
    }
}
