import ShoalKernels

/// A batch of rows split by target partition, ready to append: each target's rows and ids copied
/// contiguously with their squared norms, targets in ascending order, and (``prepareGrowth(in:)``) the grown buffers and
/// id map the appends will need. All of it is built under the shared lock or none, so that the
/// exclusive lock is held only to swap buffers in and copy the rows.
struct BatchPlacement {
    /// Target partitions, ascending; `vectors[g]` and `ids[g]` go to `partitionIDs[g]`.
    let partitionIDs: [Int]
    let vectors: [[Float]]
    let ids: [[Int64]]
    /// The squared norm of each row of `vectors[g]`, as ``Partition`` stores them.
    let norms: [[Float]]
    /// Grown storage for the targets that lack room, with the partition it was made for (freed
    /// with the placement unless installed).
    private var growth: [(id: Int, partition: Partition, storage: PreparedStorage)] = []
    private var map: (map: [Int64: VectorLocation], version: Int)?
    /// The id map that a grown one replaced: freed with the placement, after the lock is released.
    private var retiredMap: [Int64: VectorLocation]?

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
        norms = zip(groupVectors, groupIDs).map { rows, rowIDs in
            var norms = [Float](repeating: 0, count: rowIDs.count)
            rows.withUnsafeBufferPointer { r in
                norms.withUnsafeMutableBufferPointer { out in
                    guard let base = r.baseAddress, let outBase = out.baseAddress else { return }
                    Kernels.squaredNorms(rows: base, count: rowIDs.count, dimension: d, out: outBase)
                }
            }
            return norms
        }
    }

    /// Whether every target partition exists in `store`.
    func fits(_ store: PartitionStore) -> Bool {
        partitionIDs.allSatisfy { store.partitions[$0] != nil }
    }

    /// Prepares the grown buffers of the targets that lack room, and a grown id map if the map
    /// lacks room. Must hold the shared lock (it copies rows that no writer may change meanwhile).
    /// - Complexity: O(size of the targets that grow × d), plus O(stored ids) when the map grows.
    mutating func prepareGrowth(in store: PartitionStore) {
        growth = []
        for g in partitionIDs.indices {
            guard let partition = store.partitions[partitionIDs[g]],
                let storage = partition.preparedGrowth(toHold: partition.count + ids[g].count)
            else { continue }
            growth.append((partitionIDs[g], partition, storage))
        }
        map = store.preparedMap(adding: ids.reduce(0) { $0 + $1.count })
    }

    /// Swaps in the prepared storage that is still current (what changed since is grown by the
    /// appends as usual), then appends every group to its partition. Every target must exist and
    /// no id may be stored. Keep the placement until the lock is released: it then frees the
    /// buffers and map that were replaced or not used.
    /// - Complexity: O(n × d), plus a growth the preparation missed.
    /// - Returns: how many prepared partition buffers were installed, and whether the prepared id
    ///   map was.
    @discardableResult
    mutating func append(to store: PartitionStore) -> (buffers: Int, map: Bool) {
        var installed = 0
        for (id, partition, storage) in growth where store.partitions[id] === partition {
            if partition.install(storage) { installed += 1 }
        }
        // Taken out of `self` first: a second reference to the new map would make the appends
        // below copy it.
        var mapInstalled = false
        if let grown = map.take(), store.mapVersion == grown.version {
            retiredMap = store.locations
            store.install(map: grown.map, version: grown.version)
            mapInstalled = true
        }
        for g in partitionIDs.indices {
            vectors[g].withUnsafeBufferPointer { v in
                ids[g].withUnsafeBufferPointer { i in
                    norms[g].withUnsafeBufferPointer { n in
                        guard let vectorBase = v.baseAddress, let idBase = i.baseAddress else { return }
                        store.append(to: partitionIDs[g], vectors: vectorBase, ids: idBase, count: i.count, norms: n.baseAddress)
                    }
                }
            }
        }
        return (installed, mapInstalled)
    }
}
