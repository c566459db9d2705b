@testable import Shoal
import ShoalTestSupport
import Testing

/// ``AdaptiveBatch`` claims the stopping decisions of the one-query ``AdaptiveScan`` (so one
/// calibration serves both): with the same thresholds, every query must scan the same partitions,
/// in the same order, and find the same neighbours.
@Suite struct AdaptiveBatchTests {
    @Test(arguments: [SearchOptions.ScanOrder.centroidDistance, .probability])
    func aBatchScansWhatQueriesOneByOneScan(order: SearchOptions.ScanOrder) throws {
        var random = SeededRandom(seed: 17)
        let d = 16
        let vectors = random.clusteredRows(3000, dimension: d, clusters: 12)
        let index = try VectorIndex.build(
            vectors: vectors, configuration: IndexConfiguration(dimension: d, partitionCount: 40, threads: 2))
        let queryCount = 24
        let queries = random.clusteredRows(queryCount, dimension: d, clusters: 6)
        // Below, at and past saturation (thresholds above 1 buy extra partitions).
        let thresholds: [Float] = (0..<queryCount).map { [0.3, 0.8, 0.95, 0.999, 1.03][$0 % 5] }
        index.lock.withReadLock {
            #expect(index.levels.count == 2)
            let engine = LevelSearch(levels: index.levels, metric: index.metric.kernelMetric, threads: 2, upperLevelNprobe: nil)
            var scan = AdaptiveScan(levels: index.levels, metric: index.metric, search: engine)
            scan.order = order
            queries.withUnsafeBufferPointer { buffer in
                let base = buffer.baseAddress!
                let batch = AdaptiveBatch(scan: scan, k: 10, maxPartitions: 30, firstRound: 2, threads: 2)
                let cursors = batch.run(queries: base, queryCount: queryCount, thresholds: thresholds)
                #expect(cursors.count == queryCount)
                // Some queries outlast the first round (2 partitions): the later rounds are exercised.
                #expect(cursors.contains { $0.scanned.count > 4 }, "\(cursors.map(\.scanned.count))")
                for (q, cursor) in cursors.enumerated() {
                    let single = scan.run(query: base + q * d, k: 10, threshold: thresholds[q], maxPartitions: 30)
                    #expect(!single.scannedPartitions.isEmpty)
                    #expect(cursor.scanned == single.scannedPartitions, "query \(q)")
                    #expect(cursor.heap.sorted(query: 0).map(\.id) == single.heap.sorted(query: 0).map(\.id), "query \(q)")
                }
            }
        }
    }
}
