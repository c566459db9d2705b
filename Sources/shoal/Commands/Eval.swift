import ArgumentParser
import Shoal
import ShoalData

/// `shoal eval`: recall and speed of an index over a query set, for a list of nprobe values.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure recall@k, queries per second and latency for a list of nprobe values.",
        discussion: """
            Builds an index from --base (or loads --index), computes exact ground truth unless \
            --ground-truth is given, then searches every query for each --nprobe value. Without --batch \
            the queries go one at a time (latency percentiles are per query); with --batch they go in one \
            call (the latency columns are the batch time divided by the query count). With --json, stdout \
            carries one JSON object per line and nothing else.
            """)

    @Option(help: "Base vectors (.fvecs, .bvecs or .npy); row i gets id i.")
    var base: String

    @Option(help: "Query vectors (.fvecs, .bvecs or .npy).")
    var queries: String

    @Option(name: .customLong("ground-truth"), help: "Exact neighbours of each query as base row numbers (.ivecs or .npy).")
    var groundTruth: String?

    @Option(help: "Load this index file instead of building one (it must hold ids 0..<n of --base).")
    var index: String?

    @Option(help: "Neighbours per query.")
    var k: Int = 10

    @Option(help: "Comma-separated nprobe values to measure.")
    var nprobe: IntegerList = IntegerList([1, 2, 4, 8, 16, 32, 64])

    @Option(
        name: .customLong("recall-target"),
        help: "Comma-separated recall targets (e.g. 0.8,0.9,0.95,0.99); each query then picks its own partitions.",
        transform: RecallTargetArgument.list)
    var recallTarget: [Double]?

    @Flag(
        name: .customLong("stored-calibration"),
        help: """
            With --recall-target, calibrate on a sample of the stored vectors (what an index does when \
            calibrate(queries:) was never called) instead of cross-validating on the other queries.
            """)
    var storedCalibration = false

    @Option(help: "Threads for searching (default: every core).")
    var threads: Int?

    @Flag(help: "Send all queries in one batch call instead of one at a time.")
    var batch = false

    @Flag(help: "Print one JSON object per nprobe value on stdout, and nothing else.")
    var json = false

    @Option(name: .customLong("repeat"), help: "Measure each setting this many times and keep the fastest.")
    var repetitions: Int = 1

    @Option(name: .customLong("query-limit"), help: "Use only the first N queries.")
    var queryLimit: Int?

    @OptionGroup var build: BuildOptions

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be at least 1, got \(k)") }
        guard nprobe.values.allSatisfy({ $0 >= 0 }) else { throw ValidationError("--nprobe values must be 0 or more") }
        guard repetitions >= 1 else { throw ValidationError("--repeat must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let baseVectors = try DatasetLoader.vectors(base, what: "base vectors")
        let queryVectors = try DatasetLoader.vectors(queries, what: "queries", limit: queryLimit)
        guard baseVectors.columns == queryVectors.columns else {
            throw CLIError("\(base) has \(baseVectors.columns)-dimensional vectors but \(queries) has \(queryVectors.columns)")
        }
        let truth = try DatasetLoader.truth(
            groundTruth, base: baseVectors, queries: queryVectors, k: k, metric: build.metric, threads: threads)
        let (index, buildSeconds) = try IndexSource.obtain(
            loading: index, base: baseVectors, options: build, threads: threads)
        let searchThreads = threads ?? IndexSource.coreCount
        var runner = EvalRunner(
            index: index, queries: queryVectors, truth: truth, k: k, threads: searchThreads, batch: batch,
            repetitions: repetitions, buildSeconds: buildSeconds)
        runner.crossCalibrate = !storedCalibration
        if !json {
            print(
                "\(baseVectors.rows) × \(baseVectors.columns) vectors, \(queryVectors.rows) queries, metric \(build.metric.rawValue), "
                    + "\(index.partitionCount) partitions, \(index.levelCount) levels, built in \(format(buildSeconds, 3)) s, "
                    + "\(index.memoryFootprint / 1_048_576) MiB; \(batch ? "batch" : "one query at a time"), "
                    + "\(searchThreads) thread\(searchThreads == 1 ? "" : "s"), k = \(k)")
            print(EvalTable.header)
        }
        if let targets = recallTarget {
            for target in targets {
                Terminal.progress("searching with recall target \(target)…")
                let row = try runner.run(nprobe: 0, recallTarget: target)
                Terminal.endProgress()
                print(json ? row.json : EvalTable.line(row))
            }
            return
        }
        for value in nprobe.values {
            Terminal.progress("searching with nprobe \(value)…")
            let row = try runner.run(nprobe: value)
            Terminal.endProgress()
            print(json ? row.json : EvalTable.line(row))
        }
    }
}

/// Builds an index from vectors or loads one from a file.
enum IndexSource {
    static var coreCount: Int { IndexConfiguration.availableCores }

    static func obtain(
        loading path: String?, base: Matrix<Float>, options: BuildOptions, threads: Int?
    ) throws -> (VectorIndex, Double) {
        if let path {
            Terminal.progress("loading index \(path)…")
            let (index, seconds) = try Clock.time { () throws(ShoalError) in
                try VectorIndex(contentsOf: path, threads: threads)
            }
            Terminal.endProgress()
            guard index.dimension == base.columns, index.count == base.rows else {
                throw CLIError(
                    "\(path) holds \(index.count) vectors of dimension \(index.dimension), but the base set has \(base.rows) of \(base.columns)")
            }
            return (index, seconds)
        }
        let configuration = options.configuration(dimension: base.columns, threads: threads)
        let partitions = configuration.partitionCount ?? IndexConfiguration.defaultPartitionCount(for: base.rows)
        Terminal.progress("building \(partitions) partitions over \(base.rows) vectors (k-means, \(configuration.kMeansIterations) iterations)…")
        let (index, seconds) = try Clock.time { () throws(ShoalError) in
            try VectorIndex.build(vectors: base.values, configuration: configuration)
        }
        Terminal.endProgress()
        return (index, seconds)
    }
}

