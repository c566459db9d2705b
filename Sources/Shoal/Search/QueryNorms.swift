import ShoalKernels

/// The queries' squared norms that the batched squared-L2 kernel reads
/// (`‖q‖² + ‖x‖² − 2⟨q, x⟩`), computed once per batch and shared by every partition and round.
enum QueryNorms {
    /// `‖q‖²` of each of `count` queries (row-major) under squared L2; zeros under the other
    /// metrics, whose kernels do not read them.
    /// - Complexity: O(`count × dimension`) under squared L2, O(`count`) otherwise.
    static func squared(
        _ queries: UnsafePointer<Float>, count: Int, dimension: Int, metric: KernelMetric
    ) -> [Float] {
        var norms = [Float](repeating: 0, count: count)
        if metric == .squaredL2, count > 0 {
            norms.withUnsafeMutableBufferPointer {
                Kernels.squaredNorms(rows: queries, count: count, dimension: dimension, out: $0.baseAddress!)
            }
        }
        return norms
    }
}
