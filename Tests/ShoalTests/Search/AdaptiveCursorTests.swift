@testable import Shoal
import ShoalTestSupport
import Testing

/// A calibration predicts where a (threshold, floor) rule stops from traces recorded with floor 1
/// (``RecallCalibration``: the first step at or past the floor whose statistic reaches the
/// threshold). A cursor with a floor skips its estimates below the floor; these tests hold it to
/// that prediction, for every floor on the ladder and for thresholds below, at and above
/// saturation.
@Suite struct AdaptiveCursorTests {
    @Test func aFloorStopsWhereTheFloorOneTraceSaysItWould() throws {
        var random = SeededRandom(seed: 29)
        let d = 24
        let vectors = random.clusteredRows(4000, dimension: d, clusters: 16)
        let index = try VectorIndex.build(
            vectors: vectors, configuration: IndexConfiguration(dimension: d, partitionCount: 60, threads: 1))
        let queries = random.clusteredRows(30, dimension: d, clusters: 8)
        index.lock.withReadLock {
            let engine = LevelSearch(levels: index.levels, metric: index.metric.kernelMetric, threads: 1, upperLevelNprobe: nil)
            var scan = AdaptiveScan(levels: index.levels, metric: index.metric, search: engine)
            scan.centroids = CentroidBlock(levels: index.levels, limit: scan.initialCandidates)
            queries.withUnsafeBufferPointer { buffer in
                for q in 0..<30 {
                    let query = buffer.baseAddress! + q * d
                    // The trace: floor 1, never stopping, every statistic recorded.
                    var trace = AdaptiveCursor(scan: scan, query: query, k: 10, threshold: .infinity, maxPartitions: .max)
                    var statistics: [Float] = []
                    while let (position, pid) = trace.next(), let partition = index.levels[0].partitions[pid] {
                        QueryScan.scan(
                            partition, query: query, metric: index.metric.kernelMetric, into: trace.heap,
                            scratch: ScanScratch())
                        statistics.append(trace.advance(position: position))
                    }
                    for floor in AdaptiveCursorTests.ladder.dropFirst().prefix(5) {
                        for threshold: Float in [0.2, 0.6, 0.9, 0.99, 1.0, 1.02] {
                            var stop = floor - 1
                            while stop < statistics.count && statistics[stop] < threshold { stop += 1 }
                            let expected = min(stop + 1, statistics.count)
                            let outcome = scan.run(
                                query: query, k: 10, threshold: threshold, floor: floor, maxPartitions: .max)
                            #expect(
                                outcome.partitionsScanned == expected,
                                "query \(q), floor \(floor), threshold \(threshold)")
                        }
                    }
                }
            }
        }
    }

    /// The first ten floors of the ladder.
    static let ladder = (0..<9).reduce(into: [1]) { ladder, _ in ladder.append(AdaptiveScan.nextFloor(after: ladder.last!)) }

    @Test func theFloorLadderIsOneToFourThenAboutFortyPercentSteps() {
        #expect(AdaptiveCursorTests.ladder == [1, 2, 3, 4, 6, 9, 13, 19, 27, 38])
    }
}
