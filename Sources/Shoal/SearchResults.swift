/// One result: a stored id and its score (a distance for L2, a similarity otherwise).
public struct Neighbor: Sendable, Equatable {
    /// The vector's id, or −1 for an empty slot.
    public var id: Int64
    /// Euclidean distance (L2) or similarity (inner product, cosine); `±∞` for an empty slot.
    public var score: Float

    /// Makes a neighbour.
    public init(id: Int64, score: Float) {
        self.id = id
        self.score = score
    }
}

/// The results of a batch of queries: `queryCount` rows of exactly `k` neighbours, best first,
/// padded with id −1 and score `+∞` (L2) or `−∞` (similarity) when fewer than `k` were found.
public struct SearchResults: Sendable, Equatable {
    /// Number of queries.
    public let queryCount: Int
    /// Neighbours per query.
    public let k: Int
    /// Row-major `queryCount × k` ids.
    public let ids: [Int64]
    /// Row-major `queryCount × k` scores, matching `ids`.
    public let scores: [Float]
    /// Base partitions scanned for each query (`nprobe` or fewer with a fixed nprobe; chosen per
    /// query under a recall target).
    public let partitionsScanned: [Int]

    /// Makes results from row-major arrays of `queryCount * k` entries.
    public init(queryCount: Int, k: Int, ids: [Int64], scores: [Float], partitionsScanned: [Int]? = nil) {
        precondition(ids.count == queryCount * k && scores.count == queryCount * k, "results must be queryCount × k")
        self.queryCount = queryCount
        self.k = k
        self.ids = ids
        self.scores = scores
        self.partitionsScanned = partitionsScanned ?? Array(repeating: 0, count: queryCount)
    }

    /// Mean number of base partitions scanned per query.
    public var meanPartitionsScanned: Double {
        queryCount == 0 ? 0 : Double(partitionsScanned.reduce(0, +)) / Double(queryCount)
    }

    /// The `k` neighbours of query `index`, best first. - Complexity: O(k).
    public subscript(index: Int) -> [Neighbor] {
        (0..<k).map { Neighbor(id: ids[index * k + $0], score: scores[index * k + $0]) }
    }
}
