import Shoal
import Synchronization

/// Notices when maintenance changed the index's partitioning (splits, merges, levels added or
/// removed) since the last look — by hand through `DurableCollection.maintain`, or automatically
/// inside an add or a search — so that a checkpoint can make the new partitioning durable.
///
/// Thread safety: every method may be called from any thread.
final class StructureWatch: Sendable {
    let index: VectorIndex
    private let seen: Atomic<Int>

    init(index: VectorIndex) {
        self.index = index
        seen = Atomic(StructureWatch.changes(index))
    }

    /// Whether the partitioning changed since the last call (or since this watch was made).
    func changed() -> Bool {
        let now = StructureWatch.changes(index)
        return seen.exchange(now, ordering: .relaxed) != now
    }

    private static func changes(_ index: VectorIndex) -> Int {
        let statistics = index.maintenanceStatistics
        return statistics.splits + statistics.merges + statistics.levelChanges
    }
}
