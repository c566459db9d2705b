/// The recall calibrations of one index, per k, measured on first use and measured again once the
/// index has changed enough — splits plus merges amounting to a thirtieth of the partitions (at
/// least 8), its size changed by more than 5 %, a level added or removed, or the first k neighbours
/// of a quarter of the calibration queries changed by adds and removes — plus the calibration
/// queries and their exact neighbours (``neighbours``), which are kept current between
/// measurements, so that measuring again costs one recall-target scan per calibration query whose
/// trace may have changed (``RecallCalibration/measure(truth:levels:metric:search:k:threads:separations:centroids:structure:previous:)``),
/// and brute force only for the queries whose neighbours were removed.
///
/// Thread safety: any thread; one mutex guards the table, and measuring happens outside it (two
/// threads may measure at once; the later result wins, which is harmless).
final class CalibrationCache: Sendable {
    private struct Entry {
        var calibration: RecallCalibration
        var changes: Int
        var levels: Int
        var count: Int
        var disturbances: Int
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

    /// The calibration for `k`, measuring it with `measure` when missing or stale (`measure` gets
    /// the stale one, whose still-current traces it may keep).
    /// - Parameters:
    ///   - changes: splits plus merges so far (it only grows).
    ///   - levels: the index's level count.
    ///   - partitions: base partitions now.
    ///   - count: vectors stored now.
    func calibration(
        k: Int, changes: Int, levels: Int, partitions: Int, count: Int,
        measure: (_ stale: RecallCalibration?) -> RecallCalibration
    ) -> RecallCalibration {
        let cached = entries.withLock { $0[k] }
        let (disturbances, queries) = neighbours.disturbanceCount
        // Splits and merges shift the calibration a little each, but a burst of merges can shift
        // it a lot (recall fell to 0.66 at a 0.9 target on the synthetic workload trace before
        // the next measurement when it waited for a tenth of the partitions). Measuring again is
        // cheap with the exact neighbours kept current, so it waits for a thirtieth (at least 8)
        // or a 5 % change in size. Measured (docs/workload.md): twice as many measurements on that
        // trace, query operations within ±0.02 of a 0.9 target 31 % → 61 % there (about the same
        // at 0.8 and 0.95), and 78 % → 87 % on the mnist trace.
        // Inserts and deletes can also move the calibration with no split, merge or net change in
        // size: inserts densify some regions while deletes empty others. The calibration queries'
        // own neighbourhoods tell: it is measured again once adds and removes changed the first k
        // neighbours of a quarter of them.
        if let cached, cached.levels == levels, changes - cached.changes < max(8, partitions / 30),
            abs(cached.count - count) * 20 <= max(1, cached.count),
            disturbances - cached.disturbances < max(8, queries / 4)
        {
            return cached.calibration
        }
        let fresh = measure(cached?.calibration)
        entries.withLock {
            $0[k] = Entry(calibration: fresh, changes: changes, levels: levels, count: count, disturbances: disturbances)
        }
        return fresh
    }

    /// Drops every calibration.
    func removeAll() { entries.withLock { $0.removeAll() } }
}
