#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a `pthread_mutex_t`.
///
/// Used instead of `Synchronization.Mutex` for the index's small shared caches: the standard
/// library is not built with the thread sanitizer, so TSan cannot see `Mutex`'s futex-based
/// hand-off and reports races between accesses that the mutex does order. pthread mutexes are
/// intercepted by TSan, so `swift test --sanitize=thread` checks the code that uses them.
///
/// Thread safety: that is its job. Not reentrant: `body` must not take the same lock again.
final class Locked<Value>: @unchecked Sendable {
    private let handle = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// Guarded by `handle`.
    private var value: Value

    init(_ value: Value) {
        self.value = value
        handle.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(handle, nil)
        precondition(status == 0, "pthread_mutex_init failed: \(status)")
    }

    deinit {
        pthread_mutex_destroy(handle)
        handle.deallocate()
    }

    /// Runs `body` with exclusive access to the value. - Complexity: O(1) plus `body`.
    func withLock<T, E: Error>(_ body: (inout Value) throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(handle)
        defer { pthread_mutex_unlock(handle) }
        return try body(&value)
    }

    /// Runs `body` with exclusive access to the value if no other thread holds the lock; returns
    /// `nil` without waiting otherwise. - Complexity: O(1) plus `body`.
    func withLockIfAvailable<T, E: Error>(_ body: (inout Value) throws(E) -> T) throws(E) -> T? {
        guard pthread_mutex_trylock(handle) == 0 else { return nil }
        defer { pthread_mutex_unlock(handle) }
        return try body(&value)
    }
}
