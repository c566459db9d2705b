import Shoal
import Synchronization

/// A vector collection on disk: an in-memory ``Shoal/VectorIndex`` made durable by a write-ahead
/// log and periodic snapshots in one directory.
///
/// ```swift
/// let collection = try DurableCollection.create(at: "/data/docs", configuration: .init(dimension: 384))
/// try await collection.insert(vectors: rows, ids: ids)      // returns once durable
/// let hits = try collection.search(query, options: SearchOptions(k: 10))
/// collection.close()
/// let (reopened, report) = try DurableCollection.open(at: "/data/docs")
/// ```
///
/// Guarantees: an insert or delete returns only after its log record is synced to disk (file
/// `fdatasync`, and directory `fsync` whenever a file is created or renamed) and applied to the
/// index; after a crash, opening the collection restores every acknowledged write, and each
/// unacknowledged batch either entirely or not at all. Concurrent writers share group commits
/// (one `fdatasync` for everything queued at that moment). A batch is validated in full before it
/// is logged, so a batch the index would refuse never reaches the log.
///
/// Thread safety: every method may be called from any thread. Searches run concurrently with each
/// other and with writes, checkpoints and maintenance; a writer holds the index's lock for at most
/// one chunk of ``OpenOptions/applyChunkSize`` vectors at a time. Writes are applied in log order.
/// One process at a time may open a collection for writing (an `flock` on `DIR/LOCK`); any number
/// may open it read-only.
public final class DurableCollection: Sendable {
    /// The collection directory.
    public let path: String
    let layout: CollectionLayout
    let identity: CollectionIdentity
    let options: OpenOptions
    /// The in-memory index. Mutating it directly bypasses the log: only the store does that.
    package let index: VectorIndex
    /// `nil` when opened read-only.
    let writer: CollectionWriter?
    /// For read-only opens: the snapshots on disk and the last LSN replayed, at open.
    let openedSnapshots: [UInt64]
    let openedLastLSN: UInt64
    private let closed = Atomic<Bool>(false)

    init(
        layout: CollectionLayout, identity: CollectionIdentity, options: OpenOptions, index: VectorIndex,
        writer: CollectionWriter?, snapshots: [UInt64], lastLSN: UInt64
    ) {
        path = layout.root
        self.layout = layout
        self.identity = identity
        self.options = options
        self.index = index
        self.writer = writer
        openedSnapshots = snapshots
        openedLastLSN = lastLSN
    }

    deinit { close() }

    /// The index configuration: dimension, metric, and the build settings of the snapshot.
    public var configuration: IndexConfiguration { index.configuration }
    /// Components per vector.
    public var dimension: Int { index.dimension }
    /// The distance metric.
    public var metric: DistanceMetric { index.metric }
    /// Whether the collection was opened read-only.
    public var isReadOnly: Bool { writer == nil }

    /// Stored vectors, including every acknowledged write. - Complexity: O(1).
    public var count: Int { index.count }

    /// Whether `id` is stored. - Complexity: O(1).
    public func contains(_ id: Int64) -> Bool { index.contains(id) }

    /// Every stored id, ascending. - Complexity: O(n log n).
    public func allIDs() -> [Int64] { index.allIDs() }

    /// The collection's size, shape and files. - Complexity: O(partitions + segments).
    public var status: CollectionStatus {
        let snapshots = writer?.checkpoints.snapshotLSNs ?? openedSnapshots
        let footprint = writer?.log.footprint ?? logFootprintOnDisk()
        let fileSystem = options.fileSystem
        let maintenance = index.maintenanceStatistics
        return CollectionStatus(
            path: path, count: index.count, dimension: index.dimension, metric: index.metric,
            partitions: index.partitionCount, levels: index.levelCount,
            configuredPartitions: identity.configuration.partitionCount,
            lastLSN: writer?.committer.appliedLSN ?? openedLastLSN, snapshotLSNs: snapshots,
            snapshotBytes: snapshots.last.flatMap { fileSystem.size(of: layout.snapshot($0)) } ?? 0,
            logSegments: footprint.segments, logBytes: footprint.bytes, memoryFootprint: index.memoryFootprint,
            readOnly: writer == nil, formatVersion: Int(CollectionIdentity.version),
            automaticMaintenanceInterval: index.configuration.maintenance.automaticInterval,
            maintenancePasses: maintenance.passes, splits: maintenance.splits, merges: maintenance.merges)
    }

    /// Finishes the queued writes, waits for a running background checkpoint, and releases the
    /// write lock. Later calls throw ``StoreError/Code/closed``. Idempotent; also run on `deinit`.
    /// Does not checkpoint: the log keeps every write, and the next open replays it.
    /// - Complexity: waits for the queued writes' group commit and a running checkpoint.
    public func close() {
        guard closed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            return
        }
        writer?.close()
    }

    /// Throws ``StoreError/Code/closed`` after ``close()``.
    func checkOpen() throws(StoreError) {
        if closed.load(ordering: .acquiring) {
            throw StoreError(.closed, "the collection \(path) is closed; open it again")
        }
    }

    /// The writer, or ``StoreError/Code/readOnly``/``StoreError/Code/closed``.
    func writable() throws(StoreError) -> CollectionWriter {
        try checkOpen()
        guard let writer else {
            throw StoreError(.readOnly, "the collection \(path) was opened read-only; open it with mode .readWrite to write")
        }
        return writer
    }

    private func logFootprintOnDisk() -> (segments: Int, bytes: Int) {
        let fileSystem = options.fileSystem
        let names = (try? fileSystem.list(layout.wal)) ?? []
        let segments = names.compactMap { CollectionLayout.number(in: $0, suffix: ".log") }
        return (segments.count, segments.reduce(0) { $0 + (fileSystem.size(of: layout.segment($1)) ?? 0) })
    }
}
