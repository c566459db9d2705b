// The benchmark cases: Swift `Kernels` versus the C reference on the same buffers.
import CReference
import Shoal
import ShoalKernels

enum Throughput: String {
    case gigabytesPerSecond = "GB/s"
    case gigaflopsPerSecond = "GFLOP/s"
}

/// One row of the table: a Swift call and a C call that compute the same outputs.
struct BenchCase {
    let dimension: Int
    let name: String
    let rowCount: Int
    let queryCount: Int
    let unit: Throughput
    /// Bytes (scans) or floating-point operations (batches) per call.
    let workPerCall: Double
    var runSwift: () -> Void
    let runC: () -> Void
    let swiftOut: FloatBuffer
    let cOut: FloatBuffer
    /// The exact value of output `index`, in double precision (for a sample of outputs).
    let exact: (Int) -> Double
}

/// Data for one dimension: a ~8 MB block and a ~256 KB ("hot", L2-resident) block of rows,
/// 64 queries, and the squared norms of both (each side computes its own, untimed).
struct DimensionData {
    let dimension: Int
    let large: FloatBuffer
    let largeCount: Int
    let hot: FloatBuffer
    let hotCount: Int
    let queries: FloatBuffer
    let queryCount: Int

    init(dimension d: Int, largeBytes: Int, hotBytes: Int, queryCount: Int, seed: UInt64) {
        var generator = SeededGenerator(seed: seed &+ UInt64(d))
        dimension = d
        largeCount = max(4, largeBytes / (4 * d) / 4 * 4)
        hotCount = max(4, hotBytes / (4 * d) / 4 * 4)
        large = FloatBuffer(random: largeCount * d, using: &generator)
        hot = FloatBuffer(random: hotCount * d, using: &generator)
        self.queryCount = queryCount
        queries = FloatBuffer(random: queryCount * d, using: &generator)
    }
}

func exactSquaredL2(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Double {
    var s = 0.0
    for j in 0..<d {
        let t = Double(a[j]) - Double(b[j])
        s += t * t
    }
    return s
}

func exactDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Double {
    var s = 0.0
    for j in 0..<d { s += Double(a[j]) * Double(b[j]) }
    return s
}

/// A single-query scan (`Kernels.distances` vs `cref_*_rows`) over `count` rows of `rows`.
func scanCase(
    _ metric: KernelMetric, label: String, rows: FloatBuffer, count: Int, query: UnsafePointer<Float>,
    dimension d: Int, isa: InstructionSet
) -> BenchCase {
    let swiftOut = FloatBuffer(count: count)
    let cOut = FloatBuffer(count: count)
    let r = rows.pointer
    let swift: () -> Void = {
        Kernels.distances(metric, query: query, rows: r, count: count, dimension: d, out: swiftOut.base, instructionSet: isa)
    }
    let c: () -> Void
    let exact: (Int) -> Double
    switch metric {
    case .squaredL2:
        c = { cref_squared_l2_rows(query, r, count, d, cOut.base) }
        exact = { exactSquaredL2(query, r + $0 * d, d) }
    case .negatedDot:
        c = { cref_negated_dot_rows(query, r, count, d, cOut.base) }
        exact = { -exactDot(query, r + $0 * d, d) }
    }
    let name = "\(label) \(metric == .squaredL2 ? "L2" : "IP") scan"
    return BenchCase(
        dimension: d, name: name, rowCount: count, queryCount: 1, unit: .gigabytesPerSecond,
        workPerCall: Double(count * d * 4), runSwift: swift, runC: c, swiftOut: swiftOut, cOut: cOut, exact: exact)
}

/// A batch (`Kernels.batchDistances(.squaredL2, …)` vs `cref_batch_squared_l2`): `queryCount`
/// queries × `count` rows, dot products then the L2 epilogue; the norms are computed beforehand.
func batchCase(
    label: String, rows: FloatBuffer, count: Int, queries: FloatBuffer, queryCount nq: Int, dimension d: Int,
    isa: InstructionSet
) -> BenchCase {
    let r = rows.pointer
    let q = queries.pointer
    let swiftRowNorms = FloatBuffer(count: count)
    let swiftQueryNorms = FloatBuffer(count: nq)
    let cRowNorms = FloatBuffer(count: count)
    let cQueryNorms = FloatBuffer(count: nq)
    Kernels.squaredNorms(rows: r, count: count, dimension: d, out: swiftRowNorms.base, instructionSet: isa)
    Kernels.squaredNorms(rows: q, count: nq, dimension: d, out: swiftQueryNorms.base, instructionSet: isa)
    cref_squared_norms(r, count, d, cRowNorms.base)
    cref_squared_norms(q, nq, d, cQueryNorms.base)
    let swiftOut = FloatBuffer(count: nq * count)
    let cOut = FloatBuffer(count: nq * count)
    let swift: () -> Void = {
        Kernels.batchDistances(
            .squaredL2, queries: q, queryNorms: swiftQueryNorms.pointer, queryCount: nq, rows: r,
            rowNorms: swiftRowNorms.pointer, rowCount: count, dimension: d, out: swiftOut.base, outStride: count,
            instructionSet: isa)
    }
    let c: () -> Void = {
        cref_batch_squared_l2(q, cQueryNorms.pointer, nq, r, cRowNorms.pointer, count, d, cOut.base, count)
    }
    let exact: (Int) -> Double = { index in
        exactSquaredL2(q + (index / count) * d, r + (index % count) * d, d)
    }
    return BenchCase(
        dimension: d, name: "\(label) L2 batch nq=\(nq)", rowCount: count, queryCount: nq, unit: .gigaflopsPerSecond,
        workPerCall: 2 * Double(nq) * Double(count) * Double(d), runSwift: swift, runC: c, swiftOut: swiftOut,
        cOut: cOut, exact: exact)
}

/// Outcome of checking one case's outputs.
struct Agreement {
    var maxRelativeSwiftVsC = 0.0
    var maxRelativeVsExact = 0.0
    var identical = true
    var failure: String?
}

/// Runs both sides once and compares: Swift vs C on every output, both vs double precision on a
/// sample. Relative error is |a − b| / max(|a|, |b|, 1); the tolerance is `tolerance`.
func verify(_ bench: BenchCase, tolerance: Double) -> Agreement {
    let total = bench.rowCount * bench.queryCount
    for i in 0..<total {
        bench.swiftOut.base[i] = .nan
        bench.cOut.base[i] = .nan
    }
    bench.runSwift()
    bench.runC()
    var result = Agreement()
    func relative(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(a), abs(b), 1) }
    for i in 0..<total {
        let s = bench.swiftOut.base[i]
        let c = bench.cOut.base[i]
        if s.bitPattern != c.bitPattern { result.identical = false }
        let error = s.isFinite && c.isFinite ? relative(Double(s), Double(c)) : .infinity
        result.maxRelativeSwiftVsC = max(result.maxRelativeSwiftVsC, error)
        if error > tolerance, result.failure == nil {
            result.failure = "output \(i): Swift \(s), C \(c)"
        }
    }
    var sample = Array(0..<min(total, 64))
    if total > 64 { sample += stride(from: 64, to: total, by: max(1, total / 256)) + [total - 1] }
    for i in sample {
        let exact = bench.exact(i)
        for (side, value) in [("Swift", bench.swiftOut.base[i]), ("C", bench.cOut.base[i])] {
            let error = value.isFinite ? relative(Double(value), exact) : .infinity
            result.maxRelativeVsExact = max(result.maxRelativeVsExact, error)
            if error > tolerance, result.failure == nil {
                result.failure = "output \(i): \(side) \(value), exact \(exact)"
            }
        }
    }
    return result
}
