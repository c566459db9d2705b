/// The candidate rows of one query in ascending order of their centroid distance, ranked lazily in
/// passes: each pass over the rows picks the next `batch` nearest not ranked yet into a small
/// sorted buffer (most rows fail to enter it with one compare), and the batch doubles from 8 each
/// pass. Once ``sortAfter`` rows are ranked, or a pass would take a quarter of the rows left, the
/// rest is sorted at once. A query usually reads a few partitions out of hundreds of candidates:
/// one pass of O(n) predictable compares ranks them, where building a binary heap costs O(n) steps
/// with unpredictable branches before the first pop (measured: the heap was about 5 % of a
/// one-query recall-target search on yfcc at 0.8).
///
/// Ties in distance go to the lower row. Distances must be finite; negative values (rounding of
/// the dot-product form) count as 0.
struct NearestFirstOrder {
    /// Each row's key, `distance bits << 32 | row`: non-negative floats order like their bit
    /// patterns, so integer order is (distance, row) order, and every key is unique.
    private let keys: [UInt64]
    /// Rows ranked so far, nearest first.
    private(set) var ranked: [Int] = []
    /// Rows the next pass ranks.
    private var nextBatch = 8
    /// Ranked rows after which the rest is sorted in one go.
    static let sortAfter = 64

    /// - Complexity: O(n).
    init(squaredDistances: [Float]) {
        let count = squaredDistances.count
        keys = [UInt64](unsafeUninitializedCapacity: count) { keys, initialized in
            squaredDistances.withUnsafeBufferPointer { distances in
                for row in 0..<count { keys[row] = UInt64(max(0, distances[row]).bitPattern) << 32 | UInt64(row) }
            }
            initialized = count
        }
    }

    /// The row of rank `rank` (0 = nearest), or nil past the last.
    /// - Complexity: O(n) per pass; passes double in size, so O(n log r) for the first `r` ranks
    ///   (r ≤ ``sortAfter``), and O(n log n) once for the rest.
    mutating func row(atRank rank: Int) -> Int? {
        while ranked.count <= rank, ranked.count < keys.count { rankMore() }
        return rank < ranked.count ? ranked[rank] : nil
    }

    /// Ranks the next batch of rows, or all the rest.
    private mutating func rankMore() {
        let left = keys.count - ranked.count
        // Keys are unique, so the unranked ones are exactly those above the last ranked key.
        let minimum = ranked.last.map { keys[$0] + 1 } ?? 0
        if ranked.count >= NearestFirstOrder.sortAfter || nextBatch * 4 >= left {
            var rest = keys.filter { $0 >= minimum }
            rest.withUnsafeMutableBufferPointer { KeySort.sortAscending($0) }
            ranked.reserveCapacity(keys.count)
            for key in rest { ranked.append(Int(truncatingIfNeeded: key & 0xFFFF_FFFF)) }
            return
        }
        let batch = nextBatch
        nextBatch *= 2
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: batch) { best in
            // `best` ascending; `.max` marks an empty slot (no key is `.max`: its distance bits
            // would be a NaN's).
            best.initialize(repeating: .max)
            ranked.reserveCapacity(ranked.count + batch)
            var worst = UInt64.max
            keys.withUnsafeBufferPointer { keys in
                for key in keys where key >= minimum && key < worst {
                    var slot = batch - 1
                    while slot > 0 && best[slot - 1] > key {
                        best[slot] = best[slot - 1]
                        slot -= 1
                    }
                    best[slot] = key
                    worst = best[batch - 1]
                }
            }
            for key in best where key != .max { ranked.append(Int(truncatingIfNeeded: key & 0xFFFF_FFFF)) }
        }
    }
}
