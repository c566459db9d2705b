/// A batch of rows split by target partition, ready to append: each target's rows and ids copied
/// contiguously, targets in ascending order. Built outside the index's lock, so that the write
/// lock is held only for the appends.
struct BatchPlacement {
    /// Target partitions, ascending; `vectors[g]` and `ids[g]` go to `partitionIDs[g]`.
    let partitionIDs: [Int]
    let vectors: [[Float]]
    let ids: [[Int64]]

    /// - Parameters:
    ///   - targets: the partition of each row (`ids.count` entries).
    ///   - vectors: row-major, `ids.count * dimension` floats.
    /// - Complexity: O(n × d + n log n).
    init(targets: [Int], vectors: [Float], ids: [Int64], dimension d: Int) {
        let partitionIDs = Array(Set(targets)).sorted()
        var position: [Int: Int32] = [:]
        position.reserveCapacity(partitionIDs.count)
        for (g, pid) in partitionIDs.enumerated() { position[pid] = Int32(g) }
        let grouping = Grouping(
            assignments: targets.map { position[$0] ?? 0 }, groupCount: partitionIDs.count)
        var groupVectors: [[Float]] = []
        var groupIDs: [[Int64]] = []
        groupVectors.reserveCapacity(partitionIDs.count)
        groupIDs.reserveCapacity(partitionIDs.count)
        for g in partitionIDs.indices {
            let (v, i) = grouping.gather(g, vectors: vectors, ids: ids, dimension: d)
            groupVectors.append(v)
            groupIDs.append(i)
        }
        self.partitionIDs = partitionIDs
        self.vectors = groupVectors
        self.ids = groupIDs
    }

    /// Whether every target partition exists in `store`.
    func fits(_ store: PartitionStore) -> Bool {
        partitionIDs.allSatisfy { store.partitions[$0] != nil }
    }

    /// Appends every group to its partition. Every target must exist and no id may be stored.
    /// - Complexity: O(n × d) amortised.
    func append(to store: PartitionStore) {
        for g in partitionIDs.indices { LevelBuilder.append(vectors[g], ids[g], to: partitionIDs[g], in: store) }
    }
}
