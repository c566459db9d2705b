import ArgumentParser
import Foundation
import ShoalStore

/// `shoal delete`: ids out of a collection, in durable batches.
struct CollectionDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete vectors from a collection by id; each batch is durable before it is acknowledged.",
        discussion: """
            Every id must be stored. A batch is one log record: after a crash it is deleted entirely or not \
            at all. With --ack, a line `acked FIRST LAST` (the batch's first and last id, as listed) is \
            printed, unbuffered, once the batch is durable.
            """)

    @Argument(help: "The collection directory.")
    var directory: String

    @Option(help: "Ids to delete, separated by commas (e.g. 1,2,3).")
    var ids: IDList?

    @Option(name: .customLong("ids-file"), help: "A text file of ids to delete, separated by commas, spaces or newlines.")
    var idsFile: String?

    @Option(name: .customLong("batch-size"), help: "Ids per batch (default: all in one batch).")
    var batchSize: Int?

    @Flag(help: "Print `acked FIRST LAST` on standard output after each batch is durable.")
    var ack = false

    @OptionGroup var writing: CollectionWriteOptions

    func validate() throws {
        guard (ids == nil) != (idsFile == nil) else { throw ValidationError("give either --ids or --ids-file") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        try writing.check()
    }

    func run() throws {
        let list = try ids?.values ?? readIDs()
        let (collection, _) = try DurableCollection.open(at: directory, options: writing.options())
        defer { collection.close() }
        let size = max(1, batchSize ?? list.count)
        let window = BatchWindow(depth: writing.inFlight, ack: ack)
        var batches = 0
        for lower in stride(from: 0, to: list.count, by: size) {
            let batch = Array(list[lower..<min(list.count, lower + size)])
            try window.add(try collection.submitRemove(ids: batch), first: batch[0], last: batch[batch.count - 1])
            batches += 1
        }
        try window.drain()
        StandardOutput.line("deleted \(list.count) ids in \(batches) batches; the collection holds \(collection.count)")
    }

    private func readIDs() throws -> [Int64] {
        guard let idsFile else { return [] }
        guard let data = FileManager.default.contents(atPath: idsFile) else { throw CLIError("cannot read \(idsFile)") }
        guard let values = IDList.parse(String(decoding: data, as: UTF8.self)) else {
            throw CLIError("\(idsFile) holds something that is not an integer id; list ids separated by commas, spaces or newlines")
        }
        return values
    }
}
