/// The ids of one removal, screened by a bitmap so that testing many ids against them is cheap:
/// a removal checks every entry of every calibration list (256 lists of 56 entries for k = 10),
/// and nearly all of those ids are not being removed.
///
/// Invariant: every id of ``ids`` has its bit set. The bitmap has at least 32 bits per id (a power
/// of two, from 64 to 2²⁰ bits), addressed by the top bits of a multiplicative (Fibonacci) hash,
/// so an id that is not removed finds its bit clear with probability at least about 31/32 and
/// then costs one multiply and one load; the others fall through to the set.
struct RemovedIDs {
    let ids: Set<Int64>
    private let bits: [UInt64]
    private let shift: UInt64

    init(_ ids: Set<Int64>) {
        self.ids = ids
        var logBits = 6
        while logBits < 20 && (1 << logBits) < ids.count * 32 { logBits += 1 }
        shift = UInt64(64 - logBits)
        var bits = [UInt64](repeating: 0, count: (1 << logBits) / 64)
        for id in ids {
            let slot = Self.slot(id, shift: shift)
            bits[slot >> 6] |= 1 << UInt64(slot & 63)
        }
        self.bits = bits
    }

    @inline(__always)
    private static func slot(_ id: Int64, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: id) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// Whether `id` is removed.
    /// - Complexity: O(1): one bit, and a hash lookup only when the bit is set.
    @inline(__always)
    func contains(_ id: Int64) -> Bool {
        let slot = Self.slot(id, shift: shift)
        return bits[slot >> 6] & (1 << UInt64(slot & 63)) != 0 && ids.contains(id)
    }
}
