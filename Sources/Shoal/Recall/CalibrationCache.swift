/// The recall calibrations of one index, per k, measured on first use and measured again once the
/// index has changed enough — splits plus merges amounting to a tenth of the partitions (at least
/// 16), its size changed by more than 10 %, or a level added or removed — plus the calibration
/// queries and their exact neighbours (``neighbours``), which are kept current between
/// measurements.
///
/// Thread safety: any thread; one mutex guards the table, and measuring happens outside it (two
/// threads may measure at once; the later result wins, which is harmless).
final class CalibrationCache: Sendable {
    private struct Entry {
        var calibration: RecallCalibration
        var changes: Int
        var levels: Int
        var count: Int
    }

    private let entries = Locked<[Int: Entry]>([:])
    /// The calibration queries and their exact neighbours (their own lock).
    let neighbours = CalibrationNeighbours()

    /// Calibrates on `queries` from now on (``VectorIndex/calibrate(queries:k:)``) and forgets
    /// every calibration.
    func pin(_ queries: [Float]) {
        neighbours.pin(queries)
        removeAll()
    }

    /// The calibration for `k`, measuring it with `measure` when missing or stale.
    /// - Parameters:
    ///   - changes: splits plus merges so far (it only grows).
    ///   - levels: the index's level count.
    ///   - partitions: base partitions now.
    ///   - count: vectors stored now.
    func calibration(
        k: Int, changes: Int, levels: Int, partitions: Int, count: Int, measure: () -> RecallCalibration
    ) -> RecallCalibration {
        let cached = entries.withLock { $0[k] }
        // Splits and merges shift the calibration only a little each; measuring again costs a
        // brute-force pass over the index, so it waits for changes to a tenth of the partitions
        // (at least 16) or a 10 % change in size.
        if let cached, cached.levels == levels, changes - cached.changes < max(16, partitions / 10),
            abs(cached.count - count) * 10 <= max(1, cached.count)
        {
            return cached.calibration
        }
        let fresh = measure()
        entries.withLock {
            $0[k] = Entry(calibration: fresh, changes: changes, levels: levels, count: count)
        }
        return fresh
    }

    /// Drops every calibration.
    func removeAll() { entries.withLock { $0.removeAll() } }
}
