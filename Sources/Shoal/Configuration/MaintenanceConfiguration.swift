/// How an index maintains its partitions (Quake's cost-driven splits and merges).
///
/// Maintenance estimates, for every base partition, how a split or a merge would change the
/// expected cost of the recent queries — Σ over partitions of access frequency × scan latency
/// λ(size), plus the cost of ranking the centroids — tentatively applies the promising ones, checks
/// them again with the actual sizes, and keeps only those that still lower the cost by more than a
/// threshold.
public struct MaintenanceConfiguration: Sendable, Equatable {
    /// Run maintenance by itself after this many add/remove calls, and whenever the access window
    /// has seen `accessWindow` new queries since the last run; `nil` (default) runs it only when
    /// ``VectorIndex/maintain()`` is called. Range 1...10⁹.
    public var automaticInterval: Int?
    /// A split or merge must lower the estimated cost by more than this many nanoseconds per query
    /// (τ). Default 100, range 0...10⁹.
    public var minimumGainNanoseconds: Double
    /// Share of the parent's access frequency each child of a balanced split is assumed to
    /// inherit (α). Verification with the actual sizes charges a child holding a fraction `f` of
    /// the vectors `f^γ` of the queries, `γ = log α / log ½` (α at `f = ½`), so a lopsided split
    /// gains little. Default 0.9 (Quake's default), range 0...1 (exclusive of 0).
    public var splitShare: Double
    /// Partitions with at most this many vectors are never split. Default 32, range 4...10⁹.
    public var minimumSplitSize: Int
    /// Only partitions smaller than this share of the mean partition size are considered for
    /// merging. The access window is a sample: without this bound a window that never touched a
    /// region would merge all of it away. It is also the hysteresis band between the two actions:
    /// a split whose smaller child would be below it is rejected, and so is a merge after which a
    /// receiver would be worth splitting. Default 0.5, range 0...1 (0 merges only empty partitions).
    public var mergeBelowShareOfMean: Double
    /// The most splits plus merges one pass may commit. Merges are weighed first, then splits
    /// (hottest partition first); what is left waits for the next pass. This bounds how long a
    /// pass holds the write lock and how much the structure moves between two passes, so the
    /// access window sees the effect of one round of actions before the next is planned (no
    /// split–merge oscillation on a skewed trace). Default 16, range 1...10⁶.
    public var maximumActionsPerPass: Int
    /// After a split, the vectors of the `refinementRadius` partitions nearest to each new child
    /// are refined with the children's (local k-means: a neighbour's vector moves to a child whose
    /// centroid is nearer than its own, a child's vector to its nearest centroid in the set, and
    /// every partition of the set is re-centred); 0 turns refinement off. Default 25.
    public var refinementRadius: Int
    /// Caps the vectors refinement reads around each child, in mean partition sizes: the
    /// neighbours are taken nearest first while their vectors total at most this many times the
    /// mean partition size (the nearest is always taken), up to `refinementRadius` of them. Where
    /// partitions are larger than the mean — in a hot region that keeps growing — fewer
    /// neighbours are refined; `nil` refines all `refinementRadius`. Refinement reads every
    /// vector of the set, so this bounds its cost at O(budget × mean size × d) per child.
    /// Default 12, range 0...10⁶ (exclusive of 0) when set.
    public var refinementBudget: Double?
    /// k-means rounds of refinement. Default 1, range 1...100.
    public var refinementIterations: Int
    /// k used for the scan latency λ when weighing actions. Default 10.
    public var costK: Int
    /// Where the measured λ table is cached (`nil`: `$SHOAL_CACHE_DIR`, `$XDG_CACHE_HOME/shoal` or
    /// `~/.cache/shoal`).
    public var costCacheDirectory: String?
    /// Whether maintenance may add a partitioned level above the top when ranking its centroids
    /// costs more than a two-step ranking would, and remove it again when it no longer pays.
    /// Default true.
    public var adjustsLevels: Bool

    /// Makes a configuration with the defaults above.
    public init(
        automaticInterval: Int? = nil, minimumGainNanoseconds: Double = 100, splitShare: Double = 0.9,
        minimumSplitSize: Int = 32, mergeBelowShareOfMean: Double = 0.5, maximumActionsPerPass: Int = 16,
        refinementRadius: Int = 25, refinementBudget: Double? = 12, refinementIterations: Int = 1, costK: Int = 10,
        costCacheDirectory: String? = nil, adjustsLevels: Bool = true
    ) {
        self.automaticInterval = automaticInterval
        self.minimumGainNanoseconds = minimumGainNanoseconds
        self.splitShare = splitShare
        self.minimumSplitSize = minimumSplitSize
        self.mergeBelowShareOfMean = mergeBelowShareOfMean
        self.maximumActionsPerPass = maximumActionsPerPass
        self.refinementRadius = refinementRadius
        self.refinementBudget = refinementBudget
        self.refinementIterations = refinementIterations
        self.costK = costK
        self.costCacheDirectory = costCacheDirectory
        self.adjustsLevels = adjustsLevels
    }

    /// Throws ``ShoalError/Code/invalidArgument`` naming the first field out of range.
    public func validate() throws(ShoalError) {
        if let automaticInterval { try Validation.setting(automaticInterval, in: 1...1_000_000_000, "automaticInterval") }
        guard minimumGainNanoseconds >= 0, minimumGainNanoseconds <= 1e9 else {
            throw ShoalError(.invalidArgument, "minimumGainNanoseconds is \(minimumGainNanoseconds); it must be in 0...1e9")
        }
        guard splitShare > 0, splitShare <= 1 else {
            throw ShoalError(.invalidArgument, "splitShare is \(splitShare); it must be in (0, 1]")
        }
        try Validation.setting(minimumSplitSize, in: 4...1_000_000_000, "minimumSplitSize")
        guard (0...1).contains(mergeBelowShareOfMean) else {
            throw ShoalError(.invalidArgument, "mergeBelowShareOfMean is \(mergeBelowShareOfMean); it must be in 0...1")
        }
        try Validation.setting(maximumActionsPerPass, in: 1...1_000_000, "maximumActionsPerPass")
        guard refinementRadius >= 0 else {
            throw ShoalError(.invalidArgument, "refinementRadius is \(refinementRadius); it must be 0 or more")
        }
        if let refinementBudget {
            guard refinementBudget > 0, refinementBudget <= 1e6 else {
                throw ShoalError(.invalidArgument, "refinementBudget is \(refinementBudget); it must be in (0, 1e6], or nil for none")
            }
        }
        try Validation.setting(refinementIterations, in: 1...100, "refinementIterations")
        guard costK >= 1 else { throw ShoalError(.invalidArgument, "costK is \(costK); it must be at least 1") }
    }
}
