/// The recall calibrations of one index, per k, measured on first use and measured again once the
/// index has changed enough (16 maintenance changes, or its size changed by more than 10 %),
/// plus the calibration queries a user pinned.
///
/// Thread safety: any thread; one mutex guards the table, and measuring happens outside it (two
/// threads may measure at once; the later result wins, which is harmless).
final class CalibrationCache: Sendable {
    private struct Entry {
        var calibration: RecallCalibration
        var generation: Int
        var count: Int
    }

    private let entries = Locked<[Int: Entry]>([:])
    private let pinned = Locked<[Float]?>(nil)

    /// Queries given by the user to calibrate on (``VectorIndex/calibrate(queries:k:)``), if any.
    var pinnedQueries: [Float]? { pinned.withLock { $0 } }

    /// Replaces the pinned calibration queries and forgets every calibration.
    func pin(_ queries: [Float]) {
        pinned.withLock { $0 = queries }
        removeAll()
    }

    /// The calibration for `k`, measuring it with `measure` when missing or stale.
    func calibration(
        k: Int, generation: Int, count: Int, measure: () -> RecallCalibration
    ) -> RecallCalibration {
        let cached = entries.withLock { $0[k] }
        // Splits and merges shift the calibration only a little each; measuring again costs a
        // brute-force pass over the index, so it waits for 16 structural changes or a 10 % change
        // in size.
        if let cached, generation - cached.generation < 16, abs(cached.count - count) * 10 <= max(1, cached.count) {
            return cached.calibration
        }
        let fresh = measure()
        entries.withLock { $0[k] = Entry(calibration: fresh, generation: generation, count: count) }
        return fresh
    }

    /// Drops every calibration.
    func removeAll() { entries.withLock { $0.removeAll() } }
}
