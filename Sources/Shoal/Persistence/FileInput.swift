#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file read into memory, with a bounds-checked little-endian cursor. Every read past the
/// end throws a ``ShoalError/Code/corruptFile`` error naming the file, the offset and what was
/// being read, so a truncated or lying file can never crash the reader.
struct FileInput {
    let path: String
    let bytes: [UInt8]
    private(set) var offset = 0

    init(path: String) throws(ShoalError) {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw ShoalError(.ioFailure, "cannot open the index file: \(reason)", path: path)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw ShoalError(.ioFailure, "cannot stat the index file: \(String(cString: strerror(errno)))", path: path)
        }
        let size = Int(status.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        let failed: Int32? = bytes.withUnsafeMutableBytes { buffer in
            while done < size {
                let got = Glibc.read(descriptor, buffer.baseAddress! + done, size - done)
                if got < 0 && errno == EINTR { continue }
                if got <= 0 { return got < 0 ? errno : 0 }
                done += got
            }
            return nil
        }
        if let failed {
            throw ShoalError(.ioFailure, "read failed after \(done) of \(size) bytes: \(String(cString: strerror(failed)))", path: path)
        }
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - offset }

    /// Reads a little-endian integer.
    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: String) throws(ShoalError) -> T {
        try need(MemoryLayout<T>.size, what)
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    /// Copies `count` values of a trivial type into `target`.
    mutating func read<T>(into target: UnsafeMutablePointer<T>, count: Int, _ what: String) throws(ShoalError) {
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard !overflow else { throw corrupt("\(what) claims \(count) entries, which is impossibly large") }
        try need(byteCount, what)
        bytes.withUnsafeBytes { source in
            UnsafeMutableRawPointer(target).copyMemory(from: source.baseAddress! + offset, byteCount: byteCount)
        }
        offset += byteCount
    }

    /// CRC-32C of `range`.
    func checksum(_ range: Range<Int>) -> UInt32 {
        bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    func corrupt(_ message: String, at position: Int? = nil) -> ShoalError {
        ShoalError(.corruptFile, message, path: path, offset: position ?? offset)
    }

    private func need(_ count: Int, _ what: String) throws(ShoalError) {
        guard count >= 0, count <= remaining else {
            throw corrupt(
                "the file ends before \(what) (needs \(count) bytes, \(remaining) left); it is truncated or damaged")
        }
    }
}
