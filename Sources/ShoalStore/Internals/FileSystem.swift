#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every system call the store makes on its own files, in one place, so that tests can inject
/// failures (`ENOSPC`, short writes, a failing `fsync`) through a ``FaultPlan``.
///
/// Errors are ``StoreError/Code/ioFailure`` naming the call, the path and the system's reason.
/// Snapshot files are written by the core index (`VectorIndex.write(to:)`), which does not go
/// through this type.
///
/// Thread safety: every method may be called from any thread; calls on one descriptor must not
/// overlap.
package final class FileSystem: Sendable {
    /// The injectable calls.
    package enum Operation: String, Sendable {
        case open, write, sync, truncate, rename, unlink, makeDirectory, syncDirectory, read
    }

    /// The real file system.
    package static let live = FileSystem(faults: nil)

    let faults: FaultPlan?

    /// Makes a file system whose calls may fail as `faults` says (`nil`: never on purpose).
    package init(faults: FaultPlan?) {
        self.faults = faults
    }

    /// Opens (or creates) a file; returns its descriptor.
    func open(_ path: String, flags: Int32, mode: mode_t = 0o644) throws(StoreError) -> Int32 {
        try inject(.open, path)
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw failure("open", path) }
        }
    }

    /// Closes a descriptor (errors ignored: nothing written is lost by a failing `close` once the
    /// file was synced).
    func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Writes all of `bytes` at the descriptor's position, retrying short writes.
    func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(StoreError) {
        guard var cursor = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            var request = remaining
            var pause: UInt32 = 0
            if let effect = faults?.effect(for: .write, path: path) {
                switch effect {
                case .fail(let code):
                    errno = code
                    throw failure("write", path)
                case .shortWrite(let limit):
                    request = min(remaining, max(0, limit))
                case .slowWrite(let limit, let microseconds):
                    request = min(remaining, max(1, limit))
                    pause = microseconds
                }
            }
            let written = Glibc.write(fd, cursor, request)
            if pause > 0 { usleep(pause) }
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("write", path)
            }
            if written == 0 && request > 0 {
                errno = ENOSPC
                throw failure("write", path)
            }
            cursor += written
            remaining -= written
        }
    }

    /// Writes a whole array.
    func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(StoreError) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(StoreError) in
            try writeAll(fd, UnsafeRawBufferPointer(buffer), path: path)
        }
    }

    /// Makes the file's data durable (`fdatasync`; `fsync` where that is missing).
    func sync(_ fd: Int32, path: String) throws(StoreError) {
        try inject(.sync, path)
        #if canImport(Glibc)
        let status = fdatasync(fd)
        #else
        let status = fsync(fd)
        #endif
        guard status == 0 else { throw failure("fsync", path) }
    }

    /// Cuts the file to `size` bytes and moves the descriptor's position there.
    func truncate(_ fd: Int32, to size: Int, path: String) throws(StoreError) {
        try inject(.truncate, path)
        guard ftruncate(fd, off_t(size)) == 0 else { throw failure("ftruncate", path) }
        guard lseek(fd, off_t(size), SEEK_SET) >= 0 else { throw failure("lseek", path) }
    }

    /// Renames `from` to `to`, replacing `to`.
    func rename(_ from: String, to: String) throws(StoreError) {
        try inject(.rename, to)
        guard Glibc.rename(from, to) == 0 else { throw failure("rename to \(to)", from) }
    }

    /// Deletes a file; a file that is already gone is not an error.
    func remove(_ path: String) throws(StoreError) {
        try inject(.unlink, path)
        guard unlink(path) == 0 || errno == ENOENT else { throw failure("unlink", path) }
    }

    /// Creates a directory.
    func makeDirectory(_ path: String) throws(StoreError) {
        try inject(.makeDirectory, path)
        guard mkdir(path, 0o755) == 0 else { throw failure("mkdir", path) }
    }

    /// Makes a directory's entries (created, renamed, deleted files) durable.
    func syncDirectory(_ path: String) throws(StoreError) {
        try inject(.syncDirectory, path)
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open directory", path) }
        defer { _ = Glibc.close(fd) }
        guard fsync(fd) == 0 else { throw failure("fsync directory", path) }
    }

    /// The whole file.
    func readFile(_ path: String) throws(StoreError) -> [UInt8] {
        try inject(.read, path)
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open", path) }
        defer { _ = Glibc.close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw failure("fstat", path) }
        let size = Int(status.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, size - done) }
            if got < 0 && errno == EINTR { continue }
            if got < 0 { throw failure("read", path) }
            if got == 0 { break }
            done += got
        }
        return done == size ? bytes : Array(bytes[0..<done])
    }

    /// The names in a directory (without `.` and `..`), unsorted.
    func list(_ directory: String) throws(StoreError) -> [String] {
        guard let handle = opendir(directory) else { throw failure("opendir", directory) }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The size of a file in bytes, or `nil` when it does not exist.
    func size(of path: String) -> Int? {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : nil
    }

    /// Whether something exists at `path`.
    func exists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0
    }

    /// Whether `path` is a directory.
    func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    private func inject(_ operation: Operation, _ path: String) throws(StoreError) {
        guard let effect = faults?.effect(for: operation, path: path) else { return }
        if case .fail(let code) = effect {
            errno = code
            throw failure(operation.rawValue, path)
        }
    }

    private func failure(_ call: String, _ path: String) -> StoreError {
        let code = errno
        return StoreError(.ioFailure, "\(call) failed: \(String(cString: strerror(code)))", path: path)
    }
}
