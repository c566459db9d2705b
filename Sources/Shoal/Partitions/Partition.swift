import ShoalKernels

/// One posting list: `count` vectors stored contiguously (row-major, `count * dimension` floats,
/// no padding) plus their `count` ids and squared norms, in matching order.
///
/// Invariants: `0 ≤ count ≤ capacity`; slots `0..<count` are initialised; `norms[slot]` is the
/// squared norm of row `slot` as ``Kernels/squaredNorms(rows:count:dimension:out:instructionSet:)``
/// computes it (the batched squared-L2 kernel needs it, and computing it per search would read
/// every row once more). Capacity grows
/// geometrically (× 1.5, floor 8) on append and is exact after a bulk build. Order is not kept:
/// removal moves the last row into the freed slot.
///
/// Thread safety: none of its own; the owning index's lock serialises writers against readers.
final class Partition {
    let dimension: Int
    private(set) var count: Int = 0
    private(set) var capacity: Int = 0
    private(set) var vectors: UnsafeMutablePointer<Float>
    private(set) var ids: UnsafeMutablePointer<Int64>
    /// `‖row‖²` of each row.
    private(set) var norms: UnsafeMutablePointer<Float>
    /// Bumped by every change of rows or buffers, so storage prepared outside the exclusive lock
    /// can tell whether it is still current.
    private(set) var version = 0

    /// Makes an empty partition with room for `capacity` vectors.
    init(dimension: Int, capacity: Int = 0) {
        self.dimension = dimension
        self.capacity = capacity
        vectors = .allocate(capacity: max(1, capacity * dimension))
        ids = .allocate(capacity: max(1, capacity))
        norms = .allocate(capacity: max(1, capacity))
    }

    deinit {
        vectors.deallocate()
        ids.deallocate()
        norms.deallocate()
    }

    /// Bytes held by the buffers (capacity, not count).
    var allocatedBytes: Int { capacity * (dimension * 4 + 12) }

    /// Appends `n` rows and their ids, with their squared norms when the caller has them (they
    /// must be what ``Kernels/squaredNorms(rows:count:dimension:out:instructionSet:)`` gives;
    /// computed here otherwise). - Complexity: O(`n * dimension`) amortised.
    func append(
        vectors source: UnsafePointer<Float>, ids sourceIDs: UnsafePointer<Int64>, count n: Int,
        norms sourceNorms: UnsafePointer<Float>? = nil
    ) {
        guard n > 0 else { return }
        reserve(count + n)
        (vectors + count * dimension).update(from: source, count: n * dimension)
        (ids + count).update(from: sourceIDs, count: n)
        if let sourceNorms {
            (norms + count).update(from: sourceNorms, count: n)
        } else {
            computeNorms(from: count, count: n)
        }
        count += n
        version += 1
    }

    /// Appends `n` rows and their ids from raw bytes of any alignment (`n * dimension` floats,
    /// then `n` ids, in this machine's byte order, as an index file stores them).
    /// - Complexity: O(`n * dimension`) amortised.
    func append(vectorBytes: UnsafeRawBufferPointer, idBytes: UnsafeRawBufferPointer, count n: Int) {
        precondition(vectorBytes.count == n * dimension * 4 && idBytes.count == n * 8, "byte counts do not match \(n) rows")
        guard n > 0 else { return }
        reserve(count + n)
        UnsafeMutableRawBufferPointer(start: vectors + count * dimension, count: vectorBytes.count).copyMemory(from: vectorBytes)
        UnsafeMutableRawBufferPointer(start: ids + count, count: idBytes.count).copyMemory(from: idBytes)
        computeNorms(from: count, count: n)
        count += n
        version += 1
    }

    /// Ensures room for `needed` vectors, growing by at least × 1.5.
    func reserve(_ needed: Int) {
        if let grown = preparedGrowth(toHold: needed) { install(grown) }
    }

    /// Grown buffers holding a copy of the rows, for room for `needed` vectors, or `nil` when the
    /// partition has room. Reads the rows only, so it may run under the shared lock (no writer);
    /// ``install(_:)`` then swaps them in under the exclusive lock, which stays short.
    /// - Complexity: O(`count * dimension`).
    func preparedGrowth(toHold needed: Int) -> PreparedStorage? {
        guard needed > capacity else { return nil }
        let newCapacity = max(needed, capacity + capacity / 2, 8)
        let newVectors = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity * dimension)
        let newIDs = UnsafeMutablePointer<Int64>.allocate(capacity: newCapacity)
        let newNorms = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity)
        newVectors.initialize(from: vectors, count: count * dimension)
        newIDs.initialize(from: ids, count: count)
        newNorms.initialize(from: norms, count: count)
        return PreparedStorage(vectors: newVectors, ids: newIDs, norms: newNorms, capacity: newCapacity, version: version)
    }

    /// Swaps in storage from ``preparedGrowth(toHold:)`` if the partition has not changed since
    /// (otherwise the storage is left to be freed with it).
    /// - Returns: whether it was installed. - Complexity: O(1).
    @discardableResult
    func install(_ prepared: PreparedStorage) -> Bool {
        guard prepared.version == version, !prepared.installed else { return false }
        prepared.installed = true
        vectors.deallocate()
        ids.deallocate()
        norms.deallocate()
        vectors = prepared.vectors
        ids = prepared.ids
        norms = prepared.norms
        capacity = prepared.capacity
        version += 1
        return true
    }

    /// Drops spare capacity (the only shrinking resize; growth goes through
    /// ``preparedGrowth(toHold:)``). - Complexity: O(`count * dimension`).
    func shrinkToFit() {
        if capacity > count { resize(to: count) }
    }

    /// Removes the row in `slot` by moving the last row into it.
    /// - Returns: the id now stored in `slot` (the moved row), or `nil` when `slot` was the last.
    /// - Complexity: O(`dimension`).
    @discardableResult
    func swapRemove(at slot: Int) -> Int64? {
        precondition(slot >= 0 && slot < count, "slot \(slot) out of range 0..<\(count)")
        let last = count - 1
        count = last
        version += 1
        guard slot != last else { return nil }
        (vectors + slot * dimension).update(from: vectors + last * dimension, count: dimension)
        ids[slot] = ids[last]
        norms[slot] = norms[last]
        return ids[slot]
    }

    /// Removes every row. Capacity is kept.
    func removeAll() {
        count = 0
        version += 1
    }

    /// The row in `slot` (a pointer into the buffer, valid until the next mutation).
    func row(_ slot: Int) -> UnsafePointer<Float> { UnsafePointer(vectors + slot * dimension) }

    private func resize(to newCapacity: Int) {
        let newVectors = UnsafeMutablePointer<Float>.allocate(capacity: max(1, newCapacity * dimension))
        let newIDs = UnsafeMutablePointer<Int64>.allocate(capacity: max(1, newCapacity))
        let newNorms = UnsafeMutablePointer<Float>.allocate(capacity: max(1, newCapacity))
        newVectors.update(from: vectors, count: count * dimension)
        newIDs.update(from: ids, count: count)
        newNorms.update(from: norms, count: count)
        vectors.deallocate()
        ids.deallocate()
        norms.deallocate()
        vectors = newVectors
        ids = newIDs
        norms = newNorms
        capacity = newCapacity
        version += 1
    }

    /// Fills `norms` for the `n` rows from `start`. - Complexity: O(`n * dimension`).
    private func computeNorms(from start: Int, count n: Int) {
        Kernels.squaredNorms(rows: vectors + start * dimension, count: n, dimension: dimension, out: norms + start)
    }
}

/// Buffers prepared by ``Partition/preparedGrowth(toHold:)``: owned by this object (and freed
/// with it) until a partition installs them.
///
/// Thread safety: none; made under the shared lock and installed under the exclusive one.
final class PreparedStorage {
    let vectors: UnsafeMutablePointer<Float>
    let ids: UnsafeMutablePointer<Int64>
    let norms: UnsafeMutablePointer<Float>
    let capacity: Int
    /// The partition's version when the rows were copied.
    let version: Int
    fileprivate(set) var installed = false

    init(
        vectors: UnsafeMutablePointer<Float>, ids: UnsafeMutablePointer<Int64>, norms: UnsafeMutablePointer<Float>,
        capacity: Int, version: Int
    ) {
        self.vectors = vectors
        self.ids = ids
        self.norms = norms
        self.capacity = capacity
        self.version = version
    }

    deinit {
        guard !installed else { return }
        vectors.deallocate()
        ids.deallocate()
        norms.deallocate()
    }
}
