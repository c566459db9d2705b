import Shoal
import ShoalData

/// One line of `shoal eval` output: the quality and speed of one search setting.
struct EvalRow {
    var nprobe: Int
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
            ("nprobe", "\(nprobe)"), ("recall", format(recall, 6)), ("qps", format(qps, 1)),
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

    func run(nprobe: Int) throws -> EvalRow {
        let options = SearchOptions(k: k, nprobe: nprobe, threads: threads)
        let m = queries.rows
        let d = queries.columns
        var found = [Int64](repeating: -1, count: m * k)
        var latencies: [Double] = []
        var bestTotal = Double.infinity
        for _ in 0..<max(1, repetitions) {
            if batch {
                let (results, seconds) = try Clock.time { () throws(ShoalError) in
                    try index.search(batch: queries.values, options: options)
                }
                found = results.ids
                bestTotal = min(bestTotal, seconds)
            } else {
                var perQuery = [Double](repeating: 0, count: m)
                for q in 0..<m {
                    let query = Array(queries.values[(q * d)..<((q + 1) * d)])
                    let (hits, seconds) = try Clock.time { () throws(ShoalError) in try index.search(query, options: options) }
                    perQuery[q] = seconds
                    for (j, hit) in hits.enumerated() { found[q * k + j] = hit.id }
                }
                let total = perQuery.reduce(0, +)
                if total < bestTotal {
                    bestTotal = total
                    latencies = perQuery
                }
            }
        }
        if batch { latencies = [Double](repeating: bestTotal / Double(max(1, m)), count: max(1, m)) }
        latencies.sort()
        let recall = GroundTruth.recall(found: Matrix(rows: m, columns: k, values: found), truth: truth, k: k)
        return EvalRow(
            nprobe: nprobe, recall: recall, qps: Double(m) / bestTotal,
            meanMs: 1000 * latencies.reduce(0, +) / Double(latencies.count),
            p50Ms: 1000 * percentile(latencies, 0.50), p99Ms: 1000 * percentile(latencies, 0.99), threads: threads,
            batch: batch, partitions: index.partitionCount, buildSeconds: buildSeconds,
            memoryBytes: index.memoryFootprint, k: k, queries: m)
    }

    private func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count - 1)).rounded())
        return sorted[min(sorted.count - 1, max(0, rank))]
    }
}

/// The table printed by `eval` and `demo` when not in JSON mode.
enum EvalTable {
    static let header = "nprobe   recall@k        QPS    mean ms     p50 ms     p99 ms"

    static func line(_ row: EvalRow) -> String {
        [
            pad("\(row.nprobe)", 6), pad(format(row.recall, 4), 10), pad(format(row.qps, 0), 10),
            pad(format(row.meanMs, 3), 10), pad(format(row.p50Ms, 3), 10), pad(format(row.p99Ms, 3), 10),
        ].joined(separator: " ")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
