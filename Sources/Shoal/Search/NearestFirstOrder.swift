/// The candidate rows of one query in ascending order of their centroid distance, ranked lazily:
/// a binary min-heap holds the rows not ranked yet, and ``row(atRank:)`` pops from it only as far
/// as asked. A query usually reads a few partitions out of hundreds of candidates, so this costs
/// O(n + r log n) for the first `r` ranks instead of the O(n log n) of sorting them all.
///
/// Ties in distance go to the lower row. Distances must be finite; negative values (rounding of
/// the dot-product form) count as 0.
struct NearestFirstOrder {
    /// Unranked rows, packed as `distance bits << 32 | row`: non-negative floats order like
    /// their bit patterns, so integer order is (distance, row) order.
    private var heap: [UInt64]
    /// Rows ranked so far, nearest first.
    private(set) var ranked: [Int] = []

    /// - Complexity: O(n).
    init(squaredDistances: [Float]) {
        heap = squaredDistances.indices.map { UInt64(max(0, squaredDistances[$0]).bitPattern) << 32 | UInt64($0) }
        let count = heap.count
        heap.withUnsafeMutableBufferPointer { keys in
            var parent = count / 2 - 1
            while parent >= 0 {
                NearestFirstOrder.siftDown(keys, from: parent, count: count)
                parent -= 1
            }
        }
        ranked.reserveCapacity(min(count, 32))
    }

    /// The row of rank `rank` (0 = nearest), or nil past the last.
    /// - Complexity: O(log n) per rank not ranked before.
    mutating func row(atRank rank: Int) -> Int? {
        while ranked.count <= rank, !heap.isEmpty {
            let last = heap.removeLast()
            if heap.isEmpty {
                ranked.append(Int(truncatingIfNeeded: last & 0xFFFF_FFFF))
                break
            }
            let top = heap[0]
            heap[0] = last
            let count = heap.count
            heap.withUnsafeMutableBufferPointer { NearestFirstOrder.siftDown($0, from: 0, count: count) }
            ranked.append(Int(truncatingIfNeeded: top & 0xFFFF_FFFF))
        }
        return rank < ranked.count ? ranked[rank] : nil
    }

    private static func siftDown(_ keys: UnsafeMutableBufferPointer<UInt64>, from start: Int, count: Int) {
        var parent = start
        let value = keys[parent]
        while true {
            var child = 2 &* parent &+ 1
            guard child < count else { break }
            if child &+ 1 < count && keys[child &+ 1] < keys[child] { child &+= 1 }
            guard keys[child] < value else { break }
            keys[parent] = keys[child]
            parent = child
        }
        keys[parent] = value
    }
}
