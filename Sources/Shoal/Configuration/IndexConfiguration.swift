#if canImport(Glibc)
import Glibc
#endif

/// How an index is built. A value type: set the fields, then pass it to ``VectorIndex``.
///
/// Every field has a documented default and valid range; ``validate()`` rejects a bad value with a
/// ``ShoalError`` instead of clamping it.
public struct IndexConfiguration: Sendable, Equatable {
    /// Components per vector. Range 1...65 536. No default.
    public var dimension: Int
    /// Distance metric. Default `.l2`.
    public var metric: DistanceMetric
    /// Base-level partitions to build, or `nil` for the default rule: `round(√n)`, at least 1, and
    /// at most `n / 4` so that every partition starts with a few vectors (1 when `n < 8`). The
    /// √n rule balances centroid scanning (∝ partitions) against partition scanning (∝ n/partitions).
    public var partitionCount: Int?
    /// k-means iterations when building. Default 10, range 1...1000.
    public var kMeansIterations: Int
    /// k-means trains on a random sample of at most this many points per centroid. Default 256,
    /// range 1...1 000 000 (as in Faiss).
    public var maxTrainingPointsPerCentroid: Int
    /// When a level has more centroids than this, the build puts another partitioned level above
    /// it (with `round(√centroids)` partitions), so the flat top level stays cheap to scan.
    /// Default 4096, range 2...1 000 000.
    public var maxTopLevelCentroids: Int
    /// Seed for the random choices of the build (sampling, initial centroids). Default 1234.
    public var seed: UInt64
    /// Worker threads for build, add and batch search; `nil` uses every core. Range 1...1024.
    public var threads: Int?
    /// Queries in the access-tracking window (which partitions recent queries scanned). Default
    /// 1000, range 1...10⁷.
    public var accessWindow: Int
    /// Stored vectors sampled as queries to calibrate recall-target search. Default 256, range
    /// 16...100 000; more gives a steadier calibration and a slower first recall-target search.
    public var calibrationQueries: Int
    /// How partitions are split and merged as data and queries change.
    public var maintenance: MaintenanceConfiguration

    /// Makes a configuration with the defaults above.
    public init(
        dimension: Int, metric: DistanceMetric = .l2, partitionCount: Int? = nil, kMeansIterations: Int = 10,
        maxTrainingPointsPerCentroid: Int = 256, maxTopLevelCentroids: Int = 4096, seed: UInt64 = 1234,
        threads: Int? = nil, accessWindow: Int = 1000, calibrationQueries: Int = 256,
        maintenance: MaintenanceConfiguration = MaintenanceConfiguration()
    ) {
        self.dimension = dimension
        self.metric = metric
        self.partitionCount = partitionCount
        self.kMeansIterations = kMeansIterations
        self.maxTrainingPointsPerCentroid = maxTrainingPointsPerCentroid
        self.maxTopLevelCentroids = maxTopLevelCentroids
        self.seed = seed
        self.threads = threads
        self.accessWindow = accessWindow
        self.calibrationQueries = calibrationQueries
        self.maintenance = maintenance
    }

    /// Throws ``ShoalError/Code/invalidArgument`` naming the first field out of range.
    public func validate() throws(ShoalError) {
        try Validation.setting(dimension, in: 1...65_536, "dimension")
        if let partitionCount { try Validation.setting(partitionCount, in: 1...100_000_000, "partitionCount") }
        try Validation.setting(kMeansIterations, in: 1...1000, "kMeansIterations")
        try Validation.setting(maxTrainingPointsPerCentroid, in: 1...1_000_000, "maxTrainingPointsPerCentroid")
        try Validation.setting(maxTopLevelCentroids, in: 2...1_000_000, "maxTopLevelCentroids")
        if let threads { try Validation.setting(threads, in: 1...1024, "threads") }
        try Validation.setting(accessWindow, in: 1...10_000_000, "accessWindow")
        try Validation.setting(calibrationQueries, in: 16...100_000, "calibrationQueries")
        try maintenance.validate()
    }

    /// The processors online on this machine (at least 1): the thread count used when `threads`
    /// is `nil`.
    public static var availableCores: Int {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }

    /// The default partition count for `n` vectors (see ``partitionCount``).
    public static func defaultPartitionCount(for n: Int) -> Int {
        guard n >= 8 else { return 1 }
        let root = Int((Double(n).squareRoot()).rounded())
        return max(1, min(root, n / 4))
    }
}
