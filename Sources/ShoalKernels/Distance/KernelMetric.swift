/// What a kernel computes for a (query, row) pair. Both are "smaller is better".
public enum KernelMetric: Sendable, Hashable {
    /// `‖q − x‖²`.
    case squaredL2
    /// `−⟨q, x⟩` (inner product and cosine on unit vectors).
    case negatedDot
}
