/// The acknowledgement of one logged write: completed by the group commit once the write is
/// durable and applied to the index (or failed).
///
/// Thread safety: every method may be called from any thread; ``complete(_:)`` is called once.
package final class CommitTicket: @unchecked Sendable {
    private let lock = ConditionLock()
    private var outcome: Result<Void, StoreError>?
    private var continuation: CheckedContinuation<Result<Void, StoreError>, Never>?

    init() {}

    /// A ticket that is already complete.
    init(completed outcome: Result<Void, StoreError>) {
        self.outcome = outcome
    }

    /// Records the outcome and wakes every waiter.
    func complete(_ result: Result<Void, StoreError>) {
        let waiting = lock.withLock { () -> CheckedContinuation<Result<Void, StoreError>, Never>? in
            outcome = result
            lock.broadcast()
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(returning: result)
    }

    /// Blocks the calling thread until the write is durable and applied.
    /// - Throws: the write's ``StoreError``.
    /// - Complexity: one group commit and apply.
    package func wait() throws(StoreError) {
        let result = lock.withLock { () -> Result<Void, StoreError> in
            while true {
                if let outcome { return outcome }
                lock.wait()
            }
        }
        try result.get()
    }

    /// Suspends until the write is durable and applied; returns its outcome.
    func value() async -> Result<Void, StoreError> {
        await withCheckedContinuation { (waiter: CheckedContinuation<Result<Void, StoreError>, Never>) in
            let ready = lock.withLock { () -> Result<Void, StoreError>? in
                if let outcome { return outcome }
                continuation = waiter
                return nil
            }
            if let ready { waiter.resume(returning: ready) }
        }
    }
}
