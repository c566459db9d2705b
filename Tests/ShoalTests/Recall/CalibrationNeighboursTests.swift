@testable import Shoal
import ShoalKernels
import ShoalTestSupport
import Testing

@Suite struct CalibrationNeighboursTests {
    /// A clustered index of 1,500 vectors (ids 0..<1500) in 16 dimensions with 24 partitions.
    private func makeIndex(_ random: inout SeededRandom, metric: DistanceMetric = .l2) throws -> VectorIndex {
        let d = 16
        let vectors = random.clusteredRows(1500, dimension: d, clusters: 12)
        let configuration = IndexConfiguration(
            dimension: d, metric: metric, partitionCount: 24, threads: 2, calibrationQueries: 48)
        return try VectorIndex.build(vectors: vectors, configuration: configuration)
    }

    /// ``makeIndex(_:metric:)`` with `count` clustered queries pinned for calibration at `k`.
    private func calibratedIndex(
        _ random: inout SeededRandom, queries count: Int, k: Int, metric: DistanceMetric = .l2
    ) throws -> (index: VectorIndex, queries: [Float]) {
        let index = try makeIndex(&random, metric: metric)
        let queries = random.clusteredRows(count, dimension: index.dimension, clusters: 12)
        try index.calibrate(queries: queries, k: k)
        return (index, queries)
    }

    /// The kept lists, checked against a brute-force ranking of every stored vector: each is a
    /// prefix of it (ids and distances) covering `k`, or it is missing (to be computed).
    private func expectListsMatchBruteForce(
        _ index: VectorIndex, queries: [Float], own: [Int64]?, k: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let d = index.dimension
        let stored = try storedPairs(index)
        let lists = index.calibrations.neighbours.currentLists
        #expect(lists.count == queries.count / d, sourceLocation: sourceLocation)
        #expect(index.invariantViolations().isEmpty, sourceLocation: sourceLocation)
        for (q, list) in lists.enumerated() {
            guard let list else { continue }
            let query = row(queries, q, dimension: d)
            var ranked: [(distance: Float, id: Int64)] = stored.compactMap { id, vector in
                guard id != own?[q] else { return nil }
                return (ExactNeighbours.distance(query, vector, dimension: d, metric: index.metric.kernelMetric), id)
            }
            ranked.sort(by: ExactNeighbours.precedes)
            let prefix = ranked.prefix(list.count)
            #expect(list.ids == prefix.map(\.id), "query \(q)", sourceLocation: sourceLocation)
            #expect(list.distances == prefix.map(\.distance), "query \(q)", sourceLocation: sourceLocation)
            #expect(list.covers(k), "query \(q) has \(list.count) entries", sourceLocation: sourceLocation)
            #expect(list.count <= CalibrationNeighbours.depth(for: k), sourceLocation: sourceLocation)
            if list.complete { #expect(list.count == ranked.count, sourceLocation: sourceLocation) }
        }
    }

    /// Measures a calibration under the read lock on `truth`, keeping the current traces of
    /// `previous`.
    private func measure(
        _ index: VectorIndex, truth: CalibrationTruth, k: Int, previous: RecallCalibration? = nil
    ) -> RecallCalibration {
        index.lock.withReadLock {
            let engine = LevelSearch(levels: index.levels, metric: index.metric.kernelMetric, threads: 2, upperLevelNprobe: nil)
            return RecallCalibration.measure(
                truth: truth, levels: index.levels, metric: index.metric, search: engine, k: k, threads: 2,
                structure: index.structureGeneration, previous: previous)
        }
    }

    /// The truth kept by `index` and one computed afresh for the same queries.
    private func keptAndFresh(_ index: VectorIndex, queries: [Float], k: Int) -> (CalibrationTruth, CalibrationTruth) {
        index.lock.withReadLock {
            let kept = index.calibrations.neighbours.truth(
                k: k, base: index.levels[0], metric: index.metric.kernelMetric, threads: 2,
                sampleSize: index.configuration.calibrationQueries, seed: index.configuration.seed)
            let fresh = CalibrationNeighbours()
            fresh.pin(queries)
            let computed = fresh.truth(
                k: k, base: index.levels[0], metric: index.metric.kernelMetric, threads: 2, sampleSize: 0, seed: 0)
            return (kept, computed)
        }
    }

    @Test(arguments: [DistanceMetric.l2, .innerProduct])
    func listsKeptThroughAddsRemovesAndMaintenanceEqualBruteForce(metric: DistanceMetric) throws {
        var random = SeededRandom(seed: 41)
        let k = 5
        let (index, queries) = try calibratedIndex(&random, queries: 40, k: k, metric: metric)
        let d = index.dimension
        try expectListsMatchBruteForce(index, queries: queries, own: nil, k: k)
        var next: Int64 = 10_000
        for step in 0..<12 {
            if step % 3 == 2 {
                // Remove a whole neighbourhood, so some lists run short and are dropped.
                let victims = index.calibrations.neighbours.currentLists.compactMap { $0 }.first?.ids ?? []
                var ids = Set(victims.prefix(max(0, victims.count - k + 1)))
                let all = index.allIDs()
                for _ in 0..<30 { ids.insert(all[Int(random.next() % UInt64(all.count))]) }
                try index.remove(ids: Array(ids))
                #expect(index.calibrations.neighbours.currentLists.contains { $0 == nil })
            } else {
                let count = 20 + Int(random.next() % 60)
                let ids = (0..<Int64(count)).map { next + $0 }
                next += Int64(count)
                try index.add(vectors: random.clusteredRows(count, dimension: d, clusters: 12), ids: ids)
            }
            if step % 4 == 3 { index.maintain() }
            try expectListsMatchBruteForce(index, queries: queries, own: nil, k: k)
        }
        // A search recomputes the dropped lists; all of them match again.
        _ = try index.search(batch: Array(queries.prefix(4 * d)), options: SearchOptions(k: k, recallTarget: 0.9))
        #expect(index.calibrations.neighbours.currentLists.allSatisfy { $0 != nil })
        try expectListsMatchBruteForce(index, queries: queries, own: nil, k: k)
    }

    @Test func sampledQueriesKeepTheirOwnIDExcludedAfterRemovalAndReAddition() throws {
        var random = SeededRandom(seed: 42)
        let index = try makeIndex(&random)
        let d = index.dimension
        let k = 4
        _ = try index.search(batch: random.gaussianRows(4, dimension: d), options: SearchOptions(k: k, recallTarget: 0.9))
        let (truth, _) = keptAndFresh(index, queries: [], k: k)
        let own = try #require(truth.own)
        #expect(own.count == 48)
        try expectListsMatchBruteForce(index, queries: truth.queries, own: own, k: k)
        // Remove a few sampled vectors (fewer than a quarter: the sample stays), then add one back
        // with another vector; the queries stay and their own ids stay excluded.
        let gone = Array(own.prefix(5))
        try index.remove(ids: gone)
        try index.add(vectors: row(truth.queries, 1, dimension: d).map { $0 + 0.001 }, ids: [gone[0]])
        try expectListsMatchBruteForce(index, queries: truth.queries, own: own, k: k)
        let (after, fresh) = keptAndFresh(index, queries: truth.queries, k: k)
        #expect(after.own == own && after.queries == truth.queries)
        #expect(!after.lists[0].ids.contains(gone[0]))
        #expect(fresh.lists[1].ids.contains(gone[0]))
    }

    @Test func recalibratingAfterChangesMatchesAFreshCalibration() throws {
        var random = SeededRandom(seed: 43)
        let k = 6
        let (index, queries) = try calibratedIndex(&random, queries: 32, k: k)
        let d = index.dimension
        for step in 0..<6 {
            let ids = (0..<Int64(90)).map { 20_000 + Int64(step) * 100 + $0 }
            try index.add(vectors: random.clusteredRows(90, dimension: d, clusters: 12), ids: ids)
            let stored = index.allIDs()
            try index.remove(ids: (0..<40).map { stored[($0 * 37 + step) % stored.count] }.uniqued())
            index.maintain()
        }
        let (kept, fresh) = keptAndFresh(index, queries: queries, k: k)
        let incremental = measure(index, truth: kept, k: k)
        let scratch = measure(index, truth: fresh, k: k)
        #expect(incremental.traces.count == scratch.traces.count)
        for (a, b) in zip(incremental.traces, scratch.traces) {
            #expect(a.map(\.estimate) == b.map(\.estimate))
            #expect(a.map(\.recall) == b.map(\.recall))
        }
        for target in [0.8, 0.9, 0.95, 0.99] {
            #expect(incremental.threshold(for: target) == scratch.threshold(for: target))
        }
    }

    /// Measuring again keeps the traces whose inputs are unchanged, and the result equals a
    /// measurement from scratch on the same lists: with pinned queries and with sampled stored
    /// vectors (whose own vectors are removed and one added back elsewhere), under adds and
    /// removes, and after a maintenance pass that splits. Unclustered data and k = 10 make the
    /// heap settle late, so rows beyond the lists decide many traces' first steps.
    @Test(arguments: [false, true])
    func measuringAgainKeepsCurrentTracesAndEqualsAFullMeasurement(sampled: Bool) throws {
        var random = SeededRandom(seed: 47)
        let k = 10
        let d = 16
        var configuration = IndexConfiguration(
            dimension: d, metric: .l2, partitionCount: 24, threads: 2, calibrationQueries: 48)
        configuration.maintenance.minimumGainNanoseconds = 0
        configuration.maintenance.splitShare = 0.5
        // Halves of a 62-row partition are not merge candidates, so a hot one can split.
        configuration.maintenance.mergeBelowShareOfMean = 0.25
        let vectors = random.gaussianRows(1500, dimension: d)
        let index = try VectorIndex.build(vectors: vectors, configuration: configuration)
        index.setScanCostModel(GridScanCost(sizes: [1, 100_000], nanoseconds: [[110, 1_000_100]]))
        if !sampled { try index.calibrate(queries: random.gaussianRows(48, dimension: d), k: k) }
        var previous = measure(index, truth: keptAndFresh(index, queries: [], k: k).0, k: k)
        let own = keptAndFresh(index, queries: [], k: k).0.own
        #expect((own != nil) == sampled)
        var kept = 0
        var next: Int64 = 30_000
        for step in 0..<12 {
            try index.add(vectors: random.gaussianRows(6, dimension: d), ids: (0..<Int64(6)).map { next + $0 })
            next += 6
            let stored = index.allIDs()
            var victims: [Int64] = []
            for _ in 0..<3 { victims.append(stored[Int(random.next() % UInt64(stored.count))]) }
            if let own, step == 2 || step == 4 { victims.append(own[step]) }
            try index.remove(ids: victims.uniqued())
            if let own, step == 8 { try index.add(vectors: random.gaussianRows(1, dimension: d), ids: [own[2]]) }
            if step == 10 {
                // Queries that all scan one partition, so a pass splits it (unless its 2-means
                // halves are too lopsided to pay, when the next hot spot is tried).
                let generation = index.structureGeneration
                for hot in 0..<8 where index.structureGeneration == generation {
                    let query = Array(vectors[(hot * 100 * d)..<((hot * 100 + 1) * d)])
                    for _ in 0..<50 { _ = try index.search(query, options: SearchOptions(k: 10, nprobe: 1)) }
                    index.maintain()
                }
                #expect(index.structureGeneration != generation)
            }
            let truth = keptAndFresh(index, queries: [], k: k).0
            #expect(truth.own == own)
            kept += keptCount(index, previous: previous, truth: truth, k: k)
            let full = measure(index, truth: truth, k: k)
            let again = measure(index, truth: truth, k: k, previous: previous)
            #expect(again.traces.count == full.traces.count)
            for (a, b) in zip(again.traces, full.traces) {
                #expect(a.map(\.estimate) == b.map(\.estimate))
                #expect(a.map(\.recall) == b.map(\.recall))
            }
            previous = again
        }
        // Traces were kept, so the comparisons above compared kept traces too.
        #expect(kept > 0)
    }

    /// How many of `previous`'s traces are still current for `truth`.
    private func keptCount(_ index: VectorIndex, previous: RecallCalibration, truth: CalibrationTruth, k: Int) -> Int {
        guard let sources = previous.sources?.perQuery, sources.count == truth.lists.count else { return 0 }
        let d = index.dimension
        return index.lock.withReadLock {
            truth.queries.withUnsafeBufferPointer { buffer in
                (0..<sources.count).filter { q in
                    sources[q].refreshed(
                        query: buffer.baseAddress! + q * d, list: truth.lists[q], own: truth.own?[q], k: k,
                        base: index.levels[0], metric: index.metric.kernelMetric, scratch: ScanScratch()) != nil
                }.count
            }
        }
    }

    /// Disturbances count the lists whose first k entries an add or a remove changed, once per
    /// list and call: exactly the lists whose top k differ before and after it.
    @Test func disturbancesCountChangedNeighbourhoods() throws {
        var random = SeededRandom(seed: 45)
        let k = 5
        let (index, queries) = try calibratedIndex(&random, queries: 20, k: k)
        let d = index.dimension
        let neighbours = index.calibrations.neighbours
        #expect(neighbours.disturbanceCount.queries == 20)
        /// Runs `change` and returns (disturbances it counted, lists whose top k it changed).
        func measure(_ change: () throws -> Void) throws -> (counted: Int, changed: Int) {
            let before = neighbours.currentLists.map { $0.map { Array($0.ids.prefix(k)) } }
            let start = neighbours.disturbanceCount.disturbances
            try change()
            let after = neighbours.currentLists.map { $0.map { Array($0.ids.prefix(k)) } }
            return (neighbours.disturbanceCount.disturbances - start, zip(before, after).filter { $0 != $1 }.count)
        }
        // Far from every query: enters no list's top k.
        let far = try measure { try index.add(vectors: [Float](repeating: 1e4, count: d), ids: [90_000]) }
        #expect(far.counted == 0 && far.changed == 0)
        // Two copies each of queries 0 and 1 in one call: each changed list counted once.
        let copies = row(queries, 0, dimension: d) + row(queries, 0, dimension: d) + row(queries, 1, dimension: d)
            + row(queries, 1, dimension: d)
        let added = try measure { try index.add(vectors: copies, ids: [90_001, 90_002, 90_003, 90_004]) }
        #expect(added.changed >= 2)
        #expect(added.counted == added.changed)
        let farRemoved = try measure { try index.remove(ids: [90_000]) }
        #expect(farRemoved.counted == 0)
        let removed = try measure { try index.remove(ids: [90_001, 90_002]) }
        #expect(removed.changed >= 1)
        #expect(removed.counted == removed.changed)
    }

    @Test func failedAddsAndRemovesLeaveTheListsUnchanged() throws {
        var random = SeededRandom(seed: 44)
        let (index, queries) = try calibratedIndex(&random, queries: 20, k: 5)
        let d = index.dimension
        let before = index.calibrations.neighbours.currentLists
        // An id already stored (after a valid one), a non-finite component, an unknown id to remove.
        expectShoalError(.duplicateID) {
            try index.add(vectors: row(queries, 0, dimension: d) + row(queries, 1, dimension: d), ids: [99_999, 3])
        }
        expectShoalError(.nonFiniteValue) {
            try index.add(vectors: [Float](repeating: .nan, count: d), ids: [99_998])
        }
        expectShoalError(.unknownID) { try index.remove(ids: [0, 1, 77_777]) }
        #expect(index.calibrations.neighbours.currentLists == before)
    }

    @Test func listsStayExactWhileAddsRemovesAndRecallSearchesRunTogether() async throws {
        var random = SeededRandom(seed: 46)
        let k = 5
        let (index, queries) = try calibratedIndex(&random, queries: 32, k: k)
        let d = index.dimension
        let batches = (0..<16).map { _ in random.clusteredRows(30, dimension: d, clusters: 12) }
        let probes = random.clusteredRows(8, dimension: d, clusters: 12)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<2 {
                group.addTask {
                    for b in stride(from: worker, to: batches.count, by: 2) {
                        try index.add(vectors: batches[b], ids: (0..<Int64(30)).map { 50_000 + Int64(b) * 30 + $0 })
                        try index.remove(ids: (0..<Int64(12)).map { Int64(b) * 60 + Int64(worker) * 12 + $0 })
                    }
                }
            }
            group.addTask {
                for _ in 0..<12 {
                    _ = try index.search(batch: probes, options: SearchOptions(k: k, recallTarget: 0.9))
                    index.maintain()
                }
            }
            try await group.waitForAll()
        }
        #expect(index.count == 1500 + 16 * 30 - 16 * 12)
        try expectListsMatchBruteForce(index, queries: queries, own: nil, k: k)
    }

    @Test func aTraceMatchesTheFullScanItStandsFor() throws {
        var random = SeededRandom(seed: 45)
        let k = 5
        let (index, queries) = try calibratedIndex(&random, queries: 24, k: k)
        let d = index.dimension
        let (truth, _) = keptAndFresh(index, queries: queries, k: k)
        let calibration = measure(index, truth: truth, k: k)
        index.lock.withReadLock {
            let engine = LevelSearch(levels: index.levels, metric: index.metric.kernelMetric, threads: 1, upperLevelNprobe: nil)
            let scan = AdaptiveScan(levels: index.levels, metric: index.metric, search: engine)
            for q in 0..<truth.lists.count {
                let neighbours = Set(truth.lists[q].ids.prefix(k))
                // The full scan: every partition read in full, the statistic and the share of the
                // neighbours in the heap after each, until all are found and then on, as far as
                // `CalibrationTrace.runOn` says.
                var full: [(estimate: Float, recall: Float)] = []
                var completeAt: Int?
                queries.withUnsafeBufferPointer { buffer in
                    let query = buffer.baseAddress! + q * d
                    var cursor = AdaptiveCursor(scan: scan, query: query, k: k, threshold: .infinity, maxPartitions: .max)
                    let scratch = ScanScratch()
                    while let (position, pid) = cursor.next(), let partition = index.levels[0].partitions[pid] {
                        QueryScan.scan(
                            [partition], query: query, metric: index.metric.kernelMetric, into: cursor.heap, scratch: scratch)
                        let estimate = cursor.advance(position: position)
                        let found = cursor.heap.sorted(query: 0).filter { neighbours.contains($0.id) }.count
                        full.append((estimate, Float(found) / Float(neighbours.count)))
                        guard found == neighbours.count else { continue }
                        let complete = completeAt ?? full.count
                        completeAt = complete
                        let runOn = CalibrationTrace.runOn
                        if estimate >= 1 + Float(runOn) * AdaptiveScan.extraStep || full.count >= complete + runOn { break }
                    }
                }
                let trace = calibration.traces[q]
                #expect(trace.map(\.recall) == full.map(\.recall), "query \(q)")
                for (a, b) in zip(trace, full) { #expect(abs(a.estimate - b.estimate) <= 1e-4, "query \(q)") }
            }
        }
    }
}

extension Array where Element: Hashable {
    /// The elements in order, each kept once.
    fileprivate func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
