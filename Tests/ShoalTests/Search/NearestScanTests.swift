@testable import Shoal
import ShoalKernels
import ShoalTestSupport
import Testing

/// The k = 1 scan picks what the heap-based scan picks (the smallest distance), breaks ties by the
/// smaller id whatever the order or the thread count, and skips empty and missing partitions.
@Suite struct NearestScanTests {
    private let d = 16

    /// A level of `sizes.count` partitions holding `rows` (row-major) in order, ids from `firstID`
    /// (shuffled within each partition unless `shuffle` is false, so id order is not row order).
    private func makeLevel(_ rows: [Float], sizes: [Int], firstID: Int64 = 100, shuffle: Bool = true) -> PartitionStore {
        let store = PartitionStore(dimension: d)
        var random = SeededRandom(seed: 1)
        var start = 0
        for size in sizes {
            let pid = store.createPartition()
            let ordered = (0..<size).map { firstID + Int64(start + $0) }
            let ids = shuffle ? ordered.shuffled(using: &random) : ordered
            LevelBuilder.append(Array(rows[(start * d)..<((start + size) * d)]), ids, to: pid, in: store)
            start += size
        }
        return store
    }

    private func nearest(
        _ level: PartitionStore, _ queries: [Float], probes: [Int], perQuery: Int, metric: KernelMetric = .squaredL2,
        threads: Int = 2
    ) -> NearestScan.Nearest {
        queries.withUnsafeBufferPointer { q in
            NearestScan.run(
                level: level, queries: q.baseAddress!, queryCount: queries.count / d, probes: probes,
                probesPerQuery: perQuery, metric: metric, threads: threads)
        }
    }

    private func heapNearest(
        _ level: PartitionStore, _ queries: [Float], probes: [Int], perQuery: Int, metric: KernelMetric = .squaredL2
    ) -> [(distance: Float, id: Int64)?] {
        let n = queries.count / d
        let heaps = queries.withUnsafeBufferPointer { q in
            BatchScan.run(
                level: level, queries: q.baseAddress!, queryCount: n, probes: probes, probesPerQuery: perQuery, k: 1,
                metric: metric, threads: 1)
        }
        return (0..<n).map { heaps.sorted(query: $0).first }
    }

    @Test(arguments: [KernelMetric.squaredL2, .negatedDot])
    func matchesTheHeapScanOnRandomData(metric: KernelMetric) {
        var random = SeededRandom(seed: 7)
        let sizes = [1, 7, 40, 0, 300, 9, 64, 3]
        let level = makeLevel(random.gaussianRows(sizes.reduce(0, +), dimension: d), sizes: sizes)
        let queryCount = 700  // more than one chunk for the large partitions
        let queries = random.gaussianRows(queryCount, dimension: d)
        let perQuery = 4
        var probes = (0..<(queryCount * perQuery)).map { _ in Int.random(in: -1..<sizes.count, using: &random) }
        // Partition 4 is probed by every query and partition 6 by four in five (scanned in place),
        // the others at random (gathered).
        for q in 0..<queryCount {
            probes[q * perQuery] = 4
            if q % 5 != 0 { probes[q * perQuery + 1] = 6 }
        }
        let found = nearest(level, queries, probes: probes, perQuery: perQuery, metric: metric)
        let expected = heapNearest(level, queries, probes: probes, perQuery: perQuery, metric: metric)
        for q in 0..<queryCount {
            guard let hit = expected[q] else {
                #expect(found.ids[q] == -1 && found.distances[q] == .infinity, "query \(q)")
                continue
            }
            // The kernels may round a pair differently with another chunking: compare distances
            // with a tolerance, and ids where the best is clear.
            let tolerance = 1e-4 * max(1, abs(hit.distance))
            #expect(abs(found.distances[q] - hit.distance) <= tolerance, "query \(q)")
            if found.ids[q] != hit.id {
                let other = exactDistance(queries, q, level, found.ids[q], metric: metric)
                let theirs = exactDistance(queries, q, level, hit.id, metric: metric)
                #expect(abs(other - theirs) <= tolerance, "query \(q): ids \(found.ids[q]) and \(hit.id) differ")
            }
        }
    }

    private func exactDistance(_ queries: [Float], _ q: Int, _ level: PartitionStore, _ id: Int64, metric: KernelMetric)
        -> Float
    {
        guard let row = level.vector(for: id) else { return .nan }
        return queries.withUnsafeBufferPointer { buffer in
            ExactNeighbours.distance(buffer.baseAddress! + q * d, row, dimension: d, metric: metric)
        }
    }

    @Test(arguments: [1, 2, 3])
    func tiesGoToTheSmallerIDWhateverTheThreadCount(threads: Int) {
        var random = SeededRandom(seed: 11)
        // Four copies of the same 5 rows, spread over four partitions with different ids.
        let block = random.gaussianRows(5, dimension: d)
        let rows = block + block + block + block
        let level = makeLevel(rows, sizes: [5, 5, 5, 5], firstID: 10, shuffle: false)
        // Each query is one of the rows: its four copies, at the same place in their partitions,
        // get the same distance (near 0) and tie.
        var queries: [Float] = []
        for i in 0..<5 { queries += block[(i * d)..<((i + 1) * d)] }
        let probes = [3, 1, 2, 0, 0, 3, 2, 1, 2, 2, 0, 3, 1, 3, 0, 2, 0, 1, 2, 3]
        let found = nearest(level, queries, probes: probes, perQuery: 4, threads: threads)
        for q in 0..<5 {
            #expect(found.ids[q] == 10 + Int64(q), "query \(q)")
            #expect(found.distances[q] < 1e-3, "query \(q)")
        }
    }

    @Test func queriesThatProbeOnlyEmptyOrMissingPartitionsFindNothing() {
        var random = SeededRandom(seed: 5)
        let level = makeLevel(random.gaussianRows(6, dimension: d), sizes: [0, 6, 0])
        let queries = random.gaussianRows(3, dimension: d)
        let probes = [0, 2, -1, 99, 1, 0, -1, -1]
        let found = nearest(level, queries, probes: probes, perQuery: 2)
        #expect(found.ids[0] == -1 && found.distances[0] == .infinity)
        #expect(found.ids[1] == -1 && found.distances[1] == .infinity)
        #expect(found.ids[2] >= 100 && found.ids[2] < 106)
    }

    @Test func groupingListsEachProbingQueryOncePerPartitionInOrder() {
        var random = SeededRandom(seed: 9)
        let level = makeLevel(random.gaussianRows(9, dimension: d), sizes: [4, 0, 5])
        let probes = [2, 0, 0, 1, 2, -1, 0, 2]
        let groups = NearestScan.group(level: level, queryCount: 4, probes: probes, probesPerQuery: 2)
        #expect(groups.partitions.map(\.count) == [5, 4])
        #expect(groups.offsets == [0, 3, 6])
        #expect(groups.members == [0, 2, 3, 0, 1, 3])
    }

    @Test func levelSearchComparesQueriesWhoseProbesAreEmptyWithTheWholeLevel() {
        var random = SeededRandom(seed: 13)
        // Level 1: partition 0 is empty but its centroid (in the top) is the nearest to every query;
        // partitions 1 and 2 hold the rows.
        let rows = random.gaussianRows(12, dimension: d)
        let middle = makeLevel(rows, sizes: [0, 6, 6])
        let top = PartitionStore(dimension: d)
        let pid = top.createPartition()
        let near = [Float](repeating: 0, count: d)
        let far = [Float](repeating: 100, count: d)
        LevelBuilder.append(near + far + far, [0, 1, 2], to: pid, in: top)
        let engine = LevelSearch(
            levels: [PartitionStore(dimension: d), middle, top], metric: .squaredL2, threads: 2, upperLevelNprobe: nil)
        let queries = random.gaussianRows(4, dimension: d).map { $0 * 0.1 }
        let found = queries.withUnsafeBufferPointer { q in
            engine.nearest(level: 1, queries: q.baseAddress!, queryCount: 4, nprobe: 1)
        }
        let expected = (0..<4).map { q in
            (100..<112).min { exactDistance(queries, q, middle, Int64($0), metric: .squaredL2)
                < exactDistance(queries, q, middle, Int64($1), metric: .squaredL2) }.map(Int64.init)
        }
        #expect(found == expected.map { $0 ?? -1 })
    }
}
