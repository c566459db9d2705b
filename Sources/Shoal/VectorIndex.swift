import Synchronization

/// A partitioned vector index: vectors with `Int64` ids, grouped into partitions by k-means, with
/// the partitions' centroids indexed by the level above, up to one flat top partition.
///
/// ```swift
/// let index = try VectorIndex.build(vectors: rows, ids: ids, configuration: .init(dimension: 128))
/// let hits = try index.search(query, options: SearchOptions(k: 10, nprobe: 16))
/// try index.add(vectors: more, ids: moreIDs)
/// try index.remove(ids: [42])
/// ```
///
/// Structure: `levels[0]` holds the data; `levels[l + 1]` holds the centroids of `levels[l]`, each
/// stored under the id of its partition (the only link between levels); the top level is a single
/// partition scanned in full. An index built with one partition has one level.
///
/// Thread safety: every method may be called from any thread. Searches run concurrently with one
/// another; `add` and `remove` take an exclusive lock, so they wait for running searches and
/// searches wait for them. `add` finds the partitions of its vectors under the shared lock and
/// holds the exclusive lock only to append them. Maintenance computes under the shared lock and
/// takes the exclusive lock once per action (a merge, a split, a refinement, the level check), for
/// O(rows moved × d); automatic maintenance runs after `add`/`remove`/`search` released the lock.
public final class VectorIndex: @unchecked Sendable {
    /// The configuration the index was built with.
    public let configuration: IndexConfiguration
    let lock = ReadWriteLock()
    /// Guarded by `lock`.
    var levels: [PartitionStore]
    /// Bumped (under the write lock) by every committed maintenance action that changes centroids
    /// or partitions (split, merge, refinement, level change). Work prepared under the shared lock
    /// (an add's placement, a maintenance action) is redone or dropped if it changed meanwhile.
    var structureGeneration = 0
    /// Which partitions recent queries scanned (its own lock).
    let tracker: AccessTracker
    /// Recall-target calibrations per k (its own lock).
    let calibrations = CalibrationCache()
    /// Pairwise distances of the top level's centroids, for recall-target search.
    let separations = Locked<SeparationTable?>(nil)
    /// Every base partition's centroid in one block, for recall-target search.
    let centroidBlocks = Locked<CentroidBlock?>(nil)
    /// The λ model used by maintenance (measured on first use).
    let costModel = Locked<(any ScanCostModel)?>(nil)
    /// Held for a whole maintenance pass, so passes never interleave, and guarding what passes
    /// remember between them. Taken before `lock`, never while holding it (a pass takes `lock`
    /// many times, briefly).
    let maintenancePass = Locked(MaintenanceMemory())
    /// Guarded by `lock`: maintenance totals, and what triggers automatic maintenance.
    var statistics = MaintenanceStatistics()
    var operationsSinceMaintenance = 0
    var queriesAtLastMaintenance = 0 {
        didSet { lastMaintenanceQueries.store(queriesAtLastMaintenance, ordering: .relaxed) }
    }
    let lastMaintenanceQueries = Atomic<Int>(0)
    var queriesAtLastMaintenanceSnapshot: Int { lastMaintenanceQueries.load(ordering: .relaxed) }
    /// Numbers recall-target queries, to split them between the two thresholds of a stop plan.
    let querySequence = Atomic<Int>(0)

    /// Makes an empty index (one flat partition). Vectors added to it all go to that partition;
    /// use ``build(vectors:ids:configuration:)`` to partition a data set.
    /// - Throws: ``ShoalError/Code/invalidArgument`` for an invalid configuration.
    public init(configuration: IndexConfiguration) throws(ShoalError) {
        try configuration.validate()
        self.configuration = configuration
        let base = PartitionStore(dimension: configuration.dimension)
        base.createPartition()
        levels = [base]
        tracker = AccessTracker(windowSize: configuration.accessWindow)
    }

    init(configuration: IndexConfiguration, levels: [PartitionStore]) {
        self.configuration = configuration
        self.levels = levels
        tracker = AccessTracker(windowSize: configuration.accessWindow)
    }

    /// Components per vector.
    public var dimension: Int { configuration.dimension }
    /// The distance metric.
    public var metric: DistanceMetric { configuration.metric }

    /// Number of stored vectors. - Complexity: O(1).
    public var count: Int { lock.withReadLock { levels[0].count } }

    /// Number of partitions in the base level. - Complexity: O(1).
    public var partitionCount: Int { lock.withReadLock { levels[0].partitions.count } }

    /// Number of levels, counting the base level and the flat top level (1 for a flat index).
    public var levelCount: Int { lock.withReadLock { levels.count } }

    /// Partition counts per level, base first (the last is always 1).
    public var partitionCountsPerLevel: [Int] { lock.withReadLock { levels.map { $0.partitions.count } } }

    /// Base-level partition sizes, largest first. - Complexity: O(p log p).
    public var partitionSizes: [Int] {
        lock.withReadLock { levels[0].partitions.values.map(\.count).sorted(by: >) }
    }

    /// Bytes of memory the index holds: vectors, ids and spare capacity of every level, plus the id
    /// maps. - Complexity: O(partitions).
    public var memoryFootprint: Int { lock.withReadLock { levels.reduce(0) { $0 + $1.allocatedBytes } } }

    /// Whether `id` is stored. - Complexity: O(1).
    public func contains(_ id: Int64) -> Bool { lock.withReadLock { levels[0].contains(id) } }

    /// Every stored id, ascending. - Complexity: O(n log n).
    public func allIDs() -> [Int64] { lock.withReadLock { levels[0].locations.keys.sorted() } }

    /// The longest time one writer (an add, a remove, a maintenance pass) held the index's
    /// exclusive lock since the index was made, in seconds: the longest any search waited for one.
    package var longestWriteLockHoldSeconds: Double { lock.longestWriteHoldSeconds }

    /// Worker threads to use for a call.
    func threadCount(_ requested: Int?) -> Int {
        requested ?? configuration.threads ?? Parallel.coreCount
    }

    /// Runs `checkInvariants()` after mutations in builds with `SHOAL_INTERNAL_CHECKS`.
    @inline(__always)
    func debugCheckInvariants() {
        #if SHOAL_INTERNAL_CHECKS
        checkInvariants()
        #endif
    }
}
