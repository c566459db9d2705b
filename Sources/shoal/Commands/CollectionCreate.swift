import ArgumentParser
import Shoal
import ShoalStore

/// `shoal create`: a new durable collection, empty or built from a vectors file.
struct CollectionCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a durable collection: an empty one, or one built from a vectors file.",
        discussion: """
            A collection is a directory holding checksummed snapshots and a write-ahead log; insert, \
            delete, query, info, ids, checkpoint and verify work on it. With --from, row i gets id \
            --ids-from + i and the collection keeps the built partitioning.
            """)

    @Argument(help: "The collection directory to create (it must not exist, or be empty).")
    var directory: String

    @Option(help: "Components per vector (required unless --from is given).")
    var dimension: Int?

    @Option(help: "Build the collection from these vectors (.fvecs, .bvecs or .npy).")
    var from: String?

    @Option(name: .customLong("ids-from"), help: "With --from: the id of the first row; row i gets id N + i.")
    var idsFrom: Int64 = 0

    @OptionGroup var build: BuildOptions

    @Option(help: "Threads for the index (default: every core).")
    var threads: Int?

    @Option(
        name: .customLong("auto-maintenance"),
        help: "Split and merge partitions by themselves after every N insert or delete batches (and after every full window of queries). Stored with the collection. Default: only when asked.")
    var autoMaintenance: Int?

    func validate() throws {
        guard dimension != nil || from != nil else {
            throw ValidationError("give --dimension D for an empty collection, or --from FILE to build one from vectors")
        }
        if let dimension, dimension < 1 { throw ValidationError("--dimension must be at least 1, got \(dimension)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let autoMaintenance, !(1...1_000_000_000).contains(autoMaintenance) {
            throw ValidationError("--auto-maintenance must be in 1...1000000000, got \(autoMaintenance)")
        }
    }

    func run() throws {
        var options = OpenOptions()
        options.threads = threads
        if let autoMaintenance { options.maintenance = MaintenanceConfiguration(automaticInterval: autoMaintenance) }
        let collection: DurableCollection
        if let from {
            let matrix = try DatasetLoader.vectors(from, what: "vectors")
            if let dimension, dimension != matrix.columns {
                throw CLIError("\(from) holds \(matrix.columns)-dimensional vectors but --dimension is \(dimension)")
            }
            let ids = (0..<Int64(matrix.rows)).map { idsFrom + $0 }
            Terminal.progress("building an index over \(matrix.rows) vectors…")
            let index = try VectorIndex.build(
                vectors: matrix.values, ids: ids, configuration: build.configuration(dimension: matrix.columns, threads: threads))
            Terminal.progress("writing \(directory)…")
            collection = try DurableCollection.create(at: directory, index: index, options: options)
            Terminal.endProgress()
        } else {
            let configuration = build.configuration(dimension: dimension ?? 1, threads: threads)
            collection = try DurableCollection.create(at: directory, configuration: configuration, options: options)
        }
        defer { collection.close() }
        print(
            "created \(directory): \(collection.count) vectors, dimension \(collection.dimension), "
                + "metric \(collection.metric.rawValue), \(collection.status.partitions) partitions")
    }
}
