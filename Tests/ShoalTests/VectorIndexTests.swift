@testable import Shoal
import ShoalTestSupport
import Testing

@Suite struct VectorIndexTests {
    @Test(arguments: [10, 100, 1000])
    func buildUsesTheDefaultPartitionCount(n: Int) throws {
        var random = SeededRandom(seed: UInt64(n))
        let d = 8
        let vectors = random.clusteredRows(n, dimension: d, clusters: 20)
        let index = try VectorIndex.build(vectors: vectors, configuration: IndexConfiguration(dimension: d, threads: 2))
        #expect(index.count == n)
        #expect(index.dimension == d)
        #expect(index.metric == .l2)
        #expect(index.partitionCount == IndexConfiguration.defaultPartitionCount(for: n))
        #expect(index.levelCount == 2)
        #expect(index.partitionCountsPerLevel == [index.partitionCount, 1])
        #expect(index.partitionSizes.reduce(0, +) == n)
        #expect(index.partitionSizes == index.partitionSizes.sorted(by: >))
        #expect(index.partitionSizes.allSatisfy { $0 > 0 })
        #expect(index.allIDs() == Array(0..<Int64(n)), "ids default to the row numbers")
        index.checkInvariants()
    }

    @Test func buildWithOnePartitionHasOneLevel() throws {
        var random = SeededRandom(seed: 1)
        let vectors = random.gaussianRows(50, dimension: 4)
        let index = try VectorIndex.build(
            vectors: vectors, configuration: IndexConfiguration(dimension: 4, partitionCount: 1, threads: 2))
        #expect(index.levelCount == 1)
        #expect(index.partitionCount == 1)
        #expect(index.partitionCountsPerLevel == [1])
        #expect(index.partitionSizes == [50])
        index.checkInvariants()
    }

    @Test func fewerThanEightVectorsBuildAFlatIndex() throws {
        let index = try VectorIndex.build(
            vectors: [1, 2, 3, 4, 5, 6, 7], configuration: IndexConfiguration(dimension: 1, threads: 2))
        #expect(index.levelCount == 1)
        #expect(index.count == 7)
    }

    @Test func buildWithAnExplicitPartitionCount() throws {
        var random = SeededRandom(seed: 2)
        let vectors = random.clusteredRows(400, dimension: 6, clusters: 10)
        let index = try VectorIndex.build(
            vectors: vectors, configuration: IndexConfiguration(dimension: 6, partitionCount: 12, threads: 2))
        #expect(index.partitionCount == 12)
        #expect(index.partitionCountsPerLevel == [12, 1])
        index.checkInvariants()
    }

    @Test func buildKeepsTheGivenIDsAndVectors() throws {
        var random = SeededRandom(seed: 3)
        let d = 5
        let n = 200
        let vectors = random.gaussianRows(n, dimension: d)
        let ids = (0..<Int64(n)).map { $0 * -7 + 1_000_000_000_000 }
        let index = try VectorIndex.build(
            vectors: vectors, ids: ids, configuration: IndexConfiguration(dimension: d, threads: 2))
        #expect(index.allIDs() == ids.sorted())
        #expect(try index.vectors(for: ids) == vectors)
        #expect(index.contains(ids[17]))
        #expect(!index.contains(12345))
    }

    @Test func buildOfNoVectorsGivesAnEmptyIndex() throws {
        let index = try VectorIndex.build(vectors: [], configuration: IndexConfiguration(dimension: 3))
        #expect(index.count == 0)
        #expect(index.levelCount == 1)
        #expect(index.allIDs().isEmpty)
        index.checkInvariants()
    }

    @Test func emptyIndexHasOnePartitionAndNoVectors() throws {
        let index = try VectorIndex(configuration: IndexConfiguration(dimension: 3))
        #expect(index.count == 0)
        #expect(index.partitionCount == 1)
        #expect(index.levelCount == 1)
        #expect(index.partitionSizes == [0])
        index.checkInvariants()
    }

    @Test func buildIsDeterministicForASeed() throws {
        var random = SeededRandom(seed: 4)
        let d = 8
        let vectors = random.clusteredRows(600, dimension: d, clusters: 8)
        let a = try VectorIndex.build(vectors: vectors, configuration: IndexConfiguration(dimension: d, threads: 2))
        let b = try VectorIndex.build(vectors: vectors, configuration: IndexConfiguration(dimension: d, threads: 1))
        #expect(a.partitionSizes == b.partitionSizes)
        let queries = random.gaussianRows(5, dimension: d)
        #expect(IndexSnapshot(a, queries: queries) == IndexSnapshot(b, queries: queries))
    }

    @Test func multiLevelBuildKeepsItsInvariantsAndFindsTheTrueNeighbours() throws {
        var random = SeededRandom(seed: 5)
        let d = 16
        let n = 3000
        let vectors = random.clusteredRows(n, dimension: d, clusters: 30)
        let configuration = IndexConfiguration(
            dimension: d, partitionCount: 64, kMeansIterations: 4, maxTopLevelCentroids: 8, threads: 2)
        let index = try VectorIndex.build(vectors: vectors, configuration: configuration)
        #expect(index.levelCount >= 3)
        #expect(index.partitionCountsPerLevel.last == 1)
        #expect(index.partitionCountsPerLevel[0] == index.partitionCount)
        #expect(zip(index.partitionCountsPerLevel, index.partitionCountsPerLevel.dropFirst()).allSatisfy { $0 > $1 })
        index.checkInvariants()
        let ids = (0..<Int64(n)).map { $0 }
        let queryCount = 20
        let queries = random.clusteredRows(queryCount, dimension: d, clusters: 30)
        let results = try index.search(
            batch: queries, options: SearchOptions(k: 10, nprobe: index.partitionCount, threads: 2))
        var recall = 0.0
        for q in 0..<queryCount {
            let truth = BruteForce.search(
                row(queries, q, dimension: d), vectors: vectors, ids: ids, dimension: d, metric: .l2, k: 10)
            recall += BruteForce.recall(found: results[q].map(\.id), truth: truth.map(\.id))
            // Every partition of every level was scanned: the distances are the exact ones.
            for (found, expected) in zip(results[q], truth) {
                #expect(close(found.score, expected.score, relative: 1e-3))
            }
        }
        #expect(recall / Double(queryCount) >= 0.95)
    }

    @Test func multiLevelSearchWithFewUpperProbesStillReturnsValidResults() throws {
        var random = SeededRandom(seed: 6)
        let d = 8
        let vectors = random.clusteredRows(2000, dimension: d, clusters: 20)
        let index = try VectorIndex.build(
            vectors: vectors,
            configuration: IndexConfiguration(
                dimension: d, partitionCount: 40, kMeansIterations: 3, maxTopLevelCentroids: 6, threads: 2))
        #expect(index.levelCount >= 3)
        let query = row(vectors, 123, dimension: d)
        for upper in [1, 2, 100] {
            let hits = try index.search(query, options: SearchOptions(k: 5, nprobe: 4, upperLevelNprobe: upper))
            #expect(hits.count == 5)
            #expect(hits.allSatisfy { $0.id >= 0 && $0.id < 2000 })
            #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.score <= $1.score })
            #expect(Set(hits.map(\.id)).count == 5)
        }
    }

    @Test func cosineStoresUnitVectors() throws {
        var random = SeededRandom(seed: 7)
        let d = 12
        let vectors = random.gaussianRows(100, dimension: d).map { $0 * 5 }
        let index = try VectorIndex.build(
            vectors: vectors, configuration: IndexConfiguration(dimension: d, metric: .cosine, threads: 2))
        let stored = try index.vectors(for: [0, 1, 50, 99])
        for i in 0..<4 {
            #expect(abs(norm(row(stored, i, dimension: d)) - 1) < 1e-5)
        }
        // Same direction as the input.
        let original = row(vectors, 50, dimension: d)
        let scale = Float(norm(original))
        for j in 0..<d { #expect(abs(stored[2 * d + j] * scale - original[j]) < 1e-4) }
        // A vector's similarity with itself is 1, whatever its length.
        let hits = try index.search(original.map { $0 * 3 }, options: SearchOptions(k: 1, nprobe: index.partitionCount))
        #expect(hits[0].id == 50)
        #expect(abs(hits[0].score - 1) < 1e-5)
    }

    @Test func innerProductKeepsUnnormalisedVectors() throws {
        var random = SeededRandom(seed: 8)
        let d = 10
        let n = 300
        let vectors = random.gaussianRows(n, dimension: d).enumerated().map { $0.element * Float(1 + $0.offset % 7) }
        let index = try VectorIndex.build(
            vectors: vectors, configuration: IndexConfiguration(dimension: d, metric: .innerProduct, threads: 2))
        #expect(try index.vectors(for: [3]) == row(vectors, 3, dimension: d))
        let ids = (0..<Int64(n)).map { $0 }
        for q in 0..<5 {
            let query = random.gaussianRows(1, dimension: d)
            let truth = BruteForce.search(query, vectors: vectors, ids: ids, dimension: d, metric: .innerProduct, k: 5)
            let hits = try index.search(query, options: SearchOptions(k: 5, nprobe: index.partitionCount))
            #expect(hits.map(\.id) == truth.map(\.id), "query \(q)")
            for (found, expected) in zip(hits, truth) { #expect(close(found.score, expected.score)) }
        }
    }

    @Test func memoryFootprintCoversTheStoredVectors() throws {
        var random = SeededRandom(seed: 9)
        let d = 32
        let n = 500
        let index = try VectorIndex.build(
            vectors: random.gaussianRows(n, dimension: d), configuration: IndexConfiguration(dimension: d, threads: 2))
        #expect(index.memoryFootprint >= n * (d * 4 + 8))
        #expect(index.memoryFootprint < 4 * n * (d * 4 + 8))
    }

    @Test func partitionsHoldTheNearestCentroidsVectors() throws {
        var random = SeededRandom(seed: 10)
        let d = 6
        let vectors = random.clusteredRows(800, dimension: d, clusters: 12)
        let index = try VectorIndex.build(
            vectors: vectors, configuration: IndexConfiguration(dimension: d, partitionCount: 12, threads: 2))
        #expect(index.levelCount == 2)
        let base = index.levels[0]
        let centroids = index.levels[1]
        for id in stride(from: Int64(0), to: 800, by: 13) {
            let location = try #require(base.locations[id])
            let vector = row(vectors, Int(id), dimension: d)
            var best = Double.infinity
            var own = Double.infinity
            for pid in base.partitionIDs {
                let centroid = try #require(centroids.vector(for: Int64(pid)))
                let s = (0..<d).reduce(0.0) { $0 + pow2(Double(vector[$1]) - Double(centroid[$1])) }
                best = min(best, s)
                if pid == Int(location.partition) { own = s }
            }
            #expect(own <= best * (1 + 1e-4) + 1e-3, "id \(id) is not in its nearest centroid's partition")
        }
    }
}

private func pow2(_ x: Double) -> Double { x * x }
