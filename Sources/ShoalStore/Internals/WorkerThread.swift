#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A dedicated operating-system thread for blocking work (`fsync`, snapshot writes), so that it
/// never occupies a thread of Swift's cooperative pool.
///
/// Thread safety: ``join()`` may be called once, from any other thread.
final class WorkerThread: @unchecked Sendable {
    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    #if canImport(Glibc)
    private var handle = pthread_t()
    #else
    private var handle: pthread_t?
    #endif

    /// Starts a thread running `body`.
    /// - Parameter background: lowers the thread's priority (Linux: `SCHED_BATCH` and nice +5), so
    ///   that searches get the processor first when the write path and searches compete for it.
    init(background: Bool = false, _ body: @escaping @Sendable () -> Void) {
        let run: @Sendable () -> Void
        if background {
            run = {
                WorkerThread.lowerPriority()
                body()
            }
        } else {
            run = body
        }
        let box = Unmanaged.passRetained(Box(run)).toOpaque()
        let status = pthread_create(
            &handle, nil,
            { context in
                let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
                box.body()
                return nil
            }, box)
        precondition(status == 0, "pthread_create failed: \(status)")
    }

    /// Lowers the calling thread's scheduling priority; failures are ignored (it is a hint).
    private static func lowerPriority() {
        #if canImport(Glibc)
        var parameters = sched_param()
        _ = pthread_setschedparam(pthread_self(), 3, &parameters)  // SCHED_BATCH
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 5)  // 0: this thread
        #endif
    }

    /// Waits for the thread to finish.
    func join() {
        #if canImport(Glibc)
        pthread_join(handle, nil)
        #else
        if let handle { pthread_join(handle, nil) }
        #endif
    }
}
