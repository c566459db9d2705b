import ShoalKernels

/// Finds, for many points at once, their `m` nearest centroids with the batch kernel.
///
/// Points are processed in chunks of `chunkSize` rows, spread over threads; each worker owns its
/// scratch. Scores are internal (smaller is better: squared L2 or negated dot).
enum NearestCentroids {
    static let chunkSize = 128
    /// Up to this many centroids (with `m = 1`), each is compared with the points by the
    /// one-query kernel instead of the batch kernel.
    static let smallCount = 4

    /// For each of `count` points, the positions (0-based, within `centroids`) of its `m` nearest
    /// centroids, best first, into `positions[i * m ..< (i + 1) * m]` (−1 where there are fewer
    /// than `m` centroids), and their scores into `scores` when given. `pointNorms` may carry the
    /// points' squared norms when the caller has them (repeated k-means passes). With `m = 1` and
    /// at most ``smallCount`` centroids the one-query kernel scans the points once per centroid
    /// (no norms needed); a tie goes to the first centroid either way.
    ///
    /// - Complexity: O(`count * centroidCount * dimension`) work, spread over `threads`.
    static func search(
        points: UnsafePointer<Float>, count: Int, centroids: UnsafePointer<Float>, centroidCount: Int,
        dimension d: Int, metric: KernelMetric, m: Int, threads: Int,
        positions: UnsafeMutablePointer<Int32>, scores: UnsafeMutablePointer<Float>?, pointNorms: [Float]? = nil
    ) {
        guard count > 0 else { return }
        let centroidNorms = UnsafeMutablePointer<Float>.allocate(capacity: max(1, centroidCount))
        defer { centroidNorms.deallocate() }
        if metric == .squaredL2 {
            Kernels.squaredNorms(rows: centroids, count: centroidCount, dimension: d, out: centroidNorms)
        }
        let chunks = (count + chunkSize - 1) / chunkSize
        let workers = max(1, min(threads, chunks))
        let scratchPerWorker = chunkSize * max(1, centroidCount) + chunkSize
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: workers * scratchPerWorker)
        defer { scratch.deallocate() }
        // Shared read-only inputs; each chunk writes only its own rows of `positions`/`scores`, and
        // each worker only its own scratch.
        let shared = SendableBox(
            (points, centroids, UnsafePointer(centroidNorms), scratch, positions, scores, pointNorms))
        Parallel.forEach(count: chunks, threads: workers) { worker, chunk in
            let (points, centroids, centroidNorms, scratch, positions, scores, knownNorms) = shared.value
            let start = chunk * chunkSize
            let rows = min(chunkSize, count - start)
            let distances = scratch + worker * scratchPerWorker
            let pointNorms = distances + chunkSize * max(1, centroidCount)
            let chunkPoints = points + start * d
            if m == 1 && centroidCount >= 1 && centroidCount <= smallCount {
                // One streaming scan per centroid: the batch kernel would fill whole register
                // panels for a handful of rows, and this needs no norms.
                for c in 0..<centroidCount {
                    Kernels.distances(
                        metric, query: centroids + c * d, rows: chunkPoints, count: rows, dimension: d,
                        out: distances + c * chunkSize)
                }
                for i in 0..<rows {
                    var best = Float.infinity
                    var bestIndex: Int32 = 0
                    for c in 0..<centroidCount where distances[c * chunkSize + i] < best {
                        best = distances[c * chunkSize + i]
                        bestIndex = Int32(c)
                    }
                    positions[start + i] = bestIndex
                    scores?[start + i] = best
                }
                return
            }
            if metric == .squaredL2 {
                if let knownNorms {
                    for i in 0..<rows { pointNorms[i] = knownNorms[start + i] }
                } else {
                    Kernels.squaredNorms(rows: chunkPoints, count: rows, dimension: d, out: pointNorms)
                }
            }
            Kernels.batchDistances(
                metric, queries: chunkPoints, queryNorms: pointNorms, queryCount: rows, rows: centroids,
                rowNorms: centroidNorms, rowCount: centroidCount, dimension: d, out: distances,
                outStride: max(1, centroidCount))
            let heap = m > 1 ? TopKBuffers(queryCount: 1, k: m) : nil
            for i in 0..<rows {
                select(
                    m: m, from: distances + i * centroidCount, count: centroidCount, heap: heap,
                    positions: positions + (start + i) * m, scores: scores.map { $0 + (start + i) * m })
            }
        }
    }

    /// The `m` smallest of `count` values, best first, by position.
    private static func select(
        m: Int, from values: UnsafePointer<Float>, count: Int, heap: TopKBuffers?,
        positions: UnsafeMutablePointer<Int32>, scores: UnsafeMutablePointer<Float>?
    ) {
        guard let heap else {
            var best = Float.infinity
            var bestIndex: Int32 = count > 0 ? 0 : -1
            for c in 0..<count where values[c] < best {
                best = values[c]
                bestIndex = Int32(c)
            }
            positions[0] = bestIndex
            scores?[0] = count > 0 ? values[Int(bestIndex)] : .infinity
            return
        }
        heap.reset()
        for c in 0..<count { heap.push(query: 0, distance: values[c], id: Int64(c)) }
        let sorted = heap.sorted(query: 0)
        for j in 0..<m {
            if j < sorted.count {
                positions[j] = Int32(sorted[j].id)
                scores?[j] = sorted[j].distance
            } else {
                positions[j] = -1
                scores?[j] = .infinity
            }
        }
    }
}
