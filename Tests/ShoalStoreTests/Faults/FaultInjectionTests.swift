import Foundation
import Shoal
@testable import ShoalStore
import Testing

@Suite struct FaultInjectionTests {
    private func open(_ dir: TemporaryDirectory, _ plan: FaultPlan, segmentBytes: Int = 64 << 20) throws -> DurableCollection {
        var options = OpenOptions(segmentBytes: segmentBytes)
        options.fileSystem = FileSystem(faults: plan)
        let collection = try DurableCollection.create(at: dir.file("c"), configuration: TestData.configuration(dimension: 4), options: options)
        try collection.insert(vectors: TestData.vectors(5, dimension: 4, seed: 1), ids: [0, 1, 2, 3, 4])
        return collection
    }

    private func batch(_ first: Int64) -> (vectors: [Float], ids: [Int64]) {
        (TestData.vectors(5, dimension: 4, seed: UInt64(first)), (first..<(first + 5)).map { $0 })
    }

    /// Reopens without faults; checks the ids and that the collection verifies.
    private func expectOnDisk(_ dir: TemporaryDirectory, ids: [Int64], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (reopened, report) = try DurableCollection.open(at: dir.file("c"))
        #expect(reopened.allIDs() == ids, sourceLocation: sourceLocation)
        #expect(report.tornTail == nil, sourceLocation: sourceLocation)
        reopened.close()
        #expect(DurableCollection.verify(at: dir.file("c")).isValid, sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        [FaultPlan.Effect.fail(errno: ENOSPC)],
        [FaultPlan.Effect.shortWrite(bytes: 50), FaultPlan.Effect.fail(errno: ENOSPC)],
        [FaultPlan.Effect.fail(errno: EIO)],
    ])
    func aFailedLogWriteIsRolledBackAndLaterWritesSucceed(effects: [FaultPlan.Effect]) throws {
        let dir = TemporaryDirectory()
        let plan = FaultPlan()
        let collection = try open(dir, plan)
        let size = collection.status.logBytes
        for (i, effect) in effects.enumerated() { plan.inject(.write, pathContains: "/wal/", skip: i, effect: effect) }
        let failing = batch(10)
        do {
            try collection.insert(vectors: failing.vectors, ids: failing.ids)
            Issue.record("the write did not fail")
        } catch {
            #expect(error.code == .ioFailure)
            #expect(error.message.hasPrefix("write failed"))
            #expect(error.path?.contains("/wal/") == true)
        }
        #expect(collection.status.logBytes == size)
        #expect(!collection.contains(10))
        let next = batch(20)
        try collection.insert(vectors: next.vectors, ids: next.ids)
        try collection.insert(vectors: failing.vectors, ids: failing.ids)
        collection.close()
        try expectOnDisk(dir, ids: [0, 1, 2, 3, 4] + (10..<15).map { $0 } + (20..<25).map { $0 })
    }

    @Test func aFailedFsyncDisablesWritesUntilReopened() throws {
        let dir = TemporaryDirectory()
        let plan = FaultPlan()
        let collection = try open(dir, plan)
        plan.inject(.sync, pathContains: "/wal/", effect: .fail(errno: EIO))
        let failing = batch(10)
        #expect(throws: StoreError.self) { try collection.insert(vectors: failing.vectors, ids: failing.ids) }
        do {
            try collection.insert(vectors: batch(20).vectors, ids: batch(20).ids)
            Issue.record("writes continued after a failed fsync")
        } catch {
            #expect(error.code == .writesDisabled)
            #expect(error.message.contains("reopen the collection"))
        }
        #expect(try collection.search([0, 0, 0, 0], options: SearchOptions(k: 1)).count == 1)
        collection.close()
        try expectOnDisk(dir, ids: [0, 1, 2, 3, 4])
    }

    @Test func aWriteThatCannotBeRolledBackLeavesATornTailForRecovery() throws {
        let dir = TemporaryDirectory()
        let plan = FaultPlan()
        let collection = try open(dir, plan)
        plan.inject(.write, pathContains: "/wal/", effect: .shortWrite(bytes: 70))
        plan.inject(.write, pathContains: "/wal/", skip: 1, effect: .fail(errno: ENOSPC))
        plan.inject(.truncate, pathContains: "/wal/", effect: .fail(errno: EIO))
        #expect(throws: StoreError.self) { try collection.insert(vectors: batch(10).vectors, ids: batch(10).ids) }
        do {
            try collection.remove(ids: [1])
            Issue.record("writes continued after a failed rollback")
        } catch {
            #expect(error.code == .writesDisabled)
        }
        collection.close()
        let (reopened, report) = try DurableCollection.open(at: dir.file("c"))
        #expect(report.tornTail?.discardedBytes == 70)
        #expect(reopened.allIDs() == [0, 1, 2, 3, 4])
        reopened.close()
        try expectOnDisk(dir, ids: [0, 1, 2, 3, 4])
    }

    @Test func aFailedSegmentRotationFailsOnlyThatGroup() throws {
        let dir = TemporaryDirectory()
        let plan = FaultPlan()
        let collection = try open(dir, plan, segmentBytes: 4096)
        plan.inject(.open, pathContains: "/wal/", effect: .fail(errno: ENOSPC))
        var stored: [Int64] = [0, 1, 2, 3, 4]
        var failures = 0
        for b in 1...40 {
            let next = batch(Int64(b * 10))
            do {
                try collection.insert(vectors: next.vectors, ids: next.ids)
                stored += next.ids
            } catch {
                #expect(error.code == .ioFailure)
                failures += 1
            }
        }
        #expect(failures == 1)
        #expect(TestData.files(in: dir.file("c/wal")).count >= 2)
        collection.close()
        try expectOnDisk(dir, ids: stored)
    }

    @Test func aFailedCheckpointKeepsEverythingAndCanBeRetried() throws {
        let dir = TemporaryDirectory()
        let plan = FaultPlan()
        let collection = try open(dir, plan)
        plan.inject(.syncDirectory, pathContains: "/snapshots", effect: .fail(errno: EIO))
        #expect(throws: StoreError.self) { try collection.checkpoint() }
        plan.inject(.unlink, pathContains: "/wal/", effect: .fail(errno: EIO))
        #expect(throws: StoreError.self) { try collection.checkpoint() }
        try collection.insert(vectors: batch(10).vectors, ids: batch(10).ids)
        let report = try collection.checkpoint()
        #expect(report.snapshotPath != nil)
        #expect(TestData.files(in: dir.file("c/wal")).count == 1)
        collection.close()
        try expectOnDisk(dir, ids: [0, 1, 2, 3, 4] + (10..<15).map { $0 })
    }
}
