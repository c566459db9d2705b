import Shoal
import ShoalData

/// One line of `shoal eval` output: the quality and speed of one search setting.
struct EvalRow {
    var nprobe: Int
    var recallTarget: Double?
    var meanNprobe: Double
    var recall: Double
    var qps: Double
    var meanMs: Double
    var p50Ms: Double
    var p99Ms: Double
    var threads: Int
    var batch: Bool
    var partitions: Int
    var buildSeconds: Double
    var memoryBytes: Int
    var k: Int
    var queries: Int

    /// One JSON object on one line.
    var json: String {
        let fields: [(String, String)] = [
            ("nprobe", "\(nprobe)"), ("recall_target", recallTarget.map { format($0, 4) } ?? "null"),
            ("mean_nprobe", format(meanNprobe, 3)), ("recall", format(recall, 6)), ("qps", format(qps, 1)),
            ("mean_ms", format(meanMs, 4)), ("p50_ms", format(p50Ms, 4)), ("p99_ms", format(p99Ms, 4)),
            ("threads", "\(threads)"), ("batch", batch ? "true" : "false"), ("partitions", "\(partitions)"),
            ("build_s", format(buildSeconds, 4)), ("memory_bytes", "\(memoryBytes)"), ("k", "\(k)"),
            ("queries", "\(queries)"),
        ]
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }
}

/// Formats with a fixed number of decimals, without Foundation.
func format(_ value: Double, _ decimals: Int) -> String {
    guard value.isFinite else { return "null" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = "\(rounded)"
    if text.contains("e") { return text }
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    let fraction = parts.count > 1 ? String(parts[1]) : ""
    text = String(parts[0]) + (decimals > 0 ? "." + fraction.padding(decimals) : "")
    return text
}

extension String {
    fileprivate func padding(_ length: Int) -> String {
        count >= length ? String(prefix(length)) : self + String(repeating: "0", count: length - count)
    }
}

/// Measures an index over a query set for a list of `nprobe` values.
struct EvalRunner {
    var index: VectorIndex
    var queries: Matrix<Float>
    var truth: Matrix<Int64>
    var k: Int
    var threads: Int
    var batch: Bool
    var repetitions: Int
    var buildSeconds: Double

    /// With a recall target, calibrate on the other queries (cross-validation, ``calibrationFolds(queryCount:)``),
    /// so no query is measured by a calibration that saw it; otherwise calibrate on stored vectors.
    var crossCalibrate = true

    /// The cross-validation folds for `queryCount` queries: each fold measures one contiguous
    /// range and calibrates on all the others. Two folds when each half holds at least 256
    /// queries; otherwise ten, so a small query set still calibrates on nine tenths of itself
    /// (with 100 queries, two folds calibrated on 50 and missed a 0.8 target by 0.015 on
    /// sift5k-ngt: sampling error, not bias; see docs/results/recall-targets.md).
    static func calibrationFolds(queryCount m: Int) -> [(calibration: [Range<Int>], measured: Range<Int>)] {
        let folds = m >= 512 ? 2 : min(10, m)
        return (0..<folds).map { f in
            let measured = (m * f / folds)..<(m * (f + 1) / folds)
            return ([0..<measured.lowerBound, measured.upperBound..<m].filter { !$0.isEmpty }, measured)
        }
    }

    func run(nprobe: Int, recallTarget: Double? = nil) throws -> EvalRow {
        let options = SearchOptions(k: k, nprobe: nprobe, recallTarget: recallTarget, threads: threads)
        let m = queries.rows
        var folds: [(calibration: [Range<Int>]?, measured: Range<Int>)] = [(nil, 0..<m)]
        if recallTarget != nil && crossCalibrate && m >= 32 {
            folds = Self.calibrationFolds(queryCount: m).map { ($0.calibration, $0.measured) }
        }
        var found = [Int64](repeating: -1, count: m * k)
        var latencies: [Double] = []
        var scanned = [Int](repeating: 0, count: m)
        var total = 0.0
        for fold in folds {
            if let calibration = fold.calibration {
                try index.calibrate(queries: calibration.flatMap(rows), k: k)
            } else if recallTarget != nil {
                // The first recall-target search calibrates the index; keep that out of the timing.
                _ = try index.search(batch: rows(0..<1), options: options)
            }
            let part = try measure(fold.measured, options: options)
            for (offset, q) in fold.measured.enumerated() {
                for j in 0..<k { found[q * k + j] = part.found[offset * k + j] }
                scanned[q] = part.scanned[offset]
            }
            latencies += part.latencies
            total += part.total
        }
        latencies.sort()
        let recall = GroundTruth.recall(found: Matrix(rows: m, columns: k, values: found), truth: truth, k: k)
        return EvalRow(
            nprobe: recallTarget == nil ? nprobe : 0, recallTarget: recallTarget,
            meanNprobe: Double(scanned.reduce(0, +)) / Double(max(1, m)), recall: recall, qps: Double(m) / total,
            meanMs: 1000 * latencies.reduce(0, +) / Double(max(1, latencies.count)),
            p50Ms: 1000 * percentile(latencies, 0.50), p99Ms: 1000 * percentile(latencies, 0.99), threads: threads,
            batch: batch, partitions: index.partitionCount, buildSeconds: buildSeconds,
            memoryBytes: index.memoryFootprint, k: k, queries: m)
    }

    private func rows(_ range: Range<Int>) -> [Float] {
        let d = queries.columns
        return Array(queries.values[(range.lowerBound * d)..<(range.upperBound * d)])
    }

    /// Searches the queries in `range` (best of `repetitions`), returning ids, per-query latencies
    /// (the batch time spread evenly in batch mode), partitions scanned and the total time.
    private func measure(
        _ range: Range<Int>, options: SearchOptions
    ) throws -> (found: [Int64], latencies: [Double], scanned: [Int], total: Double) {
        let count = range.count
        var best: (found: [Int64], latencies: [Double], scanned: [Int], total: Double)?
        for _ in 0..<max(1, repetitions) {
            var found = [Int64](repeating: -1, count: count * k)
            var latencies = [Double](repeating: 0, count: count)
            var scanned = [Int](repeating: 0, count: count)
            if batch {
                let batchQueries = rows(range)
                let (results, seconds) = try Clock.time { () throws(ShoalError) in
                    try index.search(batch: batchQueries, options: options)
                }
                found = results.ids
                scanned = results.partitionsScanned
                latencies = [Double](repeating: seconds / Double(max(1, count)), count: count)
            } else {
                for (offset, q) in range.enumerated() {
                    let query = rows(q..<(q + 1))
                    let (hits, seconds) = try Clock.time { () throws(ShoalError) in
                        try index.search(batch: query, options: options)
                    }
                    latencies[offset] = seconds
                    for (j, id) in hits.ids.enumerated() { found[offset * k + j] = id }
                    scanned[offset] = hits.partitionsScanned[0]
                }
            }
            let total = latencies.reduce(0, +)
            if total < (best?.total ?? .infinity) { best = (found, latencies, scanned, total) }
        }
        return best ?? ([], [], [], 0)
    }

    private func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count - 1)).rounded())
        return sorted[min(sorted.count - 1, max(0, rank))]
    }
}

/// The table printed by `eval` and `demo` when not in JSON mode.
enum EvalTable {
    static let header = "setting     nprobe   recall@k        QPS    mean ms     p50 ms     p99 ms"

    static func line(_ row: EvalRow) -> String {
        let setting = row.recallTarget.map { "target \(format($0, 2))" } ?? "nprobe \(row.nprobe)"
        return [
            pad(setting, 12, left: true), pad(format(row.meanNprobe, 1), 6), pad(format(row.recall, 4), 10), pad(format(row.qps, 0), 10),
            pad(format(row.meanMs, 3), 10), pad(format(row.p50Ms, 3), 10), pad(format(row.p99Ms, 3), 10),
        ].joined(separator: " ")
    }

    private static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        guard text.count < width else { return text }
        let fill = String(repeating: " ", count: width - text.count)
        return left ? text + fill : fill + text
    }
}
