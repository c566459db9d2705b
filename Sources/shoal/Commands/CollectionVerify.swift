import ArgumentParser
import ShoalStore

/// `shoal verify`: every checksum and invariant of a collection.
struct CollectionVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every checksum and invariant of a collection; exit 0 only if all hold.",
        discussion: """
            Checks the identity file, every snapshot, every log record and the log's continuity, replays the \
            log onto the newest snapshot and checks the index's invariants. Changes nothing, and works while \
            another process writes. A torn log tail (unacknowledged writes of a crashed writer) is reported \
            but is not a failure: the next open for writing cuts it off.
            """)

    @Argument(help: "The collection directory.")
    var directory: String

    func run() throws {
        let report = DurableCollection.verify(at: directory)
        for note in report.notes { print("ok: \(note)") }
        guard report.isValid else {
            for problem in report.problems { Terminal.note("problem: \(problem)") }
            throw CLIError("\(directory) failed verification: \(report.problems.count) problem(s), the first: \(report.problems[0])")
        }
        print("verified \(directory): every checksum and invariant holds")
    }
}
