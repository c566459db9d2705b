import Shoal

/// When the replay runs index maintenance.
public enum WorkloadMaintenance: String, Sendable, CaseIterable {
    /// `maintain()` after every operation (Quake's evaluator with `do_maintenance=True`); its time
    /// is recorded apart from the operation's.
    case every
    /// The index's automatic trigger (`MaintenanceConfiguration.automaticInterval`): maintenance
    /// runs inside `add`, `remove` or `search` when due; its time (the change of
    /// `maintenanceStatistics.seconds`) is taken out of the operation's latency.
    case auto
    /// Never.
    case off
}

/// How a runbook is replayed.
public struct WorkloadRunOptions: Sendable {
    /// Neighbours per query; recall@k is measured against the first `k` ground-truth ids. At most
    /// the runbook's k. Default 10.
    public var k: Int
    /// Recall target of every search (adaptive partition scanning), or `nil` to scan a fixed
    /// `nprobe`. Default 0.9.
    public var recallTarget: Double?
    /// Partitions per query when `recallTarget` is `nil`. Default 8.
    public var nprobe: Int
    /// When maintenance runs. Default `.every`.
    public var maintenance: WorkloadMaintenance
    /// Updates between automatic passes with `.auto` (a pass also runs after every access window
    /// of queries). Default 1.
    public var automaticInterval: Int
    /// Threads for searches, inserts and the build (`nil`: every core).
    public var threads: Int?
    /// Base partitions to build (`nil`: the index's default, round(√initial size)).
    public var partitionCount: Int?
    /// Workload queries (distinct, drawn at random from those the query operations use) passed
    /// to `calibrate(queries:k:)` before the replay; 0 (or fewer than 16 available) calibrates on
    /// stored vectors instead. Default 256.
    public var calibrationQueries: Int
    /// A query operation is "within target" when its mean recall is within this of the target.
    /// Default 0.02.
    public var tolerance: Double
    /// Maintenance settings (thresholds, refinement); `automaticInterval` is set from
    /// `maintenance` and `automaticInterval` above.
    public var maintenanceConfiguration: MaintenanceConfiguration
    /// Seed of the index build.
    public var seed: UInt64
    /// After each query operation (and its maintenance), count the stored vectors outside their
    /// nearest centroid's partition (`VectorIndex.placementAudit`, O(n × partitions × d), not
    /// timed). Default false.
    public var auditsPlacement = false

    /// Makes options with the defaults above.
    public init(
        k: Int = 10, recallTarget: Double? = 0.9, nprobe: Int = 8, maintenance: WorkloadMaintenance = .every,
        automaticInterval: Int = 1, threads: Int? = nil, partitionCount: Int? = nil, calibrationQueries: Int = 256,
        tolerance: Double = 0.02, maintenanceConfiguration: MaintenanceConfiguration = MaintenanceConfiguration(),
        seed: UInt64 = 1234
    ) {
        self.k = k
        self.recallTarget = recallTarget
        self.nprobe = nprobe
        self.maintenance = maintenance
        self.automaticInterval = automaticInterval
        self.threads = threads
        self.partitionCount = partitionCount
        self.calibrationQueries = calibrationQueries
        self.tolerance = tolerance
        self.maintenanceConfiguration = maintenanceConfiguration
        self.seed = seed
    }
}

/// What one replayed operation did and cost.
public struct WorkloadOperationResult: Sendable, Equatable {
    /// Position in the runbook.
    public var index: Int
    public var kind: WorkloadOperation.Kind
    /// Vectors inserted or deleted, or queries searched.
    public var size: Int
    /// Wall-clock milliseconds of the operation itself (maintenance excluded).
    public var latencyMs: Double
    /// Query operations: mean recall@k of the batch against the runbook's ground truth.
    public var recall: Double?
    /// Query operations: mean base partitions scanned per query.
    public var meanPartitionsScanned: Double?
    /// Stored vectors and base partitions after the operation (and its maintenance).
    public var liveCount: Int
    public var partitionCount: Int
    /// Milliseconds of maintenance attributed to this operation.
    public var maintenanceMs: Double
    /// Splits and merges committed by that maintenance.
    public var splits: Int
    public var merges: Int
    /// Query operations with ``WorkloadRunOptions/auditsPlacement``: stored vectors outside their
    /// nearest centroid's partition after the operation and its maintenance.
    public var misplaced: Int? = nil
}

/// Totals and shape of a replay.
public struct WorkloadSummary: Sendable, Equatable {
    public var operations: Int
    public var queryOperations: Int
    /// Mean, minimum and maximum over query operations of their mean recall (nil without queries).
    public var meanRecall: Double?
    public var minRecall: Double?
    public var maxRecall: Double?
    /// Share of query operations whose recall is within ±tolerance of the target (nil without a
    /// target).
    public var withinTargetShare: Double?
    /// Seconds spent searching (query operations), updating (inserts and deletes), maintaining.
    public var searchSeconds: Double
    public var updateSeconds: Double
    public var maintenanceSeconds: Double
    /// search + update + maintenance.
    public var totalSeconds: Double { searchSeconds + updateSeconds + maintenanceSeconds }
    /// Mean per-query latency (ms) of the query operations in the first and the last tenth of the
    /// trace (by operation position; nil when a tenth holds no query operation).
    public var firstTenthQueryMs: Double?
    public var lastTenthQueryMs: Double?
    /// The same with the median instead of the mean (robust to single slow operations, such as
    /// the first search after a restructuring, which recalibrates recall-target search).
    public var firstTenthMedianQueryMs: Double?
    public var lastTenthMedianQueryMs: Double?
    /// lastTenth / firstTenth (means).
    public var lastToFirstLatency: Double? {
        guard let first = firstTenthQueryMs, let last = lastTenthQueryMs, first > 0 else { return nil }
        return last / first
    }
    /// Building the initial index and calibrating (not in the totals above).
    public var buildSeconds: Double
    public var calibrationSeconds: Double
    public var initialPartitions: Int
    public var finalPartitions: Int
    public var finalCount: Int
    public var maintenancePasses: Int
    public var splits: Int
    public var merges: Int
    /// Whether the ids stored after the replay equal the runbook's final resident set.
    public var finalIDsMatch: Bool
    /// The longest maintenance of one operation, and the longest single write-lock hold of any
    /// maintenance pass (what a search could have waited for), in seconds.
    public var longestMaintenanceSeconds: Double = 0
    public var longestMaintenanceWriteLockSeconds: Double = 0
}

/// A finished replay.
public struct WorkloadRun: Sendable {
    public var results: [WorkloadOperationResult]
    public var summary: WorkloadSummary
    public var options: WorkloadRunOptions
    /// The index after the replay.
    public var index: VectorIndex
}

/// Replays a ``Runbook`` against a ``VectorIndex`` (Quake's `WorkloadEvaluator`): builds the
/// index on the initial set (ids = base row numbers), optionally calibrates recall-target search
/// on workload queries, then applies insert → `add`, delete → `remove`, query → one batch
/// `search`, with maintenance as chosen, timing each operation and measuring recall.
public struct WorkloadRunner: Sendable {
    public let runbook: Runbook
    public let base: Matrix<Float>
    public let queries: Matrix<Float>?
    public let options: WorkloadRunOptions

    /// - Parameters:
    ///   - queries: the query file the runbook was generated with; `nil` when its queries come
    ///     from the base set.
    /// - Throws: ``WorkloadError/Code/dataMismatch`` when the vectors are not the runbook's
    ///   (row count, dimension or checksum), ``WorkloadError/Code/invalidParameters`` for bad options.
    public init(runbook: Runbook, base: Matrix<Float>, queries: Matrix<Float>?, options: WorkloadRunOptions) throws(WorkloadError) {
        guard base.rows == runbook.baseCount, base.columns == runbook.dimension else {
            throw WorkloadError(
                .dataMismatch,
                "the runbook was generated from \(runbook.baseCount) × \(runbook.dimension) base vectors, but \(base.rows) × \(base.columns) were given")
        }
        guard VectorChecksum.fnv1a(base) == runbook.baseChecksum else {
            throw WorkloadError(.dataMismatch, "the base vectors differ from the ones the runbook was generated from (checksum mismatch)")
        }
        if !runbook.queriesFromBase {
            guard let queries else {
                throw WorkloadError(.dataMismatch, "the runbook's queries come from a query file; pass the same query vectors")
            }
            guard queries.rows == runbook.queryCount, queries.columns == runbook.dimension,
                VectorChecksum.fnv1a(queries) == runbook.queryChecksum
            else {
                throw WorkloadError(.dataMismatch, "the query vectors differ from the ones the runbook was generated from")
            }
        }
        guard options.k >= 1, options.k <= runbook.parameters.k else {
            throw WorkloadError(
                .invalidParameters, "k is \(options.k); it must be in 1...\(runbook.parameters.k) (the runbook's ground-truth depth)")
        }
        if let target = options.recallTarget, !(target > 0 && target <= 1) {
            throw WorkloadError(.invalidParameters, "the recall target is \(target); it must be in (0, 1]")
        }
        guard options.nprobe >= 1 else { throw WorkloadError(.invalidParameters, "nprobe is \(options.nprobe); it must be at least 1") }
        guard options.automaticInterval >= 1 else {
            throw WorkloadError(.invalidParameters, "the automatic maintenance interval must be at least 1")
        }
        self.runbook = runbook
        self.base = base
        self.queries = runbook.queriesFromBase ? nil : queries
        self.options = options
    }

    /// The index configuration used for the replay.
    public var configuration: IndexConfiguration {
        var maintenance = options.maintenanceConfiguration
        maintenance.automaticInterval = options.maintenance == .auto ? options.automaticInterval : nil
        return IndexConfiguration(
            dimension: runbook.dimension, metric: runbook.parameters.metric, partitionCount: options.partitionCount,
            seed: options.seed, threads: options.threads, maintenance: maintenance)
    }

    /// Replays the whole runbook.
    /// - Parameter progress: called before each operation with a status line.
    public func run(progress: ((String) -> Void)? = nil) throws(WorkloadError) -> WorkloadRun {
        let k = options.k
        progress?("building the initial index over \(runbook.initialIDs.count) vectors…")
        let buildStart = WorkloadClock.now()
        let index: VectorIndex
        do throws(ShoalError) {
            index = try VectorIndex.build(
                vectors: rows(of: runbook.initialIDs, in: base), ids: runbook.initialIDs, configuration: configuration)
        } catch {
            throw WorkloadError(.index, "building the initial index failed: \(error)")
        }
        let buildSeconds = WorkloadClock.now() - buildStart
        let initialPartitions = index.partitionCount
        let searchOptions = SearchOptions(
            k: k, nprobe: options.nprobe, recallTarget: options.recallTarget, threads: options.threads)

        var calibrationSeconds = 0.0
        if options.recallTarget != nil {
            let start = WorkloadClock.now()
            progress?("calibrating recall-target search…")
            let sample = calibrationSample()
            do throws(ShoalError) {
                if sample.count >= 16 {
                    try index.calibrate(queries: rows(of: sample, in: queries ?? base), k: k)
                } else {
                    _ = try index.search(batch: rows(of: [runbook.initialIDs[0]], in: base), options: searchOptions)
                }
            } catch {
                throw WorkloadError(.index, "calibration failed: \(error)")
            }
            calibrationSeconds = WorkloadClock.now() - start
        }

        var results: [WorkloadOperationResult] = []
        results.reserveCapacity(runbook.operations.count)
        for operation in runbook.operations {
            progress?("operation \(operation.index + 1) of \(runbook.operations.count): \(operation.kind.rawValue) \(operation.ids.count)")
            let before = index.maintenanceStatistics
            var recall: Double?
            var scanned: Double?
            let elapsed: Double
            do throws(ShoalError) {
                switch operation.kind {
                case .insert:
                    let vectors = rows(of: operation.ids, in: base)
                    let start = WorkloadClock.now()
                    try index.add(vectors: vectors, ids: operation.ids)
                    elapsed = WorkloadClock.now() - start
                case .delete:
                    let start = WorkloadClock.now()
                    try index.remove(ids: operation.ids)
                    elapsed = WorkloadClock.now() - start
                case .query:
                    let batch = rows(of: operation.ids, in: queries ?? base)
                    let start = WorkloadClock.now()
                    let found = try index.search(batch: batch, options: searchOptions)
                    elapsed = WorkloadClock.now() - start
                    recall = GroundTruth.recall(
                        found: Matrix(rows: found.queryCount, columns: k, values: found.ids),
                        truth: runbook.groundTruth(of: operation), k: k)
                    scanned = found.meanPartitionsScanned
                }
            } catch {
                throw WorkloadError(.index, "operation \(operation.index) (\(operation.kind.rawValue)) failed: \(error)")
            }
            var automatic = index.maintenanceStatistics
            var maintenanceSeconds = automatic.seconds - before.seconds
            var latency = max(0, elapsed - maintenanceSeconds)
            if options.maintenance == .every {
                let start = WorkloadClock.now()
                index.maintain()
                maintenanceSeconds += WorkloadClock.now() - start
                automatic = index.maintenanceStatistics
            }
            if options.maintenance != .auto { latency = elapsed }
            results.append(
                WorkloadOperationResult(
                    index: operation.index, kind: operation.kind, size: operation.ids.count, latencyMs: latency * 1000,
                    recall: recall, meanPartitionsScanned: scanned, liveCount: index.count, partitionCount: index.partitionCount,
                    maintenanceMs: maintenanceSeconds * 1000, splits: automatic.splits - before.splits,
                    merges: automatic.merges - before.merges,
                    misplaced: options.auditsPlacement && operation.kind == .query
                        ? index.placementAudit(threads: options.threads).misplaced : nil))
        }
        let summary = summarize(
            results, index: index, buildSeconds: buildSeconds, calibrationSeconds: calibrationSeconds,
            initialPartitions: initialPartitions)
        return WorkloadRun(results: results, summary: summary, options: options, index: index)
    }

    /// Distinct query indices of the query operations, a seeded random subset of at most
    /// `calibrationQueries`, ascending.
    private func calibrationSample() -> [Int64] {
        guard options.calibrationQueries > 0 else { return [] }
        var used = Set<Int64>()
        for operation in runbook.operations where operation.kind == .query { used.formUnion(operation.ids) }
        var random = WorkloadRandom(seed: runbook.parameters.seed ^ 0x6361_6C69_6272)
        return random.choose(options.calibrationQueries, from: used.sorted()).sorted()
    }

    private func rows(of ids: [Int64], in matrix: Matrix<Float>) -> [Float] {
        let d = matrix.columns
        var values = [Float]()
        values.reserveCapacity(ids.count * d)
        matrix.values.withUnsafeBufferPointer { all in
            for id in ids { values.append(contentsOf: UnsafeBufferPointer(rebasing: all[(Int(id) * d)..<((Int(id) + 1) * d)])) }
        }
        return values
    }

    private func summarize(
        _ results: [WorkloadOperationResult], index: VectorIndex, buildSeconds: Double, calibrationSeconds: Double,
        initialPartitions: Int
    ) -> WorkloadSummary {
        let queries = results.filter { $0.kind == .query }
        let recalls = queries.compactMap(\.recall)
        let within: Double? = options.recallTarget.flatMap { target in
            recalls.isEmpty ? nil : Double(recalls.count { abs($0 - target) <= options.tolerance + 1e-12 }) / Double(recalls.count)
        }
        let tenth = max(1, (results.count + 9) / 10)
        func perQueryMs(_ slice: ArraySlice<WorkloadOperationResult>) -> [Double] {
            slice.filter { $0.kind == .query && $0.size > 0 }.map { $0.latencyMs / Double($0.size) }
        }
        func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
        func median(_ values: [Double]) -> Double? {
            guard !values.isEmpty else { return nil }
            let sorted = values.sorted()
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
        let first = perQueryMs(results.prefix(tenth))
        let last = perQueryMs(results.suffix(tenth))
        let statistics = index.maintenanceStatistics
        let stored = index.allIDs()
        return WorkloadSummary(
            operations: results.count, queryOperations: queries.count,
            meanRecall: recalls.isEmpty ? nil : recalls.reduce(0, +) / Double(recalls.count), minRecall: recalls.min(),
            maxRecall: recalls.max(), withinTargetShare: within,
            searchSeconds: queries.map(\.latencyMs).reduce(0, +) / 1000,
            updateSeconds: results.filter { $0.kind != .query }.map(\.latencyMs).reduce(0, +) / 1000,
            maintenanceSeconds: results.map(\.maintenanceMs).reduce(0, +) / 1000,
            firstTenthQueryMs: mean(first), lastTenthQueryMs: mean(last), firstTenthMedianQueryMs: median(first),
            lastTenthMedianQueryMs: median(last),
            buildSeconds: buildSeconds, calibrationSeconds: calibrationSeconds, initialPartitions: initialPartitions,
            finalPartitions: index.partitionCount, finalCount: index.count, maintenancePasses: statistics.passes,
            splits: statistics.splits, merges: statistics.merges, finalIDsMatch: stored == runbook.finalResidentIDs,
            longestMaintenanceSeconds: (results.map(\.maintenanceMs).max() ?? 0) / 1000,
            longestMaintenanceWriteLockSeconds: statistics.longestWriteLockSeconds)
    }
}
