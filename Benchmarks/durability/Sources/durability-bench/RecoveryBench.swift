import Shoal
import ShoalStore

/// Reopen and replay times: a large collection built once (`make`), reopened in a fresh process
/// (`reopen`), and logged inserts replayed on open (`append` then `reopen`, or `replay` for a
/// small self-contained case).
struct RecoveryBench {
    var dimension = 128

    /// Builds a collection of `count` clustered vectors at `path`.
    func make(at path: String, count: Int) throws {
        var random = Synthetic(seed: 9)
        var start = Timing.now()
        let vectors = random.clustered(count, dimension: dimension, clusters: 1000)
        print("make: generated \(count) × \(dimension) in \(Timing.format(Timing.now() - start, 1)) s")
        start = Timing.now()
        let index = try VectorIndex.build(vectors: vectors, configuration: IndexConfiguration(dimension: dimension, seed: 1))
        print("make: built \(index.partitionCount) partitions, \(index.levelCount) levels in \(Timing.format(Timing.now() - start, 1)) s")
        start = Timing.now()
        let collection = try DurableCollection.create(at: path, index: index)
        print("make: wrote the first snapshot (\(collection.status.snapshotBytes) bytes) in \(Timing.format(Timing.now() - start, 2)) s")
        collection.close()
    }

    /// Opens the collection at `path` and reports the recovery times.
    func reopen(at path: String) throws {
        let start = Timing.now()
        let (collection, report) = try DurableCollection.open(at: path, options: OpenOptions(checkpointAfterLogBytes: nil))
        let total = Timing.now() - start
        print(
            "reopen: \(collection.count) vectors in \(Timing.format(total)) s (snapshot load \(Timing.format(report.loadSeconds)) s, "
                + "replay of \(report.recordsReplayed) records / \(report.vectorsInserted) vectors \(Timing.format(report.replaySeconds)) s)")
        collection.close()
    }

    /// Logs `count` inserts (batches of 1000) into the collection at `path`, without a checkpoint.
    func append(at path: String, count: Int) throws {
        let (collection, _) = try DurableCollection.open(at: path, options: OpenOptions(checkpointAfterLogBytes: nil))
        var random = Synthetic(seed: 10)
        let first = Int64((collection.allIDs().last ?? -1) + 1)
        let start = Timing.now()
        for b in stride(from: 0, to: count, by: 1000) {
            let n = min(1000, count - b)
            try collection.insert(vectors: random.clustered(n, dimension: dimension), ids: (0..<n).map { first + Int64(b + $0) })
        }
        print("append: logged \(count) inserts in \(Timing.format(Timing.now() - start, 2)) s (no checkpoint)")
        collection.close()
    }

    /// A base of `base` vectors, `count` logged inserts, then a reopen that replays them.
    func replay(base: Int, count: Int) throws {
        let path = Timing.temporaryPath("replay")
        defer { Timing.removeTree(path) }
        try make(at: path, count: base)
        try append(at: path, count: count)
        try reopen(at: path)
    }
}
