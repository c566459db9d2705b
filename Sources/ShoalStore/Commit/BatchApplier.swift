import Shoal

/// Applies durable log records to the index, in LSN order, in chunks: each `VectorIndex.add` or
/// `remove` call takes the index's write lock once (an `add` only to append, after finding the
/// partitions under the shared lock), so the chunk size bounds how long a search can wait for a
/// writer.
struct BatchApplier: Sendable {
    let index: VectorIndex
    /// Rows per `add` call (ids per `remove` call: 8 times as many, since a removal is O(1) per id).
    let chunk: Int
    /// Workers for the nearest-centroid search of an add (`nil`: the index's setting).
    var threads: Int? = nil

    /// Applies `group`; returns the LSN and error of a write the index refused (which validation
    /// should make impossible), after which nothing more of the group is applied. `longest` is
    /// raised to the longest single index call.
    func apply(_ group: [PendingWrite], longest: inout Double) -> (UInt64, StoreError)? {
        let d = index.dimension
        for write in group {
            do throws(ShoalError) {
                switch write.kind {
                case .insert:
                    var start = 0
                    while start < write.ids.count {
                        let end = min(write.ids.count, start + chunk)
                        let vectors = Array(write.vectors[(start * d)..<(end * d)])
                        let clock = Stopwatch()
                        try index.add(vectors: vectors, ids: Array(write.ids[start..<end]), threads: threads)
                        longest = max(longest, clock.seconds)
                        start = end
                    }
                case .delete:
                    var start = 0
                    while start < write.ids.count {
                        let end = min(write.ids.count, start + chunk * 8)
                        let clock = Stopwatch()
                        try index.remove(ids: Array(write.ids[start..<end]))
                        longest = max(longest, clock.seconds)
                        start = end
                    }
                case .maintenance:
                    break
                }
            } catch {
                return (write.lsn, StoreError(wrapping: error, context: "log record \(write.lsn) is durable but the index refused it"))
            }
        }
        return nil
    }
}
