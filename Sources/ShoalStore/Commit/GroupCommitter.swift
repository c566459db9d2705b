import Shoal

/// The write path of a collection: validates each write against the state it will be applied to,
/// gives it the next LSN and queues it. A log thread takes everything queued at that moment as one
/// group commit — one `write`, one `fdatasync` — and hands the durable group to an apply thread,
/// which applies it to the index in LSN order and acknowledges every write in it. The two overlap:
/// while one group is applied, the next is being synced.
///
/// Guarantees: a write is acknowledged only after its record is durable and applied; a write
/// that throws was never logged, or was rolled back out of the log; writes are applied in log
/// order, so replaying the log reproduces the same stored vectors. When a group commit fails,
/// it and everything queued behind it (validated against a state that will not exist) fail, and
/// the LSN counter rewinds.
///
/// Thread safety: every method may be called from any thread. Searches never wait for this
/// type; the index's own lock serializes each applied chunk with searches.
final class GroupCommitter: @unchecked Sendable {
    let index: VectorIndex
    let log: WriteAheadLog
    /// Held while a group is applied, and by a checkpoint while it writes its snapshot, so that
    /// a snapshot always corresponds to exactly the records up to ``appliedLSN``.
    let applyLock = ConditionLock()
    private let applier: BatchApplier
    private let maxGroupBytes: Int
    /// Durable groups waiting to be applied, at most; the log thread waits beyond that.
    private let maxDurableBacklog = 4
    private let lock = ConditionLock()
    // Guarded by `lock`:
    private var queue: [PendingWrite] = []
    /// Pipeline stages, oldest first: `applying`, then `durable` (synced, waiting to be
    /// applied), then `logging` (being written and synced), then `queue`.
    private var durable: [[PendingWrite]] = []
    private var applying: [PendingWrite] = []
    private var logging: [PendingWrite] = []
    private var nextLSN: UInt64
    private var applied: UInt64
    private var pending: [Int64: PendingPresence] = [:]
    private var closing = false
    private var logThreadDone = false
    private var disabled: StoreError?
    private var statistics = WriteStatistics()
    private var threads: [WorkerThread] = []
    private let lowPriorityApply: Bool

    /// - Parameters:
    ///   - appliedLSN: the last LSN the index already holds (after recovery).
    ///   - applyChunk: rows per `VectorIndex.add` call, bounding how long one apply holds the
    ///     index's write lock (and so how long searches can wait).
    ///   - lowPriorityApply: the apply thread runs at a lower priority and searches for nearest
    ///     centroids on itself alone (``OpenOptions/lowPriorityApply``).
    init(
        index: VectorIndex, log: WriteAheadLog, appliedLSN: UInt64, applyChunk: Int, maxGroupBytes: Int,
        lowPriorityApply: Bool
    ) {
        self.index = index
        self.log = log
        applier = BatchApplier(index: index, chunk: applyChunk, threads: lowPriorityApply ? 1 : nil)
        self.lowPriorityApply = lowPriorityApply
        self.maxGroupBytes = maxGroupBytes
        applied = appliedLSN
        nextLSN = appliedLSN + 1
    }

    /// Starts the log and apply threads; `afterCommit` runs on the apply thread after every group.
    func start(afterCommit: @escaping @Sendable () -> Void) {
        threads = [WorkerThread { [self] in runLog() }, WorkerThread(background: lowPriorityApply) { [self] in runApply(afterCommit: afterCommit) }]
    }

    /// The last LSN applied to the index.
    var appliedLSN: UInt64 { lock.withLock { applied } }

    /// Totals so far.
    var counters: WriteStatistics { lock.withLock { statistics } }

    /// Validates a write, assigns its LSN and queues it.
    /// - Throws: ``StoreError/Code/invalidArgument`` for an id already stored (insert) or not
    ///   stored (delete), counting queued writes; ``StoreError/Code/closed`` or
    ///   ``StoreError/Code/writesDisabled``.
    func submit(_ kind: WALRecord.Kind, ids: [Int64], vectors: [Float], note: String) throws(StoreError) -> CommitTicket {
        let payload = WALRecord.Payload(kind: kind, ids: ids, vectors: vectors, note: note, dimension: index.dimension)
        guard payload.bytes.count <= Int(UInt32.max) else {
            throw BatchValidator.rejected(
                .invalidArgument, "the batch encodes to \(payload.bytes.count) bytes, more than a log record holds (4 GiB); split it")
        }
        let ticket = CommitTicket()
        try lock.withLock { () throws(StoreError) in
            if closing { throw StoreError(.closed, "the collection is closed; open it again to write") }
            if let disabled { throw disabled }
            try checkPresence(kind, ids)
            let write = PendingWrite(lsn: nextLSN, payload: payload, ids: ids, vectors: vectors, ticket: ticket)
            record(write)
            queue.append(write)
            nextLSN += 1
            debugCheckInvariants()
            lock.broadcast()
        }
        return ticket
    }

    /// Refuses every later write with `error` (the index no longer matches the log).
    func disable(_ error: StoreError) {
        lock.withLock { if disabled == nil { disabled = error } }
    }

    /// Commits and applies what is queued, stops the threads and refuses further writes.
    /// Idempotent.
    func close() {
        let running = lock.withLock { () -> [WorkerThread] in
            closing = true
            lock.broadcast()
            defer { threads = [] }
            return threads
        }
        for thread in running { thread.join() }
    }

    /// Traps unless the queue holds consecutive LSNs ending just before `nextLSN`, durable groups
    /// come after the applied LSN in order, and every pending count is positive. Runs after every
    /// submit and group in builds with `SHOAL_INTERNAL_CHECKS`. Must hold `lock`.
    /// - Complexity: O(queued writes + pending ids).
    private func debugCheckInvariants() {
        #if SHOAL_INTERNAL_CHECKS
        let waiting = applying + durable.joined() + logging + queue
        precondition(zip(waiting, waiting.dropFirst()).allSatisfy { $0.lsn + 1 == $1.lsn }, "queued LSNs are not consecutive")
        precondition(waiting.last.map { $0.lsn + 1 == nextLSN } ?? true, "the last queued LSN is not nextLSN - 1")
        let unapplied = Array(durable.joined()) + logging + queue
        precondition(unapplied.first.map { $0.lsn > applied } ?? (applied < nextLSN), "a queued write is already applied")
        precondition(pending.values.allSatisfy { $0.writes > 0 }, "a pending id has no pending write")
        #endif
    }

    /// Counts a queued write in `pending`. Must hold `lock`.
    private func record(_ write: PendingWrite) {
        let present = write.kind == .insert
        for id in write.ids {
            pending[id, default: PendingPresence(present: present, writes: 0)].queue(present: present)
        }
    }

    /// Must hold `lock`.
    private func checkPresence(_ kind: WALRecord.Kind, _ ids: [Int64]) throws(StoreError) {
        let isStored = { (id: Int64) -> Bool in self.pending[id]?.present ?? self.index.contains(id) }
        switch kind {
        case .insert:
            if let known = ids.first(where: isStored) {
                throw BatchValidator.rejected(.duplicateID, "id \(known) is already stored; remove it first or use a new id")
            }
        case .delete:
            let unknown = ids.filter { !isStored($0) }
            guard unknown.isEmpty else {
                let shown = unknown.prefix(10).map(String.init).joined(separator: ", ")
                let more = unknown.count > 10 ? " and \(unknown.count - 10) more" : ""
                throw BatchValidator.rejected(
                    .unknownID, "\(unknown.count) of \(ids.count) ids are not stored (\(shown)\(more)); nothing was removed")
            }
        case .maintenance:
            break
        }
    }

    /// The log thread: group commits, one after another.
    private func runLog() {
        while let group = nextGroup() {
            var writer = ByteWriter(capacity: group.reduce(0) { $0 + $1.encodedSize })
            let first = group[0].lsn
            let last = group[group.count - 1].lsn
            for write in group {
                WALRecord.append(write.payload, lsn: write.lsn, groupFirst: first, groupLast: last, to: &writer)
            }
            do {
                try log.append(writer.bytes, firstLSN: first, lastLSN: last)
            } catch {
                fail(group, error)
                continue
            }
            lock.withLock {
                statistics.groupCommits += 1
                statistics.records += group.count
                statistics.logBytes += writer.bytes.count
                durable.append(group)
                logging = []
                lock.broadcast()
            }
        }
        lock.withLock {
            logThreadDone = true
            lock.broadcast()
        }
    }

    /// Waits for queued writes and room in the backlog; takes the writes (up to `maxGroupBytes`).
    /// `nil` when closing and idle.
    private func nextGroup() -> [PendingWrite]? {
        lock.withLock { () -> [PendingWrite]? in
            while queue.isEmpty || durable.count >= maxDurableBacklog {
                if queue.isEmpty && closing { return nil }
                lock.wait()
            }
            var bytes = 0
            var count = 0
            while count < queue.count, count == 0 || bytes + queue[count].encodedSize <= maxGroupBytes {
                bytes += queue[count].encodedSize
                count += 1
            }
            let group = Array(queue.prefix(count))
            queue.removeFirst(count)
            logging = group
            return group
        }
    }

    /// The apply thread: applies durable groups in order and acknowledges them.
    private func runApply(afterCommit: @Sendable () -> Void) {
        while true {
            let next = lock.withLock { () -> [PendingWrite]? in
                while durable.isEmpty && !logThreadDone { lock.wait() }
                guard !durable.isEmpty else { return nil }
                applying = durable.removeFirst()
                lock.broadcast()
                return applying
            }
            guard let group = next else { return }
            let last = group[group.count - 1].lsn
            // `applied` moves inside the apply lock, so that a checkpoint never pairs the index
            // with an older LSN than the records it holds.
            let failure = applyLock.withLock { () -> (UInt64, StoreError)? in
                var longest = 0.0
                let failure = applier.apply(group, longest: &longest)
                lock.withLock {
                    applied = last
                    statistics.longestApplyCallSeconds = max(statistics.longestApplyCallSeconds, longest)
                }
                return failure
            }
            finish(group, failure: failure)
            afterCommit()
        }
    }

    private func finish(_ group: [PendingWrite], failure: (UInt64, StoreError)?) {
        lock.withLock {
            for write in group {
                for id in write.ids {
                    guard let slot = pending.index(forKey: id) else { continue }
                    pending.values[slot].writes -= 1
                    if pending.values[slot].writes == 0 { pending.remove(at: slot) }
                }
            }
            applying = []
            debugCheckInvariants()
            if let (_, error) = failure, disabled == nil {
                disabled = StoreError(
                    .writesDisabled, "\(error.message); the collection refuses writes until it is reopened", cause: error.cause)
            }
        }
        for write in group {
            if let (lsn, error) = failure, write.lsn >= lsn {
                write.ticket.complete(.failure(error))
            } else {
                write.ticket.complete(.success(()))
            }
        }
    }

    /// A group commit failed: it was rolled back (or the log is now unusable). Fails the group and
    /// everything queued behind it, rewinds the LSN counter, and recounts `pending` from the
    /// durable writes still to be applied.
    private func fail(_ group: [PendingWrite], _ failure: WriteAheadLog.AppendFailure) {
        let behind = lock.withLock { () -> [PendingWrite] in
            let behind = queue
            queue.removeAll()
            logging = []
            nextLSN = group[0].lsn
            pending.removeAll()
            for write in applying + durable.joined() { record(write) }
            debugCheckInvariants()
            if !failure.logUsable && disabled == nil {
                disabled = StoreError(
                    .writesDisabled,
                    "the log could not be written or rolled back (\(failure.error.message)); reopen the collection to write again",
                    path: failure.error.path)
            }
            return behind
        }
        for write in group { write.ticket.complete(.failure(failure.error)) }
        let later = StoreError(
            .ioFailure, "not written: the group commit before it failed (\(failure.error.message))", path: failure.error.path)
        for write in behind { write.ticket.complete(.failure(later)) }
    }
}
