@testable import Shoal
import ShoalKernels
import ShoalTestSupport
import Testing

@Suite struct NeighbourListTests {
    @Test func mergeInsertsInOrderAndCutsToTheDepth() {
        var list = NeighbourList(entries: [(1, 10), (3, 30), (5, 50)], complete: false)
        // (4, 5) enters before (5, 50); (5, 60) orders after the last entry and is skipped.
        list.merge([(0.5, 7), (3, 20), (4, 5), (5, 60)], depth: 4)
        #expect(list.ids == [7, 10, 20, 30])
        #expect(list.distances == [0.5, 1, 3, 3])
        #expect(!list.complete)
    }

    @Test func aCompleteListAdmitsEverythingUntilItIsCut() {
        var list = NeighbourList(entries: [(2, 1)], complete: true)
        list.merge([(9, 2)], depth: 3)
        #expect(list.ids == [1, 2] && list.complete)
        list.merge([(0, 3), (7, 4)], depth: 3)
        #expect(list.ids == [3, 1, 4])
        #expect(!list.complete)
        #expect(!list.admits(distance: 8, id: 0))
    }

    @Test func removalKeepsThePrefixAndReportsWhetherAnythingWent() {
        var list = NeighbourList(entries: [(1, 1), (2, 2), (3, 3)], complete: false)
        let removedNothing = list.remove(RemovedIDs([9]))
        let removedTwo = list.remove(RemovedIDs([2, 9]))
        #expect(!removedNothing && removedTwo)
        #expect(list.ids == [1, 3] && list.distances == [1, 3])
        #expect(list.covers(2) && !list.covers(3))
    }

    @Test func enteringRowsMatchABruteForceScreen() {
        var random = SeededRandom(seed: 51)
        let d = 12
        let queries = random.clusteredRows(30, dimension: d, clusters: 6)
        // Rows of the queries' clusters, and a few far away.
        let rows = random.clusteredRows(80, dimension: d, clusters: 6) + random.gaussianRows(40, dimension: d).map { $0 + 1000 }
        let ids = (0..<Int64(120)).map { $0 * 3 }
        let own = (0..<30).map { $0 == 3 ? Int64(15) : Int64.min }
        // Query 7 has no list, query 8 a complete one, the others bounds of growing distance.
        var bounds: [(distance: Float, id: Int64)??] = (0..<30).map { q in .some((Float(q % 5 + 1) * 4, Int64(1_000))) }
        bounds[7] = nil
        bounds[8] = .some(nil)
        for metric in [KernelMetric.squaredL2, .negatedDot] {
            let found = ExactNeighbours.entering(
                rows: rows, ids: ids, queries: queries, own: own, bounds: bounds, dimension: d, metric: metric, threads: 2)
            let total = found.compactMap { $0 }.map(\.count).reduce(0, +)
            #expect(total > 0 && total < 28 * 120, "\(metric): \(total) entering")
            for q in 0..<30 {
                guard let bound = bounds[q] else {
                    #expect(found[q] == nil)
                    continue
                }
                var expected: [(distance: Float, id: Int64)] = []
                for (i, id) in ids.enumerated() where id != own[q] {
                    let distance = queries.withUnsafeBufferPointer { qb in
                        rows.withUnsafeBufferPointer { rb in
                            ExactNeighbours.distance(qb.baseAddress! + q * d, rb.baseAddress! + i * d, dimension: d, metric: metric)
                        }
                    }
                    if let bound, !ExactNeighbours.precedes((distance, id), bound) { continue }
                    expected.append((distance, id))
                }
                expected.sort(by: ExactNeighbours.precedes)
                let entries = found[q] ?? []
                #expect(entries.map(\.id) == expected.map(\.id), "query \(q), \(metric)")
                #expect(entries.map(\.distance) == expected.map(\.distance), "query \(q), \(metric)")
            }
        }
    }
}
