import ShoalKernels
import ShoalTestSupport
import Testing

@Suite struct TopKBuffersTests {
    @Test func ascendingKeepsTheThreeSmallestWithTheirIDs() {
        let heap = TopKBuffers(queryCount: 1, k: 3)
        for (value, id) in [(Float(5), Int64(50)), (3, 30), (4, 40), (2, 20)] {
            heap.push(query: 0, distance: value, id: id)
        }
        let result = heap.sorted(query: 0)
        #expect(result.map(\.distance) == [2, 3, 4])
        #expect(result.map(\.id) == [20, 30, 40])
        #expect(heap.count(query: 0) == 3)
    }

    @Test func negatedSimilaritiesKeepTheThreeLargest() {
        let heap = TopKBuffers(queryCount: 1, k: 3)
        for (value, id) in [(Float(0.5), Int64(5)), (0.3, 3), (0.4, 4), (0.6, 6)] {
            heap.push(query: 0, distance: -value, id: id)
        }
        let result = heap.sorted(query: 0)
        #expect(result.map { -$0.distance } == [0.6, 0.5, 0.4])
        #expect(result.map(\.id) == [6, 5, 4])
    }

    @Test func manyMoreThanKKeepsTheKSmallestInOrder() {
        var random = SeededRandom(seed: 1)
        let values = (0..<1000).map { _ in Float.random(in: -100...100, using: &random) }
        let heap = TopKBuffers(queryCount: 1, k: 10)
        for (i, v) in values.enumerated() { heap.push(query: 0, distance: v, id: Int64(i)) }
        let expected = values.enumerated().sorted { $0.element < $1.element }.prefix(10)
        let result = heap.sorted(query: 0)
        #expect(result.map(\.distance) == expected.map(\.element))
        #expect(result.map(\.id) == expected.map { Int64($0.offset) })
    }

    @Test func fewerThanKReturnsOnlyThosePushed() {
        let heap = TopKBuffers(queryCount: 1, k: 3)
        heap.push(query: 0, distance: 7, id: 1)
        heap.push(query: 0, distance: 1, id: 2)
        #expect(heap.count(query: 0) == 2)
        let result = heap.sorted(query: 0)
        #expect(result.map(\.distance) == [1, 7])
        #expect(result.map(\.id) == [2, 1])
    }

    @Test func freshBuffersAreEmpty() {
        let heap = TopKBuffers(queryCount: 4, k: 5)
        for q in 0..<4 {
            #expect(heap.count(query: q) == 0)
            #expect(heap.sorted(query: q).isEmpty)
        }
    }

    @Test func resetEmptiesEveryQueryAndTheBuffersCanBeReused() {
        let heap = TopKBuffers(queryCount: 2, k: 3)
        for i in 0..<5 {
            heap.push(query: 0, distance: Float(i), id: Int64(i))
            heap.push(query: 1, distance: Float(-i), id: Int64(i))
        }
        heap.reset()
        #expect(heap.count(query: 0) == 0)
        #expect(heap.count(query: 1) == 0)
        #expect(heap.sorted(query: 0).isEmpty)
        #expect(heap.threshold(query: 0) == .infinity)
        heap.push(query: 0, distance: 9, id: 99)
        #expect(heap.sorted(query: 0).map(\.id) == [99])
        #expect(heap.sorted(query: 1).isEmpty)
    }

    @Test func thresholdIsInfinityUntilFullThenTheKthSmallest() {
        let heap = TopKBuffers(queryCount: 1, k: 3)
        heap.push(query: 0, distance: 4, id: 0)
        #expect(heap.threshold(query: 0) == .infinity)
        heap.push(query: 0, distance: 1, id: 1)
        #expect(heap.threshold(query: 0) == .infinity)
        heap.push(query: 0, distance: 9, id: 2)
        #expect(heap.threshold(query: 0) == 9)
        heap.push(query: 0, distance: 2, id: 3)
        #expect(heap.threshold(query: 0) == 4)
        heap.push(query: 0, distance: 100, id: 4)
        #expect(heap.threshold(query: 0) == 4)
    }

    @Test func aCandidateEqualToTheThresholdDoesNotEnter() {
        let single = TopKBuffers(queryCount: 1, k: 2)
        single.push(query: 0, distance: 1, id: 1)
        single.push(query: 0, distance: 2, id: 2)
        single.push(query: 0, distance: 2, id: 0)
        #expect(single.sorted(query: 0).map(\.id) == [1, 2])

        let block = TopKBuffers(queryCount: 1, k: 2)
        let values: [Float] = [1, 2, 2]
        let ids: [Int64] = [1, 2, 0]
        block.push(query: 0, candidates: values, ids: ids, count: 3)
        #expect(block.sorted(query: 0).map(\.id) == [1, 2])
    }

    @Test(arguments: [1, 3, 10, 64])
    func blockPushEqualsOneByOnePush(k: Int) {
        var random = SeededRandom(seed: UInt64(k))
        let one = TopKBuffers(queryCount: 1, k: k)
        let block = TopKBuffers(queryCount: 1, k: k)
        // Blocks of uneven sizes, the first ones smaller than k, so the heap fills inside a block.
        for size in [0, 1, 2, 5, 40, 7, 200, 3] {
            let values = (0..<size).map { _ in random.normal() }
            let ids = (0..<size).map { _ in Int64.random(in: 0..<1_000_000, using: &random) }
            for i in 0..<size { one.push(query: 0, distance: values[i], id: ids[i]) }
            block.push(query: 0, candidates: values, ids: ids, count: size)
            let a = one.sorted(query: 0)
            let b = block.sorted(query: 0)
            #expect(a.map(\.distance) == b.map(\.distance))
            #expect(a.map(\.id) == b.map(\.id))
        }
    }

    @Test func queriesAreIndependent() {
        let heap = TopKBuffers(queryCount: 3, k: 2)
        for i in 0..<10 {
            heap.push(query: 0, distance: Float(i), id: Int64(i))
            heap.push(query: 2, distance: Float(-i), id: Int64(100 + i))
        }
        #expect(heap.sorted(query: 0).map(\.id) == [0, 1])
        #expect(heap.sorted(query: 1).isEmpty)
        #expect(heap.sorted(query: 2).map(\.id) == [109, 108])
    }

    @Test func mergeKeepsTheBestOfBoth() {
        var random = SeededRandom(seed: 8)
        let k = 7
        let left = TopKBuffers(queryCount: 2, k: k)
        let right = TopKBuffers(queryCount: 3, k: k)
        let all = TopKBuffers(queryCount: 1, k: k)
        for i in 0..<50 {
            let v = random.normal()
            left.push(query: 1, distance: v, id: Int64(i))
            all.push(query: 0, distance: v, id: Int64(i))
        }
        for i in 50..<80 {
            let v = random.normal()
            right.push(query: 2, distance: v, id: Int64(i))
            all.push(query: 0, distance: v, id: Int64(i))
        }
        left.merge(query: 1, from: right, query: 2)
        let merged = left.sorted(query: 1)
        let expected = all.sorted(query: 0)
        #expect(merged.map(\.distance) == expected.map(\.distance))
        #expect(merged.map(\.id) == expected.map(\.id))
        #expect(right.sorted(query: 2).count == k, "the source keeps its results")
    }

    @Test func mergeFromAPartlyFilledBufferAddsOnlyItsResults() {
        let target = TopKBuffers(queryCount: 1, k: 4)
        target.push(query: 0, distance: 5, id: 5)
        let source = TopKBuffers(queryCount: 1, k: 4)
        source.push(query: 0, distance: 3, id: 3)
        target.merge(query: 0, from: source, query: 0)
        #expect(target.sorted(query: 0).map(\.id) == [3, 5])
        let empty = TopKBuffers(queryCount: 1, k: 4)
        target.merge(query: 0, from: empty, query: 0)
        #expect(target.count(query: 0) == 2)
    }

    @Test func sortedBreaksExactTiesByID() {
        let heap = TopKBuffers(queryCount: 1, k: 4)
        for id in [Int64(9), 3, 7, 1] { heap.push(query: 0, distance: 1, id: id) }
        #expect(heap.sorted(query: 0).map(\.id) == [1, 3, 7, 9])
    }

    @Test func zeroQueriesIsAllowed() {
        let heap = TopKBuffers(queryCount: 0, k: 3)
        #expect(heap.queryCount == 0)
        #expect(heap.k == 3)
        heap.reset()
    }

    @Test func kZeroIsAProgrammingError() async {
        await #expect(processExitsWith: .failure) {
            _ = TopKBuffers(queryCount: 1, k: 0)
        }
    }
}
