import ArgumentParser
import Shoal
import ShoalData

/// `shoal demo`: the whole loop on the bundled data set, with no arguments.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build an index from the bundled SIFT data set, search it, and print recall and speed.",
        discussion: """
            Uses 5,000 real SIFT image descriptors (128-d) and 100 queries with exact ground truth, \
            bundled in the repository under Data/sift5k-ngt. Prints recall@10 and queries per second for \
            several nprobe values, one query at a time and in one batch, then for several recall targets.
            """)

    @Option(help: "A data set folder holding base.fvecs, query.fvecs and gt100.ivecs (default: the bundled one).")
    var dataset: String?

    @Option(help: "Threads for building and searching (default: every core).")
    var threads: Int?

    func run() throws {
        let folder = dataset ?? BundledData.sift5k
        let base = try DatasetLoader.vectors(folder + "/base.fvecs", what: "base vectors")
        let queries = try DatasetLoader.vectors(folder + "/query.fvecs", what: "queries")
        let truth = try DatasetLoader.truth(
            folder + "/gt100.ivecs", base: base, queries: queries, k: 10, metric: .l2, threads: threads)
        let options = try BuildOptions.parse([])
        let (index, buildSeconds) = try IndexSource.obtain(loading: nil, base: base, options: options, threads: threads)
        print("Shoal demo: \(folder)")
        print(
            "built \(index.partitionCount) partitions over \(base.rows) × \(base.columns) vectors in \(format(buildSeconds, 3)) s "
                + "(\(InstructionSet.active.rawValue) kernels, \(index.memoryFootprint / 1024) KiB)")
        let threads = threads ?? IndexSource.coreCount
        for batch in [false, true] {
            print("")
            print(batch ? "all \(queries.rows) queries in one batch:" : "one query at a time:")
            print(EvalTable.header)
            let runner = EvalRunner(
                index: index, queries: queries, truth: truth, k: 10, threads: batch ? threads : 1, batch: batch,
                repetitions: 3, buildSeconds: buildSeconds)
            for nprobe in [1, 2, 4, 8, 16, index.partitionCount] {
                print(EvalTable.line(try runner.run(nprobe: nprobe)))
            }
        }
        print("")
        print("recall targets (each query picks its partitions; calibrated on the other queries, by cross-validation):")
        print(EvalTable.header)
        let runner = EvalRunner(
            index: index, queries: queries, truth: truth, k: 10, threads: 1, batch: false, repetitions: 3,
            buildSeconds: buildSeconds)
        for target in [0.8, 0.9, 0.95, 0.99] {
            print(EvalTable.line(try runner.run(nprobe: 0, recallTarget: target)))
        }
    }
}

/// Where the bundled data sets live: `Data/` at the repository root, found from this source
/// file's location at build time (`swift run` builds from the checkout).
enum BundledData {
    static var sift5k: String {
        let source = #filePath
        let parts = source.split(separator: "/", omittingEmptySubsequences: false)
        // …/Sources/shoal/Commands/Demo.swift → repository root is four components up.
        let root = parts.dropLast(4).joined(separator: "/")
        return root + "/Data/sift5k-ngt"
    }
}
