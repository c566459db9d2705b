import Shoal

/// Writes checkpoints: a new snapshot of the index at the last applied LSN, then deletes the
/// snapshots beyond the retention count and the log segments the oldest kept snapshot covers.
///
/// Order of a checkpoint: (1) start a new log segment, so older ones can be deleted whole;
/// (2) holding the commit thread's apply lock (writes keep being logged, but wait to be applied
/// and acknowledged; searches are not blocked), write the snapshot through
/// `VectorIndex.write(to:)` — temporary file, `fsync`, `rename`, directory `fsync`; (3) sync the
/// directory again through ``FileSystem``; (4) only then delete older snapshots and covered
/// segments. A crash at any point leaves a snapshot plus every log record after it.
///
/// Thread safety: every method may be called from any thread; checkpoints run one at a time.
final class CheckpointWriter: @unchecked Sendable {
    let index: VectorIndex
    let log: WriteAheadLog
    let committer: GroupCommitter
    let layout: CollectionLayout
    let fileSystem: FileSystem
    let retainedSnapshots: Int
    private let serial = ConditionLock()
    private let stateLock = ConditionLock()
    /// LSNs of the snapshots on disk, ascending. Guarded by `stateLock`.
    private var snapshots: [UInt64]
    /// Set by ``shutDown()``. Guarded by `serial`.
    private var shutDown = false

    init(
        index: VectorIndex, log: WriteAheadLog, committer: GroupCommitter, layout: CollectionLayout,
        fileSystem: FileSystem, retainedSnapshots: Int, snapshots: [UInt64]
    ) {
        self.index = index
        self.log = log
        self.committer = committer
        self.layout = layout
        self.fileSystem = fileSystem
        self.retainedSnapshots = retainedSnapshots
        self.snapshots = snapshots.sorted()
    }

    /// LSNs of the snapshots on disk, ascending.
    var snapshotLSNs: [UInt64] { stateLock.withLock { snapshots } }

    /// Waits for a running checkpoint and refuses later ones (the collection is closing and its
    /// lock is about to be released).
    func shutDownAfterRunningCheckpoint() {
        serial.withLock { shutDown = true }
    }

    /// Writes a checkpoint (see the type's description).
    /// - Throws: ``StoreError/Code/ioFailure`` when the snapshot or a cleanup step fails; the
    ///   collection stays usable and the previous snapshot and the log still hold every write.
    func checkpoint() throws(StoreError) -> CheckpointReport {
        try serial.withLock { () throws(StoreError) -> CheckpointReport in
            if shutDown { throw StoreError(.closed, "the collection is closed; open it again to checkpoint") }
            let clock = Stopwatch()
            var report = CheckpointReport()
            try log.rotateIfNotEmpty()
            let newest = snapshotLSNs.last
            var pendingBytes = 0
            let lsn = try committer.applyLock.withLock { () throws(StoreError) -> UInt64 in
                let lsn = committer.appliedLSN
                pendingBytes = log.bytesSinceCheckpoint
                guard lsn != newest else { return lsn }
                let path = layout.snapshot(lsn)
                do throws(ShoalError) {
                    try index.write(to: path)
                } catch {
                    throw StoreError(wrapping: error, context: "the checkpoint could not write its snapshot")
                }
                report.snapshotPath = path
                report.vectorCount = index.count
                return lsn
            }
            report.lsn = lsn
            report.snapshotSeconds = clock.seconds
            if let path = report.snapshotPath {
                try fileSystem.syncDirectory(layout.snapshots)
                report.snapshotBytes = fileSystem.size(of: path) ?? 0
                stateLock.withLock { snapshots.append(lsn) }
            }
            log.resetAppendedBytes(by: pendingBytes)
            let (expired, kept) = stateLock.withLock { (snapshots.dropLast(retainedSnapshots), snapshots.suffix(retainedSnapshots)) }
            for old in expired {
                try fileSystem.remove(layout.snapshot(old))
                report.removedFiles.append(layout.snapshot(old))
                stateLock.withLock { snapshots.removeAll { $0 == old } }
            }
            if !expired.isEmpty { try fileSystem.syncDirectory(layout.snapshots) }
            if let oldest = kept.first {
                report.removedFiles += try log.removeSegments(coveredBy: oldest)
            }
            report.seconds = clock.seconds
            return report
        }
    }
}
