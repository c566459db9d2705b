#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The single-writer lock of a collection: an exclusive `flock` on `DIR/LOCK`, which holds the
/// holder's process id so that a second writer's error can name it.
///
/// The kernel drops the lock when the holder exits or is killed, so a crash never leaves a stale
/// lock. `flock` locks belong to an open file, so a second open in the same process is refused too.
/// A refused attempt is retried for about 100 ms before it fails: a child process forked by any
/// thread of the holder's process shares the lock until it calls `exec`, so a lock that was just
/// released can look held for a moment.
///
/// Thread safety: ``release()`` may be called once, from any thread.
final class DirectoryLock: @unchecked Sendable {
    private var descriptor: Int32
    let path: String

    /// Takes the lock or throws ``StoreError/Code/locked`` naming the holder's pid.
    init(path: String, collection: String) throws(StoreError) {
        self.path = path
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError(.ioFailure, "cannot open the lock file: \(String(cString: strerror(errno)))", path: path)
        }
        var attempts = 0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let reason = errno
            attempts += 1
            if reason == EWOULDBLOCK && attempts < 50 {
                usleep(2000)
                continue
            }
            let holder = DirectoryLock.holder(fd)
            Glibc.close(fd)
            guard reason == EWOULDBLOCK else {
                throw StoreError(.ioFailure, "flock failed: \(String(cString: strerror(reason)))", path: path)
            }
            let who = holder.map { $0 == getpid() ? "this process (pid \($0))" : "process \($0)" } ?? "another process"
            throw StoreError(
                .locked,
                "the collection \(collection) is open for writing by \(who); close it there first, or open it read-only")
        }
        descriptor = fd
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit { release() }

    /// Releases the lock (idempotent).
    func release() {
        guard descriptor >= 0 else { return }
        _ = ftruncate(descriptor, 0)
        Glibc.close(descriptor)
        descriptor = -1
    }

    private static func holder(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 31, 0) }
        guard got > 0 else { return nil }
        let text = String(decoding: buffer[0..<got], as: UTF8.self).split(separator: "\n").first ?? ""
        return Int32(text)
    }
}
