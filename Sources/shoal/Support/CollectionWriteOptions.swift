import ArgumentParser
import ShoalStore

/// Options shared by the commands that write to a collection.
struct CollectionWriteOptions: ParsableArguments {
    @Option(name: .customLong("in-flight"), help: "Batches queued at once; batches queued together share one fsync.")
    var inFlight: Int = 4

    @Option(
        name: .customLong("checkpoint-bytes"),
        help: "Write a snapshot in the background once this many bytes were logged since the last (default 256 MiB).")
    var checkpointBytes: Int?

    @Option(help: "Threads for the index (default: every core).")
    var threads: Int?

    @Option(
        name: .customLong("write-chunk-bytes"),
        help: ArgumentHelp(
            "Testing: write the log in pieces of at most this many bytes, 50 µs apart, so that a kill can tear a group commit.",
            visibility: .hidden))
    var writeChunkBytes: Int?

    func check() throws {
        guard inFlight >= 1 else { throw ValidationError("--in-flight must be at least 1, got \(inFlight)") }
        if let checkpointBytes, checkpointBytes < 1024 {
            throw ValidationError("--checkpoint-bytes must be at least 1024, got \(checkpointBytes)")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func options() -> OpenOptions {
        var options = OpenOptions(threads: threads)
        if let checkpointBytes { options.checkpointAfterLogBytes = checkpointBytes }
        if let writeChunkBytes {
            let plan = FaultPlan()
            plan.inject(.write, pathContains: "/wal/", times: Int.max, effect: .slowWrite(bytes: max(1, writeChunkBytes), microseconds: 50))
            options.fileSystem = FileSystem(faults: plan)
        }
        return options
    }
}
