@testable import Shoal
import ShoalKernels
import ShoalTestSupport
import Testing

@Suite struct PartitionTests {
    /// The partition's rows and ids as arrays.
    private func contents(_ p: Partition) -> (vectors: [Float], ids: [Int64]) {
        (
            Array(UnsafeBufferPointer(start: p.vectors, count: p.count * p.dimension)),
            Array(UnsafeBufferPointer(start: p.ids, count: p.count))
        )
    }

    private func append(_ p: Partition, _ vectors: [Float], _ ids: [Int64]) {
        vectors.withUnsafeBufferPointer { v in
            ids.withUnsafeBufferPointer { i in
                p.append(vectors: v.baseAddress!, ids: i.baseAddress!, count: ids.count)
            }
        }
    }

    /// Every stored norm equals its row's squared norm.
    private func expectNormsCurrent(_ p: Partition, _ context: String) {
        for slot in 0..<p.count {
            var norm: Float = 0
            Kernels.squaredNorms(rows: p.row(slot), count: 1, dimension: p.dimension, out: &norm)
            #expect(p.norms[slot] == norm, "\(context): slot \(slot)")
        }
    }

    @Test func storedNormsFollowAppendsRemovalsAndGrowth() {
        var random = SeededRandom(seed: 4)
        let d = 9
        let p = Partition(dimension: d)
        append(p, random.gaussianRows(5, dimension: d), [1, 2, 3, 4, 5])
        expectNormsCurrent(p, "after append")
        p.swapRemove(at: 1)
        expectNormsCurrent(p, "after swapRemove")
        let prepared = p.preparedGrowth(toHold: 40)!
        #expect(p.install(prepared))
        expectNormsCurrent(p, "after install")
        let rows = random.gaussianRows(3, dimension: d)
        let ids: [Int64] = [7, 8, 9]
        rows.withUnsafeBytes { v in ids.withUnsafeBytes { i in p.append(vectorBytes: v, idBytes: i, count: 3) } }
        expectNormsCurrent(p, "after a byte append")
        p.shrinkToFit()
        expectNormsCurrent(p, "after shrinkToFit")
        p.swapRemove(at: p.count - 1)
        expectNormsCurrent(p, "after removing the last row")
        #expect(p.count == 6)
    }

    @Test func newPartitionIsEmptyWithTheRequestedCapacity() {
        let p = Partition(dimension: 5, capacity: 12)
        #expect(p.count == 0)
        #expect(p.capacity == 12)
        #expect(p.dimension == 5)
        #expect(p.allocatedBytes == 12 * (5 * 4 + 12))
        #expect(Partition(dimension: 5).capacity == 0)
    }

    @Test func appendsStayContiguousAcrossGrowthAndRepeatedAppends() {
        var random = SeededRandom(seed: 1)
        let d = 7
        let p = Partition(dimension: d)
        var expectedVectors: [Float] = []
        var expectedIDs: [Int64] = []
        for size in [1, 7, 3, 20, 100, 1, 64] {
            let vectors = random.gaussianRows(size, dimension: d)
            let ids = (0..<size).map { _ in Int64.random(in: Int64.min...Int64.max, using: &random) }
            append(p, vectors, ids)
            expectedVectors += vectors
            expectedIDs += ids
            #expect(p.count == expectedIDs.count)
            #expect(p.capacity >= p.count)
            let (vectors2, ids2) = contents(p)
            #expect(vectors2 == expectedVectors)
            #expect(ids2 == expectedIDs)
        }
    }

    @Test func capacityGrowsGeometricallyWithAFloorOfEight() {
        let p = Partition(dimension: 2)
        append(p, [1, 2], [1])
        #expect(p.capacity == 8)
        append(p, [Float](repeating: 0, count: 16), Array(2...9))
        #expect(p.count == 9)
        #expect(p.capacity == 12)
        append(p, [Float](repeating: 0, count: 40), Array(10...29))
        #expect(p.capacity == 29, "a large append reserves exactly what it needs when that exceeds × 1.5")
    }

    @Test func appendingZeroRowsIsANoOp() {
        let p = Partition(dimension: 3)
        append(p, [1, 2, 3], [42])
        let capacity = p.capacity
        let before = contents(p)
        let nothing: [Float] = [0]
        let noIDs: [Int64] = [0]
        nothing.withUnsafeBufferPointer { v in
            noIDs.withUnsafeBufferPointer { i in p.append(vectors: v.baseAddress!, ids: i.baseAddress!, count: 0) }
        }
        #expect(p.count == 1)
        #expect(p.capacity == capacity)
        #expect(contents(p) == before)
    }

    @Test func swapRemoveMovesTheLastRowIntoTheSlotAndReturnsItsID() {
        let d = 3
        let p = Partition(dimension: d)
        append(p, [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3], [10, 11, 12, 13])
        let moved = p.swapRemove(at: 1)
        #expect(moved == 13)
        let (vectors, ids) = contents(p)
        #expect(ids == [10, 13, 12])
        #expect(vectors == [0, 0, 0, 3, 3, 3, 2, 2, 2])
    }

    @Test func swapRemoveOfTheLastSlotReturnsNil() {
        let p = Partition(dimension: 2)
        append(p, [0, 0, 1, 1], [10, 11])
        #expect(p.swapRemove(at: 1) == nil)
        #expect(contents(p).ids == [10])
        #expect(contents(p).vectors == [0, 0])
    }

    @Test func removingEveryRowLeavesZeroAndKeepsCapacity() {
        var random = SeededRandom(seed: 2)
        let p = Partition(dimension: 4)
        append(p, random.gaussianRows(30, dimension: 4), Array(0..<30))
        let capacity = p.capacity
        var remaining = Set<Int64>(0..<30)
        while p.count > 0 {
            let slot = Int.random(in: 0..<p.count, using: &random)
            remaining.remove(p.ids[slot])
            p.swapRemove(at: slot)
            #expect(Set(contents(p).ids) == remaining)
        }
        #expect(p.count == 0)
        #expect(remaining.isEmpty)
        #expect(p.capacity == capacity)
    }

    @Test func removeAllEmptiesButKeepsCapacity() {
        let p = Partition(dimension: 2)
        append(p, [1, 2, 3, 4], [1, 2])
        let capacity = p.capacity
        p.removeAll()
        #expect(p.count == 0)
        #expect(p.capacity == capacity)
        append(p, [5, 6], [3])
        #expect(contents(p).ids == [3])
        #expect(contents(p).vectors == [5, 6])
    }

    @Test func shrinkToFitDropsSpareCapacityAndKeepsTheData() {
        var random = SeededRandom(seed: 3)
        let p = Partition(dimension: 5)
        let vectors = random.gaussianRows(9, dimension: 5)
        append(p, Array(vectors.prefix(25)), Array(100..<105))
        append(p, Array(vectors.suffix(20)), Array(105..<109))
        #expect(p.capacity == 12)
        p.shrinkToFit()
        #expect(p.capacity == 9)
        #expect(p.allocatedBytes == 9 * (5 * 4 + 12))
        #expect(contents(p).vectors == vectors)
        #expect(contents(p).ids == Array(100..<109))
        append(p, [1, 2, 3, 4, 5], [7])
        #expect(p.count == 10)
        #expect(contents(p).vectors == vectors + [1, 2, 3, 4, 5])
    }

    @Test func reserveKeepsTheData() {
        let p = Partition(dimension: 2)
        append(p, [1, 2, 3, 4], [1, 2])
        p.reserve(1000)
        #expect(p.capacity == 1000)
        #expect(contents(p).vectors == [1, 2, 3, 4])
        p.reserve(10)
        #expect(p.capacity == 1000, "reserving less than the capacity does nothing")
    }

    @Test func rowPointsAtTheSlot() {
        let p = Partition(dimension: 2)
        append(p, [1, 2, 3, 4, 5, 6], [1, 2, 3])
        #expect(p.row(2)[0] == 5)
        #expect(p.row(2)[1] == 6)
        #expect(p.row(0)[1] == 2)
    }

    @Test func swapRemoveOutOfRangeIsAProgrammingError() async {
        await #expect(processExitsWith: .failure) {
            let p = Partition(dimension: 1)
            p.swapRemove(at: 0)
        }
    }
}
