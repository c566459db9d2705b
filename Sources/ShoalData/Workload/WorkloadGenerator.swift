import Shoal

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A generated workload together with the clustering it was sampled from.
public struct GeneratedWorkload: Sendable {
    /// The runbook (write it with ``Runbook/write(to:)``).
    public var runbook: Runbook
    /// The sampling cluster of each base vector.
    public var baseClusters: [Int32]
    /// The sampling cluster (nearest centroid) of each query, when a query file was given.
    public var queryClusters: [Int32]?
    /// Seconds spent computing the exact ground truth (kept out of the runbook, so that the same
    /// seed gives a byte-identical `runbook.json`).
    public var groundTruthSeconds: Double
}

/// Generates dynamic workloads with the semantics of Quake's `DynamicWorkloadGenerator`
/// (brief §6.1): cluster the base set, draw an initial resident set, then draw each operation's
/// type with the three ratios and its vectors with the uniform or skewed sampler, and compute exact
/// ground truth for every query operation over the vectors resident at that moment.
///
/// Stop rules (as Quake): the trace ends early when an operation's pool is empty (no non-resident
/// vector left to insert, none resident to delete), or when an operation would leave fewer than
/// `5 × updateBatchSize` vectors resident; that operation is not recorded.
///
/// ```swift
/// let parameters = WorkloadParameters(insertRatio: 0.3, deleteRatio: 0.2, queryRatio: 0.5,
///     updateBatchSize: 100, queryBatchSize: 100, initialSize: 5000, operationCount: 200,
///     sampling: .skewed)
/// let workload = try WorkloadGenerator(parameters: parameters).generate(base: base, queries: queries)
/// try workload.runbook.write(to: "runbooks/trace")
/// ```
public struct WorkloadGenerator: Sendable {
    /// The parameters (validated by the initializer).
    public let parameters: WorkloadParameters

    /// - Throws: ``WorkloadError/Code/invalidParameters`` for a value out of range, e.g. ratios
    ///   that do not sum to 1.
    public init(parameters: WorkloadParameters) throws(WorkloadError) {
        try parameters.validate()
        self.parameters = parameters
    }

    /// Generates the workload.
    ///
    /// - Parameters:
    ///   - base: the base vectors; base row `i` has id `i`.
    ///   - queries: the query vectors, or `nil` to draw each query operation's queries from the
    ///     base vectors that are not resident at that moment (Quake's behaviour without queries).
    ///   - threads: threads for clustering and ground truth (`nil`: every core).
    ///   - progress: called with a short status line now and then.
    /// - Complexity: k-means O(iterations × min(n, 256 c) × c × d), plus per query operation
    ///   O(batch × resident × d) for the ground truth.
    public func generate(
        base: Matrix<Float>, queries: Matrix<Float>?, threads: Int? = nil, progress: ((String) -> Void)? = nil
    ) throws(WorkloadError) -> GeneratedWorkload {
        let p = parameters
        let n = base.rows
        let d = base.columns
        try p.validate(baseCount: n)
        if let queries {
            guard queries.columns == d else {
                throw WorkloadError(.dataMismatch, "the base vectors have dimension \(d) but the queries have \(queries.columns)")
            }
            guard queries.rows > 0 else { throw WorkloadError(.invalidParameters, "the query file holds no vectors") }
        }
        let workers = max(1, threads ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        var random = WorkloadRandom(seed: p.seed)

        let clusterCount = max(1, n / p.clusterSize)
        progress?("clustering \(n) base vectors into \(clusterCount) clusters…")
        let clustering = WorkloadClustering.cluster(
            base: base, clusterCount: clusterCount, iterations: p.clusteringIterations, seed: p.seed, threads: workers)
        var sampler: any WorkloadSampler =
            p.sampling == .skewed
            ? StratifiedClusterSampler(clustering: clustering, assignments: clustering.assignments, random: &random)
            : UniformSampler()
        let queryClusters = queries.map { queries in
            WorkloadClustering.nearest(
                rows: queries.values, rowCount: queries.rows, centroids: clustering.centroids,
                clusterCount: clustering.clusterCount, dimension: d, threads: workers)
        }
        var querySampler: any WorkloadSampler = UniformSampler()
        if p.querySampling == .skewed {
            querySampler = StratifiedClusterSampler(
                clustering: clustering, assignments: queryClusters ?? clustering.assignments, random: &random)
        }

        var resident = [Bool](repeating: false, count: n)
        let initial = sampler.sample(pool: (0..<Int64(n)).map { $0 }, size: p.initialSize, random: &random).ids
        for id in initial { resident[Int(id)] = true }
        var residentCount = initial.count
        let minimumResident = 5 * p.updateBatchSize

        var operations: [WorkloadOperation] = []
        var truthValues: [Int64] = []
        var truthRows = 0
        var stopReason = "completed"
        var groundTruthSeconds = 0.0
        for i in 0..<p.operationCount {
            let u = random.unit()
            let kind: WorkloadOperation.Kind =
                u < p.insertRatio ? .insert : (u < p.insertRatio + p.deleteRatio ? .delete : .query)
            let pool: [Int64]
            switch kind {
            case .insert: pool = (0..<n).filter { !resident[$0] }.map { Int64($0) }
            case .delete: pool = (0..<n).filter { resident[$0] }.map { Int64($0) }
            case .query:
                pool = queries.map { (0..<Int64($0.rows)).map { $0 } } ?? (0..<n).filter { !resident[$0] }.map { Int64($0) }
            }
            guard !pool.isEmpty else {
                stopReason = "empty-pool"
                progress?("operation \(i): nothing to \(kind.rawValue); stopping")
                break
            }
            let size = kind == .query ? p.queryBatchSize : p.updateBatchSize
            let drawn = kind == .query
                ? querySampler.sample(pool: pool, size: size, random: &random)
                : sampler.sample(pool: pool, size: size, random: &random)
            let after = residentCount + (kind == .insert ? drawn.ids.count : kind == .delete ? -drawn.ids.count : 0)
            guard after >= minimumResident else {
                stopReason = "resident-below-minimum"
                progress?("operation \(i): \(after) resident would be below 5 × update batch = \(minimumResident); stopping")
                break
            }
            var operation = WorkloadOperation(index: i, kind: kind, ids: drawn.ids, residentCount: after, rootCluster: drawn.root)
            switch kind {
            case .insert: for id in drawn.ids { resident[Int(id)] = true }
            case .delete: for id in drawn.ids { resident[Int(id)] = false }
            case .query:
                progress?("operation \(i) of \(p.operationCount): ground truth for \(drawn.ids.count) queries over \(after) vectors…")
                let start = WorkloadClock.now()
                let truth = groundTruth(
                    base: base, resident: resident, residentCount: after, queries: queries ?? base, rows: drawn.ids,
                    threads: workers)
                groundTruthSeconds += WorkloadClock.now() - start
                operation.groundTruthRow = truthRows
                truthValues += truth
                truthRows += drawn.ids.count
            }
            residentCount = after
            operations.append(operation)
        }
        let runbook = Runbook(
            parameters: p, baseCount: n, dimension: d, baseChecksum: VectorChecksum.fnv1a(base),
            queriesFromBase: queries == nil, queryCount: queries?.rows ?? 0, queryChecksum: queries.map(VectorChecksum.fnv1a),
            clusterCount: clustering.clusterCount, initialIDs: initial, operations: operations,
            groundTruth: Matrix(rows: truthRows, columns: p.k, values: truthValues), stopReason: stopReason)
        return GeneratedWorkload(
            runbook: runbook, baseClusters: clustering.assignments, queryClusters: queryClusters,
            groundTruthSeconds: groundTruthSeconds)
    }

    /// Exact `k` nearest resident base ids of the query rows `rows`, row-major.
    private func groundTruth(
        base: Matrix<Float>, resident: [Bool], residentCount: Int, queries: Matrix<Float>, rows: [Int64], threads: Int
    ) -> [Int64] {
        let d = base.columns
        var residentIDs: [Int64] = []
        residentIDs.reserveCapacity(residentCount)
        var gathered = [Float]()
        gathered.reserveCapacity(residentCount * d)
        base.values.withUnsafeBufferPointer { values in
            for (row, isResident) in resident.enumerated() where isResident {
                residentIDs.append(Int64(row))
                gathered.append(contentsOf: UnsafeBufferPointer(rebasing: values[(row * d)..<((row + 1) * d)]))
            }
        }
        var queryValues = [Float]()
        queryValues.reserveCapacity(rows.count * d)
        for row in rows { queryValues.append(contentsOf: queries[row: Int(row)]) }
        let truth = GroundTruth.compute(
            base: Matrix(rows: residentIDs.count, columns: d, values: gathered),
            queries: Matrix(rows: rows.count, columns: d, values: queryValues), k: parameters.k, metric: parameters.metric,
            threads: threads)
        return truth.values.map { $0 < 0 ? -1 : residentIDs[Int($0)] }
    }
}

/// Monotonic seconds.
enum WorkloadClock {
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }
}
