@testable import Shoal
import ShoalKernels
import ShoalTestSupport
import Testing

/// The flat top level's probes: the `m` nearest rows in (distance, id) order, as a heap scan of the
/// same partition finds them, padded with −1.
@Suite struct FlatSelectionTests {
    private let d = 8

    private func partition(_ rows: [Float], ids: [Int64]) throws -> Partition {
        let store = PartitionStore(dimension: d)
        let pid = store.createPartition()
        LevelBuilder.append(rows, ids, to: pid, in: store)
        return try #require(store.partitions[pid])
    }

    private func select(_ partition: Partition, _ queries: [Float], m: Int, metric: KernelMetric, threads: Int = 2)
        -> [Int]
    {
        queries.withUnsafeBufferPointer { q in
            FlatSelection.select(
                partition, queries: q.baseAddress!, queryCount: queries.count / d, m: m, metric: metric,
                threads: threads)
        }
    }

    @Test(arguments: [KernelMetric.squaredL2, .negatedDot])
    func picksWhatTheBatchKernelRanksFirst(metric: KernelMetric) throws {
        var random = SeededRandom(seed: 21)
        let rows = random.gaussianRows(26, dimension: d)
        let ids = (0..<Int64(26)).map { 1000 - $0 * 3 }
        let top = try partition(rows, ids: ids)
        let queries = random.gaussianRows(300, dimension: d)
        let m = 8
        let picks = select(top, queries, m: m, metric: metric)
        // The distances as the batched kernel computes them, for one chunk of queries.
        for q in 0..<300 {
            let chunk = q / FlatSelection.queryChunk * FlatSelection.queryChunk
            let count = min(FlatSelection.queryChunk, 300 - chunk)
            let all = distances(queries, from: chunk, count: count, rows: rows, metric: metric)
            let line = (0..<26).map { (distance: all[(q - chunk) * 26 + $0], id: ids[$0]) }
            let expected = line.sorted(by: ExactNeighbours.precedes).prefix(m).map { Int($0.id) }
            #expect(Array(picks[(q * m)..<((q + 1) * m)]) == expected, "query \(q)")
        }
    }

    private func distances(_ queries: [Float], from start: Int, count: Int, rows: [Float], metric: KernelMetric)
        -> [Float]
    {
        let rowCount = rows.count / d
        var out = [Float](repeating: 0, count: count * rowCount)
        let block = Array(queries[(start * d)..<((start + count) * d)])
        var queryNorms = [Float](repeating: 0, count: count)
        var rowNorms = [Float](repeating: 0, count: rowCount)
        Kernels.squaredNorms(rows: block, count: count, dimension: d, out: &queryNorms)
        Kernels.squaredNorms(rows: rows, count: rowCount, dimension: d, out: &rowNorms)
        Kernels.batchDistances(
            metric, queries: block, queryNorms: queryNorms, queryCount: count, rows: rows, rowNorms: rowNorms,
            rowCount: rowCount, dimension: d, out: &out, outStride: rowCount)
        return out
    }

    @Test func tiesGoToTheSmallerIDAndShortPartitionsArePadded() throws {
        var random = SeededRandom(seed: 4)
        let row = random.gaussianRows(1, dimension: d)
        // Five copies of one row, ids out of order: every query sees five equal distances.
        let top = try partition(row + row + row + row + row, ids: [40, 10, 30, 50, 20])
        let queries = random.gaussianRows(40, dimension: d)
        for threads in [1, 3] {
            let picks = select(top, queries, m: 7, metric: .squaredL2, threads: threads)
            for q in 0..<40 {
                #expect(Array(picks[(q * 7)..<((q + 1) * 7)]) == [10, 20, 30, 40, 50, -1, -1], "query \(q)")
            }
        }
    }

    @Test func levelSearchProbesTheSamePartitionsEitherWay() throws {
        var random = SeededRandom(seed: 8)
        let dimension = 16
        let vectors = random.clusteredRows(6000, dimension: dimension, clusters: 40)
        var configuration = IndexConfiguration(dimension: dimension, metric: .l2)
        configuration.partitionCount = 200
        configuration.maxTopLevelCentroids = 64
        let index = try VectorIndex.build(vectors: vectors, configuration: configuration)
        #expect(index.levels.count == 3)
        let engine = LevelSearch(levels: index.levels, metric: .squaredL2, threads: 2, upperLevelNprobe: nil)
        let queries = random.clusteredRows(500, dimension: dimension, clusters: 40)
        let nprobe = engine.upperNprobe(level: 1, needed: 1)
        let (heap, heapPerQuery) = queries.withUnsafeBufferPointer { q in
            engine.partitionsToScan(level: 1, queries: q.baseAddress!, queryCount: 500, nprobe: nprobe)
        }
        let (flat, flatPerQuery) = queries.withUnsafeBufferPointer { q in
            engine.partitionsToScan(
                level: 1, queries: q.baseAddress!, queryCount: 500, nprobe: nprobe, selectingFromFlatTop: true)
        }
        #expect(heapPerQuery == flatPerQuery)
        // The same sets (the order of exact ties may differ).
        var differing = 0
        for q in 0..<500 {
            let a = Set(heap[(q * heapPerQuery)..<((q + 1) * heapPerQuery)])
            let b = Set(flat[(q * flatPerQuery)..<((q + 1) * flatPerQuery)])
            if a != b { differing += 1 }
        }
        #expect(differing == 0)
    }
}
