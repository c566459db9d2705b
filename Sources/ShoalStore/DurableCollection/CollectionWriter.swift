import Shoal

/// What a collection opened for writing holds beyond its index: the directory lock, the log, the
/// group-commit thread and the checkpoint machinery.
///
/// Thread safety: every member is thread-safe; ``close()`` may be called from any thread, more
/// than once.
final class CollectionWriter: Sendable {
    let lock: DirectoryLock
    let log: WriteAheadLog
    let committer: GroupCommitter
    let checkpoints: CheckpointWriter
    let background: BackgroundCheckpointer

    init(
        lock: DirectoryLock, log: WriteAheadLog, index: VectorIndex, appliedLSN: UInt64, snapshots: [UInt64],
        layout: CollectionLayout, options: OpenOptions
    ) {
        self.lock = lock
        self.log = log
        committer = GroupCommitter(
            index: index, log: log, appliedLSN: appliedLSN, applyChunk: options.applyChunkSize,
            maxGroupBytes: options.maxGroupBytes, lowPriorityApply: options.lowPriorityApply)
        checkpoints = CheckpointWriter(
            index: index, log: log, committer: committer, layout: layout, fileSystem: options.fileSystem,
            retainedSnapshots: options.retainedSnapshots, snapshots: snapshots)
        let watch = StructureWatch(index: index)
        background = BackgroundCheckpointer(writer: checkpoints) { watch.changed() }
        background.start(background: options.lowPriorityCheckpoints)
        let threshold = options.checkpointAfterLogBytes
        committer.start { [log, background] in
            if let threshold, log.bytesSinceCheckpoint >= threshold { background.request() }
        }
    }

    /// Commits queued writes, waits for running checkpoints, closes the log and releases the lock.
    func close() {
        committer.close()
        background.stop()
        checkpoints.shutDownAfterRunningCheckpoint()
        log.close()
        lock.release()
    }
}
