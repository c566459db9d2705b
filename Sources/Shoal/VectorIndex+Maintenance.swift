extension VectorIndex {
    /// Runs one maintenance pass: merges, then splits, of base partitions wherever the verified
    /// change in expected query cost is below −τ (``MaintenanceConfiguration``), at most
    /// `maximumActionsPerPass` of them (empty partitions are always removed), local refinement
    /// around each split, then the level check. The stored (id, vector) pairs never change.
    ///
    /// Costs use the access frequencies of the recent queries (the access window) and the scan
    /// latency λ measured on this machine (cached on disk per dimension and metric). With no
    /// recorded queries there is nothing to weigh, and only empty partitions are merged away.
    ///
    /// Locking: passes never interleave (a second call waits for the first). A pass plans and
    /// computes (2-means, receivers, refinement) under the shared lock, so searches and the search
    /// half of `add` go on, and takes the exclusive lock once per action only to re-check it
    /// against the partitions as they are now (adds and removes may have run in between) and
    /// commit it: O(rows of the partition × d) for a split or merge, O(rows moved × d) for a
    /// refinement. ``MaintenanceReport/longestWriteLockSeconds`` is the longest of these holds.
    /// Must not be called while holding the index's lock (no public method does).
    /// - Returns: what the pass did and how long it took.
    /// - Complexity: O(partitions × log) to plan, plus O(size × d) per action.
    @discardableResult
    public func maintain() -> MaintenanceReport {
        maintenancePass.withLock { runPass(memory: &$0) }
    }

    /// Totals over every maintenance pass so far.
    public var maintenanceStatistics: MaintenanceStatistics { lock.withReadLock { statistics } }

    /// One pass. Must hold `maintenancePass` (whose `memory` it reads and updates) and not `lock`.
    private func runPass(memory: inout MaintenanceMemory) -> MaintenanceReport {
        let start = MonotonicClock.seconds()
        var report = MaintenanceReport()
        let settings = configuration.maintenance
        let queriesAtStart = tracker.recordedQueries
        let frequencies = tracker.frequencies()
        let hasQueries = queriesAtStart > 0
        let model = scanCostModel()
        let cost: (Int) -> Double = { model.latency(size: $0, k: settings.costK) }
        let planned = lock.withReadLock { () -> (plan: MaintenancePlan, order: [Int], operations: Int)? in
            report.partitionsBefore = levels[0].partitions.count
            guard levels.count > 1 else { return nil }
            let partitionCount = levels[0].partitions.count
            var plan = MaintenancePlan(
                cost: cost, tau: settings.minimumGainNanoseconds, alpha: settings.splitShare,
                addOverhead: CostDeltas.addOverhead(partitionCount: partitionCount, cost: cost),
                removeOverhead: CostDeltas.removeOverhead(partitionCount: partitionCount, cost: cost))
            plan.mergeLimit = settings.mergeBelowShareOfMean * Double(levels[0].count) / Double(max(1, partitionCount))
            plan.minimumSplitSize = settings.minimumSplitSize
            memory.rejectedSplits = memory.rejectedSplits.filter { levels[0].partitions[$0.key] != nil }
            return (plan, levels[0].partitionIDs, operationsSinceMaintenance)
        }
        if let plan = planned?.plan, let order = planned?.order {
            var budget = settings.maximumActionsPerPass
            // Merges first (in partition id order), then splits (hottest first).
            for pid in order {
                let prepared = lock.withReadLock {
                    prepareMerge(pid, frequencies: frequencies, plan: plan, allowsNonEmpty: budget > 0 && hasQueries)
                }
                guard let prepared else { continue }
                let merged = withMaintenanceWriteLock(&report) { report in
                    commitMerge(prepared, frequencies: frequencies, plan: plan, report: &report)
                }
                if merged && !prepared.ids.isEmpty { budget -= 1 }
            }
            if hasQueries {
                // Hottest first; ties by partition id, so a pass does not depend on hash order.
                let hottest = frequencies.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
                for pid in hottest where budget > 0 {
                    let frequency = frequencies[pid] ?? 0
                    guard
                        let prepared = lock.withReadLock({
                            prepareSplit(pid, frequency: frequency, plan: plan, memory: memory, report: &report)
                        }),
                        let children = withMaintenanceWriteLock(&report, {
                            commitSplit(prepared, plan: plan, memory: &memory, report: &$0)
                        })
                    else { continue }
                    budget -= 1
                    refine(
                        around: children, radius: settings.refinementRadius, budget: settings.refinementBudget,
                        iterations: settings.refinementIterations, report: &report)
                }
            }
            if settings.adjustsLevels {
                let change = withMaintenanceWriteLock(&report) { _ in
                    let change = adjustLevels(plan: plan)
                    if change != 0 { structureGeneration += 1 }
                    return change
                }
                report.levelChange = change
            }
        }
        report.seconds = MonotonicClock.seconds() - start
        let finished = withMaintenanceWriteLock(&report) { report in
            report.partitionsAfter = levels[0].partitions.count
            if planned != nil { statistics.add(report) }
            // Operations and queries that arrived during the pass count towards the next one.
            operationsSinceMaintenance = max(0, operationsSinceMaintenance - (planned?.operations ?? Int.max))
            queriesAtLastMaintenance = queriesAtStart
            return report
        }
        debugCheckInvariants()
        return finished
    }

    /// Runs `body` under the exclusive lock and records how long it held it in
    /// `report.longestWriteLockSeconds`. Must not hold the lock.
    func withMaintenanceWriteLock<T>(
        _ report: inout MaintenanceReport, _ body: (inout MaintenanceReport) -> T
    ) -> T {
        let (value, held) = lock.withWriteLock { () -> (T, Double) in
            let start = MonotonicClock.seconds()
            let value = body(&report)
            return (value, MonotonicClock.seconds() - start)
        }
        report.longestWriteLockSeconds = max(report.longestWriteLockSeconds, held)
        return value
    }

    /// Whether automatic maintenance is due: after `automaticInterval` add/remove calls, or once
    /// the access window has seen a whole window of new queries. Must hold the lock (either kind).
    func maintenanceIsDueLocked() -> Bool {
        guard let interval = configuration.maintenance.automaticInterval else { return false }
        let queriesDue = tracker.recordedQueries - queriesAtLastMaintenance >= tracker.windowSize
        return operationsSinceMaintenance >= interval || queriesDue
    }

    /// Runs a pass on the caller's thread if one is due and none is running (a running pass
    /// covers it). Must not hold the lock: `add` and `remove` call it after releasing theirs.
    func maintainIfDue() {
        _ = maintenancePass.withLockIfAvailable { memory in
            guard lock.withReadLock({ maintenanceIsDueLocked() }) else { return }
            _ = runPass(memory: &memory)
        }
    }

    /// After a search: runs a pass when queries made one due.
    func maintainAfterSearchIfDue() {
        guard configuration.maintenance.automaticInterval != nil,
            tracker.recordedQueries - queriesAtLastMaintenanceSnapshot >= tracker.windowSize
        else { return }
        maintainIfDue()
    }

    /// The λ model: the injected one, or the measured table (measured once per index).
    func scanCostModel() -> any ScanCostModel {
        costModel.withLock { model in
            if let model { return model }
            let measured = MeasuredScanCost.table(
                dimension: dimension, metric: metric,
                directory: configuration.maintenance.costCacheDirectory ?? MeasuredScanCost.defaultDirectory)
            model = measured
            return measured
        }
    }

    /// Replaces the λ model (tests use exact tables).
    func setScanCostModel(_ model: any ScanCostModel) {
        costModel.withLock { $0 = model }
    }
}
