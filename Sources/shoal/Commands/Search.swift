import ArgumentParser
import Shoal
import ShoalData

/// `shoal search`: index + queries → results file.
struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search an index for every query and write the neighbours' ids (and optionally scores).",
        discussion: """
            The ids file has one row of k ids per query, best first, −1 where fewer than k were found \
            (.ivecs stores them as int32, .npy as int64). The scores file holds Euclidean distances (l2) or \
            similarities (ip, cosine) in the same layout.
            """)

    @Option(help: "The index file.")
    var index: String

    @Option(help: "Query vectors (.fvecs, .bvecs or .npy).")
    var queries: String

    @Option(name: [.customShort("o"), .long], help: "Where to write the neighbour ids (.ivecs or .npy).")
    var output: String

    @Option(help: "Where to write the scores (.fvecs or .npy), if wanted.")
    var scores: String?

    @Option(help: "Neighbours per query.")
    var k: Int = 10

    @Option(help: "Partitions scanned per query.")
    var nprobe: Int = 8

    @Option(help: "Threads (default: every core).")
    var threads: Int?

    func run() throws {
        let loaded = try VectorIndex(contentsOf: index, threads: threads)
        let matrix = try DatasetLoader.vectors(queries, what: "queries")
        let options = SearchOptions(k: k, nprobe: nprobe, threads: threads)
        Terminal.progress("searching \(matrix.rows) queries…")
        let (results, seconds) = try Clock.time { () throws(ShoalError) in
            try loaded.search(batch: matrix.values, options: options)
        }
        Terminal.endProgress()
        try VectorFile.writeIntegers(Matrix(rows: results.queryCount, columns: k, values: results.ids), to: output)
        if let scores {
            try VectorFile.writeFloats(Matrix(rows: results.queryCount, columns: k, values: results.scores), to: scores)
        }
        print("searched \(matrix.rows) queries in \(format(seconds, 3)) s; wrote \(output)\(scores.map { " and \($0)" } ?? "")")
    }
}
