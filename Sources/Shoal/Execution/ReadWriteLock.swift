import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A readers–writer lock: any number of readers, or one writer. It records the longest time a
/// writer held it (the longest any reader can have waited for a writer; two clock reads per write).
///
/// Thread safety: that is its job. Not reentrant: a thread holding it must not take it again.
final class ReadWriteLock: @unchecked Sendable {
    private let handle = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)
    /// Nanoseconds; stored only by the writer holding the lock, so a load and a store suffice.
    private let longestWrite = Atomic<Int>(0)

    /// The longest time, in seconds, that one writer held the lock since it was created.
    var longestWriteHoldSeconds: Double { Double(longestWrite.load(ordering: .relaxed)) * 1e-9 }

    init() {
        handle.initialize(to: pthread_rwlock_t())
        let status = pthread_rwlock_init(handle, nil)
        precondition(status == 0, "pthread_rwlock_init failed: \(status)")
    }

    deinit {
        pthread_rwlock_destroy(handle)
        handle.deallocate()
    }

    /// Runs `body` holding the lock for reading.
    func withReadLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_rwlock_rdlock(handle)
        defer { pthread_rwlock_unlock(handle) }
        return try body()
    }

    /// Runs `body` holding the lock for writing.
    func withWriteLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_rwlock_wrlock(handle)
        let start = MonotonicClock.nanoseconds()
        defer {
            let held = MonotonicClock.nanoseconds() - start
            if held > longestWrite.load(ordering: .relaxed) { longestWrite.store(held, ordering: .relaxed) }
            pthread_rwlock_unlock(handle)
        }
        return try body()
    }
}
