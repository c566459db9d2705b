/// What one maintenance pass did, and how long it took (reported apart from search and update time).
public struct MaintenanceReport: Sendable, Equatable {
    /// Wall-clock seconds the pass took. Searches run during most of it: it holds the index's
    /// write lock only briefly, once per action (see ``longestWriteLockSeconds``).
    public var seconds: Double = 0
    /// The longest single hold of the index's write lock during the pass, in seconds: the longest
    /// a search could have waited for this pass.
    public var longestWriteLockSeconds: Double = 0
    /// Partitions split in two (verified and committed).
    public var splits = 0
    /// Splits estimated to pay that the verification with the actual child sizes rejected.
    public var rejectedSplits = 0
    /// Partitions merged into their neighbours (verified and committed), empty ones included.
    public var merges = 0
    /// Merges estimated to pay that the verification with the actual receivers rejected.
    public var rejectedMerges = 0
    /// Partitions whose vectors were reassigned by local refinement after splits.
    public var refinedPartitions = 0
    /// Vectors that refinement moved to another partition.
    public var refinementMoves = 0
    /// Levels added above the top (+1) or removed (−1).
    public var levelChange = 0
    /// Base partitions before and after.
    public var partitionsBefore = 0
    public var partitionsAfter = 0

    /// Makes an empty report.
    public init() {}
}

/// Totals over every maintenance pass of an index.
public struct MaintenanceStatistics: Sendable, Equatable {
    /// Passes run (by hand or automatically).
    public var passes = 0
    /// Seconds spent in maintenance, in total.
    public var seconds: Double = 0
    /// The longest single write-lock hold of any pass (``MaintenanceReport/longestWriteLockSeconds``).
    public var longestWriteLockSeconds: Double = 0
    public var splits = 0
    public var rejectedSplits = 0
    public var merges = 0
    public var rejectedMerges = 0
    public var levelChanges = 0

    /// Makes empty statistics.
    public init() {}

    mutating func add(_ report: MaintenanceReport) {
        passes += 1
        seconds += report.seconds
        longestWriteLockSeconds = max(longestWriteLockSeconds, report.longestWriteLockSeconds)
        splits += report.splits
        rejectedSplits += report.rejectedSplits
        merges += report.merges
        rejectedMerges += report.rejectedMerges
        levelChanges += abs(report.levelChange)
    }
}
