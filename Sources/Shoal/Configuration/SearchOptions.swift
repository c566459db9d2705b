/// Knobs for one search call. Passed per call, never stored on the index.
public struct SearchOptions: Sendable, Equatable {
    /// Results per query. Must be ≥ 1. When fewer than `k` vectors are found, the tail is padded
    /// with id −1 and score `+∞` (L2) or `−∞` (inner product, cosine).
    public var k: Int
    /// Base-level partitions scanned per query, nearest centroids first. Default 8. `0` scans
    /// nothing (every slot is padding); values above the partition count scan every partition.
    public var nprobe: Int
    /// Partitions scanned per query on each level above the base (the levels that index
    /// centroids), when the index has more than two levels. `nil` (default) scans
    /// `max(2·needed, 8, 25% of the level)` partitions, where `needed` is how many centroids the
    /// level below asks for, so upper levels lose almost nothing.
    public var upperLevelNprobe: Int?
    /// Recall target in (0, 1]: when set, each query scans partitions in order of their estimated
    /// chance of holding a true neighbour until the estimated recall@k reaches the target (adaptive
    /// partition scanning), and `nprobe` is ignored. The estimate is calibrated on the index itself,
    /// so the mean recall meets the target on queries that resemble the stored data.
    public var recallTarget: Double?
    /// Under a recall target, the most base partitions one query may scan (`nil`: no limit).
    public var maxPartitions: Int?
    /// Under a recall target, the order in which a query's partitions are scanned. Default
    /// `.centroidDistance`; the stopping rule uses the probability model either way.
    public var scanOrder: ScanOrder = .centroidDistance

    /// The order of partitions under a recall target.
    public enum ScanOrder: Sendable, Equatable {
        /// Nearest centroid first. Measured to need 2–15 % fewer partitions than `.probability` for
        /// the same recall on the four shared data sets (docs/benchmarks.md).
        case centroidDistance
        /// Highest estimated probability of holding a neighbour first (the Quake paper's order).
        case probability
    }
    /// Threads for this call; `nil` uses the index's configured thread count. A batch is spread
    /// over partitions; a single query splits its partitions across threads when there is enough
    /// work to pay for it.
    public var threads: Int?

    /// Makes search options.
    public init(
        k: Int = 10, nprobe: Int = 8, recallTarget: Double? = nil, maxPartitions: Int? = nil,
        upperLevelNprobe: Int? = nil, threads: Int? = nil
    ) {
        self.k = k
        self.nprobe = nprobe
        self.recallTarget = recallTarget
        self.maxPartitions = maxPartitions
        self.upperLevelNprobe = upperLevelNprobe
        self.threads = threads
    }

    /// Throws when `k < 1`, `nprobe < 0`, `recallTarget` is outside (0, 1], `maxPartitions < 1`, `upperLevelNprobe < 1` or `threads` is outside 1...1024.
    public func validate() throws(ShoalError) {
        guard k >= 1 else {
            throw ShoalError(.invalidK, "k is \(k); it must be at least 1 (the number of neighbours to return)")
        }
        guard nprobe >= 0 else {
            throw ShoalError(.invalidArgument, "nprobe is \(nprobe); it must be 0 or more")
        }
        if let recallTarget, !(recallTarget > 0 && recallTarget <= 1) {
            throw ShoalError(
                .invalidArgument, "recallTarget is \(recallTarget); it must be in (0, 1], for example 0.9")
        }
        if let maxPartitions, maxPartitions < 1 {
            throw ShoalError(.invalidArgument, "maxPartitions is \(maxPartitions); it must be at least 1")
        }
        if let upperLevelNprobe, upperLevelNprobe < 1 {
            throw ShoalError(.invalidArgument, "upperLevelNprobe is \(upperLevelNprobe); it must be at least 1")
        }
        if let threads { try Validation.setting(threads, in: 1...1024, "threads") }
    }
}
