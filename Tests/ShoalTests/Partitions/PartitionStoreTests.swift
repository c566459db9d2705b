@testable import Shoal
import ShoalTestSupport
import Testing

@Suite struct PartitionStoreTests {
    private func append(_ store: PartitionStore, _ pid: Int, _ vectors: [Float], _ ids: [Int64]) {
        vectors.withUnsafeBufferPointer { v in
            ids.withUnsafeBufferPointer { i in
                store.append(to: pid, vectors: v.baseAddress!, ids: i.baseAddress!, count: ids.count)
            }
        }
    }

    private func stored(_ store: PartitionStore, _ id: Int64) -> [Float]? {
        store.vector(for: id).map { Array(UnsafeBufferPointer(start: $0, count: store.dimension)) }
    }

    @Test func freshPartitionIDsAreMonotonicAndNeverReused() {
        let store = PartitionStore(dimension: 2)
        #expect(store.createPartition() == 0)
        #expect(store.createPartition() == 1)
        #expect(store.createPartition(capacity: 10) == 2)
        store.removePartition(1)
        store.removePartition(2)
        #expect(store.createPartition() == 3)
        #expect(store.partitionIDs == [0, 3])
        store.checkInvariants()
    }

    @Test func insertingAPartitionByIDMovesFreshIDsPastIt() {
        let store = PartitionStore(dimension: 2)
        store.insertPartition(id: 10, capacity: 4)
        #expect(store.createPartition() == 11)
        store.reserveIDs(below: 20)
        #expect(store.createPartition() == 20)
        store.reserveIDs(below: 5)
        #expect(store.createPartition() == 21, "reserveIDs never lowers the next id")
        #expect(store.partitionIDs == [10, 11, 20, 21])
    }

    @Test func appendRecordsEveryLocation() {
        let store = PartitionStore(dimension: 3)
        let a = store.createPartition()
        let b = store.createPartition()
        append(store, a, [1, 1, 1, 2, 2, 2], [100, 200])
        append(store, b, [3, 3, 3], [300])
        append(store, a, [4, 4, 4], [400])
        store.checkInvariants()
        #expect(store.count == 4)
        #expect(store.locations[100] == VectorLocation(partition: UInt32(a), slot: 0))
        #expect(store.locations[400] == VectorLocation(partition: UInt32(a), slot: 2))
        #expect(store.locations[300] == VectorLocation(partition: UInt32(b), slot: 0))
        #expect(stored(store, 400) == [4, 4, 4])
        #expect(store.contains(200))
        #expect(!store.contains(500))
    }

    @Test func splittingAPartitionMovesEveryRowAndKeepsTheCount() {
        let store = PartitionStore(dimension: 2)
        let other = store.createPartition()
        let parent = store.createPartition()
        append(store, other, [9, 9], [900])
        append(store, parent, [0, 0, 1, 1, 2, 2, 3, 3, 4, 4], [10, 11, 12, 13, 14])
        let version = store.mapVersion
        let children = store.splitPartition(parent, grouping: Grouping(assignments: [1, 0, 1, 1, 0], groupCount: 2))
        store.checkInvariants()
        #expect(children == [2, 3])
        #expect(store.partitionIDs == [other, 2, 3])
        #expect(store.count == 6)
        #expect(store.mapVersion > version)
        // Group 0 (rows 1 and 4) and group 1 (rows 0, 2 and 3), each in input order.
        #expect(store.locations[11] == VectorLocation(partition: 2, slot: 0))
        #expect(store.locations[14] == VectorLocation(partition: 2, slot: 1))
        #expect(store.locations[10] == VectorLocation(partition: 3, slot: 0))
        #expect(store.locations[13] == VectorLocation(partition: 3, slot: 2))
        #expect(stored(store, 13) == [3, 3])
        #expect(stored(store, 900) == [9, 9])
    }

    @Test func removeOfAnUnknownIDReturnsFalseAndChangesNothing() {
        let store = PartitionStore(dimension: 2)
        let p = store.createPartition()
        append(store, p, [1, 2], [7])
        #expect(store.remove(id: 8) == false)
        #expect(store.count == 1)
        #expect(store.remove(id: 7) == true)
        #expect(store.remove(id: 7) == false, "an id cannot be removed twice")
        #expect(store.count == 0)
        store.checkInvariants()
    }

    @Test func swapRemoveKeepsTheMovedRowsOriginalBytes() {
        let store = PartitionStore(dimension: 2)
        let p = store.createPartition()
        append(store, p, [0, 0, 1, 1, 2, 2, 3, 3], [10, 11, 12, 13])
        #expect(store.remove(id: 11))
        store.checkInvariants()
        #expect(stored(store, 11) == nil)
        #expect(stored(store, 13) == [3, 3], "the last row moved into slot 1 and still maps to its own bytes")
        #expect(store.locations[13] == VectorLocation(partition: UInt32(p), slot: 1))
        #expect(stored(store, 10) == [0, 0])
        #expect(stored(store, 12) == [2, 2])
    }

    @Test func removePartitionDropsItsIDs() {
        let store = PartitionStore(dimension: 1)
        let a = store.createPartition()
        let b = store.createPartition()
        append(store, a, [1, 2, 3], [1, 2, 3])
        append(store, b, [4, 5], [4, 5])
        store.removePartition(a)
        store.checkInvariants()
        #expect(store.count == 2)
        #expect(!store.contains(1) && !store.contains(2) && !store.contains(3))
        #expect(stored(store, 5) == [5])
        #expect(store.partitions[a] == nil)
        store.removePartition(a)
        #expect(store.count == 2, "removing a removed partition does nothing")
    }

    @Test func randomAppendsAndRemovesKeepTheIDMapExact() {
        var random = SeededRandom(seed: 4)
        let d = 3
        let store = PartitionStore(dimension: d)
        let partitions = (0..<5).map { _ in store.createPartition() }
        var model: [Int64: [Float]] = [:]
        var nextID: Int64 = 0
        for _ in 0..<200 {
            if model.isEmpty || Bool.random(using: &random) {
                let n = Int.random(in: 1...6, using: &random)
                let vectors = random.gaussianRows(n, dimension: d)
                let ids = (0..<Int64(n)).map { nextID + $0 * 3 }
                nextID += Int64(n) * 3
                append(store, partitions.randomElement(using: &random)!, vectors, ids)
                for (i, id) in ids.enumerated() { model[id] = row(vectors, i, dimension: d) }
            } else {
                let id = model.keys.sorted().randomElement(using: &random)!
                #expect(store.remove(id: id))
                model.removeValue(forKey: id)
            }
            store.checkInvariants()
            #expect(store.count == model.count)
        }
        for (id, vector) in model { #expect(stored(store, id) == vector) }
        #expect(Set(store.locations.keys) == Set(model.keys))
    }

    @Test func allocatedBytesCountsPartitionCapacity() {
        let store = PartitionStore(dimension: 4)
        let p = store.createPartition(capacity: 100)
        let empty = store.allocatedBytes
        #expect(empty >= 100 * (4 * 4 + 8))
        append(store, p, [Float](repeating: 1, count: 400), Array(0..<100))
        #expect(store.allocatedBytes > empty, "the id map now holds 100 entries")
        store.shrinkToFit()
        #expect(store.partitions[p]!.capacity == 100)
    }

    @Test func shrinkToFitShrinksEveryPartition() {
        let store = PartitionStore(dimension: 2)
        let a = store.createPartition()
        let b = store.createPartition()
        append(store, a, [1, 2], [1])
        append(store, b, [3, 4, 5, 6, 7, 8], [2, 3, 4])
        store.shrinkToFit()
        #expect(store.partitions[a]!.capacity == 1)
        #expect(store.partitions[b]!.capacity == 3)
        #expect(stored(store, 3) == [5, 6])
        store.checkInvariants()
    }
}
