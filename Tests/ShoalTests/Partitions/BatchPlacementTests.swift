@testable import Shoal
import ShoalTestSupport
import Testing

/// Growth prepared under the shared lock is swapped in only while still current; either way the
/// appended rows land where they belong.
@Suite struct BatchPlacementTests {
    private let d = 3

    /// A store of two partitions with exact capacity (4 and 2 rows), ids 0..<6.
    private func makeStore() -> PartitionStore {
        let store = PartitionStore(dimension: d)
        for (pid, ids) in [(store.createPartition(capacity: 4), [Int64](0..<4)), (store.createPartition(capacity: 2), [4, 5])] {
            let vectors = ids.flatMap { id in (0..<d).map { Float(id) * 10 + Float($0) } }
            LevelBuilder.append(vectors, ids, to: pid, in: store)
        }
        return store
    }

    private func rows(_ ids: [Int64]) -> [Float] { ids.flatMap { id in (0..<d).map { Float(id) * 10 + Float($0) } } }

    private func expectStored(_ store: PartitionStore, _ ids: [Int64]) {
        store.checkInvariants()
        for id in ids {
            let row = store.vector(for: id).map { Array(UnsafeBufferPointer(start: $0, count: d)) }
            #expect(row == rows([id]), "id \(id)")
        }
    }

    @Test func preparedGrowthIsInstalledWhenNothingChanged() {
        let store = makeStore()
        let ids: [Int64] = [10, 11, 12]
        var placement = BatchPlacement(targets: [0, 1, 0], vectors: rows(ids), ids: ids, dimension: d)
        placement.prepareGrowth(in: store)
        // Both targets lack room (4 + 2 and 2 + 1 rows): both prepared buffers go in.
        let installed = placement.append(to: store)
        #expect(installed.buffers == 2)
        #expect(store.partitions[0]?.capacity == 8 && store.partitions[1]?.capacity == 8)
        expectStored(store, [0, 1, 2, 3, 4, 5] + ids)
    }

    @Test func staleGrowthIsDroppedAndTheAppendStillLandsRight() {
        let store = makeStore()
        let ids: [Int64] = [20, 21]
        var placement = BatchPlacement(targets: [0, 0], vectors: rows(ids), ids: ids, dimension: d)
        placement.prepareGrowth(in: store)
        // A writer in between: the prepared copy of partition 0 no longer matches it, nor does the map.
        store.remove(id: 1)
        let installed = placement.append(to: store)
        #expect(installed.buffers == 0 && !installed.map)
        #expect(store.count == 7)
        expectStored(store, [0, 2, 3, 4, 5] + ids)
        #expect(!store.contains(1))
    }

    @Test func aGrownIDMapIsSwappedInAndKeepsEveryID() {
        let store = makeStore()
        let capacity = store.locations.capacity
        let ids = (0..<Int64(capacity)).map { 100 + $0 }
        var placement = BatchPlacement(
            targets: ids.map { Int($0 % 2) }, vectors: rows(ids), ids: ids, dimension: d)
        placement.prepareGrowth(in: store)
        let installed = placement.append(to: store)
        #expect(installed.map)
        #expect(store.locations.capacity > capacity)
        expectStored(store, [0, 1, 2, 3, 4, 5] + ids)
    }
}
