import Shoal
import ShoalData
import Testing

@Suite struct WorkloadGeneratorTests {
    let base = WorkloadFixtures.clustered(rows: 600, seed: 11)
    let queries = WorkloadFixtures.clustered(rows: 80, seed: 12)

    @Test func theRunbookHasTheInitialBlockAndAtMostTheRequestedOperations() throws {
        let parameters = WorkloadFixtures.parameters()
        let workload = try WorkloadGenerator(parameters: parameters).generate(base: base, queries: queries, threads: 2)
        let runbook = workload.runbook
        #expect(runbook.initialIDs.count == 300)
        #expect(Set(runbook.initialIDs).count == 300)
        #expect(runbook.operations.count <= 40)
        #expect(runbook.operations.count > 0)
        #expect(runbook.operations.map(\.index) == Array(0..<runbook.operations.count))
        #expect(runbook.groundTruth.rows == runbook.operations.filter { $0.kind == .query }.map(\.ids.count).reduce(0, +))
        #expect(runbook.groundTruth.columns == 20)
        for operation in runbook.operations {
            #expect(operation.ids.count <= (operation.kind == .query ? 10 : 20))
            #expect(operation.ids == operation.ids.sorted())
        }
    }

    @Test func ratiosAreHonouredRoughly() throws {
        let parameters = WorkloadFixtures.parameters(
            insert: 0.2, delete: 0.1, query: 0.7, updateBatch: 2, queryBatch: 2, initial: 300, operations: 1000, k: 5)
        let runbook = try WorkloadGenerator(parameters: parameters).generate(base: base, queries: queries, threads: 2).runbook
        #expect(runbook.operations.count == 1000)
        let share = { (kind: WorkloadOperation.Kind) in Double(runbook.operations.count { $0.kind == kind }) / 1000 }
        #expect(abs(share(.insert) - 0.2) < 0.05)
        #expect(abs(share(.delete) - 0.1) < 0.05)
        #expect(abs(share(.query) - 0.7) < 0.05)
    }

    @Test(arguments: [ClusterSampling.uniform, .skewed])
    func theSameSeedGivesTheSameRunbook(sampling: ClusterSampling) throws {
        let parameters = WorkloadFixtures.parameters(sampling: sampling, querySampling: sampling)
        let first = try WorkloadGenerator(parameters: parameters).generate(base: base, queries: queries, threads: 2).runbook
        let second = try WorkloadGenerator(parameters: parameters).generate(base: base, queries: queries, threads: 1).runbook
        #expect(first.json() == second.json())
        #expect(first.groundTruth == second.groundTruth)
        var other = parameters
        other.seed = 99
        let third = try WorkloadGenerator(parameters: other).generate(base: base, queries: queries, threads: 2).runbook
        #expect(third.initialIDs != first.initialIDs)
    }

    @Test func groundTruthEqualsBruteForceOverTheLiveSet() throws {
        let parameters = WorkloadFixtures.parameters(sampling: .skewed, k: 15)
        let runbook = try WorkloadGenerator(parameters: parameters).generate(base: base, queries: queries, threads: 2).runbook
        var resident = Set(runbook.initialIDs)
        var checked = 0
        for operation in runbook.operations {
            switch operation.kind {
            case .insert: resident.formUnion(operation.ids)
            case .delete: resident.subtract(operation.ids)
            case .query:
                let truth = runbook.groundTruth(of: operation)
                let live = resident.sorted()
                #expect(operation.residentCount == live.count)
                for (row, query) in operation.ids.enumerated() {
                    let expected = WorkloadFixtures.bruteForce(query: queries[row: Int(query)], base: base, ids: live, k: 15)
                    #expect(Set(truth[row: row]) == Set(expected), "operation \(operation.index), query \(query)")
                    checked += 1
                }
            }
            #expect(operation.residentCount == resident.count)
        }
        #expect(checked > 0)
    }

    @Test func queriesComeFromNonResidentBaseVectorsWithoutAQueryFile() throws {
        let parameters = WorkloadFixtures.parameters(query: 0.5)
        let runbook = try WorkloadGenerator(parameters: parameters).generate(base: base, queries: nil, threads: 2).runbook
        #expect(runbook.queriesFromBase)
        var resident = Set(runbook.initialIDs)
        for operation in runbook.operations {
            switch operation.kind {
            case .insert: resident.formUnion(operation.ids)
            case .delete: resident.subtract(operation.ids)
            case .query: #expect(resident.isDisjoint(with: operation.ids))
            }
        }
    }

    @Test func skewedSamplingDrifts() throws {
        let parameters = WorkloadFixtures.parameters(
            insert: 0.5, delete: 0.5, query: 0, updateBatch: 10, initial: 200, operations: 60, clusterSize: 10,
            sampling: .skewed)
        let workload = try WorkloadGenerator(parameters: parameters).generate(base: base, queries: queries, threads: 2)
        let operations = workload.runbook.operations
        #expect(operations.count == 60)
        func clusters(_ slice: ArraySlice<WorkloadOperation>) -> Set<Int32> {
            Set(slice.flatMap { $0.ids.map { workload.baseClusters[Int($0)] } })
        }
        let early = clusters(operations.prefix(8))
        let late = clusters(operations.suffix(8))
        let shared = early.intersection(late).count
        #expect(Double(shared) < 0.5 * Double(min(early.count, late.count)), "early \(early.sorted()), late \(late.sorted())")
        // Each operation is concentrated: far fewer clusters than a uniform draw of 10 would hit.
        let perOperation = operations.map { Set($0.ids.map { workload.baseClusters[Int($0)] }).count }
        #expect(Double(perOperation.reduce(0, +)) / Double(perOperation.count) < 4)
        // The root moves after every sample.
        let roots = operations.compactMap(\.rootCluster)
        #expect(roots.count == operations.count)
        #expect(zip(roots, roots.dropFirst()).allSatisfy { $0 != $1 })
    }

    @Test func theTraceStopsBeforeTheResidentSetFallsBelowFiveUpdateBatches() throws {
        let parameters = WorkloadFixtures.parameters(
            insert: 0, delete: 1, query: 0, updateBatch: 20, initial: 200, operations: 50)
        let runbook = try WorkloadGenerator(parameters: parameters).generate(base: base, queries: queries, threads: 2).runbook
        // 200 → 180 → … → 100 is allowed (= 5 × 20); the next delete would leave 80.
        #expect(runbook.operations.count == 5)
        #expect(runbook.operations.last?.residentCount == 100)
        #expect(runbook.stopReason == "resident-below-minimum")
    }

    @Test func theTraceStopsWhenNothingIsLeftToInsert() throws {
        let parameters = WorkloadFixtures.parameters(
            insert: 1, delete: 0, query: 0, updateBatch: 100, initial: 400, operations: 10)
        let runbook = try WorkloadGenerator(parameters: parameters).generate(base: base, queries: queries, threads: 2).runbook
        #expect(runbook.operations.count == 2)
        #expect(runbook.finalResidentIDs.count == 600)
        #expect(runbook.stopReason == "empty-pool")
    }

    @Test(arguments: [(0.3, 0.2, 0.4), (0.5, 0.5, 0.5), (-0.1, 0.6, 0.5), (0.3, 0.2, 0.5 + 1e-6)])
    func badRatiosAreRejectedWithAClearMessage(ratios: (Double, Double, Double)) {
        let parameters = WorkloadFixtures.parameters(insert: ratios.0, delete: ratios.1, query: ratios.2)
        #expect {
            try WorkloadGenerator(parameters: parameters)
        } throws: { error in
            guard let error = error as? WorkloadError else { return false }
            return error.code == .invalidParameters && (error.message.contains("sum to 1") || error.message.contains("[0, 1]"))
        }
    }

    @Test func ratiosWithinOneBillionthOfOneAreAccepted() throws {
        _ = try WorkloadGenerator(parameters: WorkloadFixtures.parameters(insert: 0.1, delete: 0.2, query: 0.7 + 5e-10))
        _ = try WorkloadGenerator(parameters: WorkloadFixtures.parameters(insert: 1.0 / 3, delete: 1.0 / 3, query: 1.0 / 3))
    }

    @Test func otherBadParametersNameTheValue() throws {
        #expect(throws: WorkloadError.self) { try WorkloadGenerator(parameters: WorkloadFixtures.parameters(updateBatch: 0)) }
        let tooBig = WorkloadFixtures.parameters(initial: 601)
        #expect {
            try WorkloadGenerator(parameters: tooBig).generate(base: base, queries: queries)
        } throws: { error in
            (error as? WorkloadError)?.message.contains("initial size is 601") == true
        }
    }

    @Test func theRunbookRoundTripsThroughItsDirectory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var parameters = WorkloadFixtures.parameters(sampling: .skewed, querySampling: .skewed)
        parameters.seed = UInt64.max - 5
        let workload = try WorkloadGenerator(parameters: parameters).generate(base: base, queries: queries, threads: 2)
        try workload.write(to: directory.path)
        #expect(directory.entries() == ["clusters.ivecs", "groundtruth.ivecs", "runbook.json"])
        let read = try Runbook.read(from: directory.path)
        #expect(read == workload.runbook)
    }

    @Test func aMissingOrCorruptRunbookIsReportedClearly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect {
            try Runbook.read(from: directory.path)
        } throws: { error in
            (error as? WorkloadError)?.code == .invalidRunbook
        }
        try writeBytes(Array("{\"format\": \"shoal-workload-runbook\", \"version\": 1,".utf8), to: directory.file("runbook.json"))
        #expect {
            try Runbook.read(from: directory.path)
        } throws: { error in
            (error as? WorkloadError)?.message.contains("invalid JSON") == true
        }
    }
}
