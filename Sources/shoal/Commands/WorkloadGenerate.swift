import ArgumentParser
import Shoal
import ShoalData

/// `shoal workload generate`: base (and query) vectors → a runbook directory.
struct WorkloadGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a dynamic workload (runbook) from a base set and, optionally, a query set.",
        discussion: """
            Clusters the base vectors (k-means, n / --cluster-size clusters), draws --initial-size resident vectors, \
            then --operations operations whose types are drawn with the three ratios (they must sum to 1). Inserts \
            take non-resident base vectors, deletes take resident ones, queries take --query-batch queries (from \
            --queries, or non-resident base vectors without it). With `skewed` sampling the vectors of an operation \
            come from the clusters nearest to a root cluster that moves on after every operation. The trace stops \
            early when a pool is empty or fewer than 5 × --update-batch vectors would stay resident. Writes \
            DIR/runbook.json, DIR/groundtruth.ivecs (exact --k neighbours of every query of every query operation, \
            as base row numbers) and DIR/clusters.ivecs. The same seed and files give the same runbook.
            """)

    @Option(help: "Base vectors (.fvecs, .bvecs or .npy); row i is vector id i.")
    var base: String

    @Option(help: "Query vectors (.fvecs, .bvecs or .npy); without it, queries are drawn from non-resident base vectors.")
    var queries: String?

    @Option(name: [.customShort("o"), .long], help: "Directory to write the runbook into (created if missing).")
    var output: String

    @Option(name: .customLong("insert-ratio"), help: "Share of operations that insert vectors, in [0, 1].")
    var insertRatio: Double = 0.3

    @Option(name: .customLong("delete-ratio"), help: "Share of operations that delete vectors, in [0, 1].")
    var deleteRatio: Double = 0.2

    @Option(name: .customLong("query-ratio"), help: "Share of operations that are query batches, in [0, 1]; the three ratios sum to 1.")
    var queryRatio: Double = 0.5

    @Option(name: .customLong("update-batch"), help: "Vectors per insert or delete operation.")
    var updateBatch: Int = 100

    @Option(name: .customLong("query-batch"), help: "Queries per query operation.")
    var queryBatch: Int = 100

    @Option(name: .customLong("initial-size"), help: "Vectors resident before the first operation (default: half the base set).")
    var initialSize: Int?

    @Option(help: "Operations to generate (fewer if a stop rule ends the trace).")
    var operations: Int = 200

    @Option(name: .customLong("cluster-size"), help: "Base vectors per sampling cluster (n / this many clusters).")
    var clusterSize: Int = 100

    @Option(help: "How inserts, deletes and the initial set are sampled: uniform or skewed.")
    var sampling: ClusterSampling = .uniform

    @Option(name: .customLong("query-sampling"), help: "How the queries of a query operation are sampled: uniform or skewed.")
    var querySampling: ClusterSampling = .uniform

    @Option(help: "Seed for every random choice.")
    var seed: UInt64 = 1738

    @Option(help: "Exact neighbours stored per query (ground-truth depth).")
    var k: Int = 100

    @Option(help: "Distance metric of the ground truth: l2, ip or cosine.")
    var metric: DistanceMetric = .l2

    @Option(name: .customLong("base-limit"), help: "Use only the first N base vectors.")
    var baseLimit: Int?

    @Option(help: "Threads for clustering and ground truth (default: every core).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let baseLimit, baseLimit < 1 { throw ValidationError("--base-limit must be at least 1") }
    }

    func run() throws {
        let baseVectors = try DatasetLoader.vectors(base, what: "base vectors", limit: baseLimit)
        let queryVectors = try queries.map { try DatasetLoader.vectors($0, what: "queries") }
        let parameters = WorkloadParameters(
            insertRatio: insertRatio, deleteRatio: deleteRatio, queryRatio: queryRatio, updateBatchSize: updateBatch,
            queryBatchSize: queryBatch, initialSize: initialSize ?? max(1, baseVectors.rows / 2), operationCount: operations,
            clusterSize: clusterSize, sampling: sampling,
            querySampling: querySampling, seed: seed, k: k, metric: metric)
        let generator = try WorkloadGenerator(parameters: parameters)
        let (workload, seconds) = try Clock.time { () throws(WorkloadError) in
            try generator.generate(base: baseVectors, queries: queryVectors, threads: threads) { Terminal.progress($0) }
        }
        Terminal.progress("writing \(output)…")
        try workload.write(to: output)
        Terminal.endProgress()
        let runbook = workload.runbook
        print(
            "wrote \(output): \(runbook.operations.count) operations (\(runbook.insertCount) inserts, \(runbook.deleteCount) deletes, "
                + "\(runbook.queryOperationCount) query batches), initial \(runbook.initialIDs.count) → final \(runbook.finalResidentIDs.count) "
                + "resident of \(runbook.baseCount), \(runbook.clusterCount) clusters, ground truth k = \(parameters.k), "
                + "stop: \(runbook.stopReason), in \(format(seconds, 2)) s (ground truth \(format(workload.groundTruthSeconds, 2)) s)")
    }
}
