import ArgumentParser
import Shoal
import ShoalData

/// `shoal build`: vectors file → index file.
struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build an index from a vectors file and write it to an index file.",
        discussion: "Row i of the vectors file gets id i + --ids-from. The index file is written atomically.")

    @Option(help: "Vectors to index (.fvecs, .bvecs or .npy).")
    var vectors: String

    @Option(name: [.customShort("o"), .long], help: "The index file to write.")
    var output: String

    @Option(name: .customLong("ids-from"), help: "Id of the first row; row i gets id N + i.")
    var idsFrom: Int64 = 0

    @Option(help: "Use only the first N vectors.")
    var limit: Int?

    @OptionGroup var build: BuildOptions

    func run() throws {
        let matrix = try DatasetLoader.vectors(vectors, what: "vectors", limit: limit)
        let ids = (0..<Int64(matrix.rows)).map { idsFrom + $0 }
        let configuration = build.configuration(dimension: matrix.columns, threads: nil)
        Terminal.progress("building an index over \(matrix.rows) vectors…")
        let (index, seconds) = try Clock.time { () throws(ShoalError) in
            try VectorIndex.build(vectors: matrix.values, ids: ids, configuration: configuration)
        }
        Terminal.progress("writing \(output)…")
        try index.write(to: output)
        Terminal.endProgress()
        print(
            "built \(output): \(index.count) vectors, dimension \(index.dimension), metric \(index.metric.rawValue), "
                + "\(index.partitionCount) partitions, \(index.levelCount) levels, in \(format(seconds, 3)) s")
    }
}
