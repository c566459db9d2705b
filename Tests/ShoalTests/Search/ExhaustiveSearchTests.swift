import Shoal
import ShoalTestSupport
import Testing

@Suite struct ExhaustiveSearchTests {
    @Test(arguments: DistanceMetric.allCases)
    func scanningEveryPartitionMatchesBruteForce(metric: DistanceMetric) throws {
        var random = SeededRandom(seed: 7)
        let d = 37
        let n = 2000
        let vectors = random.clusteredRows(n, dimension: d, clusters: 12)
        let ids = (0..<Int64(n)).map { $0 * 3 + 1 }
        let index = try VectorIndex.build(
            vectors: vectors, ids: ids, configuration: IndexConfiguration(dimension: d, metric: metric, threads: 2))
        #expect(index.partitionCount == IndexConfiguration.defaultPartitionCount(for: n))
        let queries = random.gaussianRows(20, dimension: d).map { $0 * 10 }
        let options = SearchOptions(k: 10, nprobe: index.partitionCount)
        let batch = try index.search(batch: queries, options: options)
        for q in 0..<20 {
            let query = Array(queries[(q * d)..<((q + 1) * d)])
            let truth = BruteForce.search(query, vectors: vectors, ids: ids, dimension: d, metric: metric, k: 10)
            let single = try index.search(query, options: options)
            for (found, expected) in zip(single, truth) {
                #expect(abs(found.score - expected.score) <= 1e-3 * max(1, abs(expected.score)))
            }
            for (found, expected) in zip(batch[q], truth) {
                #expect(abs(found.score - expected.score) <= 1e-3 * max(1, abs(expected.score)))
            }
            #expect(BruteForce.recall(found: single.map(\.id), truth: truth.map(\.id)) >= 0.9)
        }
        index.checkInvariants()
    }
}
