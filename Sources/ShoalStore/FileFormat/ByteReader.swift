/// A bounds-checked little-endian cursor over bytes. A read past the end returns `nil`, so a
/// truncated or lying file can never crash the parser.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    /// Reads a little-endian integer, or returns `nil` (without moving) if too few bytes remain.
    mutating func read<T: FixedWidthInteger>(_: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard offset >= 0, size <= remaining else { return nil }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += size
        return T(littleEndian: value)
    }

    /// Reads `count` trivial values, or returns `nil` if too few bytes remain.
    mutating func read<T: BitwiseCopyable>(array _: T.Type, count: Int) -> [T]? {
        let (size, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard !overflow, count >= 0, size <= remaining, let base = bytes.baseAddress else {
            return count == 0 ? [] : nil
        }
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(
                from: UnsafeRawBufferPointer(start: base + offset, count: size))
            initialized = count
        }
        offset += size
        return values
    }

    /// Skips `count` bytes, or returns `false` if too few remain.
    mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, count <= remaining else { return false }
        offset += count
        return true
    }
}
