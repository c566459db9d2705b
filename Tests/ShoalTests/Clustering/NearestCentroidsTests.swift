@testable import Shoal
import ShoalKernels
import ShoalTestSupport
import Testing

@Suite struct NearestCentroidsTests {
    private func run(
        _ points: [Float], _ centroids: [Float], dimension d: Int, metric: KernelMetric, m: Int, threads: Int = 2
    ) -> (positions: [Int32], scores: [Float]) {
        let n = points.count / d
        var positions = [Int32](repeating: -7, count: n * m)
        var scores = [Float](repeating: .nan, count: n * m)
        points.withUnsafeBufferPointer { p in
            centroids.withUnsafeBufferPointer { c in
                positions.withUnsafeMutableBufferPointer { pos in
                    scores.withUnsafeMutableBufferPointer { s in
                        NearestCentroids.search(
                            points: p.baseAddress!, count: n, centroids: c.baseAddress!, centroidCount: centroids.count / d,
                            dimension: d, metric: metric, m: m, threads: threads, positions: pos.baseAddress!,
                            scores: s.baseAddress!)
                    }
                }
            }
        }
        return (positions, scores)
    }

    /// Exact scores of one point against every centroid, smaller is better.
    private func exact(_ point: [Float], _ centroids: [Float], dimension d: Int, metric: KernelMetric) -> [Double] {
        (0..<(centroids.count / d)).map { c in
            var s = 0.0
            for j in 0..<d {
                let x = Double(point[j])
                let y = Double(centroids[c * d + j])
                s += metric == .squaredL2 ? (x - y) * (x - y) : -x * y
            }
            return s
        }
    }

    @Test(arguments: [KernelMetric.squaredL2, .negatedDot], [1, 4])
    func findsTheNearestCentroidsBestFirst(metric: KernelMetric, m: Int) {
        var random = SeededRandom(seed: 5)
        let d = 9
        // More points than one chunk, so several chunks run on both threads.
        let points = random.gaussianRows(300, dimension: d)
        let centroids = random.gaussianRows(20, dimension: d)
        let (positions, scores) = run(points, centroids, dimension: d, metric: metric, m: m)
        for i in 0..<300 {
            let truth = exact(row(points, i, dimension: d), centroids, dimension: d, metric: metric)
            let order = truth.indices.sorted { truth[$0] < truth[$1] }
            for j in 0..<m {
                let position = Int(positions[i * m + j])
                #expect((0..<20).contains(position))
                // The found centroid is as good as the true j-th, up to float rounding.
                #expect(abs(truth[position] - truth[order[j]]) <= 1e-4 * max(1, abs(truth[order[j]])))
                #expect(abs(Double(scores[i * m + j]) - truth[position]) <= 1e-3 * max(1, abs(truth[position])))
            }
            if m > 1 {
                for j in 1..<m { #expect(scores[i * m + j - 1] <= scores[i * m + j]) }
            }
        }
    }

    /// Up to `smallCount` centroids the one-query kernel is used; the answer must be the same.
    @Test(arguments: [KernelMetric.squaredL2, .negatedDot], [1, 2, 3, 4, 5])
    func aFewCentroidsGiveTheNearest(metric: KernelMetric, centroidCount: Int) {
        var random = SeededRandom(seed: 6)
        let d = 13
        let points = random.gaussianRows(300, dimension: d)
        let centroids = random.gaussianRows(centroidCount, dimension: d)
        let (positions, scores) = run(points, centroids, dimension: d, metric: metric, m: 1)
        for i in 0..<300 {
            let truth = exact(row(points, i, dimension: d), centroids, dimension: d, metric: metric)
            let best = truth.min()!
            let position = Int(positions[i])
            #expect((0..<centroidCount).contains(position))
            #expect(abs(truth[position] - best) <= 1e-4 * max(1, abs(best)))
            #expect(abs(Double(scores[i]) - truth[position]) <= 1e-3 * max(1, abs(truth[position])))
        }
    }

    @Test func fewerCentroidsThanMPadsWithMinusOne() {
        let points: [Float] = [0, 0, 10, 10]
        let centroids: [Float] = [1, 1, 9, 9]
        let (positions, scores) = run(points, centroids, dimension: 2, metric: .squaredL2, m: 3)
        #expect(positions == [0, 1, -1, 1, 0, -1])
        #expect(scores[2] == .infinity && scores[5] == .infinity)
        #expect(scores[0] == 2)
    }

    @Test func noPointsWritesNothing() {
        let centroids: [Float] = [1, 1]
        let (positions, _) = run([], centroids, dimension: 2, metric: .squaredL2, m: 1)
        #expect(positions.isEmpty)
    }
}
