#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension VectorIndex {
    /// Runs one maintenance pass: merges, then splits, of base partitions wherever the verified
    /// change in expected query cost is below −τ (``MaintenanceConfiguration``), at most
    /// `maximumActionsPerPass` of them (empty partitions are always removed), local refinement
    /// around the splits, then the level check. The stored (id, vector) pairs never change.
    ///
    /// Costs use the access frequencies of the recent queries (the access window) and the scan
    /// latency λ measured on this machine (cached on disk per dimension and metric). With no
    /// recorded queries there is nothing to weigh, and only empty partitions are merged away.
    ///
    /// Holds the write lock for the whole pass, so searches wait for it.
    /// - Returns: what the pass did and how long it took.
    /// - Complexity: O(partitions × log) to plan, plus O(size × d) per action.
    @discardableResult
    public func maintain() -> MaintenanceReport {
        lock.withWriteLock { maintainLocked() }
    }

    /// Totals over every maintenance pass so far.
    public var maintenanceStatistics: MaintenanceStatistics { lock.withReadLock { statistics } }

    func maintainLocked() -> MaintenanceReport {
        let start = monotonicSeconds()
        var report = MaintenanceReport()
        report.partitionsBefore = levels[0].partitions.count
        defer { operationsSinceMaintenance = 0 }
        guard levels.count > 1 else {
            report.partitionsAfter = report.partitionsBefore
            return report
        }
        let settings = configuration.maintenance
        let model = scanCostModel()
        let cost: (Int) -> Double = { model.latency(size: $0, k: settings.costK) }
        let partitionCount = levels[0].partitions.count
        let mergeLimit = settings.mergeBelowShareOfMean * Double(levels[0].count) / Double(max(1, partitionCount))
        var plan = MaintenancePlan(
            cost: cost, tau: settings.minimumGainNanoseconds, alpha: settings.splitShare,
            addOverhead: CostDeltas.addOverhead(partitionCount: partitionCount, cost: cost),
            removeOverhead: CostDeltas.removeOverhead(partitionCount: partitionCount, cost: cost))
        plan.mergeLimit = mergeLimit
        plan.minimumSplitSize = settings.minimumSplitSize
        let frequencies = tracker.frequencies()
        let hasQueries = tracker.recordedQueries > 0
        var touched = Set<Int>()
        var budget = settings.maximumActionsPerPass
        // Merges first (cheapest candidates first), then splits (hottest first), each partition once.
        for pid in levels[0].partitionIDs where levels[0].partitions.count > 1 {
            guard let size = levels[0].partitions[pid]?.count else { continue }
            let a = frequencies[pid] ?? 0
            if size > 0 {
                // Hysteresis: a child of a recent split keeps it until its own hits fill a window.
                guard budget > 0, hasQueries, Double(size) < mergeLimit, !tracker.isInheriting(pid) else { continue }
                guard let centre = centroid(of: pid, inLevel: 1) else { continue }
                let neighbours = nearestPartitions(to: centre, atLevel: 0, k: 4)
                    .filter { $0 != pid }.prefix(3)
                    .map { (size: levels[0].partitions[$0]?.count ?? 0, frequency: frequencies[$0] ?? 0) }
                let estimate = CostDeltas.mergeEstimate(
                    size: size, frequency: a, neighbours: Array(neighbours), overhead: plan.removeOverhead, cost: cost)
                guard estimate < -plan.tau else { continue }
            }
            if tryMerge(pid, frequency: a, frequencies: frequencies, plan: plan, report: &report) {
                touched.insert(pid)
                if size > 0 { budget -= 1 }
            }
        }
        var children: [Int] = []
        if hasQueries {
            // Hottest first; ties by partition id, so a pass does not depend on hash order.
            let hottest = frequencies.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
            for pid in hottest where !touched.contains(pid) && budget > 0 {
                guard let size = levels[0].partitions[pid]?.count, size > settings.minimumSplitSize else { continue }
                let a = frequencies[pid] ?? 0
                let estimate = CostDeltas.splitEstimate(
                    size: size, frequency: a, alpha: plan.alpha, overhead: plan.addOverhead, cost: cost)
                guard estimate < -plan.tau else { continue }
                if let made = trySplit(pid, frequency: a, plan: plan, report: &report) {
                    children += made
                    budget -= 1
                }
            }
        }
        refine(
            around: children, radius: settings.refinementRadius, iterations: settings.refinementIterations,
            report: &report)
        if settings.adjustsLevels { report.levelChange = adjustLevels(plan: plan) }
        if report.changedStructure { structureGeneration += 1 }
        report.partitionsAfter = levels[0].partitions.count
        report.seconds = monotonicSeconds() - start
        statistics.add(report)
        queriesAtLastMaintenance = tracker.recordedQueries
        debugCheckInvariantsLocked()
        return report
    }

    /// Runs a pass if automatic maintenance is on and due: after `automaticInterval` add/remove
    /// calls, or once the access window has seen a whole window of new queries. Holds the lock.
    func maintainIfDueLocked() {
        guard let interval = configuration.maintenance.automaticInterval else { return }
        let queriesDue = tracker.recordedQueries - queriesAtLastMaintenance >= tracker.windowSize
        if operationsSinceMaintenance >= interval || queriesDue { _ = maintainLocked() }
    }

    /// After a search: takes the write lock for a pass when queries made one due.
    func maintainAfterSearchIfDue() {
        guard configuration.maintenance.automaticInterval != nil,
            tracker.recordedQueries - queriesAtLastMaintenanceSnapshot >= tracker.windowSize
        else { return }
        lock.withWriteLock { maintainIfDueLocked() }
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

    private func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }
}
