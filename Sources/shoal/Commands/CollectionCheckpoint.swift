import ArgumentParser
import ShoalStore

/// `shoal checkpoint`: a new snapshot, and the log it makes redundant deleted.
struct CollectionCheckpoint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Write a new snapshot of a collection and delete the log segments it covers.",
        discussion: "Needs the write lock: it fails while another process has the collection open for writing.")

    @Argument(help: "The collection directory.")
    var directory: String

    func run() throws {
        let (collection, recovery) = try DurableCollection.open(at: directory)
        defer { collection.close() }
        if recovery.foundDamage { Terminal.note(recovery.description) }
        let report = try collection.checkpoint()
        print(report.description)
    }
}
