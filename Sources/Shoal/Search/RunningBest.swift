/// Per query, the smallest (distance, id) pair seen so far, for k = 1 scans (``NearestScan``):
/// a running minimum instead of a heap. The order of offers does not change the result.
///
/// Thread safety: none; each worker owns one, and they are merged after the join.
final class RunningBest {
    let count: Int
    /// `count` distances, +∞ where nothing was seen.
    let distances: UnsafeMutablePointer<Float>
    /// `count` ids, −1 where nothing was seen.
    let ids: UnsafeMutablePointer<Int64>

    /// `count` queries with nothing seen (distance +∞, id −1).
    init(count: Int) {
        self.count = count
        distances = .allocate(capacity: max(1, count))
        distances.initialize(repeating: .infinity, count: count)
        ids = .allocate(capacity: max(1, count))
        ids.initialize(repeating: -1, count: count)
    }

    deinit {
        distances.deallocate()
        ids.deallocate()
    }

    /// Offers `count` candidates for `query`: the smallest distance is found branch-free, eight
    /// lanes at a time, and only when it can win are the ids at that distance looked at.
    /// - Complexity: O(`count`).
    @inline(__always)
    func lower(query: Int, candidates: UnsafePointer<Float>, ids candidateIDs: UnsafePointer<Int64>, count: Int) {
        // A compare and a blend per lane (`pointwiseMin` and `min()` check every lane for NaN).
        var lanes = SIMD8<Float>(repeating: .infinity)
        var r = 0
        while r + 8 <= count {
            let next = UnsafeRawPointer(candidates + r).loadUnaligned(as: SIMD8<Float>.self)
            lanes.replace(with: next, where: next .< lanes)
            r += 8
        }
        var smallest = Float.infinity
        for lane in 0..<8 where lanes[lane] < smallest { smallest = lanes[lane] }
        while r < count {
            if candidates[r] < smallest { smallest = candidates[r] }
            r += 1
        }
        let bestID = ids[query]
        guard bestID < 0 || smallest <= distances[query] else { return }
        var id = Int64.max
        for r in 0..<count where candidates[r] == smallest && candidateIDs[r] < id { id = candidateIDs[r] }
        // No candidate equals `smallest` only when there are none (or they are NaN).
        guard id != Int64.max else { return }
        if bestID < 0 || smallest < distances[query] || id < bestID {
            distances[query] = smallest
            ids[query] = id
        }
    }

    /// Takes the better pair of each query from `other` (of the same count). - Complexity: O(queries).
    func merge(_ other: RunningBest) {
        for q in 0..<count {
            let value = other.distances[q]
            let id = other.ids[q]
            guard id >= 0 else { continue }
            if ids[q] < 0 || value < distances[q] || (value == distances[q] && id < ids[q]) {
                distances[q] = value
                ids[q] = id
            }
        }
    }

    /// The ids, as an array.
    var allIDs: [Int64] { Array(UnsafeBufferPointer(start: ids, count: count)) }

    /// The distances, as an array.
    var allDistances: [Float] { Array(UnsafeBufferPointer(start: distances, count: count)) }
}
