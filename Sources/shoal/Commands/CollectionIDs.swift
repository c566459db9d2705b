import ArgumentParser
import ShoalStore

/// `shoal ids`: every stored id.
struct CollectionIDs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ids",
        abstract: "Print every stored id, ascending, one per line.",
        discussion: "Opens the collection read-only, so it shows every write acknowledged before it started.")

    @Argument(help: "The collection directory.")
    var directory: String

    func run() throws {
        let (collection, _) = try DurableCollection.open(at: directory, options: OpenOptions(mode: .readOnly))
        defer { collection.close() }
        var text = ""
        text.reserveCapacity(1 << 20)
        for id in collection.allIDs() {
            text += String(id)
            text += "\n"
            if text.utf8.count >= 1 << 20 {
                StandardOutput.write(text)
                text.removeAll(keepingCapacity: true)
            }
        }
        StandardOutput.write(text)
    }
}
