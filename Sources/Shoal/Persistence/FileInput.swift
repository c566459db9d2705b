#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory, with a bounds-checked little-endian cursor. Every
/// read past the end throws a ``ShoalError/Code/corruptFile`` error naming the file, the offset and
/// what was being read, so a truncated or lying file can never crash the reader.
///
/// The bytes are never copied into an intermediate buffer: checksums run over the mapping and
/// ``take(_:_:)`` hands out pointers into it, which callers copy straight into their own storage.
/// Those pointers stay valid while this value (or a copy) is alive.
///
/// The file must not shrink while it is mapped (reading a page past a truncated end raises
/// SIGBUS); Shoal replaces index files by renaming a new file over them, never in place.
struct FileInput {
    let path: String
    private let file: MappedFile
    private(set) var offset = 0

    init(path: String) throws(ShoalError) {
        self.path = path
        file = try MappedFile(path: path)
    }

    /// Bytes in the file.
    var count: Int { file.bytes.count }

    var remaining: Int { count - offset }

    /// Reads a little-endian integer.
    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: String) throws(ShoalError) -> T {
        try need(MemoryLayout<T>.size, what)
        let value = file.bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    /// The next `byteCount` bytes, in place (any alignment), and moves past them.
    /// - Complexity: O(1).
    mutating func take(_ byteCount: Int, _ what: String) throws(ShoalError) -> UnsafeRawBufferPointer {
        try need(byteCount, what)
        defer { offset += byteCount }
        return UnsafeRawBufferPointer(rebasing: file.bytes[offset..<(offset + byteCount)])
    }

    /// A copy of the bytes in `range` (which must lie inside the file).
    func bytes(_ range: Range<Int>) -> [UInt8] { Array(file.bytes[range]) }

    /// The little-endian `UInt32` at `position` (which must lie inside the file).
    func uint32(at position: Int) -> UInt32 {
        UInt32(littleEndian: file.bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self))
    }

    /// CRC-32C of `range`. - Complexity: O(`range.count`).
    func checksum(_ range: Range<Int>) -> UInt32 {
        CRC32C.checksum(UnsafeRawBufferPointer(rebasing: file.bytes[range]))
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

/// A read-only, private mapping of a whole file, unmapped when the last reference goes. The pages
/// are read in up front (`MAP_POPULATE` on Linux), since an index file is read from end to end.
final class MappedFile {
    let bytes: UnsafeRawBufferPointer

    init(path: String) throws(ShoalError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ShoalError(.ioFailure, "cannot open the index file: \(String(cString: strerror(errno)))", path: path)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw ShoalError(.ioFailure, "cannot stat the index file: \(String(cString: strerror(errno)))", path: path)
        }
        let size = Int(status.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        #if canImport(Glibc)
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        let mapped = mmap(nil, size, PROT_READ, flags, descriptor, 0)
        guard let mapped, mapped != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw ShoalError(.ioFailure, "cannot map the index file (\(size) bytes): \(String(cString: strerror(errno)))", path: path)
        }
        bytes = UnsafeRawBufferPointer(start: mapped, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
