/// One posting list: `count` vectors stored contiguously (row-major, `count * dimension` floats,
/// no padding) plus their `count` ids, in matching order.
///
/// Invariants: `0 ≤ count ≤ capacity`; slots `0..<count` are initialised. Capacity grows
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

    /// Makes an empty partition with room for `capacity` vectors.
    init(dimension: Int, capacity: Int = 0) {
        self.dimension = dimension
        self.capacity = capacity
        vectors = .allocate(capacity: max(1, capacity * dimension))
        ids = .allocate(capacity: max(1, capacity))
    }

    deinit {
        vectors.deallocate()
        ids.deallocate()
    }

    /// Bytes held by the buffers (capacity, not count).
    var allocatedBytes: Int { capacity * (dimension * 4 + 8) }

    /// Appends `n` rows and their ids. - Complexity: O(`n * dimension`) amortised.
    func append(vectors source: UnsafePointer<Float>, ids sourceIDs: UnsafePointer<Int64>, count n: Int) {
        guard n > 0 else { return }
        reserve(count + n)
        (vectors + count * dimension).update(from: source, count: n * dimension)
        (ids + count).update(from: sourceIDs, count: n)
        count += n
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
        count += n
    }

    /// Ensures room for `needed` vectors, growing by at least × 1.5.
    func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        let grown = max(needed, capacity + capacity / 2, 8)
        resize(to: grown)
    }

    /// Drops spare capacity. - Complexity: O(`count * dimension`).
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
        guard slot != last else { return nil }
        (vectors + slot * dimension).update(from: vectors + last * dimension, count: dimension)
        ids[slot] = ids[last]
        return ids[slot]
    }

    /// Removes every row. Capacity is kept.
    func removeAll() { count = 0 }

    /// The row in `slot` (a pointer into the buffer, valid until the next mutation).
    func row(_ slot: Int) -> UnsafePointer<Float> { UnsafePointer(vectors + slot * dimension) }

    private func resize(to newCapacity: Int) {
        let newVectors = UnsafeMutablePointer<Float>.allocate(capacity: max(1, newCapacity * dimension))
        let newIDs = UnsafeMutablePointer<Int64>.allocate(capacity: max(1, newCapacity))
        newVectors.update(from: vectors, count: count * dimension)
        newIDs.update(from: ids, count: count)
        vectors.deallocate()
        ids.deallocate()
        vectors = newVectors
        ids = newIDs
        capacity = newCapacity
    }
}
