import Shoal

/// How to open a collection. A value type: set the fields, then pass it to
/// ``DurableCollection/open(at:options:)`` or ``DurableCollection/create(at:configuration:options:)``.
///
/// Every field has a documented default and range; ``validate()`` rejects a bad value with a
/// ``StoreError`` instead of clamping it.
public struct OpenOptions: Sendable {
    /// Whether the collection is opened for writing.
    public enum Mode: Sendable, Equatable {
        /// Takes the write lock (one writer per collection, across processes), cuts off a torn log
        /// tail, and accepts inserts, deletes and checkpoints.
        case readWrite
        /// Takes no lock and changes no file: loads the newest snapshot and replays the log as it
        /// is on disk (a writer in another process may be appending). Writes throw
        /// ``StoreError/Code/readOnly``.
        case readOnly
    }

    /// What to do about damage that is not a torn tail.
    public enum Recovery: Sendable, Equatable {
        /// Refuse to open (``StoreError/Code/corruptFile`` naming the file and offset) when
        /// acknowledged data is damaged or missing: a damaged log record followed by later
        /// commits, a missing segment, or a damaged newest snapshot whose log records are gone.
        case strict
        /// Open anyway, keeping everything before the first damage and dropping the rest; the
        /// report's ``RecoveryReport/salvaged`` says what was lost. For disaster recovery only.
        case salvage
    }

    /// Default `.readWrite`.
    public var mode: Mode
    /// Default `.strict`.
    public var recovery: Recovery
    /// Start a background checkpoint once this many bytes were logged since the last one; `nil`
    /// checkpoints only when ``DurableCollection/checkpoint()`` is called. Default 256 MiB, range
    /// 1 KiB...2⁴⁰. Smaller means faster restarts and more snapshot writing.
    public var checkpointAfterLogBytes: Int?
    /// A log segment is closed and a new one started once it holds this many bytes. Default
    /// 64 MiB, range 4 KiB...2³⁰. A group commit never spans two segments.
    public var segmentBytes: Int
    /// Most bytes one group commit writes (more queued writes wait for the next). Default 64 MiB,
    /// range 64 KiB...2³⁰.
    public var maxGroupBytes: Int
    /// Vectors per `VectorIndex.add` call when a batch is applied. Each call holds the index's
    /// write lock, so this bounds how long a search can wait for a writer. Default 256, range
    /// 1...10⁷; a batch is durable, and acknowledged, as a whole either way.
    public var applyChunkSize: Int
    /// Snapshots kept after a checkpoint (with the log records each needs). Default 1, range
    /// 1...100; 2 keeps the previous snapshot as a fallback, at the cost of its disk space.
    public var retainedSnapshots: Int
    /// Worker threads of the index; `nil` uses every core. Range 1...1024.
    public var threads: Int?
    /// Whether background checkpoints run at a lower priority than the rest of the process
    /// (Linux: `SCHED_BATCH` and nice +5), so that searches and writes get the processor first.
    /// Default `true`.
    public var lowPriorityCheckpoints: Bool
    /// Whether the thread that applies durable writes to the index runs at a lower priority (Linux:
    /// `SCHED_BATCH` and nice +5) and does its nearest-centroid searches on that one thread, so
    /// that searches get the processors first while writes stream in. Default `true`. Its heavy
    /// work runs under the index's shared lock; it holds the exclusive lock only to append (well
    /// under a millisecond per ``applyChunkSize`` rows). `false` applies on every core at normal
    /// priority: more write throughput on an otherwise idle machine, slower searches meanwhile.
    public var lowPriorityApply: Bool
    /// How the index maintains its partitions (``MaintenanceConfiguration``: whether maintenance
    /// runs by itself, and its thresholds). `nil` (default) keeps the settings stored in the
    /// collection's `MAINTENANCE` file (written by `create`; the defaults when there is none). A
    /// value replaces them, and a read-write open stores it for later opens.
    public var maintenance: MaintenanceConfiguration?
    /// The system calls the store uses; tests inject failures through it.
    package var fileSystem: FileSystem = .live

    /// Makes options with the defaults above.
    public init(
        mode: Mode = .readWrite, recovery: Recovery = .strict, checkpointAfterLogBytes: Int? = 256 << 20,
        segmentBytes: Int = 64 << 20, maxGroupBytes: Int = 64 << 20, applyChunkSize: Int = 256,
        retainedSnapshots: Int = 1, threads: Int? = nil, lowPriorityCheckpoints: Bool = true,
        lowPriorityApply: Bool = true, maintenance: MaintenanceConfiguration? = nil
    ) {
        self.mode = mode
        self.recovery = recovery
        self.checkpointAfterLogBytes = checkpointAfterLogBytes
        self.segmentBytes = segmentBytes
        self.maxGroupBytes = maxGroupBytes
        self.applyChunkSize = applyChunkSize
        self.retainedSnapshots = retainedSnapshots
        self.threads = threads
        self.lowPriorityCheckpoints = lowPriorityCheckpoints
        self.lowPriorityApply = lowPriorityApply
        self.maintenance = maintenance
    }

    /// Throws ``StoreError/Code/invalidArgument`` naming the first field out of range.
    /// - Complexity: O(1).
    public func validate() throws(StoreError) {
        if let checkpointAfterLogBytes { try check(checkpointAfterLogBytes, in: 1024...(1 << 40), "checkpointAfterLogBytes") }
        try check(segmentBytes, in: 4096...(1 << 30), "segmentBytes")
        try check(maxGroupBytes, in: 65536...(1 << 30), "maxGroupBytes")
        try check(applyChunkSize, in: 1...10_000_000, "applyChunkSize")
        try check(retainedSnapshots, in: 1...100, "retainedSnapshots")
        if let threads { try check(threads, in: 1...1024, "threads") }
        if let maintenance {
            do {
                try maintenance.validate()
            } catch {
                throw StoreError(.invalidArgument, "maintenance: \(error.message)", cause: error)
            }
        }
    }

    private func check(_ value: Int, in range: ClosedRange<Int>, _ name: String) throws(StoreError) {
        guard range.contains(value) else {
            throw StoreError(.invalidArgument, "\(name) is \(value); it must be in \(range.lowerBound)...\(range.upperBound)")
        }
    }
}
