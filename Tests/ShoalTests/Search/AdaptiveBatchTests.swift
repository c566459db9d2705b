@testable import Shoal
import ShoalTestSupport
import Testing

/// ``AdaptiveBatch`` claims the stopping decisions of the one-query ``AdaptiveScan`` (so one
/// calibration serves both): with the same thresholds, every query must scan the same partitions,
/// in the same order, and find the same neighbours; with a floor, every query scans at least that
/// many partitions first. Both with two levels and with three (where the batch's geometries come from the
/// ``CentroidBlock`` gathered from the level above).
@Suite struct AdaptiveBatchTests {
    @Test(arguments: [SearchOptions.ScanOrder.centroidDistance, .probability], [(2, 1), (3, 1), (2, 6), (3, 6)])
    func aBatchScansWhatQueriesOneByOneScan(order: SearchOptions.ScanOrder, shape: (levels: Int, floor: Int)) throws {
        let (levels, floor) = shape
        var random = SeededRandom(seed: 17)
        let d = 16
        let vectors = random.clusteredRows(3000, dimension: d, clusters: 12)
        let index = try VectorIndex.build(
            vectors: vectors,
            configuration: IndexConfiguration(
                dimension: d, partitionCount: 40, maxTopLevelCentroids: levels == 2 ? 4096 : 8, threads: 2))
        let queryCount = 24
        let queries = random.clusteredRows(queryCount, dimension: d, clusters: 6)
        // Below, at and past saturation (thresholds above 1 buy extra partitions).
        let thresholds: [Float] = (0..<queryCount).map { [0.3, 0.8, 0.95, 0.999, 1.03][$0 % 5] }
        index.lock.withReadLock {
            #expect(index.levels.count == levels)
            let engine = LevelSearch(levels: index.levels, metric: index.metric.kernelMetric, threads: 2, upperLevelNprobe: nil)
            var scan = AdaptiveScan(levels: index.levels, metric: index.metric, search: engine)
            scan.order = order
            scan.centroids = CentroidBlock(levels: index.levels, limit: scan.initialCandidates)
            #expect(scan.centroids?.count == index.levels[0].partitions.count)
            queries.withUnsafeBufferPointer { buffer in
                let base = buffer.baseAddress!
                let batch = AdaptiveBatch(scan: scan, k: 10, floor: floor, maxPartitions: 30, firstRound: 2, threads: 2)
                let cursors = batch.run(queries: base, queryCount: queryCount, thresholds: thresholds)
                #expect(cursors.count == queryCount)
                // Some queries outlast the first round (2 partitions): the later rounds are exercised.
                #expect(cursors.contains { $0.scanned.count > 4 }, "\(cursors.map(\.scanned.count))")
                for (q, cursor) in cursors.enumerated() {
                    let single = scan.run(
                        query: base + q * d, k: 10, threshold: thresholds[q], floor: floor, maxPartitions: 30)
                    #expect(single.scannedPartitions.count >= floor)
                    #expect(cursor.scanned == single.scannedPartitions, "query \(q)")
                    #expect(cursor.heap.sorted(query: 0).map(\.id) == single.heap.sorted(query: 0).map(\.id), "query \(q)")
                }
            }
        }
    }
}

/// ``CentroidBlock`` gives a batch the geometries that one query at a time gets from the level
/// above.
@Suite struct CentroidBlockTests {
    @Test(arguments: [2, 3])
    func batchGeometriesMatchOneQueryGeometries(levels: Int) throws {
        var random = SeededRandom(seed: 5)
        let d = 12
        let index = try VectorIndex.build(
            vectors: random.clusteredRows(2000, dimension: d, clusters: 10),
            configuration: IndexConfiguration(
                dimension: d, partitionCount: 30, maxTopLevelCentroids: levels == 2 ? 4096 : 6, threads: 1))
        let queries = random.clusteredRows(9, dimension: d, clusters: 3)
        index.lock.withReadLock {
            #expect(index.levels.count == levels)
            let engine = LevelSearch(levels: index.levels, metric: index.metric.kernelMetric, threads: 1, upperLevelNprobe: nil)
            let scan = AdaptiveScan(levels: index.levels, metric: index.metric, search: engine)
            guard let block = CentroidBlock(levels: index.levels, limit: 1024) else {
                Issue.record("no block for \(index.levels[0].partitions.count) partitions")
                return
            }
            #expect(Set(block.partitions) == Set(index.levels[0].partitions.keys))
            #expect(CentroidBlock(levels: index.levels, limit: block.count - 1) == nil)
            queries.withUnsafeBufferPointer { buffer in
                let batch = block.geometries(queries: buffer.baseAddress!, queryCount: 9, separations: nil)
                #expect(batch.count == 9)
                for q in 0..<9 {
                    // Searched through the level above: candidates ordered by distance.
                    let searched = scan.candidateGeometry(query: buffer.baseAddress! + q * d, count: block.count)
                    let got = batch[q]
                    #expect(got.partitions[got.nearest] == searched.partitions[searched.nearest], "query \(q)")
                    let byPartition = Dictionary(uniqueKeysWithValues: zip(searched.partitions, searched.model.boundaryDistances))
                    let distances = Dictionary(uniqueKeysWithValues: zip(searched.partitions, searched.squaredDistances))
                    for row in 0..<got.count {
                        let pid = got.partitions[row]
                        #expect(abs(got.squaredDistances[row] - distances[pid]!) <= 1e-3 * max(1, distances[pid]!))
                        #expect(abs(got.model.boundaryDistances[row] - byPartition[pid]!) <= 1e-3 * max(1, byPartition[pid]!))
                    }
                }
            }
        }
    }
}
