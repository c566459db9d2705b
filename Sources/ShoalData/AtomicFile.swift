#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file atomically: the bytes go to a temporary file beside the target
/// (`<path>.tmp-<pid>-<random>`), which is renamed over the target only after every byte was
/// written. Readers therefore see either the old file or the complete new one, and a failed
/// write leaves the old file untouched and removes the temporary file.
///
/// There is no `fsync`: the rename protects against partial files from crashes of this process
/// and concurrent readers, not against power loss. The new file gets mode 0644 (minus umask).
enum AtomicFile {
    static func write(to path: String, _ body: (inout FileSink) throws(DataFileError) -> Void) throws(DataFileError) {
        let temporary = "\(path).tmp-\(getpid())-\(String(UInt64.random(in: 0 ... UInt64.max), radix: 16))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            throw DataFileError(
                code: .writeFailed, path: path,
                message: "cannot create the temporary file \(temporary): \(errnoText(code)); check that the directory exists and is writable")
        }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: FileSink.chunkSize, alignment: 16)
        defer { storage.deallocate() }
        var sink = FileSink(descriptor: fd, path: path, storage: storage)
        do throws(DataFileError) {
            try body(&sink)
            try sink.flush()
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard close(fd) == 0 else {
            let code = errno
            unlink(temporary)
            throw DataFileError(code: .writeFailed, path: path, message: "closing the written file failed: \(errnoText(code))")
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw DataFileError(
                code: .writeFailed, path: path,
                message: "cannot rename \(temporary) to the target: \(errnoText(code)); check that the path is not a directory")
        }
    }
}

/// A write buffer over a file descriptor: small appends are gathered into 4 MiB chunks,
/// large ones are written straight from the caller's memory.
struct FileSink {
    /// Bytes gathered before one `write` call.
    static let chunkSize = 4 << 20

    private let descriptor: Int32
    private let path: String
    private let storage: UnsafeMutableRawBufferPointer
    private var pending = 0
    /// Bytes handed to the sink so far (written or pending).
    private(set) var bytesAppended = 0

    init(descriptor: Int32, path: String, storage: UnsafeMutableRawBufferPointer) {
        self.descriptor = descriptor
        self.path = path
        self.storage = storage
    }

    /// Appends raw bytes. O(bytes.count), one `memcpy` or one direct write.
    mutating func append(_ bytes: UnsafeRawBufferPointer) throws(DataFileError) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        bytesAppended += bytes.count
        if pending + bytes.count > storage.count {
            try flush()
        }
        if bytes.count >= storage.count {
            try writeAll(bytes)
            return
        }
        guard let target = storage.baseAddress else { return }
        (target + pending).copyMemory(from: source, byteCount: bytes.count)
        pending += bytes.count
    }

    /// Appends the bytes of an array.
    mutating func append(_ bytes: [UInt8]) throws(DataFileError) {
        var failure: DataFileError?
        bytes.withUnsafeBytes { raw in
            do throws(DataFileError) { try append(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Appends the four little-endian bytes of `value`.
    mutating func append(littleEndian value: Int32) throws(DataFileError) {
        var encoded = value.littleEndian
        var failure: DataFileError?
        withUnsafeBytes(of: &encoded) { raw in
            do throws(DataFileError) { try append(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Writes every pending byte to the file.
    mutating func flush() throws(DataFileError) {
        guard pending > 0 else { return }
        try writeAll(UnsafeRawBufferPointer(rebasing: storage[0 ..< pending]))
        pending = 0
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(DataFileError) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let count = write(descriptor, base + done, bytes.count - done)
            if count > 0 {
                done += count
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                let code = count < 0 ? errno : ENOSPC
                throw DataFileError(
                    code: .writeFailed, path: path,
                    message: "writing \(bytes.count - done) bytes failed: \(errnoText(code)); check free disk space and quotas")
            }
        }
    }
}
