import Shoal
import ShoalData
import Testing

@Suite struct WorkloadRunnerTests {
    let base = WorkloadFixtures.clustered(rows: 600, dimension: 12, seed: 21)
    let queries = WorkloadFixtures.clustered(rows: 60, dimension: 12, seed: 22)

    private func runbook(sampling: ClusterSampling = .skewed) throws -> Runbook {
        let parameters = WorkloadFixtures.parameters(
            updateBatch: 25, queryBatch: 20, initial: 300, operations: 30, clusterSize: 25, sampling: sampling, k: 20)
        return try WorkloadGenerator(parameters: parameters).generate(base: base, queries: queries, threads: 2).runbook
    }

    /// Where the measured scan-cost table is cached: a folder under `.build` (ignored by git), never
    /// the user's cache.
    private func costCache() -> String? { ".build/workload-tests-cache" }

    @Test(arguments: [WorkloadMaintenance.every, .auto, .off])
    func aTinyReplayHasConsistentCountsAndRecallInRange(maintenance: WorkloadMaintenance) throws {
        let book = try runbook()
        var options = WorkloadRunOptions(k: 10, recallTarget: 0.9, maintenance: maintenance, threads: 2, calibrationQueries: 32)
        options.maintenanceConfiguration.costCacheDirectory = costCache()
        let run = try WorkloadRunner(runbook: book, base: base, queries: queries, options: options).run()
        #expect(run.results.count == book.operations.count)
        var live = book.initialIDs.count
        for (result, operation) in zip(run.results, book.operations) {
            #expect(result.index == operation.index)
            #expect(result.kind == operation.kind)
            #expect(result.size == operation.ids.count)
            live += operation.kind == .insert ? operation.ids.count : operation.kind == .delete ? -operation.ids.count : 0
            #expect(result.liveCount == live)
            #expect(result.liveCount == operation.residentCount)
            #expect(result.partitionCount >= 1)
            #expect(result.latencyMs >= 0 && result.maintenanceMs >= 0)
            if operation.kind == .query {
                let recall = try #require(result.recall)
                #expect(recall >= 0 && recall <= 1)
                #expect((result.meanPartitionsScanned ?? 0) >= 1)
            } else {
                #expect(result.recall == nil)
            }
            if maintenance == .off { #expect(result.maintenanceMs == 0) }
        }
        #expect(run.summary.finalIDsMatch)
        #expect(run.index.allIDs() == book.finalResidentIDs)
        #expect(run.summary.finalCount == book.finalResidentIDs.count)
        #expect(run.summary.queryOperations == book.queryOperationCount)
        let mean = try #require(run.summary.meanRecall)
        #expect(mean > 0.5 && mean <= 1)
        #expect(run.summary.totalSeconds > 0)
        if maintenance == .every { #expect(run.summary.maintenancePasses == book.operations.count) }
        run.index.checkInvariants()
    }

    @Test func aFixedNprobeOverEveryPartitionFindsTheExactNeighbours() throws {
        let book = try runbook(sampling: .uniform)
        var options = WorkloadRunOptions(k: 10, recallTarget: nil, nprobe: 10_000, maintenance: .off, threads: 1)
        options.maintenanceConfiguration.costCacheDirectory = costCache()
        let run = try WorkloadRunner(runbook: book, base: base, queries: queries, options: options).run()
        for result in run.results where result.kind == .query {
            #expect(result.recall ?? 0 > 0.999)
        }
        #expect(run.summary.withinTargetShare == nil)
    }

    @Test func theReportHasACSVRowPerOperationAndSVGPlots() throws {
        let book = try runbook()
        var options = WorkloadRunOptions(k: 5, maintenance: .every, threads: 2, calibrationQueries: 0)
        options.maintenanceConfiguration.costCacheDirectory = costCache()
        let run = try WorkloadRunner(runbook: book, base: base, queries: queries, options: options).run()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try WorkloadReport.write(run, runbook: book, to: directory.file("out"))
        let csv = String(decoding: readBytes(directory.file("out/results.csv")), as: UTF8.self)
        let lines = csv.split(separator: "\n")
        #expect(lines.count == book.operations.count + 1)
        #expect(lines[0].hasPrefix("operation,type,size,latency_ms,recall"))
        for name in ["recall.svg", "latency.svg", "structure.svg"] {
            let svg = String(decoding: readBytes(directory.file("out/\(name)")), as: UTF8.self)
            #expect(svg.hasPrefix("<svg"), "\(name)")
            #expect(svg.contains("<polyline"), "\(name)")
            #expect(svg.hasSuffix("</svg>\n"), "\(name)")
        }
        let summary = String(decoding: readBytes(directory.file("out/summary.json")), as: UTF8.self)
        #expect(summary.contains("\"within_target_share\""))
        #expect(WorkloadReport.text(run).contains("within 0.90 ± 0.02"))
    }

    /// With `auditsPlacement`, every query operation reports the index's misplaced count as
    /// `placementAudit` gives it after the replay's last operation, and only query operations do.
    @Test func anAuditedReplayReportsMisplacedRowsOfQueryOperations() throws {
        let book = try runbook()
        var options = WorkloadRunOptions(k: 5, maintenance: .every, threads: 2, calibrationQueries: 0)
        options.maintenanceConfiguration.costCacheDirectory = costCache()
        options.auditsPlacement = true
        let run = try WorkloadRunner(runbook: book, base: base, queries: queries, options: options).run()
        for result in run.results {
            if result.kind == .query {
                let misplaced = try #require(result.misplaced)
                #expect(misplaced >= 0 && misplaced <= result.liveCount)
            } else {
                #expect(result.misplaced == nil)
            }
        }
        // The fixture's runbook ends with a query operation, so its count is the final index's.
        let last = try #require(run.results.last)
        try #require(last.kind == .query)
        #expect(last.misplaced == run.index.placementAudit().misplaced)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try WorkloadReport.write(run, runbook: book, to: directory.file("out"))
        let csv = String(decoding: readBytes(directory.file("out/results.csv")), as: UTF8.self)
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect(lines[0].hasSuffix(",misplaced"))
        for (line, result) in zip(lines.dropFirst(), run.results) {
            #expect(line.hasSuffix("," + (result.misplaced.map { "\($0)" } ?? "")))
        }
        let json = WorkloadReport.json(run, runbook: book, includeOperations: true)
        #expect(json.contains("\"misplaced\": null"))
        // Without the option nothing is audited.
        options.auditsPlacement = false
        let plain = try WorkloadRunner(runbook: book, base: base, queries: queries, options: options).run()
        #expect(plain.results.allSatisfy { $0.misplaced == nil })
    }

    @Test func vectorsThatAreNotTheRunbooksAreRejected() throws {
        let book = try runbook()
        let other = WorkloadFixtures.clustered(rows: 600, dimension: 12, seed: 99)
        #expect {
            try WorkloadRunner(runbook: book, base: other, queries: queries, options: WorkloadRunOptions())
        } throws: { error in
            (error as? WorkloadError)?.code == .dataMismatch
        }
        #expect {
            try WorkloadRunner(runbook: book, base: base, queries: nil, options: WorkloadRunOptions())
        } throws: { error in
            (error as? WorkloadError)?.code == .dataMismatch
        }
        #expect {
            try WorkloadRunner(runbook: book, base: base, queries: queries, options: WorkloadRunOptions(k: 21))
        } throws: { error in
            (error as? WorkloadError)?.code == .invalidParameters
        }
    }
}
