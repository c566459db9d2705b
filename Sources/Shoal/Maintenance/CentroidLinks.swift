import ShoalKernels

/// Keeping the level above in step when partitions of a level come and go: a partition's centroid
/// is the vector stored under the partition's id one level up. Must hold the write lock.
extension VectorIndex {
    /// Stores centroids (ids = partition ids of level `level − 1`) in `level`: appended to the top
    /// partition when `level` is the top, otherwise each to the partition of its nearest centroid.
    func insertCentroids(_ vectors: [Float], ids: [Int64], intoLevel level: Int) {
        guard !ids.isEmpty else { return }
        let store = levels[level]
        let d = dimension
        let targets: [Int]
        if level == levels.count - 1 {
            targets = Array(repeating: store.partitions.keys.first ?? store.createPartition(), count: ids.count)
        } else {
            targets = nearestPartitions(of: vectors, count: ids.count, atLevel: level)
        }
        for (i, pid) in targets.enumerated() {
            vectors.withUnsafeBufferPointer { v in
                ids.withUnsafeBufferPointer { idBuffer in
                    store.append(to: pid, vectors: v.baseAddress! + i * d, ids: idBuffer.baseAddress! + i, count: 1)
                }
            }
        }
    }

    /// Replaces the stored centroid of partition `id` (kept in `level`).
    func replaceCentroid(_ vector: [Float], id: Int64, inLevel level: Int) {
        levels[level].remove(id: id)
        insertCentroids(vector, ids: [id], intoLevel: level)
    }

    /// The partition of `level` whose centroid is nearest to each row, found top-down (k = 1 at
    /// the level above, ties to the smaller id), on `threads` workers (`nil`: the index's setting).
    func nearestPartitions(of vectors: [Float], count n: Int, atLevel level: Int, threads: Int? = nil) -> [Int] {
        let fallback = levels[level].partitions.keys.first ?? 0
        guard n > 0, level < levels.count - 1 else { return [Int](repeating: fallback, count: n) }
        let engine = LevelSearch(
            levels: levels, metric: metric.kernelMetric, threads: threadCount(threads), upperLevelNprobe: nil)
        let ids = vectors.withUnsafeBufferPointer { buffer in
            engine.nearest(
                level: level + 1, queries: buffer.baseAddress!, queryCount: n,
                nprobe: engine.upperNprobe(level: level + 1, needed: 1))
        }
        return ids.map { $0 >= 0 ? Int($0) : fallback }
    }

    /// The stored centroid of partition `id` of level `level − 1`.
    func centroid(of id: Int, inLevel level: Int) -> [Float]? {
        guard let row = levels[level].vector(for: Int64(id)) else { return nil }
        return Array(UnsafeBufferPointer(start: row, count: dimension))
    }

    /// Copies of a partition's vectors and ids.
    func contents(of partition: Partition) -> (vectors: [Float], ids: [Int64]) {
        (
            Array(UnsafeBufferPointer(start: partition.vectors, count: partition.count * dimension)),
            Array(UnsafeBufferPointer(start: partition.ids, count: partition.count))
        )
    }
}
