#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file atomically: into a temporary file beside the target, buffered, then `fsync`,
/// `rename` over the target, and `fsync` of the directory. Either the old file or the complete
/// new one exists after a crash, never a torn one.
final class FileOutput {
    let path: String
    private let temporaryPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private let bufferLimit = 1 << 20
    private(set) var checksum = CRC32C()
    private(set) var bytesWritten = 0

    init(path: String) throws(ShoalError) {
        self.path = path
        temporaryPath = path + ".tmp-\(getpid())"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ShoalError(.ioFailure, "cannot create \(temporaryPath): \(String(cString: strerror(errno)))", path: path)
        }
        buffer.reserveCapacity(bufferLimit)
    }

    deinit {
        if descriptor >= 0 {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    /// Appends raw bytes (and feeds them to the running checksum).
    func write(_ bytes: UnsafeRawBufferPointer) throws(ShoalError) {
        checksum.update(bytes)
        bytesWritten += bytes.count
        if buffer.count + bytes.count > bufferLimit { try flush() }
        if bytes.count >= bufferLimit {
            try writeFully(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Appends a value's little-endian bytes.
    func write<T: FixedWidthInteger>(_ value: T) throws(ShoalError) {
        var little = value.littleEndian
        try withUnsafeBytes(of: &little) { (bytes) throws(ShoalError) in try write(bytes) }
    }

    /// Starts a new checksum section (the running checksum restarts from empty).
    func resetChecksum() { checksum = CRC32C() }

    /// Flushes, syncs, and renames into place.
    func commit() throws(ShoalError) {
        try flush()
        guard fsync(descriptor) == 0 else { throw failure("fsync") }
        close(descriptor)
        descriptor = -1
        guard rename(temporaryPath, path) == 0 else {
            let error = failure("rename")
            unlink(temporaryPath)
            throw error
        }
        let directory = path.contains("/") ? String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) : "."
        let directoryDescriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    private func flush() throws(ShoalError) {
        guard !buffer.isEmpty else { return }
        let pending = buffer
        buffer.removeAll(keepingCapacity: true)
        try pending.withUnsafeBufferPointer { (buffer) throws(ShoalError) in try writeFully(UnsafeRawBufferPointer(buffer)) }
    }

    private func writeFully(_ bytes: UnsafeRawBufferPointer) throws(ShoalError) {
        guard var cursor = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = Glibc.write(descriptor, cursor, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("write")
            }
            cursor += written
            remaining -= written
        }
    }

    private func failure(_ call: String) -> ShoalError {
        ShoalError(.ioFailure, "\(call) failed while writing: \(String(cString: strerror(errno)))", path: path)
    }
}
