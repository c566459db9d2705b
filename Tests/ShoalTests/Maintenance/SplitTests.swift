@testable import Shoal
import ShoalTestSupport
import Testing

/// Splitting one partition: what the estimate skips, what verification rejects, what a pass
/// remembers of a rejection, and a commit after the rows changed.
@Suite struct SplitTests {
    private static let d = 4

    /// Two partitions: one of 90 rows near the origin plus 10 rows near (5, 0, …) — whose 2-means
    /// split is 90/10 — and one of 100 rows far away.
    private func lopsidedIndex() throws -> (VectorIndex, pid: Int) {
        var random = SeededRandom(seed: 7)
        let d = Self.d
        var vectors: [Float] = []
        for i in 0..<200 {
            let centre: Float = i < 90 ? 0 : (i < 100 ? 5 : 100)
            vectors += (0..<d).map { j in (j == 0 ? centre : 0) + 0.05 * random.normal() }
        }
        let configuration = IndexConfiguration(dimension: d, partitionCount: 2, threads: 1)
        let index = try VectorIndex.build(vectors: vectors, configuration: configuration)
        let pid = try #require(index.levels[0].partitions.first { $0.value.count == 100 && $0.value.ids[0] < 100 }?.key)
        try #require(index.levels[0].partitions.values.allSatisfy { $0.count == 100 })
        return (index, pid)
    }

    private func plan(mergeLimit: Double, tau: Double = 0) -> MaintenancePlan {
        var plan = MaintenancePlan(
            cost: { MaintenanceTests.affine.latency(size: $0, k: 10) }, tau: tau, alpha: 0.5, addOverhead: 10,
            removeOverhead: -10)
        plan.mergeLimit = mergeLimit
        plan.minimumSplitSize = 4
        return plan
    }

    /// Prepares a split of `pid` under the shared lock, as a pass does.
    private func prepare(
        _ pid: Int, in index: VectorIndex, plan: MaintenancePlan, memory: MaintenanceMemory,
        report: inout MaintenanceReport
    ) -> PreparedSplit? {
        index.lock.withReadLock { index.prepareSplit(pid, frequency: 1, plan: plan, memory: memory, report: &report) }
    }

    /// Commits a prepared split under the exclusive lock; the children, or nil when rejected.
    private func commit(
        _ prepared: PreparedSplit, in index: VectorIndex, plan: MaintenancePlan, memory: inout MaintenanceMemory,
        report: inout MaintenanceReport
    ) -> [Int]? {
        index.lock.withWriteLock { index.commitSplit(prepared, plan: plan, memory: &memory, report: &report) }
    }

    @Test func theEstimateSkipsAPartitionWhoseBalancedHalvesWouldBeMergeCandidates() {
        let plan = plan(mergeLimit: 20)
        #expect(!plan.wouldSplit(size: 39, frequency: 1))
        #expect(plan.wouldSplit(size: 40, frequency: 1))
        #expect(plan.verifiesSplit(size: 40, childSizes: (20, 20), frequency: 1))
        #expect(!plan.verifiesSplit(size: 40, childSizes: (19, 21), frequency: 1))
        #expect(!plan.verifiesSplit(size: 40, childSizes: (0, 40), frequency: 1))
    }

    @Test func aRejectedSplitIsRememberedWhileItsPartitionIsUnchanged() throws {
        let (index, pid) = try lopsidedIndex()
        var memory = MaintenanceMemory()
        var report = MaintenanceReport()
        // A 90/10 split leaves a child below the merge limit of 20: rejected, and remembered.
        let strict = plan(mergeLimit: 20)
        let prepared = try #require(prepare(pid, in: index, plan: strict, memory: memory, report: &report))
        #expect(commit(prepared, in: index, plan: strict, memory: &memory, report: &report) == nil)
        #expect(report.rejectedSplits == 1)
        let remembered = try #require(memory.rejectedSplits[pid])
        #expect(remembered.version == index.levels[0].partitions[pid]!.version)
        #expect(Set([remembered.childSizes.0, remembered.childSizes.1]) == [90, 10])
        // The next pass does not train it again: the remembered children are verified and fail.
        #expect(prepare(pid, in: index, plan: strict, memory: memory, report: &report) == nil)
        #expect(report.rejectedSplits == 2)
        // With a lower merge limit the remembered split passes, with the remembered centroids.
        let lenient = plan(mergeLimit: 5)
        let again = try #require(prepare(pid, in: index, plan: lenient, memory: memory, report: &report))
        #expect(again.centroids == remembered.centroids)
        let pairs = try storedPairs(index)
        let children = try #require(commit(again, in: index, plan: lenient, memory: &memory, report: &report))
        #expect(Set(children.map { index.levels[0].partitions[$0]!.count }) == [90, 10])
        index.checkInvariants()
        #expect(try storedPairs(index) == pairs)
    }

    @Test func aRememberedRejectionIsNotUsedOnceThePartitionChanged() throws {
        let (index, pid) = try lopsidedIndex()
        var memory = MaintenanceMemory()
        var report = MaintenanceReport()
        let strict = plan(mergeLimit: 20)
        let prepared = try #require(prepare(pid, in: index, plan: strict, memory: memory, report: &report))
        _ = commit(prepared, in: index, plan: strict, memory: &memory, report: &report)
        let version = try #require(memory.rejectedSplits[pid]?.version)
        // Fifteen more rows near (5, 0, …): the partition's rows changed, so it is trained again,
        // and the split (90/25) now passes.
        var random = SeededRandom(seed: 8)
        let more = (0..<(15 * Self.d)).map { j in (j % Self.d == 0 ? Float(5) : 0) + 0.05 * random.normal() }
        try index.add(vectors: more, ids: (0..<15).map { 1_000 + Int64($0) })
        #expect(index.levels[0].partitions[pid]!.count == 115)
        #expect(index.levels[0].partitions[pid]!.version != version)
        let fresh = try #require(prepare(pid, in: index, plan: strict, memory: memory, report: &report))
        let children = try #require(commit(fresh, in: index, plan: strict, memory: &memory, report: &report))
        #expect(Set(children.map { index.levels[0].partitions[$0]!.count }) == [90, 25])
        index.checkInvariants()
    }

    /// A small partition that no query scans cannot gain from a merge (ΔO⁻ alone is above −τ),
    /// so it is dropped before its neighbours are looked up; an empty one is always merged.
    @Test func aColdSmallPartitionIsNotWeighedForAMerge() throws {
        let (index, pid) = try lopsidedIndex()
        let plan = plan(mergeLimit: 1_000, tau: 100)
        #expect(index.lock.withReadLock { index.prepareMerge(pid, frequencies: [:], plan: plan, allowsNonEmpty: true) } == nil)
        try index.remove(ids: index.lock.withReadLock { (0..<100).map { index.levels[0].partitions[pid]!.ids[$0] } })
        let empty = try #require(
            index.lock.withReadLock { index.prepareMerge(pid, frequencies: [:], plan: plan, allowsNonEmpty: false) })
        #expect(empty.ids.isEmpty)
    }

    /// Rows added between the prepare and the commit are assigned at the commit, not dropped.
    @Test func aCommitAfterTheRowsChangedAssignsThemAgain() throws {
        let (index, pid) = try lopsidedIndex()
        var memory = MaintenanceMemory()
        var report = MaintenanceReport()
        let lenient = plan(mergeLimit: 5)
        let prepared = try #require(prepare(pid, in: index, plan: lenient, memory: memory, report: &report))
        #expect(prepared.assignments.count == 100)
        var random = SeededRandom(seed: 9)
        let more = (0..<(3 * Self.d)).map { _ in 0.05 * random.normal() }
        try index.add(vectors: more, ids: [2_000, 2_001, 2_002])
        let pairs = try storedPairs(index)
        let children = try #require(commit(prepared, in: index, plan: lenient, memory: &memory, report: &report))
        #expect(Set(children.map { index.levels[0].partitions[$0]!.count }) == [93, 10])
        index.checkInvariants()
        #expect(try storedPairs(index) == pairs)
    }
}
