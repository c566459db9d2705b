import ShoalKernels

/// Pairwise Euclidean distances between the centroids of the flat top partition (row-major,
/// `count × count`, in the partition's slot order), so recall-target search does not recompute
/// `‖c_i − c_0‖` for every query. Built on demand for indexes of two levels with at most 2048
/// centroids, and tied to the structure generation it was built for.
///
/// Thread safety: immutable after construction.
final class SeparationTable: Sendable {
    static let maximumCount = 2048
    let generation: Int
    let count: Int
    let values: [Float]

    /// - Complexity: O(count² × d).
    init(top: Partition, generation: Int) {
        self.generation = generation
        let n = top.count
        count = n
        var values = [Float](repeating: 0, count: n * n)
        values.withUnsafeMutableBufferPointer { out in
            for i in 0..<n {
                Kernels.distances(
                    .squaredL2, query: top.row(i), rows: top.vectors, count: n, dimension: top.dimension,
                    out: out.baseAddress! + i * n)
            }
            for i in 0..<(n * n) { out[i] = out[i].squareRoot() }
        }
        self.values = values
    }
}
