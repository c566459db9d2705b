import ShoalKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Measures λ(n, k) on this machine for one dimension and metric, and caches the table on disk so
/// later indexes (and later runs) reuse it instead of measuring again.
///
/// The grid is n ∈ {16, 64, 256, 1024, 4096, 16384, 65536} (cut where n × d exceeds 2²² floats, so
/// measuring stays under a second) and k ∈ {1, 10, 100}; each point is the fastest of 5 timed scans
/// of random data with the same kernel and top-k code as search. The cache file is
/// `<directory>/scan-cost-<isa>-d<d>-<metric>.csv`: a `#` comment, the sizes, the ks, then one line
/// of nanoseconds per k. A file whose grid differs, or that does not parse, is measured again.
enum MeasuredScanCost {
    static let sizes = [16, 64, 256, 1024, 4096, 16384, 65536]
    static let ks = [1, 10, 100]

    /// The table for `dimension` and `metric`, from the cache in `directory` or measured (and then
    /// written there; a directory that cannot be written only costs the cache).
    static func table(dimension: Int, metric: DistanceMetric, directory: String?) -> GridScanCost {
        let grid = sizes.filter { $0 == sizes[0] || $0 * dimension <= 1 << 22 }
        let path = directory.map {
            "\($0)/scan-cost-\(InstructionSet.active.rawValue)-d\(dimension)-\(metric.rawValue).csv"
        }
        if let path, let cached = read(path), cached.sizes == grid, cached.ks == ks { return cached }
        let measured = measure(dimension: dimension, metric: metric, sizes: grid)
        if let path, let directory { write(measured, to: path, directory: directory) }
        return measured
    }

    /// The default cache directory: `$SHOAL_CACHE_DIR`, else `$XDG_CACHE_HOME/shoal`, else
    /// `$HOME/.cache/shoal`.
    static var defaultDirectory: String? {
        if let explicit = getenv("SHOAL_CACHE_DIR") { return String(cString: explicit) }
        if let xdg = getenv("XDG_CACHE_HOME") { return String(cString: xdg) + "/shoal" }
        if let home = getenv("HOME") { return String(cString: home) + "/.cache/shoal" }
        return nil
    }

    static func measure(dimension d: Int, metric: DistanceMetric, sizes grid: [Int]) -> GridScanCost {
        let largest = grid.last ?? 16
        var random = SeededGenerator(seed: 42)
        let rows = (0..<(largest * d)).map { _ in Float.random(in: -1...1, using: &random) }
        let query = (0..<d).map { _ in Float.random(in: -1...1, using: &random) }
        let ids = (0..<Int64(largest)).map { $0 }
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: largest)
        defer { scratch.deallocate() }
        var table: [[Double]] = []
        for k in ks {
            var line: [Double] = []
            for n in grid {
                var best = Double.infinity
                for _ in 0..<5 {
                    let heap = TopKBuffers(queryCount: 1, k: k)
                    let start = MonotonicClock.nanoseconds()
                    rows.withUnsafeBufferPointer { r in
                        query.withUnsafeBufferPointer { q in
                            ids.withUnsafeBufferPointer { i in
                                Kernels.distances(
                                    metric.kernelMetric, query: q.baseAddress!, rows: r.baseAddress!, count: n,
                                    dimension: d, out: scratch)
                                heap.push(query: 0, candidates: scratch, ids: i.baseAddress!, count: n)
                            }
                        }
                    }
                    best = min(best, Double(MonotonicClock.nanoseconds() - start))
                }
                line.append(best)
            }
            // Scanning more never costs less: smooth timer noise into a non-decreasing line.
            for i in 1..<line.count { line[i] = max(line[i], line[i - 1]) }
            table.append(line)
        }
        return GridScanCost(sizes: grid, ks: ks, nanoseconds: table)
    }

    static func read(_ path: String) -> GridScanCost? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var lines: [String] = []
        var buffer = [CChar](repeating: 0, count: 4096)
        while fgets(&buffer, Int32(buffer.count), file) != nil {
            let length = buffer.firstIndex(of: 0) ?? buffer.count
            let line = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self).trimmingNewline
            if !line.hasPrefix("#") && !line.isEmpty { lines.append(line) }
        }
        guard lines.count >= 3 else { return nil }
        let sizes = lines[0].split(separator: ",").compactMap { Int($0) }
        let ks = lines[1].split(separator: ",").compactMap { Int($0) }
        let values = lines.dropFirst(2).map { $0.split(separator: ",").compactMap { Double($0) } }
        guard sizes.count >= 2, !ks.isEmpty, values.count == ks.count, values.allSatisfy({ $0.count == sizes.count }),
            zip(sizes, sizes.dropFirst()).allSatisfy({ $0 < $1 }), zip(ks, ks.dropFirst()).allSatisfy({ $0 < $1 }),
            values.allSatisfy({ $0.allSatisfy { $0.isFinite && $0 >= 0 } })
        else { return nil }
        return GridScanCost(sizes: sizes, ks: ks, nanoseconds: Array(values))
    }

    static func write(_ table: GridScanCost, to path: String, directory: String) {
        // Create every missing folder of the path (mkdir -p), keeping it absolute when it is.
        var partial = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            partial += "/" + component
            mkdir(partial, 0o755)
        }
        var text = "# Shoal scan cost λ(n, k) in nanoseconds: sizes, ks, then one line per k\n"
        text += table.sizes.map(String.init).joined(separator: ",") + "\n"
        text += table.ks.map(String.init).joined(separator: ",") + "\n"
        for line in table.nanoseconds { text += line.map { String($0) }.joined(separator: ",") + "\n" }
        let temporary = path + ".tmp-\(getpid())"
        guard let file = fopen(temporary, "w") else { return }
        fputs(text, file)
        fclose(file)
        rename(temporary, path)
    }
}

extension String {
    fileprivate var trimmingNewline: String {
        var text = self
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        return text
    }
}
