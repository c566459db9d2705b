/// Runs checkpoints on its own thread when asked (the commit thread asks once the log has grown
/// past the configured size), so that neither writers nor searches wait for them. Every
/// `pollInterval` seconds it also calls `poll`, and checkpoints when that says so (maintenance
/// changed the partitioning).
///
/// After a failed checkpoint, requests are ignored for `retryDelay` seconds, so a full disk does
/// not turn every group commit into a checkpoint attempt.
///
/// Thread safety: every method may be called from any thread.
final class BackgroundCheckpointer: @unchecked Sendable {
    let writer: CheckpointWriter
    let retryDelay: Double
    let pollInterval: Double
    let poll: @Sendable () -> Bool
    private let lock = ConditionLock()
    // Guarded by `lock`:
    private var requested = false
    private var stopping = false
    private var running = false
    private var lastFailureTime: Double?
    private(set) var lastError: StoreError?
    private(set) var completed = 0
    private var thread: WorkerThread?

    init(writer: CheckpointWriter, retryDelay: Double = 5, pollInterval: Double = 10, poll: @escaping @Sendable () -> Bool) {
        self.writer = writer
        self.retryDelay = retryDelay
        self.pollInterval = pollInterval
        self.poll = poll
    }

    /// Starts the thread (at a lower priority when `background`).
    func start(background: Bool) {
        thread = WorkerThread(background: background) { [self] in run() }
    }

    /// Asks for a checkpoint soon (no effect if one is already asked for or running).
    func request() {
        lock.withLock {
            if let lastFailureTime, Stopwatch.now() - lastFailureTime < retryDelay { return }
            guard !requested, !running else { return }
            requested = true
            lock.broadcast()
        }
    }

    /// The error of the last background checkpoint, if it failed, and how many succeeded.
    var outcome: (completed: Int, lastError: StoreError?) { lock.withLock { (completed, lastError) } }

    /// Waits for a running checkpoint, then stops the thread. Idempotent.
    func stop() {
        let running = lock.withLock { () -> WorkerThread? in
            stopping = true
            lock.broadcast()
            defer { thread = nil }
            return thread
        }
        running?.join()
    }

    private enum Step { case stop, poll, checkpoint }

    private func run() {
        while true {
            let step = lock.withLock { () -> Step in
                if !requested && !stopping { lock.wait(seconds: pollInterval) }
                if stopping { return .stop }
                guard requested else { return .poll }
                requested = false
                running = true
                return .checkpoint
            }
            switch step {
            case .stop: return
            case .poll:
                if poll() { request() }
                continue
            case .checkpoint: break
            }
            var failure: StoreError?
            do {
                _ = try writer.checkpoint()
            } catch {
                failure = error
            }
            lock.withLock {
                running = false
                if let failure {
                    lastError = failure
                    lastFailureTime = Stopwatch.now()
                } else {
                    lastError = nil
                    completed += 1
                }
            }
        }
    }
}
