import Shoal

/// A collection's size and shape, and the state of its files. A value: a snapshot of the moment
/// it was taken.
public struct CollectionStatus: Sendable, Equatable, Codable {
    /// The collection directory.
    public var path: String
    /// Stored vectors.
    public var count: Int
    /// Components per vector.
    public var dimension: Int
    /// The distance metric.
    public var metric: DistanceMetric
    /// Base-level partitions of the index.
    public var partitions: Int
    /// Levels of the index (1 for a flat index).
    public var levels: Int
    /// The partition count asked for at creation (`nil`: the default rule).
    public var configuredPartitions: Int?
    /// The last applied log record; every acknowledged write has an LSN up to this.
    public var lastLSN: UInt64
    /// The LSNs of the snapshots on disk, ascending.
    public var snapshotLSNs: [UInt64]
    /// Bytes of the newest snapshot.
    public var snapshotBytes: Int
    /// Log segments on disk (0 when opened read-only).
    public var logSegments: Int
    /// Bytes of those segments.
    public var logBytes: Int
    /// Memory the index holds, in bytes.
    public var memoryFootprint: Int
    /// Whether the collection was opened read-only.
    public var readOnly: Bool
    /// The collection format version.
    public var formatVersion: Int
    /// Automatic maintenance: a pass after this many insert/delete calls on the index (and after
    /// every full access window of queries); `nil` when maintenance runs only when asked.
    public var automaticMaintenanceInterval: Int?
    /// Maintenance passes since the collection was opened.
    public var maintenancePasses: Int
    /// Partitions split by maintenance since the collection was opened.
    public var splits: Int
    /// Partitions merged away by maintenance since the collection was opened.
    public var merges: Int
}
