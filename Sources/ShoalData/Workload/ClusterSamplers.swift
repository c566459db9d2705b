/// Draws the ids of one operation from a pool of candidates.
protocol WorkloadSampler: Sendable {
    /// Up to `size` distinct members of `pool` (ids ascending), and the root cluster used (skewed).
    mutating func sample(pool: [Int64], size: Int, random: inout WorkloadRandom) -> (ids: [Int64], root: Int?)
}

/// Uniform sampling: a random subset of the pool (Quake's `UniformSampler`).
struct UniformSampler: WorkloadSampler {
    mutating func sample(pool: [Int64], size: Int, random: inout WorkloadRandom) -> (ids: [Int64], root: Int?) {
        (random.choose(size, from: pool).sorted(), nil)
    }
}

/// Cluster-stratified sampling with a drifting hot spot (Quake's `StratifiedClusterSampler`).
///
/// A root cluster is kept (initially a random non-empty one). A sample walks the clusters in
/// order of their centroid's distance to the root's centroid, skipping clusters with no member in
/// the pool, and takes random members of each until `size` ids are drawn. After every sample the
/// root moves on to the nearest cluster (to the current root) that has not been a root yet in this
/// tour; once every non-empty cluster has been a root the tour starts again. So consecutive
/// operations touch one region, and the region drifts through the whole space.
///
/// Divergence, on purpose: Quake moves the root to the cluster where the walk ended (the code) or
/// to the second cluster of the order (the brief's reading). Both can oscillate between two
/// clusters that are each other's nearest neighbours, because inserts and deletes draw from
/// complementary pools that refill each other; the tour cannot.
struct StratifiedClusterSampler: WorkloadSampler {
    let clustering: WorkloadClustering
    /// The cluster of each pool member (indexed by the id).
    let assignments: [Int32]
    private let nonEmpty: [Bool]
    private let nonEmptyCount: Int
    private(set) var root: Int
    private var ranks: [Int]
    private var visited: [Bool]
    private var visitedCount: Int

    init(clustering: WorkloadClustering, assignments: [Int32], random: inout WorkloadRandom) {
        self.clustering = clustering
        self.assignments = assignments
        var nonEmpty = [Bool](repeating: false, count: clustering.clusterCount)
        for a in assignments { nonEmpty[Int(a)] = true }
        self.nonEmpty = nonEmpty
        let candidates = (0..<clustering.clusterCount).filter { nonEmpty[$0] }
        nonEmptyCount = candidates.count
        root = candidates.isEmpty ? 0 : candidates[random.below(candidates.count)]
        ranks = []
        visited = [Bool](repeating: false, count: clustering.clusterCount)
        visitedCount = 0
        moveRoot(to: root)
    }

    private mutating func moveRoot(to cluster: Int) {
        root = cluster
        ranks = [cluster] + clustering.ranks(from: cluster).filter { $0 != cluster }
        if !visited[cluster] {
            visited[cluster] = true
            visitedCount += 1
        }
    }

    mutating func sample(pool: [Int64], size: Int, random: inout WorkloadRandom) -> (ids: [Int64], root: Int?) {
        let usedRoot = root
        var buckets = [[Int64]](repeating: [], count: clustering.clusterCount)
        for id in pool { buckets[Int(assignments[Int(id)])].append(id) }
        var drawn: [Int64] = []
        drawn.reserveCapacity(size)
        for cluster in ranks where drawn.count < size && !buckets[cluster].isEmpty {
            drawn += random.choose(size - drawn.count, from: buckets[cluster])
        }
        advance()
        return (drawn.sorted(), usedRoot)
    }

    /// Moves the root to the nearest non-empty cluster not yet a root in this tour.
    private mutating func advance() {
        guard nonEmptyCount > 1 else { return }
        if visitedCount >= nonEmptyCount {
            visited = [Bool](repeating: false, count: clustering.clusterCount)
            visitedCount = 0
            visited[root] = true
            visitedCount = 1
        }
        if let next = ranks.first(where: { nonEmpty[$0] && !visited[$0] }) { moveRoot(to: next) }
    }
}
