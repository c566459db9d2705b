import ArgumentParser
import Shoal
import ShoalStore

/// `shoal insert`: vectors from a file into a collection, in durable batches.
struct CollectionInsert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insert",
        abstract: "Insert vectors from a file into a collection, in batches that are each durable before they are acknowledged.",
        discussion: """
            Row i gets id --ids-from + i (by default one more than the largest stored id). Each batch is \
            one log record: after a crash it is stored entirely or not at all. With --ack, a line \
            `acked FIRST LAST` (the batch's first and last id) is printed, unbuffered, once the batch is durable.
            """)

    @Argument(help: "The collection directory.")
    var directory: String

    @Option(help: "Vectors to insert (.fvecs, .bvecs or .npy).")
    var vectors: String

    @Option(name: .customLong("ids-from"), help: "Id of the first row (default: one more than the largest stored id, or 0).")
    var idsFrom: Int64?

    @Option(name: .customLong("batch-size"), help: "Vectors per batch (one log record, one acknowledgement).")
    var batchSize: Int = 1000

    @Flag(help: "Print `acked FIRST LAST` on standard output after each batch is durable.")
    var ack = false

    @OptionGroup var writing: CollectionWriteOptions

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        try writing.check()
    }

    func run() throws {
        let matrix = try DatasetLoader.vectors(vectors, what: "vectors")
        let (collection, _) = try DurableCollection.open(at: directory, options: writing.options())
        defer { collection.close() }
        guard matrix.columns == collection.dimension else {
            throw CLIError("\(vectors) holds \(matrix.columns)-dimensional vectors; the collection stores \(collection.dimension)")
        }
        let first = idsFrom ?? (collection.allIDs().last.map { $0 + 1 } ?? 0)
        let d = matrix.columns
        let batches = stride(from: 0, to: matrix.rows, by: batchSize).map { ($0, min(matrix.rows, $0 + batchSize)) }
        let start = Clock.now()
        let window = BatchWindow(depth: writing.inFlight, ack: ack)
        for (lower, upper) in batches {
            let ids = (lower..<upper).map { first + Int64($0) }
            let ticket = try collection.submitInsert(vectors: Array(matrix.values[(lower * d)..<(upper * d)]), ids: ids)
            try window.add(ticket, first: ids[0], last: ids[ids.count - 1])
        }
        try window.drain()
        let seconds = Clock.now() - start
        let rate = seconds > 0 ? Int(Double(matrix.rows) / seconds) : 0
        StandardOutput.line(
            "inserted \(matrix.rows) vectors (ids \(first)...\(first + Int64(matrix.rows) - 1)) in \(batches.count) batches, "
                + "\(format(seconds, 3)) s, \(rate) vectors/s; the collection holds \(collection.count)")
    }
}
