@testable import Shoal
import ShoalTestSupport
import Testing

@Suite struct KMeansTests {
    private func train(
        _ points: [Float], dimension d: Int, clusters: Int, iterations: Int = 10, maxPointsPerCentroid: Int = 256,
        spherical: Bool = false, seed: UInt64 = 1, threads: Int = 2
    ) -> [Float] {
        points.withUnsafeBufferPointer { p in
            KMeans.train(
                points: p.baseAddress!, count: points.count / d, dimension: d,
                parameters: .init(
                    clusters: clusters, iterations: iterations, maxPointsPerCentroid: maxPointsPerCentroid,
                    spherical: spherical, seed: seed, threads: threads))
        }
    }

    /// Points around `centres` (spread 0.1), one block per centre, and the centres.
    private func blobs(_ random: inout SeededRandom, centres: Int, perCentre: Int, dimension d: Int) -> ([Float], [Float]) {
        var centreValues: [Float] = []
        for c in 0..<centres {
            // Far apart: centre c sits at 100·c on axis c % d, plus a small offset.
            for j in 0..<d { centreValues.append(j == c % d ? Float(100 * (c + 1)) : Float(c)) }
        }
        var points: [Float] = []
        for c in 0..<centres {
            for _ in 0..<perCentre {
                for j in 0..<d { points.append(centreValues[c * d + j] + 0.1 * random.normal()) }
            }
        }
        return (points, centreValues)
    }

    private func squaredDistance(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    }

    @Test(arguments: UInt64(1)...5)
    func findsTwoWellSeparatedClustersFromAnySeed(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let d = 4
        let (points, centres) = blobs(&random, centres: 2, perCentre: 40, dimension: d)
        let centroids = train(points, dimension: d, clusters: 2, seed: seed)
        #expect(centroids.count == 2 * d)
        for c in 0..<2 {
            let nearest = (0..<2).map {
                squaredDistance(centres[(c * d)..<((c + 1) * d)], centroids[($0 * d)..<(($0 + 1) * d)])
            }.min()!
            #expect(nearest < 0.1, "centre \(c) has no centroid near it: \(centroids)")
        }
    }

    @Test func moreIterationsNeverIncreaseTheSumOfSquares() {
        // Lloyd's algorithm may stop in a local minimum (two blobs merged), but no iteration makes
        // the within-cluster sum of squares worse. Zero iterations returns the initial seeds.
        var random = SeededRandom(seed: 2)
        let d = 4
        let k = 5
        let (points, _) = blobs(&random, centres: k, perCentre: 40, dimension: d)
        func sumOfSquares(_ centroids: [Float]) -> Double {
            (0..<(points.count / d)).reduce(0.0) { total, i in
                let p = points[(i * d)..<((i + 1) * d)]
                return total + Double((0..<k).map { squaredDistance(p, centroids[($0 * d)..<(($0 + 1) * d)]) }.min()!)
            }
        }
        for seed in UInt64(1)...3 {
            let costs = [0, 1, 2, 5, 10].map { sumOfSquares(train(points, dimension: d, clusters: k, iterations: $0, seed: seed)) }
            for (before, after) in zip(costs, costs.dropFirst()) {
                #expect(after <= before * (1 + 1e-5), "seed \(seed): \(costs)")
            }
            #expect(costs.last! < costs.first! / 2, "seed \(seed): k-means improved on its seeds: \(costs)")
        }
    }

    @Test func centroidsAreMeansOfTheirPoints() {
        // Two tight groups on a line: the centroids must be their exact means.
        let points: [Float] = [0, 1, 2, 100, 101, 102]
        let centroids = train(points, dimension: 1, clusters: 2).sorted()
        #expect(abs(centroids[0] - 1) < 1e-5)
        #expect(abs(centroids[1] - 101) < 1e-5)
    }

    @Test func sameSeedGivesTheSameCentroids() {
        var random = SeededRandom(seed: 2)
        let points = random.clusteredRows(500, dimension: 8, clusters: 6)
        let a = train(points, dimension: 8, clusters: 6, seed: 9)
        let b = train(points, dimension: 8, clusters: 6, seed: 9)
        #expect(a == b)
        let oneThread = train(points, dimension: 8, clusters: 6, seed: 9, threads: 1)
        #expect(a == oneThread, "the thread count does not change the result")
    }

    @Test func asManyClustersAsPointsWorks() {
        let points: [Float] = [0, 0, 5, 5, 9, 1]
        let centroids = train(points, dimension: 2, clusters: 3)
        #expect(centroids.count == 6)
        var pairs = (0..<3).map { [centroids[2 * $0], centroids[2 * $0 + 1]] }
        pairs.sort { $0[0] < $1[0] }
        #expect(pairs == [[0, 0], [5, 5], [9, 1]])
    }

    @Test func identicalPointsStillGiveFiniteCentroids() {
        let points = [Float](repeating: 3, count: 20 * 4)
        let centroids = train(points, dimension: 4, clusters: 3)
        #expect(centroids.count == 12)
        #expect(centroids.allSatisfy { $0.isFinite && abs($0 - 3) < 0.01 })
    }

    @Test func sphericalCentroidsHaveUnitLength() {
        var random = SeededRandom(seed: 3)
        let d = 6
        let points = random.clusteredRows(300, dimension: d, clusters: 4)
        let centroids = train(points, dimension: d, clusters: 4, spherical: true)
        for c in 0..<4 {
            #expect(abs(norm(row(centroids, c, dimension: d)) - 1) < 1e-4)
        }
    }

    @Test func trainingOnASampleStillCoversEveryCluster() {
        var random = SeededRandom(seed: 4)
        let d = 3
        let (points, centres) = blobs(&random, centres: 3, perCentre: 300, dimension: d)
        // 3 clusters × 20 points each: trains on 60 of the 900 points.
        let centroids = train(points, dimension: d, clusters: 3, maxPointsPerCentroid: 20, seed: 2)
        for c in 0..<3 {
            let nearest = (0..<3).map {
                squaredDistance(centres[(c * d)..<((c + 1) * d)], centroids[($0 * d)..<(($0 + 1) * d)])
            }.min()!
            #expect(nearest < 1, "centre \(c) has no centroid near it")
        }
    }

    @Test func normalizeRowsScalesToUnitLengthAndLeavesZeroRows() {
        var values: [Float] = [3, 4, 0, 0, 0, 0, 0, -2, 0]
        KMeans.normalizeRows(&values, dimension: 3)
        #expect(values == [0.6, 0.8, 0, 0, 0, 0, 0, -1, 0])
    }

    @Test func moreClustersThanPointsIsAProgrammingError() async {
        await #expect(processExitsWith: .failure) {
            let points: [Float] = [1, 2]
            _ = points.withUnsafeBufferPointer { p in
                KMeans.train(
                    points: p.baseAddress!, count: 2, dimension: 1,
                    parameters: .init(clusters: 3, iterations: 1, maxPointsPerCentroid: 10, spherical: false, seed: 1, threads: 1))
            }
        }
    }
}
