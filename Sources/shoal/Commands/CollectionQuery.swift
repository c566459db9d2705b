import ArgumentParser
import Shoal
import ShoalData
import ShoalStore

/// `shoal query`: search a collection for every query of a file.
struct CollectionQuery: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Search a collection for every query in a file; print the neighbours or write them to a file.",
        discussion: """
            The collection is opened read-only, so this works while another process writes to it, and sees \
            every write acknowledged before it started. Printed output has one line per query: the ids, best \
            first (with --show-scores, id:score pairs), −1 where fewer than k were found.
            """)

    @Argument(help: "The collection directory.")
    var directory: String

    @Option(help: "Query vectors (.fvecs, .bvecs or .npy).")
    var queries: String

    @Option(help: "Neighbours per query.")
    var k: Int = 10

    @Option(help: "Partitions scanned per query (ignored with --recall-target).")
    var nprobe: Int = 8

    @Option(name: .customLong("recall-target"), help: "Scan partitions until the estimated recall@k reaches this value in (0, 1].", transform: RecallTargetArgument.single)
    var recallTarget: Double?

    @Option(name: [.customShort("o"), .long], help: "Write the neighbour ids here (.ivecs or .npy) instead of printing them.")
    var output: String?

    @Option(help: "With --output: also write the scores here (.fvecs or .npy).")
    var scores: String?

    @Flag(name: .customLong("show-scores"), help: "When printing, print id:score pairs.")
    var showScores = false

    @Option(help: "Threads (default: every core).")
    var threads: Int?

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be at least 1, got \(k)") }
        guard nprobe >= 0 else { throw ValidationError("--nprobe must be 0 or more, got \(nprobe)") }
        if scores != nil && output == nil { throw ValidationError("--scores needs --output") }
    }

    func run() throws {
        let matrix = try DatasetLoader.vectors(queries, what: "queries")
        let (collection, _) = try DurableCollection.open(at: directory, options: OpenOptions(mode: .readOnly, threads: threads))
        defer { collection.close() }
        let options = SearchOptions(k: k, nprobe: nprobe, recallTarget: recallTarget, threads: threads)
        let (results, seconds) = try Clock.time { () throws(StoreError) in
            try collection.search(batch: matrix.values, options: options)
        }
        if let output {
            try VectorFile.writeIntegers(Matrix(rows: results.queryCount, columns: k, values: results.ids), to: output)
            if let scores {
                try VectorFile.writeFloats(Matrix(rows: results.queryCount, columns: k, values: results.scores), to: scores)
            }
            print("searched \(matrix.rows) queries in \(format(seconds, 3)) s; wrote \(output)\(scores.map { " and \($0)" } ?? "")")
            return
        }
        var text = ""
        for q in 0..<results.queryCount {
            let row = results[q].map { showScores ? "\($0.id):\($0.score)" : String($0.id) }
            text += row.joined(separator: " ") + "\n"
        }
        StandardOutput.write(text)
    }
}
