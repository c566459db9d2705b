import Shoal
import ShoalTestSupport
import Testing

@Suite struct VectorIndexSearchTests {
    /// A 2-level index over clustered data, its vectors and ids.
    private func makeIndex(
        metric: DistanceMetric = .l2, n: Int = 1500, d: Int = 16, partitions: Int? = nil, seed: UInt64 = 1
    ) throws -> (VectorIndex, [Float], [Int64]) {
        var random = SeededRandom(seed: seed)
        let vectors = random.clusteredRows(n, dimension: d, clusters: 15)
        let ids = (0..<Int64(n)).map { $0 * 2 + 5 }
        let index = try VectorIndex.build(
            vectors: vectors, ids: ids,
            configuration: IndexConfiguration(dimension: d, metric: metric, partitionCount: partitions, threads: 2))
        return (index, vectors, ids)
    }

    /// Exact score of every stored vector for `query`, by id (reported form).
    private func exactScores(
        _ query: [Float], _ vectors: [Float], _ ids: [Int64], dimension d: Int, metric: DistanceMetric
    ) -> [Int64: Float] {
        let all = BruteForce.search(query, vectors: vectors, ids: ids, dimension: d, metric: metric, k: ids.count)
        return Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.score) })
    }

    @Test(arguments: DistanceMetric.allCases)
    func resultsAreExactlyKBestFirst(metric: DistanceMetric) throws {
        let (index, _, _) = try makeIndex(metric: metric)
        var random = SeededRandom(seed: 2)
        let queries = random.gaussianRows(10, dimension: 16).map { $0 * 10 }
        for nprobe in [1, 3, 8] {
            let batch = try index.search(batch: queries, options: SearchOptions(k: 7, nprobe: nprobe))
            #expect(batch.queryCount == 10)
            #expect(batch.k == 7)
            #expect(batch.ids.count == 70 && batch.scores.count == 70)
            for q in 0..<10 {
                let hits = batch[q]
                #expect(hits.allSatisfy { $0.id >= 0 })
                #expect(Set(hits.map(\.id)).count == 7, "no id twice")
                let scores = hits.map(\.score)
                if metric.higherIsBetter {
                    #expect(scores == scores.sorted(by: >))
                } else {
                    #expect(scores == scores.sorted())
                    #expect(scores.allSatisfy { $0 >= 0 })
                }
                let single = try index.search(row(queries, q, dimension: 16), options: SearchOptions(k: 7, nprobe: nprobe))
                #expect(single.count == 7)
            }
        }
    }

    @Test(arguments: DistanceMetric.allCases)
    func kLargerThanTheDataPadsWithMinusOneAndTheWorstScore(metric: DistanceMetric) throws {
        let vectors: [Float] = [1, 0, 0, 1, 1, 1]
        let index = try VectorIndex.build(
            vectors: vectors, ids: [4, 9, 2], configuration: IndexConfiguration(dimension: 2, metric: metric))
        let hits = try index.search([1, 0.5], options: SearchOptions(k: 5))
        #expect(hits.count == 5)
        #expect(Set(hits.prefix(3).map(\.id)) == [4, 9, 2])
        #expect(hits.prefix(3).allSatisfy { $0.score.isFinite })
        #expect(hits[3] == Neighbor(id: -1, score: metric.paddingScore))
        #expect(hits[4] == Neighbor(id: -1, score: metric.paddingScore))
        let expectedPadding: Float = metric == .l2 ? .infinity : -.infinity
        #expect(hits[4].score == expectedPadding)
        let batch = try index.search(batch: [1, 0.5, 0, 3], options: SearchOptions(k: 5))
        #expect(batch[0] == hits)
        #expect(batch[1].suffix(2).allSatisfy { $0.id == -1 && $0.score == expectedPadding })
    }

    @Test(arguments: DistanceMetric.allCases)
    func nprobeZeroGivesOnlyPadding(metric: DistanceMetric) throws {
        let (index, vectors, _) = try makeIndex(metric: metric, n: 300)
        let query = row(vectors, 0, dimension: 16)
        let hits = try index.search(query, options: SearchOptions(k: 4, nprobe: 0))
        #expect(hits == [Neighbor](repeating: Neighbor(id: -1, score: metric.paddingScore), count: 4))
        let batch = try index.search(batch: Array(vectors.prefix(48)), options: SearchOptions(k: 4, nprobe: 0))
        #expect(batch.queryCount == 3)
        #expect(batch.ids.allSatisfy { $0 == -1 })
        #expect(batch.scores.allSatisfy { $0 == metric.paddingScore })
    }

    @Test(arguments: DistanceMetric.allCases)
    func nprobeAboveThePartitionCountScansEverything(metric: DistanceMetric) throws {
        let (index, vectors, ids) = try makeIndex(metric: metric, n: 1200, partitions: 30)
        #expect(index.partitionCount == 30)
        var random = SeededRandom(seed: 3)
        let queries = random.gaussianRows(10, dimension: 16).map { $0 * 10 }
        let k = 10
        let batch = try index.search(batch: queries, options: SearchOptions(k: k, nprobe: 1000))
        for q in 0..<10 {
            let query = row(queries, q, dimension: 16)
            let exact = exactScores(query, vectors, ids, dimension: 16, metric: metric)
            let truth = BruteForce.search(query, vectors: vectors, ids: ids, dimension: 16, metric: metric, k: k)
            let single = try index.search(query, options: SearchOptions(k: k, nprobe: 1000))
            for hits in [single, batch[q]] {
                // Recall 1.0, counting a found id as right when it is as good as the true k-th (ties).
                let kth = truth[k - 1].score
                let good = hits.filter { hit in
                    guard let s = exact[hit.id] else { return false }
                    return metric.higherIsBetter ? s >= kth - 1e-5 * abs(kth) : s <= kth * (1 + 1e-5)
                }
                #expect(good.count == k, "query \(q): recall \(Double(good.count) / Double(k))")
                for (found, expected) in zip(hits, truth) { #expect(close(found.score, expected.score, relative: 1e-3)) }
            }
        }
    }

    @Test func l2ScoresAreEuclideanNotSquared() throws {
        // Four 3-d vectors; the query sits on id 10, ids 30 and 40 are both at distance 1.
        let vectors: [Float] = [
            0, 0, 0,
            2, 2, 2,
            1, 0, 0,
            0, 1, 0,
        ]
        let index = try VectorIndex.build(
            vectors: vectors, ids: [10, 20, 30, 40], configuration: IndexConfiguration(dimension: 3))
        let hits = try index.search([0, 0, 0], options: SearchOptions(k: 4))
        #expect(hits[0] == Neighbor(id: 10, score: 0))
        #expect(hits[1].score == 1)
        #expect(hits[2].score == 1)
        #expect(Set([hits[1].id, hits[2].id]) == [30, 40])
        #expect(abs(hits[3].score - Float(12).squareRoot()) < 1e-6)
        #expect(hits[3].id == 20)
        let batch = try index.search(batch: [0, 0, 0, 2, 2, 2], options: SearchOptions(k: 4))
        #expect(batch[0].map(\.score) == [0, 1, 1, Float(12).squareRoot()])
        #expect(batch[1][0] == Neighbor(id: 20, score: 0))
    }

    @Test func fewerVectorsThanKGivesTheDistanceThenPadding() throws {
        let index = try VectorIndex.build(vectors: [0, 0, 0, 1, 1, 1], ids: [0, 1], configuration: IndexConfiguration(dimension: 3))
        let hits = try index.search([0, 0, 0], options: SearchOptions(k: 3))
        #expect(hits.map(\.id) == [0, 1, -1])
        #expect(hits[0].score == 0)
        #expect(abs(hits[1].score - Float(3).squareRoot()) < 1e-6)
        #expect(hits[2].score == .infinity)
    }

    @Test func innerProductReportsSimilarityLargestFirstWithTies() throws {
        let vectors: [Float] = [
            1, 0, 0,
            0, 2, 0,
            0, 0, 3,
            1, 1, 0,
        ]
        let index = try VectorIndex.build(
            vectors: vectors, ids: [1, 2, 3, 4], configuration: IndexConfiguration(dimension: 3, metric: .innerProduct))
        let hits = try index.search([1, 1, 1], options: SearchOptions(k: 4))
        #expect(hits.map(\.score) == [3, 2, 2, 1])
        #expect(hits[0].id == 3)
        #expect(Set([hits[1].id, hits[2].id]) == [2, 4])
        #expect(hits[3].id == 1)
    }

    @Test func cosineReportsTheCosineOfTheAngle() throws {
        let vectors: [Float] = [
            2, 0, 0,
            1, 1, 0,
            0, 5, 0,
            -3, 0, 0,
        ]
        let index = try VectorIndex.build(
            vectors: vectors, ids: [1, 2, 3, 4], configuration: IndexConfiguration(dimension: 3, metric: .cosine))
        let hits = try index.search([7, 0, 0], options: SearchOptions(k: 4))
        #expect(hits.map(\.id) == [1, 2, 3, 4])
        let expected: [Float] = [1, Float(0.5).squareRoot(), 0, -1]
        for (hit, value) in zip(hits, expected) { #expect(abs(hit.score - value) < 1e-6) }
    }

    @Test func emptyQueryBatchGivesNoResults() throws {
        let (index, _, _) = try makeIndex(n: 200)
        let results = try index.search(batch: [], options: SearchOptions(k: 3))
        #expect(results.queryCount == 0)
        #expect(results.k == 3)
        #expect(results.ids.isEmpty && results.scores.isEmpty)
    }

    @Test(arguments: [1, 2])
    func batchResultsEqualSingleQueryResults(threads: Int) throws {
        var random = SeededRandom(seed: 4)
        let d = 24
        let n = 2000
        let vectors = random.gaussianRows(n, dimension: d)
        let index = try VectorIndex.build(
            vectors: vectors, configuration: IndexConfiguration(dimension: d, threads: 2))
        let queryCount = 40
        let queries = random.gaussianRows(queryCount, dimension: d)
        let options = SearchOptions(k: 10, nprobe: 2, threads: threads)
        let batch = try index.search(batch: queries, options: options)
        for q in 0..<queryCount {
            let single = try index.search(row(queries, q, dimension: d), options: options)
            for (a, b) in zip(single, batch[q]) {
                #expect(close(a.score, b.score), "query \(q): \(a) vs \(b)")
                // Ids agree except where two scores tie to within rounding.
                #expect(a.id == b.id || close(a.score, b.score, relative: 1e-5), "query \(q): \(a) vs \(b)")
            }
            #expect(Set(single.map(\.id)).symmetricDifference(batch[q].map(\.id)).count <= 2)
        }
    }

    @Test func threadCountDoesNotChangeResults() throws {
        // Partitions large enough (4096 × 256 floats) that a single query splits its scan over threads.
        var random = SeededRandom(seed: 5)
        let d = 256
        let n = 4096
        let vectors = random.gaussianRows(n, dimension: d)
        let index = try VectorIndex.build(
            vectors: vectors,
            configuration: IndexConfiguration(dimension: d, partitionCount: 2, kMeansIterations: 1, threads: 2))
        let queries = random.gaussianRows(6, dimension: d)
        let one = try index.search(batch: queries, options: SearchOptions(k: 20, nprobe: 2, threads: 1))
        let two = try index.search(batch: queries, options: SearchOptions(k: 20, nprobe: 2, threads: 2))
        #expect(one == two)
        for q in 0..<6 {
            let query = row(queries, q, dimension: d)
            let serial = try index.search(query, options: SearchOptions(k: 20, nprobe: 2, threads: 1))
            let parallel = try index.search(query, options: SearchOptions(k: 20, nprobe: 2, threads: 2))
            #expect(serial == parallel)
            let truth = BruteForce.search(query, vectors: vectors, ids: (0..<Int64(n)).map { $0 }, dimension: d, metric: .l2, k: 20)
            #expect(BruteForce.recall(found: parallel.map(\.id), truth: truth.map(\.id)) == 1)
        }
    }

    @Test func moreProbesNeverGiveWorseResults() throws {
        let (index, _, _) = try makeIndex(n: 2000, partitions: 40)
        var random = SeededRandom(seed: 6)
        let queries = random.gaussianRows(15, dimension: 16).map { $0 * 10 }
        var previous: SearchResults?
        for nprobe in [1, 2, 4, 8, 16, 40] {
            let results = try index.search(batch: queries, options: SearchOptions(k: 10, nprobe: nprobe))
            if let previous {
                for i in 0..<results.scores.count {
                    // The probed partitions only grow, so the j-th distance can only shrink (up to
                    // float rounding: the batch kernel's summation order depends on how many
                    // queries share a partition).
                    #expect(results.scores[i] <= previous.scores[i] * (1 + 1e-5), "nprobe \(nprobe), slot \(i)")
                }
            }
            previous = results
        }
    }

    @Test func aStoredVectorFindsItselfWithOneProbe() throws {
        let (index, vectors, ids) = try makeIndex(n: 1000, partitions: 20)
        var found = 0
        for i in stride(from: 0, to: 1000, by: 20) {
            let hits = try index.search(row(vectors, i, dimension: 16), options: SearchOptions(k: 1, nprobe: 1))
            if hits[0].id == ids[i] && hits[0].score == 0 { found += 1 }
        }
        #expect(found >= 48, "\(found) of 50 stored vectors were found in their own partition")
    }

    @Test func concurrentSearchesMatchSerialOnes() async throws {
        let (index, _, _) = try makeIndex(n: 1000)
        var random = SeededRandom(seed: 7)
        let queries = random.gaussianRows(8, dimension: 16).map { $0 * 10 }
        let options = SearchOptions(k: 5, nprobe: 4, threads: 1)
        let expected = try (0..<8).map { try index.search(row(queries, $0, dimension: 16), options: options) }
        let results = try await withThrowingTaskGroup(of: (Int, [Neighbor]).self) { group in
            for task in 0..<32 {
                group.addTask {
                    let q = task % 8
                    return (q, try index.search(row(queries, q, dimension: 16), options: options))
                }
            }
            var all: [(Int, [Neighbor])] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 32)
        for (q, hits) in results { #expect(hits == expected[q]) }
    }
}
