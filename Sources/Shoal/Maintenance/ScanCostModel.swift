/// λ(n, k): the time to scan a partition of `n` vectors for the best `k`, in nanoseconds.
///
/// Maintenance weighs every split or merge with it (the cost of a partition is its access
/// frequency × λ(size)). Tests inject exact tables; indexes use ``MeasuredScanCost``.
public protocol ScanCostModel: Sendable {
    /// Nanoseconds to scan `size` vectors keeping the best `k`. 0 for an empty partition.
    func latency(size: Int, k: Int) -> Double
}

/// A λ table on a grid of sizes (and ks), interpolated linearly inside the grid and extrapolated
/// linearly beyond it from its last two points (first two below it, floored at 0).
public struct GridScanCost: ScanCostModel, Equatable {
    /// Sizes, ascending, at least two.
    public let sizes: [Int]
    /// Values of k, ascending, at least one.
    public let ks: [Int]
    /// `nanoseconds[ki][si]` for `ks[ki]` and `sizes[si]`.
    public let nanoseconds: [[Double]]

    /// Makes a table. - Precondition: at least two sizes, one k, matching shapes, ascending grids.
    public init(sizes: [Int], ks: [Int] = [10], nanoseconds: [[Double]]) {
        precondition(sizes.count >= 2 && !ks.isEmpty, "a cost grid needs at least two sizes and one k")
        precondition(nanoseconds.count == ks.count && nanoseconds.allSatisfy { $0.count == sizes.count }, "grid shape")
        precondition(zip(sizes, sizes.dropFirst()).allSatisfy { $0 < $1 }, "sizes must ascend")
        precondition(zip(ks, ks.dropFirst()).allSatisfy { $0 < $1 }, "ks must ascend")
        self.sizes = sizes
        self.ks = ks
        self.nanoseconds = nanoseconds
    }

    public func latency(size: Int, k: Int) -> Double {
        guard size > 0 else { return 0 }
        let rows = nanoseconds.map { Self.interpolate(Double(size), xs: sizes.map(Double.init), ys: $0) }
        guard ks.count > 1 else { return max(0, rows[0]) }
        return max(0, Self.interpolate(Double(max(1, k)), xs: ks.map(Double.init), ys: rows))
    }

    /// Piecewise-linear through (xs, ys), extended linearly past both ends.
    static func interpolate(_ x: Double, xs: [Double], ys: [Double]) -> Double {
        guard xs.count > 1 else { return ys.first ?? 0 }
        var upper = xs.firstIndex { $0 >= x } ?? (xs.count - 1)
        upper = max(1, upper)
        let lower = upper - 1
        let t = (x - xs[lower]) / (xs[upper] - xs[lower])
        return ys[lower] + (ys[upper] - ys[lower]) * t
    }
}
