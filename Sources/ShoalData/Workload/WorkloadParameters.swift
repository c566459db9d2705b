import Shoal

/// How the vectors of an operation are drawn from the pool of candidates.
public enum ClusterSampling: String, Sendable, CaseIterable, Equatable {
    /// Uniformly at random from the whole pool.
    case uniform
    /// Cluster by cluster, nearest clusters to a moving "root" cluster first, so that consecutive
    /// operations touch one region of the space and the hot spot drifts over time (Quake's
    /// `StratifiedClusterSampler`).
    case skewed
}

/// The parameters of a dynamic workload (Quake's `DynamicWorkloadGenerator`, brief §6.1).
///
/// A workload starts from an initial resident set drawn from the base vectors and then runs a
/// sequence of operations, each an insert (non-resident base vectors become resident), a delete
/// (resident vectors leave) or a query (a batch of query vectors, with exact ground truth over the
/// vectors resident at that moment). The type of each operation is drawn with the three ratios.
public struct WorkloadParameters: Sendable, Equatable {
    /// Probability that an operation is an insert. In [0, 1].
    public var insertRatio: Double
    /// Probability that an operation is a delete. In [0, 1].
    public var deleteRatio: Double
    /// Probability that an operation is a query. In [0, 1]; the three ratios sum to 1 (± 1e-9).
    public var queryRatio: Double
    /// Vectors per insert or delete. At least 1.
    public var updateBatchSize: Int
    /// Queries per query operation. At least 1.
    public var queryBatchSize: Int
    /// Vectors resident before the first operation. 1 ... base count.
    public var initialSize: Int
    /// Operations to generate (fewer when a stop rule ends the trace early). At least 1.
    public var operationCount: Int
    /// Base vectors per sampling cluster: the base set is clustered into `max(1, n / clusterSize)`
    /// clusters by k-means. At least 1.
    public var clusterSize: Int
    /// How inserts, deletes and the initial set are sampled.
    public var sampling: ClusterSampling
    /// How the queries of a query operation are sampled (over the queries' nearest clusters).
    public var querySampling: ClusterSampling
    /// Seed of every random choice; the same seed and data give the same runbook.
    public var seed: UInt64
    /// Exact neighbours stored per query (ground-truth depth). At least 1; default 100.
    public var k: Int
    /// Metric of the ground truth (the clusters always use L2 between centroids, as Quake does).
    public var metric: DistanceMetric
    /// k-means iterations for the sampling clusters. 1...1000, default 10.
    public var clusteringIterations: Int

    /// Makes parameters; see each property for its meaning and range.
    public init(
        insertRatio: Double, deleteRatio: Double, queryRatio: Double, updateBatchSize: Int, queryBatchSize: Int,
        initialSize: Int, operationCount: Int, clusterSize: Int = 100, sampling: ClusterSampling = .uniform,
        querySampling: ClusterSampling = .uniform, seed: UInt64 = 1738, k: Int = 100, metric: DistanceMetric = .l2,
        clusteringIterations: Int = 10
    ) {
        self.insertRatio = insertRatio
        self.deleteRatio = deleteRatio
        self.queryRatio = queryRatio
        self.updateBatchSize = updateBatchSize
        self.queryBatchSize = queryBatchSize
        self.initialSize = initialSize
        self.operationCount = operationCount
        self.clusterSize = clusterSize
        self.sampling = sampling
        self.querySampling = querySampling
        self.seed = seed
        self.k = k
        self.metric = metric
        self.clusteringIterations = clusteringIterations
    }

    /// Throws ``WorkloadError/Code/invalidParameters`` naming the first value out of range.
    public func validate() throws(WorkloadError) {
        for (name, value) in [("insert ratio", insertRatio), ("delete ratio", deleteRatio), ("query ratio", queryRatio)] {
            guard value.isFinite, value >= 0, value <= 1 else {
                throw WorkloadError(.invalidParameters, "the \(name) is \(value); each ratio must be in [0, 1]")
            }
        }
        let sum = insertRatio + deleteRatio + queryRatio
        guard abs(sum - 1) <= 1e-9 else {
            throw WorkloadError(
                .invalidParameters,
                "the insert, delete and query ratios must sum to 1, but \(insertRatio) + \(deleteRatio) + \(queryRatio) = \(sum); "
                    + "for example 0.3, 0.2 and 0.5")
        }
        for (name, value) in [
            ("update batch size", updateBatchSize), ("query batch size", queryBatchSize), ("initial size", initialSize),
            ("number of operations", operationCount), ("cluster size", clusterSize), ("k", k),
        ] {
            guard value >= 1 else { throw WorkloadError(.invalidParameters, "the \(name) is \(value); it must be at least 1") }
        }
        guard (1...1000).contains(clusteringIterations) else {
            throw WorkloadError(
                .invalidParameters, "clustering iterations is \(clusteringIterations); it must be in 1...1000")
        }
    }

    /// Checks the parameters against a base set of `baseCount` vectors.
    func validate(baseCount: Int) throws(WorkloadError) {
        try validate()
        guard baseCount >= 1 else { throw WorkloadError(.invalidParameters, "the base set holds no vectors") }
        guard initialSize <= baseCount else {
            throw WorkloadError(
                .invalidParameters,
                "the initial size is \(initialSize) but the base set holds only \(baseCount) vectors; use at most \(baseCount)")
        }
        guard clusterSize <= baseCount else {
            throw WorkloadError(
                .invalidParameters,
                "the cluster size is \(clusterSize) but the base set holds only \(baseCount) vectors; use at most \(baseCount)")
        }
    }
}
