import ShoalKernels

/// Lloyd's k-means on float32 rows, multi-threaded, seeded.
///
/// Training uses a random sample of at most `maxPointsPerCentroid * k` points (as Faiss does);
/// the initial centroids are `k` distinct sampled points. An empty cluster takes half of the
/// largest cluster (its centroid is split in two by a tiny perturbation). With `spherical`, the
/// points are compared by inner product and centroids are normalised after each update (for the
/// inner-product and cosine metrics).
enum KMeans {
    struct Parameters {
        var clusters: Int
        var iterations: Int
        var maxPointsPerCentroid: Int
        var spherical: Bool
        var seed: UInt64
        var threads: Int
    }

    /// Trained centroids, and — when every point was in the training set — each point's nearest
    /// centroid among them.
    struct Outcome {
        /// `clusters * dimension` floats, row-major.
        var centroids: [Float]
        /// `count` centroid positions, or nil when training used a sample.
        var assignments: [Int32]?
    }

    /// Trains `k` centroids on `count` rows of `points`; returns `k * dimension` floats, row-major.
    /// - Precondition: `count ≥ clusters ≥ 1`.
    /// - Complexity: O(`iterations * min(count, 256k) * k * dimension`) work over `threads`.
    static func train(
        points: UnsafePointer<Float>, count: Int, dimension d: Int, parameters p: Parameters
    ) -> [Float] {
        run(points: points, count: count, dimension: d, parameters: p).centroids
    }

    /// As `train`, also returning the final assignment: `iterations` rounds of assignment and
    /// update (as Faiss counts them), then one more assignment to the centroids it returns, which
    /// the caller reuses when the sample is the whole set instead of assigning again.
    static func run(
        points: UnsafePointer<Float>, count: Int, dimension d: Int, parameters p: Parameters
    ) -> Outcome {
        precondition(count >= p.clusters && p.clusters >= 1, "k-means needs at least as many points as clusters")
        var random = SeededGenerator(seed: p.seed)
        let trainingCount = min(count, p.maxPointsPerCentroid * p.clusters)
        var training = [Float](repeating: 0, count: trainingCount * d)
        if trainingCount == count {
            training.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: points, count: count * d) }
        } else {
            let chosen = random.sample(trainingCount, from: count)
            training.withUnsafeMutableBufferPointer { buffer in
                for (row, source) in chosen.enumerated() {
                    (buffer.baseAddress! + row * d).update(from: points + source * d, count: d)
                }
            }
        }
        if p.spherical { normalizeRows(&training, dimension: d) }
        var centroids = [Float](repeating: 0, count: p.clusters * d)
        let seeds = random.sample(p.clusters, from: trainingCount)
        for (c, source) in seeds.enumerated() {
            for j in 0..<d { centroids[c * d + j] = training[source * d + j] }
        }
        let metric: KernelMetric = p.spherical ? .negatedDot : .squaredL2
        var assignments = [Int32](repeating: 0, count: trainingCount)
        let trainingNorms = metric == .squaredL2 ? squaredNorms(training, count: trainingCount, dimension: d) : nil
        for iteration in 0...p.iterations {
            training.withUnsafeBufferPointer { t in
                centroids.withUnsafeBufferPointer { c in
                    assignments.withUnsafeMutableBufferPointer { a in
                        NearestCentroids.search(
                            points: t.baseAddress!, count: trainingCount, centroids: c.baseAddress!,
                            centroidCount: p.clusters, dimension: d, metric: metric, m: 1, threads: p.threads,
                            positions: a.baseAddress!, scores: nil, pointNorms: trainingNorms)
                    }
                }
            }
            if iteration < p.iterations {
                update(centroids: &centroids, training: training, assignments: assignments, dimension: d, parameters: p)
            }
        }
        return Outcome(centroids: centroids, assignments: trainingCount == count ? assignments : nil)
    }

    /// Recomputes centroids as the means of their points (sums per worker, merged in Double);
    /// fills empty clusters by splitting the largest one.
    private static func update(
        centroids: inout [Float], training: [Float], assignments: [Int32], dimension d: Int, parameters p: Parameters
    ) {
        let k = p.clusters
        let n = assignments.count
        let ranges = Parallel.ranges(count: n, chunks: max(1, min(p.threads, n / 4096)))
        let partials = (0..<ranges.count).map { _ in PartialSums(clusters: k, dimension: d) }
        training.withUnsafeBufferPointer { t in
            assignments.withUnsafeBufferPointer { a in
                // Each worker reads shared inputs and writes only its own PartialSums.
                let shared = SendableBox((t.baseAddress!, a.baseAddress!, partials, ranges))
                Parallel.forEach(count: ranges.count, threads: ranges.count) { _, item in
                    let (points, assignments, partials, ranges) = shared.value
                    partials[item].accumulate(points: points, assignments: assignments, range: ranges[item])
                }
            }
        }
        var counts = [Int](repeating: 0, count: k)
        var sums = [Double](repeating: 0, count: k * d)
        for partial in partials {
            for c in 0..<k { counts[c] += partial.counts[c] }
            for i in 0..<(k * d) { sums[i] += Double(partial.sums[i]) }
        }
        for c in 0..<k where counts[c] > 0 {
            let scale = 1.0 / Double(counts[c])
            for j in 0..<d { centroids[c * d + j] = Float(sums[c * d + j] * scale) }
        }
        splitIntoEmptyClusters(centroids: &centroids, counts: &counts, dimension: d)
        if p.spherical { normalizeRows(&centroids, dimension: d) }
    }

    private static func splitIntoEmptyClusters(centroids: inout [Float], counts: inout [Int], dimension d: Int) {
        let epsilon: Float = 1.0 / 1024
        for empty in counts.indices where counts[empty] == 0 {
            guard let largest = counts.indices.max(by: { counts[$0] < counts[$1] }), counts[largest] > 1 else { return }
            for j in 0..<d {
                let value = centroids[largest * d + j]
                let sign: Float = j % 2 == 0 ? 1 : -1
                centroids[empty * d + j] = value * (1 + sign * epsilon)
                centroids[largest * d + j] = value * (1 - sign * epsilon)
            }
            counts[empty] = counts[largest] / 2
            counts[largest] -= counts[empty]
        }
    }

    /// `‖x‖²` of every row.
    private static func squaredNorms(_ values: [Float], count: Int, dimension d: Int) -> [Float] {
        var norms = [Float](repeating: 0, count: count)
        values.withUnsafeBufferPointer { v in
            norms.withUnsafeMutableBufferPointer { out in
                Kernels.squaredNorms(rows: v.baseAddress!, count: count, dimension: d, out: out.baseAddress!)
            }
        }
        return norms
    }

    /// Scales every row to unit length (zero rows stay zero).
    static func normalizeRows(_ values: inout [Float], dimension d: Int) {
        let rows = values.count / d
        values.withUnsafeMutableBufferPointer { buffer in
            for r in 0..<rows {
                let row = buffer.baseAddress! + r * d
                var norm: Float = 0
                for j in 0..<d { norm += row[j] * row[j] }
                guard norm > 0 else { continue }
                let scale = 1 / norm.squareRoot()
                for j in 0..<d { row[j] *= scale }
            }
        }
    }
}

/// One worker's per-cluster sums and counts (Float sums over a bounded slice of points).
private final class PartialSums: @unchecked Sendable {
    let dimension: Int
    var sums: [Float]
    var counts: [Int]

    init(clusters: Int, dimension: Int) {
        self.dimension = dimension
        sums = [Float](repeating: 0, count: clusters * dimension)
        counts = [Int](repeating: 0, count: clusters)
    }

    func accumulate(points: UnsafePointer<Float>, assignments: UnsafePointer<Int32>, range: Range<Int>) {
        let d = dimension
        sums.withUnsafeMutableBufferPointer { sums in
            counts.withUnsafeMutableBufferPointer { counts in
                guard let target = sums.baseAddress, let tally = counts.baseAddress else { return }
                for i in range {
                    let c = Int(assignments[i])
                    tally[c] &+= 1
                    let row = points + i &* d
                    let sum = target + c &* d
                    for j in 0..<d { sum[j] += row[j] }
                }
            }
        }
    }
}
