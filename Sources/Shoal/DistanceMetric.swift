import ShoalKernels

/// How closeness is measured.
///
/// Results report a *distance* for `.l2` (the Euclidean distance, best = smallest) and a
/// *similarity* for `.innerProduct` and `.cosine` (best = largest).
public enum DistanceMetric: String, Sendable, CaseIterable, Codable {
    /// Euclidean distance `‖q − x‖`. Results are reported as the distance itself, not its square.
    case l2
    /// Inner product `⟨q, x⟩` on the vectors as given (not normalised).
    case innerProduct = "ip"
    /// Cosine similarity. Vectors and queries are normalised to unit length on the way in; the
    /// index stores only the normalised vectors (so `vectors(for:)` returns unit vectors), and a
    /// zero vector is rejected.
    case cosine

    /// The kernel computing the internal smaller-is-better score.
    @usableFromInline
    var kernelMetric: KernelMetric { self == .l2 ? .squaredL2 : .negatedDot }

    /// Whether vectors are normalised on the way in.
    var normalizes: Bool { self == .cosine }

    /// Whether larger reported scores are better.
    public var higherIsBetter: Bool { self != .l2 }

    /// The score reported for an empty result slot: `+∞` distance or `−∞` similarity.
    public var paddingScore: Float { higherIsBetter ? -.infinity : .infinity }

    /// Converts an internal score (squared L2, or negated dot) to the reported one.
    func reportedScore(_ value: Float) -> Float {
        self == .l2 ? value.squareRoot() : -value
    }
}
