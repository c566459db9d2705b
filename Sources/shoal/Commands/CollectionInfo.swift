import ArgumentParser
import Foundation
import ShoalStore

/// `shoal info`: a collection's size, shape and files.
struct CollectionInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a collection's size, shape and files.",
        discussion: "Opens the collection read-only (replaying its log), so it works while another process writes.")

    @Argument(help: "The collection directory.")
    var directory: String

    @Flag(help: "Print one JSON object (count, dimension, metric, partitions, levels, lastLSN, snapshots, log size, …).")
    var json = false

    func run() throws {
        let (collection, recovery) = try DurableCollection.open(at: directory, options: OpenOptions(mode: .readOnly))
        defer { collection.close() }
        let status = collection.status
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            let data = try encoder.encode(status)
            StandardOutput.line(String(decoding: data, as: UTF8.self))
            return
        }
        StandardOutput.write(
            """
            collection  \(status.path)
            vectors     \(status.count), dimension \(status.dimension), metric \(status.metric.rawValue)
            partitions  \(status.partitions) in the base level, \(status.levels) levels\(status.configuredPartitions.map { " (\($0) asked for at creation)" } ?? "")
            last LSN    \(status.lastLSN)
            snapshots   \(status.snapshotLSNs.map(String.init).joined(separator: ", ")) (newest \(status.snapshotBytes) bytes)
            log         \(status.logSegments) segments, \(status.logBytes) bytes; \(recovery.recordsReplayed) records after the newest snapshot
            memory      \(status.memoryFootprint) bytes
            maintenance \(status.automaticMaintenanceInterval.map { "automatic, after every \($0) insert/delete batches" } ?? "only when asked")

            """)
    }
}
