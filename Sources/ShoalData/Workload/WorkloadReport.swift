/// Files and text describing a replay: a CSV of every operation, SVG plots, a summary.
public enum WorkloadReport {
    /// The output files written by ``write(_:runbook:to:)``.
    public static let csvFile = "results.csv"
    public static let summaryFile = "summary.json"
    public static let recallPlot = "recall.svg"
    public static let latencyPlot = "latency.svg"
    public static let structurePlot = "structure.svg"

    /// Writes `results.csv`, `summary.json`, `recall.svg`, `latency.svg` and `structure.svg`
    /// into `directory` (created if missing). Returns the paths written.
    @discardableResult
    public static func write(_ run: WorkloadRun, runbook: Runbook, to directory: String) throws(WorkloadError) -> [String] {
        try WorkloadFiles.makeDirectory(directory)
        let files: [(String, String)] = [
            (csvFile, csv(run)), (summaryFile, json(run, runbook: runbook, includeOperations: true)),
            (recallPlot, recallSVG(run)), (latencyPlot, latencySVG(run)), (structurePlot, structureSVG(run)),
        ]
        var paths: [String] = []
        for (name, text) in files {
            let path = WorkloadFiles.join(directory, name)
            try WorkloadFiles.write(text, to: path)
            paths.append(path)
        }
        return paths
    }

    /// One row per operation.
    public static func csv(_ run: WorkloadRun) -> String {
        var lines = [
            "operation,type,size,latency_ms,recall,mean_partitions_scanned,live_count,partitions,maintenance_ms,splits,merges,misplaced"
        ]
        for r in run.results {
            lines.append(
                [
                    "\(r.index)", r.kind.rawValue, "\(r.size)", fixed(r.latencyMs, 4), r.recall.map { fixed($0, 5) } ?? "",
                    r.meanPartitionsScanned.map { fixed($0, 2) } ?? "", "\(r.liveCount)", "\(r.partitionCount)",
                    fixed(r.maintenanceMs, 4), "\(r.splits)", "\(r.merges)", r.misplaced.map { "\($0)" } ?? "",
                ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The summary (and optionally every operation) as one JSON object on one line.
    public static func json(_ run: WorkloadRun, runbook: Runbook, includeOperations: Bool) -> String {
        let s = run.summary
        let o = run.options
        func optional(_ value: Double?, _ decimals: Int) -> String { value.map { JSONText.number($0, decimals: decimals) } ?? "null" }
        var fields: [(String, String)] = [
            ("system", "\"shoal\""), ("k", "\(o.k)"), ("recall_target", optional(o.recallTarget, 4)),
            ("nprobe", o.recallTarget == nil ? "\(o.nprobe)" : "null"), ("maintenance", JSONText.quoted(o.maintenance.rawValue)),
            ("threads", o.threads.map(String.init) ?? "null"), ("tolerance", JSONText.number(o.tolerance)),
            ("operations", "\(s.operations)"), ("query_operations", "\(s.queryOperations)"),
            ("mean_recall", optional(s.meanRecall, 6)), ("min_recall", optional(s.minRecall, 6)),
            ("max_recall", optional(s.maxRecall, 6)), ("within_target_share", optional(s.withinTargetShare, 4)),
            ("search_s", JSONText.number(s.searchSeconds, decimals: 6)), ("update_s", JSONText.number(s.updateSeconds, decimals: 6)),
            ("maintenance_s", JSONText.number(s.maintenanceSeconds, decimals: 6)),
            ("total_s", JSONText.number(s.totalSeconds, decimals: 6)),
            ("first_tenth_query_ms", optional(s.firstTenthQueryMs, 6)), ("last_tenth_query_ms", optional(s.lastTenthQueryMs, 6)),
            ("last_to_first_latency", optional(s.lastToFirstLatency, 4)),
            ("first_tenth_median_query_ms", optional(s.firstTenthMedianQueryMs, 6)),
            ("last_tenth_median_query_ms", optional(s.lastTenthMedianQueryMs, 6)),
            ("build_s", JSONText.number(s.buildSeconds, decimals: 6)),
            ("calibration_s", JSONText.number(s.calibrationSeconds, decimals: 6)),
            ("initial_partitions", "\(s.initialPartitions)"), ("final_partitions", "\(s.finalPartitions)"),
            ("final_count", "\(s.finalCount)"), ("maintenance_passes", "\(s.maintenancePasses)"), ("splits", "\(s.splits)"),
            ("merges", "\(s.merges)"),
            ("longest_maintenance_ms", JSONText.number(s.longestMaintenanceSeconds * 1000, decimals: 3)),
            ("longest_maintenance_write_lock_ms", JSONText.number(s.longestMaintenanceWriteLockSeconds * 1000, decimals: 3)),
            ("final_ids_match", s.finalIDsMatch ? "true" : "false"),
            ("runbook_operations", "\(runbook.operations.count)"),
        ]
        if includeOperations {
            let rows = run.results.map { r -> String in
                "{\"op\": \(r.index), \"type\": \"\(r.kind.rawValue)\", \"size\": \(r.size), \"latency_ms\": \(JSONText.number(r.latencyMs, decimals: 4)), "
                    + "\"recall\": \(optional(r.recall, 5)), \"scanned\": \(optional(r.meanPartitionsScanned, 2)), "
                    + "\"live\": \(r.liveCount), \"partitions\": \(r.partitionCount), \"maintenance_ms\": \(JSONText.number(r.maintenanceMs, decimals: 4)), "
                    + "\"splits\": \(r.splits), \"merges\": \(r.merges), \"misplaced\": \(r.misplaced.map { "\($0)" } ?? "null")}"
            }
            fields.append(("per_operation", "[" + rows.joined(separator: ", ") + "]"))
        }
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// A human-readable summary, several lines.
    public static func text(_ run: WorkloadRun) -> String {
        let s = run.summary
        let o = run.options
        var lines: [String] = []
        let mode = o.recallTarget.map { "recall target \(fixed($0, 3))" } ?? "nprobe \(o.nprobe)"
        lines.append(
            "replayed \(s.operations) operations (\(s.queryOperations) query) with k = \(o.k), \(mode), maintenance \(o.maintenance.rawValue)")
        if let mean = s.meanRecall, let low = s.minRecall, let high = s.maxRecall {
            var line = "recall of query operations: mean \(fixed(mean, 4)), min \(fixed(low, 4)), max \(fixed(high, 4))"
            if let share = s.withinTargetShare, let target = o.recallTarget {
                line += "; \(fixed(100 * share, 1)) % within \(fixed(target, 2)) ± \(fixed(o.tolerance, 2))"
            }
            lines.append(line)
        }
        lines.append(
            "time: search \(fixed(s.searchSeconds, 3)) s, update \(fixed(s.updateSeconds, 3)) s, maintenance \(fixed(s.maintenanceSeconds, 3)) s, "
                + "total \(fixed(s.totalSeconds, 3)) s (build \(fixed(s.buildSeconds, 3)) s and calibration \(fixed(s.calibrationSeconds, 3)) s not counted)")
        if let first = s.firstTenthQueryMs, let last = s.lastTenthQueryMs {
            lines.append(
                "query latency per query: first tenth \(fixed(first, 4)) ms, last tenth \(fixed(last, 4)) ms (last/first \(fixed(last / first, 3)))")
        }
        if let first = s.firstTenthMedianQueryMs, let last = s.lastTenthMedianQueryMs {
            lines.append(
                "median over the query operations of a tenth: first \(fixed(first, 4)) ms, last \(fixed(last, 4)) ms (last/first \(fixed(last / first, 3)))")
        }
        lines.append(
            "partitions: \(s.initialPartitions) → \(s.finalPartitions) (\(s.maintenancePasses) maintenance passes, \(s.splits) splits, \(s.merges) merges); "
                + "\(s.finalCount) vectors stored; stored ids \(s.finalIDsMatch ? "equal" : "DIFFER FROM") the runbook's final resident set")
        lines.append(
            "longest maintenance of one operation \(fixed(s.longestMaintenanceSeconds * 1000, 1)) ms; "
                + "longest write-lock hold of a pass \(fixed(s.longestMaintenanceWriteLockSeconds * 1000, 1)) ms")
        return lines.joined(separator: "\n")
    }

    static func recallSVG(_ run: WorkloadRun) -> String {
        let points = run.results.compactMap { r in r.recall.map { (x: Double(r.index), y: $0) } }
        var panel = SVGChart.Panel(
            title: "Recall@\(run.options.k) of each query operation", yLabel: "recall",
            series: [SVGChart.Series(name: "recall (batch mean)", color: "#1f77b4", points: points, markers: true)])
        if let target = run.options.recallTarget {
            panel.band = (target - run.options.tolerance, target + run.options.tolerance, "target \(fixed(target, 2)) ± \(fixed(run.options.tolerance, 2))")
            panel.lines = [(target, "target")]
        }
        let low = min(points.map(\.y).min() ?? 0.8, (run.options.recallTarget ?? 0.9) - 0.05)
        panel.yRange = (max(0, (low * 20).rounded(.down) / 20), 1)
        return SVGChart(title: "Recall over the workload", xLabel: "operation", panels: [panel], xRange: span(run)).render()
    }

    static func latencySVG(_ run: WorkloadRun) -> String {
        let query = run.results.filter { $0.kind == .query && $0.size > 0 }
            .map { (x: Double($0.index), y: $0.latencyMs / Double($0.size)) }
        let updates = run.results.filter { $0.kind != .query && $0.size > 0 }
            .map { (x: Double($0.index), y: $0.latencyMs / Double($0.size)) }
        let maintenance = run.results.map { (x: Double($0.index), y: $0.maintenanceMs) }
        return SVGChart(
            title: "Latency over the workload", xLabel: "operation",
            panels: [
                SVGChart.Panel(
                    title: "Query latency (batch time / queries)", yLabel: "ms per query",
                    series: [SVGChart.Series(name: "query", color: "#1f77b4", points: query, markers: true)], zeroBased: true),
                SVGChart.Panel(
                    title: "Update latency (batch time / vectors)", yLabel: "ms per vector",
                    series: [SVGChart.Series(name: "insert / delete", color: "#ff7f0e", points: updates, markers: true)], zeroBased: true),
                SVGChart.Panel(
                    title: "Maintenance time per operation", yLabel: "ms",
                    series: [SVGChart.Series(name: "maintenance", color: "#9467bd", points: maintenance)], zeroBased: true),
            ], xRange: span(run)
        ).render()
    }

    static func structureSVG(_ run: WorkloadRun) -> String {
        SVGChart(
            title: "Index structure over the workload", xLabel: "operation",
            panels: [
                SVGChart.Panel(
                    title: "Base partitions", yLabel: "partitions",
                    series: [
                        SVGChart.Series(
                            name: "partitions", color: "#2ca02c",
                            points: run.results.map { (x: Double($0.index), y: Double($0.partitionCount)) })
                    ], integer: true),
                SVGChart.Panel(
                    title: "Stored vectors", yLabel: "vectors",
                    series: [
                        SVGChart.Series(
                            name: "live count", color: "#8c564b",
                            points: run.results.map { (x: Double($0.index), y: Double($0.liveCount)) })
                    ], integer: true),
            ], xRange: span(run)
        ).render()
    }

    /// The operations of the trace, first to last (every plot shares this x axis).
    private static func span(_ run: WorkloadRun) -> (low: Double, high: Double)? {
        guard let first = run.results.first, let last = run.results.last else { return nil }
        return (Double(first.index), Double(last.index))
    }
}

extension GeneratedWorkload {
    /// Writes the runbook (``Runbook/write(to:)``) and `clusters.ivecs` (the sampling cluster of
    /// each base vector, one column) into `directory`.
    public func write(to directory: String) throws(WorkloadError) {
        try runbook.write(to: directory)
        do throws(DataFileError) {
            try VectorFile.writeIntegers(
                Matrix(rows: baseClusters.count, columns: 1, values: baseClusters.map { Int64($0) }),
                to: WorkloadFiles.join(directory, Runbook.clustersFile))
        } catch {
            throw WorkloadError(.io, error.description)
        }
    }
}
