import Dispatch
import Synchronization

/// The one place that spreads work over threads.
///
/// Work is split into `count` items handed out dynamically (an atomic counter), so uneven items
/// (partitions of different sizes) balance across workers. Uses `DispatchQueue.concurrentPerform`,
/// which blocks the caller and costs about a microsecond to fork and join.
enum Parallel {
    /// Threads used when a caller asks for "all cores".
    static let coreCount: Int = IndexConfiguration.availableCores

    /// Calls `body(worker, item)` for every item in `0..<count`, on up to `threads` workers.
    /// `worker` is in `0..<workers` where `workers = min(threads, count)`; each worker runs its items
    /// one after another, so per-worker scratch indexed by `worker` needs no lock.
    /// - Returns: the number of workers used.
    @discardableResult
    static func forEach(
        count: Int, threads: Int, _ body: @Sendable (_ worker: Int, _ item: Int) -> Void
    ) -> Int {
        guard count > 0 else { return 0 }
        let workers = max(1, min(threads, count))
        if workers == 1 {
            for item in 0..<count { body(0, item) }
            return 1
        }
        let counter = WorkCounter()
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            while true {
                let item = counter.next.wrappingAdd(1, ordering: .relaxed).oldValue
                if item >= count { break }
                body(worker, item)
            }
        }
        return workers
    }

    /// Splits `0..<count` into `chunks` contiguous ranges of near-equal size.
    static func ranges(count: Int, chunks: Int) -> [Range<Int>] {
        let chunks = max(1, min(chunks, count))
        return (0..<chunks).map { c in (count * c / chunks)..<(count * (c + 1) / chunks) }
    }
}

/// The next item to hand out.
private final class WorkCounter: Sendable {
    let next = Atomic<Int>(0)
}

/// Carries a value the compiler cannot prove `Sendable` into a `@Sendable` closure. Every use
/// states why the access is race-free.
struct SendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
