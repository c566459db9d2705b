import ShoalKernels

/// Where a stored vector lives: its partition and its slot in that partition.
struct VectorLocation: Hashable {
    var partition: UInt32
    var slot: UInt32
}

/// The partitions of one level, and the map from vector id to (partition, slot).
///
/// Invariants (checked by `checkInvariants()`):
/// - every stored id appears exactly once, in exactly the partition and slot `locations` says;
/// - `count` is the sum of the partition counts;
/// - partition ids are below `nextPartitionID` and are never reused.
///
/// Thread safety: none of its own; the owning index's lock serialises writers against readers.
final class PartitionStore {
    let dimension: Int
    private(set) var partitions: [Int: Partition] = [:]
    private(set) var locations: [Int64: VectorLocation] = [:]
    private(set) var nextPartitionID = 0
    private(set) var count = 0
    /// Bumped by every change of `locations`, so a grown copy made outside the exclusive lock can
    /// tell whether it is still current.
    private(set) var mapVersion = 0

    init(dimension: Int) {
        self.dimension = dimension
    }

    /// Partition ids in ascending order. - Complexity: O(p log p).
    var partitionIDs: [Int] { partitions.keys.sorted() }

    /// Adds an empty partition with a fresh id and returns the id.
    @discardableResult
    func createPartition(capacity: Int = 0) -> Int {
        let id = nextPartitionID
        nextPartitionID += 1
        partitions[id] = Partition(dimension: dimension, capacity: capacity)
        return id
    }

    /// Adds an empty partition with a given id (when loading a file). The id must be unused.
    func insertPartition(id: Int, capacity: Int) {
        precondition(partitions[id] == nil, "partition \(id) exists")
        partitions[id] = Partition(dimension: dimension, capacity: capacity)
        nextPartitionID = max(nextPartitionID, id + 1)
    }

    /// Makes sure fresh ids start at `value` or later (after loading a file).
    func reserveIDs(below value: Int) { nextPartitionID = max(nextPartitionID, value) }

    /// Makes room in the id map for `count` ids in all, so loading does not rehash.
    func reserveLocations(_ count: Int) { locations.reserveCapacity(count) }

    /// Appends rows read from a file (raw bytes, see ``Partition/append(vectorBytes:idBytes:count:)``)
    /// to partition `partitionID` and records their locations, with one map insert per id.
    /// - Returns: `nil`, or the first id that was already mapped and where it was mapped; the store
    ///   then holds the id twice and must be discarded.
    /// - Complexity: O(`n * dimension`) amortised.
    func appendLoaded(
        to partitionID: Int, vectorBytes: UnsafeRawBufferPointer, idBytes: UnsafeRawBufferPointer, count n: Int
    ) -> (id: Int64, earlier: VectorLocation)? {
        guard let partition = partitions[partitionID] else { preconditionFailure("no partition \(partitionID)") }
        let start = partition.count
        partition.append(vectorBytes: vectorBytes, idBytes: idBytes, count: n)
        count += n
        for slot in start..<(start + n) {
            let id = partition.ids[slot]
            let location = VectorLocation(partition: UInt32(partitionID), slot: UInt32(slot))
            if let earlier = locations.updateValue(location, forKey: id) { return (id, earlier) }
        }
        mapVersion += 1
        return nil
    }

    /// Appends rows to one partition and records their locations. Ids must be new (validated by
    /// the caller). - Complexity: O(`n * dimension`) amortised.
    func append(
        to partitionID: Int, vectors: UnsafePointer<Float>, ids: UnsafePointer<Int64>, count n: Int,
        norms: UnsafePointer<Float>? = nil
    ) {
        guard let partition = partitions[partitionID] else { preconditionFailure("no partition \(partitionID)") }
        let start = partition.count
        partition.append(vectors: vectors, ids: ids, count: n, norms: norms)
        locations.reserveCapacity(locations.count + n)
        for i in 0..<n {
            locations[ids[i]] = VectorLocation(partition: UInt32(partitionID), slot: UInt32(start + i))
        }
        count += n
        mapVersion += 1
    }

    /// A copy of the id map with room for `extra` more ids, or `nil` when the map has room: growing
    /// rehashes every id (tens of milliseconds per million), so ``install(map:version:)`` lets a
    /// writer do it under the shared lock and only swap the copy in under the exclusive one.
    /// - Complexity: O(`count`).
    func preparedMap(adding extra: Int) -> (map: [Int64: VectorLocation], version: Int)? {
        guard locations.count + extra > locations.capacity else { return nil }
        var grown = locations
        grown.reserveCapacity(max(locations.count + extra, locations.capacity * 2))
        return (grown, mapVersion)
    }

    /// Swaps in a map from ``preparedMap(adding:)`` if the map has not changed since.
    /// - Returns: whether it was installed. - Complexity: O(1).
    @discardableResult
    func install(map: [Int64: VectorLocation], version: Int) -> Bool {
        guard version == mapVersion else { return false }
        locations = map
        mapVersion += 1
        return true
    }

    /// Removes one stored id. - Returns: false when the id is not stored. - Complexity: O(dimension).
    @discardableResult
    func remove(id: Int64) -> Bool {
        guard let location = locations.removeValue(forKey: id),
            let partition = partitions[Int(location.partition)]
        else { return false }
        if let moved = partition.swapRemove(at: Int(location.slot)) {
            locations[moved] = location
        }
        count -= 1
        mapVersion += 1
        return true
    }

    /// Whether `id` is stored. - Complexity: O(1).
    func contains(_ id: Int64) -> Bool { locations[id] != nil }

    /// The stored row of `id`, or `nil`. The pointer is valid until the next mutation.
    func vector(for id: Int64) -> UnsafePointer<Float>? {
        guard let location = locations[id], let partition = partitions[Int(location.partition)] else { return nil }
        return partition.row(Int(location.slot))
    }

    /// Removes a partition and its vectors. - Complexity: O(size of the partition).
    func removePartition(_ partitionID: Int) {
        guard let partition = partitions.removeValue(forKey: partitionID) else { return }
        for slot in 0..<partition.count { locations.removeValue(forKey: partition.ids[slot]) }
        count -= partition.count
        mapVersion += 1
    }

    /// Replaces partition `partitionID` by `grouping.groupCount` new partitions (fresh ids, in
    /// group order), group `g` holding the rows `grouping` puts in it, in their order. Rows only
    /// move: each id's location is updated in place (no map removal or insertion, so the map
    /// never rehashes) and `count` is unchanged.
    /// - Returns: the new partitions' ids. - Complexity: O(rows × dimension).
    func splitPartition(_ partitionID: Int, grouping: Grouping) -> [Int] {
        guard let partition = partitions.removeValue(forKey: partitionID) else {
            preconditionFailure("no partition \(partitionID)")
        }
        precondition(grouping.rows.count == partition.count, "the grouping does not cover the partition")
        var children: [Int] = []
        for group in 0..<grouping.groupCount {
            let child = createPartition(capacity: grouping.count(of: group))
            let target = partitions[child]!
            for row in grouping.rows[grouping.offsets[group]..<grouping.offsets[group + 1]] {
                let slot = target.count
                target.append(vectors: partition.row(row), ids: partition.ids + row, count: 1, norms: partition.norms + row)
                locations[partition.ids[row]] = VectorLocation(partition: UInt32(child), slot: UInt32(slot))
            }
            children.append(child)
        }
        mapVersion += 1
        return children
    }

    /// Bytes held: partition buffers plus an estimate of the id map (its capacity × entry size).
    var allocatedBytes: Int {
        let partitionBytes = partitions.values.reduce(0) { $0 + $1.allocatedBytes }
        let entryBytes = MemoryLayout<Int64>.stride + MemoryLayout<VectorLocation>.stride
        // A native Swift dictionary fills at most 3/4 of its buckets and keeps one key, one value and
        // one bitmap bit per bucket.
        let buckets = locations.capacity * 4 / 3
        let mapBytes = buckets * entryBytes + buckets / 8
        return partitionBytes + mapBytes + partitions.count * 96
    }

    /// Drops spare capacity in every partition.
    func shrinkToFit() {
        for partition in partitions.values { partition.shrinkToFit() }
    }

    /// Verifies the invariants; traps with a description of the first violation.
    /// - Complexity: O(n × d).
    func checkInvariants() {
        var found: [String] = []
        collectViolations(into: &found, limit: 1, level: 0)
        if let first = found.first { preconditionFailure(first) }
    }

    /// Appends a description of each broken invariant to `found`, until it holds `limit`: an id
    /// map entry that disagrees with the slot holding the id, counts that do not add up, a
    /// partition id at or above `nextPartitionID`, a NaN or infinite component, a stored squared
    /// norm that differs from its row's.
    /// - Complexity: O(n × d).
    func collectViolations(into found: inout [String], limit: Int, level: Int) {
        var total = 0
        for pid in partitionIDs {
            guard found.count < limit, let partition = partitions[pid] else { return }
            if pid >= nextPartitionID {
                found.append("level \(level): partition id \(pid) is not below the next fresh id \(nextPartitionID)")
            }
            for slot in 0..<partition.count where found.count < limit {
                let id = partition.ids[slot]
                let location = locations[id]
                if location != VectorLocation(partition: UInt32(pid), slot: UInt32(slot)) {
                    found.append(
                        "level \(level): id \(id) in partition \(pid) slot \(slot) is mapped to "
                            + (location.map { "partition \($0.partition) slot \($0.slot)" } ?? "nothing"))
                }
                let row = partition.row(slot)
                if let j = (0..<dimension).first(where: { !row[$0].isFinite }) {
                    found.append("level \(level): id \(id) has \(row[j]) at component \(j)")
                    continue
                }
                var norm: Float = 0
                Kernels.squaredNorms(rows: row, count: 1, dimension: dimension, out: &norm)
                if partition.norms[slot] != norm, found.count < limit {
                    found.append("level \(level): id \(id) has stored squared norm \(partition.norms[slot]), not \(norm)")
                }
            }
            total += partition.count
        }
        guard found.count < limit else { return }
        if total != count {
            found.append("level \(level): partition sizes sum to \(total) but the level counts \(count)")
        }
        if locations.count != count, found.count < limit {
            found.append("level \(level): the id map holds \(locations.count) ids but the level counts \(count)")
        }
    }
}
