// durability-bench: measurements for docs/durability.md. See Benchmarks/durability/run.sh.
//
//   durability-bench throughput [--base N] [--batches B] [--writers W] [--apply-chunk C]
//                               [--low-priority-apply 0|1]
//   durability-bench latency [--base N] [--apply-chunk C] [--queries Q] [--rate R] [--index-threads T]
//                            [--low-priority-apply 0|1]
//   (--low-priority-apply defaults to 1, as OpenOptions)
//   durability-bench replay [--base N] [--count N]
//   durability-bench make DIR [--count N]      build a large collection
//   durability-bench append DIR [--count N]    log inserts without a checkpoint
//   durability-bench reopen DIR                time an open (snapshot load + replay)

import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
@MainActor func option(_ name: String, _ fallback: Int) -> Int {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let value = Int(arguments[i + 1]) else {
        return fallback
    }
    return value
}

let mode = arguments.first ?? "help"
let directory = arguments.count > 1 && !arguments[1].hasPrefix("--") ? arguments[1] : Timing.temporaryPath("large")
do {
    switch mode {
    case "throughput":
        try await ThroughputBench(base: option("--base", 100_000), batches: option("--batches", 100), writers: option("--writers", 4), applyChunk: option("--apply-chunk", 256),
            lowPriorityApply: option("--low-priority-apply", 1) != 0).run()
    case "latency":
        try await LatencyBench(base: option("--base", 100_000), queries: option("--queries", 3000), applyChunk: option("--apply-chunk", 256), rate: option("--rate", 0),
            indexThreads: option("--index-threads", 0) == 0 ? nil : option("--index-threads", 0),
            lowPriorityApply: option("--low-priority-apply", 1) != 0).run()
    case "replay":
        try RecoveryBench().replay(base: option("--base", 10_000), count: option("--count", 100_000))
    case "make":
        try RecoveryBench().make(at: directory, count: option("--count", 1_000_000))
    case "append":
        try RecoveryBench().append(at: directory, count: option("--count", 100_000))
    case "reopen":
        try RecoveryBench().reopen(at: directory)
    default:
        print("usage: durability-bench throughput|latency|replay|make DIR|append DIR|reopen DIR [options]")
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
