/// The fraction of a `d`-ball's volume cut off by a hyperplane at distance `h` from its centre,
/// relative to the radius `ρ`: `½ · I_{1−(h/ρ)²}((d+1)/2, ½)` (Li, 2011), tabulated at 1025 evenly
/// spaced values of `t = h/ρ ∈ [0, 1]` and interpolated linearly.
///
/// Tables are built once per dimension and shared (`table(for:)`), fixing the reference
/// implementation's single global table built for whichever dimension came first.
///
/// Thread safety: immutable after construction; the cache is protected by a mutex.
final class CapVolumeTable: Sendable {
    static let resolution = 1024
    let dimension: Int
    private let values: [Float]

    private static let cache = Locked<[Int: CapVolumeTable]>([:])

    /// The shared table for `dimension`. - Complexity: O(1) after the first call per dimension.
    static func table(for dimension: Int) -> CapVolumeTable {
        cache.withLock { tables in
            if let table = tables[dimension] { return table }
            let table = CapVolumeTable(dimension: dimension)
            tables[dimension] = table
            return table
        }
    }

    init(dimension: Int) {
        self.dimension = dimension
        let a = (Double(dimension) + 1) / 2
        values = (0...CapVolumeTable.resolution).map { i in
            let t = Double(i) / Double(CapVolumeTable.resolution)
            return Float(0.5 * IncompleteBeta.regularized(1 - t * t, a: a, b: 0.5))
        }
    }

    /// The cap fraction for a plane at `distance` from the centre of a ball of `radius`:
    /// ½ at distance 0, 0 at or beyond the radius.
    func fraction(distance: Float, radius: Float) -> Float {
        guard radius > 0, radius.isFinite else { return radius.isInfinite ? 0.5 : 0 }
        return values.withUnsafeBufferPointer { CapVolumeTable.fraction(ratio: distance / radius, values: $0) }
    }

    /// Calls `body` with the tabulated values, for loops that evaluate many fractions
    /// (``fraction(ratio:values:)``).
    func withValues<R>(_ body: (UnsafeBufferPointer<Float>) -> R) -> R {
        values.withUnsafeBufferPointer(body)
    }

    /// The cap fraction at `t = h/ρ` from a table's `values`: 0 at or beyond 1 (and for NaN).
    @inline(__always)
    static func fraction(ratio t: Float, values: UnsafeBufferPointer<Float>) -> Float {
        guard t < 1 else { return 0 }
        let position = max(0, t) * Float(resolution)
        let index = min(resolution - 1, Int(position))
        let weight = position - Float(index)
        return values[index] * (1 - weight) + values[index + 1] * weight
    }
}
