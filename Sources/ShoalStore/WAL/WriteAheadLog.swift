#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Shoal

/// The append side of the write-ahead log: one open segment that group commits are appended to
/// (write, then `fdatasync`), a new segment when it grows past its size limit or a checkpoint asks,
/// and deletion of segments a snapshot covers.
///
/// A failed append is rolled back (the segment is cut back to its last synced length and synced),
/// so the failed records never reach a later recovery. When the rollback itself fails, or `fsync`
/// failed (after which the kernel's page cache can no longer be trusted), the log refuses further
/// appends.
///
/// Thread safety: every method may be called from any thread; they serialize on an internal lock.
final class WriteAheadLog: @unchecked Sendable {
    /// Why an append failed, and whether the log can go on.
    struct AppendFailure: Error {
        let error: StoreError
        /// False when the log's state on disk is unknown: it refuses further appends.
        let logUsable: Bool
    }

    let fileSystem: FileSystem
    let layout: CollectionLayout
    let dimension: Int
    let metric: DistanceMetric
    let segmentLimit: Int
    private let lock = ConditionLock()
    private var descriptor: Int32 = -1
    private var segmentPath = ""
    private var segmentSize = 0
    private var nextLSN: UInt64
    /// First LSNs of the segments on disk, ascending; the last is the open one.
    private var segments: [UInt64]
    private var unusable: StoreError?
    private var appendedBytes = 0

    /// Opens the log for appending after recovery.
    /// - Parameters:
    ///   - segments: first LSNs of the segments on disk, ascending.
    ///   - tail: the last segment and its valid length, if appends may continue in it (its
    ///     records end at `nextLSN - 1`); `nil` starts a new segment at `nextLSN`.
    init(
        fileSystem: FileSystem, layout: CollectionLayout, dimension: Int, metric: DistanceMetric, segmentLimit: Int,
        segments: [UInt64], tail: (firstLSN: UInt64, size: Int)?, nextLSN: UInt64, pendingBytes: Int
    ) throws(StoreError) {
        self.fileSystem = fileSystem
        self.layout = layout
        self.dimension = dimension
        self.metric = metric
        self.segmentLimit = segmentLimit
        self.segments = segments
        self.nextLSN = nextLSN
        appendedBytes = pendingBytes
        if let tail {
            segmentPath = layout.segment(tail.firstLSN)
            descriptor = try fileSystem.open(segmentPath, flags: O_WRONLY)
            segmentSize = tail.size
            do {
                try fileSystem.truncate(descriptor, to: tail.size, path: segmentPath)
            } catch {
                fileSystem.close(descriptor)
                throw error
            }
        } else {
            try startSegment()
        }
    }

    deinit { close() }

    /// Closes the open segment.
    func close() {
        lock.withLock {
            if descriptor >= 0 { fileSystem.close(descriptor) }
            descriptor = -1
        }
    }

    /// Appends one group commit (records `firstLSN...lastLSN`, already encoded) and syncs it.
    /// Returns when the bytes are durable.
    /// - Throws: ``AppendFailure``; the records are then not in the log.
    func append(_ bytes: [UInt8], firstLSN: UInt64, lastLSN: UInt64) throws(AppendFailure) {
        try lock.withLock { () throws(AppendFailure) in
            if let unusable { throw AppendFailure(error: unusable, logUsable: false) }
            precondition(firstLSN == nextLSN, "group starts at LSN \(firstLSN), the log expects \(nextLSN)")
            if segmentSize > WALSegmentHeader.size && segmentSize + bytes.count > segmentLimit {
                do throws(StoreError) {
                    try rotate()
                } catch {
                    throw AppendFailure(error: error, logUsable: unusable == nil)
                }
            }
            var syncing = false
            do throws(StoreError) {
                try fileSystem.writeAll(descriptor, bytes, path: segmentPath)
                syncing = true
                try fileSystem.sync(descriptor, path: segmentPath)
            } catch {
                let rolledBack = rollBack()
                if !rolledBack || syncing {
                    unusable = StoreError(
                        .writesDisabled,
                        "an earlier \(syncing ? "fsync" : "write") of the log failed (\(error.message)); reopen the collection to write again",
                        path: segmentPath)
                }
                throw AppendFailure(error: error, logUsable: unusable == nil)
            }
            segmentSize += bytes.count
            appendedBytes += bytes.count
            nextLSN = lastLSN + 1
            debugCheckInvariants()
        }
    }

    /// Starts a new segment unless the open one holds no records, so that a checkpoint can
    /// delete every segment before it.
    func rotateIfNotEmpty() throws(StoreError) {
        try lock.withLock { () throws(StoreError) in
            if let unusable { throw unusable }
            if segmentSize > WALSegmentHeader.size { try rotate() }
            debugCheckInvariants()
        }
    }

    /// Deletes every segment whose records all have LSN ≤ `lsn` (never the open one), then syncs
    /// the directory. Returns the deleted paths.
    func removeSegments(coveredBy lsn: UInt64) throws(StoreError) -> [String] {
        try lock.withLock { () throws(StoreError) -> [String] in
            var removed: [String] = []
            while segments.count > 1, segments[1] <= lsn &+ 1 {
                let path = layout.segment(segments[0])
                try fileSystem.remove(path)
                removed.append(path)
                segments.removeFirst()
            }
            if !removed.isEmpty { try fileSystem.syncDirectory(layout.wal) }
            debugCheckInvariants()
            return removed
        }
    }

    /// Bytes appended since the last call to ``resetAppendedBytes()`` (or since open, counting
    /// the records recovery replayed).
    var bytesSinceCheckpoint: Int { lock.withLock { appendedBytes } }

    /// Restarts the byte count that triggers background checkpoints.
    func resetAppendedBytes(by bytes: Int) {
        lock.withLock { appendedBytes = max(0, appendedBytes - bytes) }
    }

    /// Segments on disk and their total size in bytes.
    var footprint: (segments: Int, bytes: Int) {
        lock.withLock {
            let sizes = segments.dropLast().map { fileSystem.size(of: layout.segment($0)) ?? 0 }
            return (segments.count, sizes.reduce(segmentSize, +))
        }
    }

    /// Traps unless the bookkeeping is consistent: segments ascending, the open one last and at
    /// least a header long, the next LSN not below its first. Runs after every append, rotation
    /// and removal in builds with `SHOAL_INTERNAL_CHECKS`. Must hold the lock. - Complexity:
    /// O(segments).
    private func debugCheckInvariants() {
        #if SHOAL_INTERNAL_CHECKS
        precondition(zip(segments, segments.dropFirst()).allSatisfy { $0 < $1 }, "log segments out of order: \(segments)")
        precondition(segmentSize >= WALSegmentHeader.size, "the open segment is \(segmentSize) bytes, shorter than its header")
        precondition(segments.last.map { nextLSN >= $0 } ?? true, "the next LSN \(nextLSN) precedes the open segment")
        precondition(segmentPath.isEmpty || segments.last.map { layout.segment($0) == segmentPath } == true, "the open segment is not the last")
        #endif
    }

    /// Must hold the lock.
    private func rotate() throws(StoreError) {
        let previous = descriptor
        try startSegment()
        fileSystem.close(previous)
    }

    /// Creates, syncs and opens a segment starting at `nextLSN`. Must hold the lock (or be in
    /// `init`). On failure nothing changes (a partly created file is deleted).
    private func startSegment() throws(StoreError) {
        let path = layout.segment(nextLSN)
        let fd = try fileSystem.open(path, flags: O_WRONLY | O_CREAT | O_EXCL)
        do {
            try fileSystem.writeAll(fd, WALSegmentHeader(firstLSN: nextLSN, dimension: dimension, metric: metric).encoded(), path: path)
            try fileSystem.sync(fd, path: path)
            try fileSystem.syncDirectory(layout.wal)
        } catch {
            fileSystem.close(fd)
            do {
                try fileSystem.remove(path)
                try fileSystem.syncDirectory(layout.wal)
            } catch {
                unusable = StoreError(
                    .writesDisabled,
                    "a new log segment could not be created nor removed (\(error.message)); reopen the collection to write again",
                    path: path)
            }
            throw error
        }
        descriptor = fd
        segmentPath = path
        segmentSize = WALSegmentHeader.size
        if segments.last != nextLSN { segments.append(nextLSN) }
    }

    /// Cuts the open segment back to its last synced length. Must hold the lock.
    private func rollBack() -> Bool {
        do {
            try fileSystem.truncate(descriptor, to: segmentSize, path: segmentPath)
            try fileSystem.sync(descriptor, path: segmentPath)
            return true
        } catch {
            return false
        }
    }
}
