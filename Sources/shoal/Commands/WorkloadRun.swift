import ArgumentParser
import Shoal
import ShoalData

/// `shoal workload run`: replay a runbook against a Shoal index.
struct WorkloadRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Replay a workload runbook against a Shoal index and report recall and time per operation.",
        discussion: """
            Builds an index over the runbook's initial set (ids = base row numbers), calibrates recall-target search \
            on a sample of the workload's queries, then replays the operations: insert → add, delete → remove, query \
            → one batch search. Recall of a query operation is the batch's mean recall@k against the runbook's ground \
            truth. Writes DIR/results.csv (one row per operation), DIR/summary.json, and the plots DIR/recall.svg, \
            DIR/latency.svg and DIR/structure.svg, and prints a summary (with --json: one JSON object on stdout and \
            nothing else). Build and calibration time are reported but not counted in the totals.
            """)

    @Option(help: "The runbook directory written by `shoal workload generate`.")
    var runbook: String

    @Option(help: "The base vectors the runbook was generated from.")
    var base: String

    @Option(help: "The query vectors the runbook was generated from (omit when it drew queries from the base set).")
    var queries: String?

    @Option(name: [.customShort("o"), .long], help: "Directory for results.csv, summary.json and the SVG plots.")
    var output: String

    @Option(name: .customLong("recall-target"), help: "Recall target of every search (adaptive scanning), in (0, 1]. Default 0.9 unless --nprobe is given.", transform: RecallTargetArgument.single)
    var recallTarget: Double?

    @Option(help: "Scan this many partitions per query instead of using a recall target.")
    var nprobe: Int?

    @Option(help: "Neighbours per query (recall@k); at most the runbook's ground-truth k.")
    var k: Int = 10

    @Option(help: "When maintenance runs: every (after each operation), auto (the index's own trigger) or off.")
    var maintenance: WorkloadMaintenance = .every

    @Option(name: .customLong("maintenance-interval"), help: "With --maintenance auto: updates between automatic passes.")
    var maintenanceInterval: Int = 1

    @Option(name: .customLong("calibration-queries"), help: "Workload queries used to calibrate recall-target search (0: calibrate on stored vectors).")
    var calibrationQueries: Int = 256

    @Option(help: "Base partitions to build (default: round(√initial size)).")
    var partitions: Int?

    @Option(help: "Threads for search, insert and build (default: every core).")
    var threads: Int?

    @Option(help: "A query operation counts as on target when its recall is within this of the target.")
    var tolerance: Double = 0.02

    @Flag(
        name: .customLong("audit-placement"),
        help: "After each query operation, count the stored vectors outside their nearest centroid's partition (the 'misplaced' column; O(n × partitions × d), not timed).")
    var auditPlacement = false

    @Option(
        name: .customLong("cost-cache"),
        help: "Folder caching the measured scan-cost table of maintenance (default: $SHOAL_CACHE_DIR, $XDG_CACHE_HOME/shoal or ~/.cache/shoal).")
    var costCache: String?

    @Option(name: .customLong("split-share"), help: "Maintenance α: share of a partition's queries each half of a split is assumed to keep (default 0.9).")
    var splitShare: Double?

    @Option(name: .customLong("minimum-gain"), help: "Maintenance τ in nanoseconds per query: the least cost reduction an action must bring (default 100).")
    var minimumGain: Double?

    @Option(name: .customLong("actions-per-pass"), help: "Maintenance: the most splits plus merges one pass may commit (default 16).")
    var actionsPerPass: Int?

    @Option(name: .customLong("refinement-radius"), help: "Maintenance: neighbouring partitions refined around each child of a split (default 25; 0: no refinement).")
    var refinementRadius: Int?

    @Option(name: .customLong("refinement-budget"), help: "Maintenance: vectors refined around each child of a split, in mean partition sizes (default 12; 0: no budget, the whole radius).")
    var refinementBudget: Double?

    @Flag(help: "Print one JSON object (summary and every operation) on stdout, and nothing else.")
    var json = false

    func validate() throws {
        if recallTarget != nil && nprobe != nil { throw ValidationError("give either --recall-target or --nprobe, not both") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let nprobe, nprobe < 1 { throw ValidationError("--nprobe must be at least 1") }
        guard calibrationQueries >= 0 else { throw ValidationError("--calibration-queries must be 0 or more") }
        guard tolerance >= 0 else { throw ValidationError("--tolerance must be 0 or more") }
    }

    func run() throws {
        Terminal.progress("reading \(runbook)…")
        let book = try Runbook.read(from: runbook)
        let baseVectors = try DatasetLoader.vectors(base, what: "base vectors", limit: book.baseCount)
        let queryVectors = try queries.map { try DatasetLoader.vectors($0, what: "queries") }
        var options = WorkloadRunOptions(
            k: k, recallTarget: nprobe == nil ? (recallTarget ?? 0.9) : nil, nprobe: nprobe ?? 8,
            maintenance: maintenance, automaticInterval: maintenanceInterval,
            threads: threads, partitionCount: partitions, calibrationQueries: calibrationQueries, tolerance: tolerance)
        options.maintenanceConfiguration.costCacheDirectory = costCache
        options.auditsPlacement = auditPlacement
        if let splitShare { options.maintenanceConfiguration.splitShare = splitShare }
        if let minimumGain { options.maintenanceConfiguration.minimumGainNanoseconds = minimumGain }
        if let actionsPerPass { options.maintenanceConfiguration.maximumActionsPerPass = actionsPerPass }
        if let refinementRadius { options.maintenanceConfiguration.refinementRadius = refinementRadius }
        if let refinementBudget { options.maintenanceConfiguration.refinementBudget = refinementBudget == 0 ? nil : refinementBudget }
        try options.maintenanceConfiguration.validate()
        let runner = try WorkloadRunner(runbook: book, base: baseVectors, queries: queryVectors, options: options)
        let result = try runner.run { Terminal.progress($0) }
        Terminal.progress("writing \(output)…")
        try WorkloadReport.write(result, runbook: book, to: output)
        Terminal.endProgress()
        if json {
            print(WorkloadReport.json(result, runbook: book, includeOperations: true))
        } else {
            print(WorkloadReport.text(result))
            print("wrote \(output)/\(WorkloadReport.csvFile), \(WorkloadReport.summaryFile), \(WorkloadReport.recallPlot), "
                + "\(WorkloadReport.latencyPlot), \(WorkloadReport.structurePlot)")
        }
    }
}
