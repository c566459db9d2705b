/// Bounded top-k selection for a batch of queries: one max-heap of at most `k` (distance, id)
/// pairs per query, all in two flat buffers, keeping the `k` smallest distances seen.
///
/// Distances are "smaller is better" (squared L2, negated dot product). Ties are kept in arrival
/// order for entries already in the heap; which of several equal candidates survives at the k-th
/// place is unspecified.
///
/// Thread safety: pushes for *different* queries may run concurrently from different threads;
/// pushes for the same query, or `reset`, must not overlap with anything else on that query.
///
/// - Complexity: `push` is O(1) when the candidate is rejected (the common case after warm-up)
///   and O(log k) otherwise; `sorted(query:)` is O(k log k).
public final class TopKBuffers: @unchecked Sendable {
    /// Number of queries.
    public let queryCount: Int
    /// Best results kept per query.
    public let k: Int
    @usableFromInline let distances: UnsafeMutablePointer<Float>
    @usableFromInline let ids: UnsafeMutablePointer<Int64>
    @usableFromInline let counts: UnsafeMutablePointer<Int>

    /// Makes `queryCount` empty heaps of capacity `k`.
    /// - Precondition: `queryCount ≥ 0`, `k ≥ 1`.
    public init(queryCount: Int, k: Int) {
        precondition(queryCount >= 0 && k >= 1, "TopKBuffers needs queryCount ≥ 0 and k ≥ 1")
        self.queryCount = queryCount
        self.k = k
        let slots = max(1, queryCount * k)
        distances = .allocate(capacity: slots)
        ids = .allocate(capacity: slots)
        counts = .allocate(capacity: max(1, queryCount))
        counts.initialize(repeating: 0, count: max(1, queryCount))
    }

    deinit {
        distances.deallocate()
        ids.deallocate()
        counts.deallocate()
    }

    /// Empties every heap. - Complexity: O(`queryCount`).
    public func reset() {
        counts.update(repeating: 0, count: max(1, queryCount))
    }

    /// Number of results currently held for `query` (≤ k).
    @inlinable
    public func count(query: Int) -> Int { counts[query] }

    /// The k-th smallest distance so far for `query`, or `+∞` while fewer than k are held: a
    /// candidate must be strictly smaller to enter.
    @inlinable
    public func threshold(query: Int) -> Float {
        counts[query] < k ? .infinity : distances[query &* k]
    }

    /// The id of the current k-th (worst kept) result of `query`, or `nil` while fewer than k are held.
    public func worstID(query: Int) -> Int64? {
        counts[query] < k ? nil : ids[query &* k]
    }

    /// Offers one candidate. - Complexity: O(1) if rejected, O(log k) if kept.
    @inlinable
    public func push(query: Int, distance: Float, id: Int64) {
        let base = query &* k
        let n = counts[query]
        if n < k {
            siftUp(base: base, index: n, distance: distance, id: id)
            counts[query] = n &+ 1
        } else if distance < distances[base] {
            siftDown(base: base, distance: distance, id: id)
        }
    }

    /// Offers `count` candidates with their ids (`ids[i]` goes with `candidates[i]`).
    /// - Complexity: O(`count`) plus O(log k) per kept candidate.
    public func push(query: Int, candidates: UnsafePointer<Float>, ids candidateIDs: UnsafePointer<Int64>, count: Int) {
        var i = 0
        while i < count && counts[query] < k {
            push(query: query, distance: candidates[i], id: candidateIDs[i])
            i &+= 1
        }
        let base = query &* k
        var worst = distances[base]
        while i < count {
            let d = candidates[i]
            if d < worst {
                siftDown(base: base, distance: d, id: candidateIDs[i])
                worst = distances[base]
            }
            i &+= 1
        }
    }

    /// Moves every result of `other`'s `otherQuery` into this buffer's `query`.
    /// - Complexity: O(k log k).
    public func merge(query: Int, from other: TopKBuffers, query otherQuery: Int) {
        let base = otherQuery &* other.k
        for i in 0..<other.counts[otherQuery] {
            push(query: query, distance: other.distances[base &+ i], id: other.ids[base &+ i])
        }
    }

    /// The results for `query`, best (smallest) first. - Complexity: O(k log k).
    public func sorted(query: Int) -> [(distance: Float, id: Int64)] {
        let base = query &* k
        var result: [(distance: Float, id: Int64)] = []
        result.reserveCapacity(counts[query])
        for i in 0..<counts[query] {
            result.append((distances[base &+ i], ids[base &+ i]))
        }
        result.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.id < $1.id) }
        return result
    }

    @inlinable
    func siftUp(base: Int, index: Int, distance: Float, id: Int64) {
        var i = index
        while i > 0 {
            let parent = (i &- 1) >> 1
            let pd = distances[base &+ parent]
            if pd >= distance { break }
            distances[base &+ i] = pd
            ids[base &+ i] = ids[base &+ parent]
            i = parent
        }
        distances[base &+ i] = distance
        ids[base &+ i] = id
    }

    /// Replaces the root (the current worst) with a better candidate.
    @inlinable
    func siftDown(base: Int, distance: Float, id: Int64) {
        let n = k
        var i = 0
        while true {
            let left = 2 &* i &+ 1
            if left >= n { break }
            var child = left
            var cd = distances[base &+ left]
            let right = left &+ 1
            if right < n {
                let rd = distances[base &+ right]
                if rd > cd {
                    child = right
                    cd = rd
                }
            }
            if cd <= distance { break }
            distances[base &+ i] = cd
            ids[base &+ i] = ids[base &+ child]
            i = child
        }
        distances[base &+ i] = distance
        ids[base &+ i] = id
    }
}
