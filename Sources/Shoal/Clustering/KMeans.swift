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

    /// Trains `k` centroids on `count` rows of `points`; returns `k * dimension` floats, row-major.
    /// - Precondition: `count ≥ clusters ≥ 1`.
    /// - Complexity: O(`iterations * min(count, 256k) * k * dimension`) work over `threads`.
    static func train(
        points: UnsafePointer<Float>, count: Int, dimension d: Int, parameters p: Parameters
    ) -> [Float] {
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
        for _ in 0..<p.iterations {
            training.withUnsafeBufferPointer { t in
                centroids.withUnsafeBufferPointer { c in
                    assignments.withUnsafeMutableBufferPointer { a in
                        NearestCentroids.search(
                            points: t.baseAddress!, count: trainingCount, centroids: c.baseAddress!,
                            centroidCount: p.clusters, dimension: d, metric: metric, m: 1, threads: p.threads,
                            positions: a.baseAddress!, scores: nil)
                    }
                }
            }
            update(centroids: &centroids, training: training, assignments: assignments, dimension: d, parameters: p)
        }
        return centroids
    }

    /// Recomputes centroids as the means of their points; fills empty clusters by splitting the
    /// largest one.
    private static func update(
        centroids: inout [Float], training: [Float], assignments: [Int32], dimension d: Int, parameters p: Parameters
    ) {
        let k = p.clusters
        var sums = [Double](repeating: 0, count: k * d)
        var counts = [Int](repeating: 0, count: k)
        training.withUnsafeBufferPointer { t in
            sums.withUnsafeMutableBufferPointer { s in
                for (i, cluster) in assignments.enumerated() {
                    let c = Int(cluster)
                    counts[c] += 1
                    let row = t.baseAddress! + i * d
                    let target = s.baseAddress! + c * d
                    for j in 0..<d { target[j] += Double(row[j]) }
                }
            }
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
