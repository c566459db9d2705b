// kernel-bench: Shoal's Swift distance kernels versus the same algorithms in C (AVX2 intrinsics).
//
//   kernel-bench [--json] [--isa baseline|avx2|avx512] [--dims 100,128,384,784] [--reps 5]
//                [--min-time 0.2] [--threshold 0.90]
//
// For each dimension: single-query scans (squared L2, negated dot) over a ~256 KB ("hot",
// L2-resident) and a ~8 MB block of rows, and batches of 8 and 64 queries (dot products + the L2
// epilogue) over both blocks. Every case is verified (Swift vs C, both vs double precision,
// relative 1e-4) before it is timed; the time is the best of `--reps` samples of ≥ `--min-time`
// seconds each, Swift and C interleaved, after a warm-up. Exit status: 0 PASS, 1 FAIL (some ratio
// below the threshold), 2 usage error or disagreeing outputs.
import CReference
import ShoalKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Options {
    var json = false
    var isa = InstructionSet.active
    var dimensions = [100, 128, 384, 784]
    var repetitions = 5
    var minTime = 0.2
    var threshold = 0.90
    var largeBytes = 8 << 20
    var hotBytes = 256 << 10
}

func fail(_ message: String) -> Never {
    printError("kernel-bench: \(message)\n")
    exit(2)
}

func parseOptions(_ arguments: [String]) -> Options {
    var options = Options()
    var rest = arguments[...]
    func value(_ flag: String) -> String {
        guard let v = rest.popFirst() else { fail("\(flag) needs a value") }
        return v
    }
    while let argument = rest.popFirst() {
        switch argument {
        case "--json": options.json = true
        case "--isa":
            let name = value(argument)
            guard let isa = InstructionSet(rawValue: name.lowercased()) else {
                fail("--isa must be baseline, avx2 or avx512 (got \(name))")
            }
            guard isa.isSupported else {
                fail("--isa \(isa.rawValue) is not supported by this CPU (best: \(InstructionSet.supported.rawValue))")
            }
            options.isa = isa
        case "--dims":
            let dims = value(argument).split(separator: ",").compactMap { Int($0) }
            guard !dims.isEmpty, dims.allSatisfy({ $0 > 0 }) else { fail("--dims takes positive integers, e.g. 100,128") }
            options.dimensions = dims
        case "--reps":
            guard let n = Int(value(argument)), n >= 1 else { fail("--reps takes a positive integer") }
            options.repetitions = n
        case "--min-time":
            guard let t = Double(value(argument)), t > 0 else { fail("--min-time takes seconds > 0") }
            options.minTime = t
        case "--threshold":
            guard let t = Double(value(argument)), t > 0 else { fail("--threshold takes a ratio > 0") }
            options.threshold = t
        case "-h", "--help":
            print("usage: kernel-bench [--json] [--isa baseline|avx2|avx512] [--dims 100,128,384,784] [--reps 5] [--min-time 0.2] [--threshold 0.90]")
            exit(0)
        default: fail("unknown argument \(argument) (see --help)")
        }
    }
    return options
}

/// Seconds per call: `body` repeated for at least `minTime` seconds.
func sample(_ body: () -> Void, minTime: Double) -> Double {
    let start = now()
    var calls = 0
    var end = start
    repeat {
        body()
        calls += 1
        end = now()
    } while end - start < minTime
    return (end - start) / Double(calls)
}

struct Measurement {
    let bench: BenchCase
    let agreement: Agreement
    let swiftSeconds: Double
    let cSeconds: Double
    let swiftMedian: Double
    let cMedian: Double
    let otherCores: Double?

    var swiftRate: Double { bench.workPerCall / swiftSeconds / 1e9 }
    var cRate: Double { bench.workPerCall / cSeconds / 1e9 }
    var ratio: Double { swiftRate / cRate }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func measure(_ bench: BenchCase, agreement: Agreement, options: Options) -> Measurement {
    var meter = LoadMeter()
    meter.begin()
    _ = sample(bench.runSwift, minTime: options.minTime / 2)  // warm-up: caches, page tables, clocks
    _ = sample(bench.runC, minTime: options.minTime / 2)
    var swiftTimes: [Double] = []
    var cTimes: [Double] = []
    for rep in 0..<options.repetitions {  // interleaved, alternating which side goes first
        if rep % 2 == 0 {
            swiftTimes.append(sample(bench.runSwift, minTime: options.minTime))
            cTimes.append(sample(bench.runC, minTime: options.minTime))
        } else {
            cTimes.append(sample(bench.runC, minTime: options.minTime))
            swiftTimes.append(sample(bench.runSwift, minTime: options.minTime))
        }
    }
    return Measurement(
        bench: bench, agreement: agreement, swiftSeconds: swiftTimes.min()!, cSeconds: cTimes.min()!,
        swiftMedian: median(swiftTimes), cMedian: median(cTimes), otherCores: meter.otherCores())
}

/// The cases of one dimension, in table order.
func cases(for data: DimensionData, isa: InstructionSet) -> [BenchCase] {
    let d = data.dimension
    let query = data.queries.pointer
    var list: [BenchCase] = []
    for (label, rows, count) in [("hot", data.hot, data.hotCount), ("8MB", data.large, data.largeCount)] {
        list.append(scanCase(.squaredL2, label: label, rows: rows, count: count, query: query, dimension: d, isa: isa))
        list.append(scanCase(.negatedDot, label: label, rows: rows, count: count, query: query, dimension: d, isa: isa))
    }
    for (label, rows, count) in [("hot", data.hot, data.hotCount), ("8MB", data.large, data.largeCount)] {
        for nq in [8, 64] {
            list.append(
                batchCase(label: label, rows: rows, count: count, queries: data.queries, queryCount: nq, dimension: d, isa: isa))
        }
    }
    return list
}

/// Correctness only (not timed): row counts and query counts that are not multiples of the tile,
/// and an odd dimension that takes every tail (8-wide, 4-wide, scalar).
func verifyTails(dimensions: [Int], isa: InstructionSet) -> [String] {
    var failures: [String] = []
    for d in dimensions + [37] {
        var generator = SplitMix64(seed: 7 &+ UInt64(d))
        let count = 103
        let rows = FloatBuffer(random: count * d, using: &generator)
        let queries = FloatBuffer(random: 5 * d, using: &generator)
        let checks = [
            scanCase(.squaredL2, label: "tail", rows: rows, count: count, query: queries.pointer, dimension: d, isa: isa),
            scanCase(.negatedDot, label: "tail", rows: rows, count: count, query: queries.pointer, dimension: d, isa: isa),
            batchCase(label: "tail", rows: rows, count: count, queries: queries, queryCount: 5, dimension: d, isa: isa),
        ]
        for check in checks {
            if let failure = verify(check, tolerance: 1e-4).failure { failures.append("d=\(d) \(check.name): \(failure)") }
        }
    }
    return failures
}

func run() {
    let options = parseOptions(Array(CommandLine.arguments.dropFirst()))
    let cVariant = String(cString: cref_variant())
    printError(
        "kernel-bench: Swift kernels \(options.isa.rawValue) (supported: \(InstructionSet.supported.rawValue)), C reference \(cVariant), best of \(options.repetitions) × ≥\(options.minTime) s\n")
    let tailFailures = verifyTails(dimensions: options.dimensions, isa: options.isa)
    if !tailFailures.isEmpty { fail("outputs disagree:\n  " + tailFailures.joined(separator: "\n  ")) }

    var results: [Measurement] = []
    for d in options.dimensions {
        let data = DimensionData(
            dimension: d, largeBytes: options.largeBytes, hotBytes: options.hotBytes, queryCount: 64, seed: 20_240_601)
        for bench in cases(for: data, isa: options.isa) {
            let agreement = verify(bench, tolerance: 1e-4)
            if let failure = agreement.failure { fail("d=\(d) \(bench.name): outputs disagree: \(failure)") }
            let m = measure(bench, agreement: agreement, options: options)
            printError(
                "  d=\(padded(String(d), 4, left: true)) \(padded(bench.name, 24, left: true)) Swift \(padded(format(m.swiftRate, 2), 7)) "
                    + "C \(padded(format(m.cRate, 2), 7)) \(padded(bench.unit.rawValue, 7, left: true)) ratio \(format(m.ratio, 3))\n")
            results.append(m)
        }
    }
    let minimum = results.map(\.ratio).min() ?? 0
    let failing = results.filter { $0.ratio < options.threshold }
    let verdict =
        failing.isEmpty
        ? cFormat("PASS: every ratio ≥ %.2f", options.threshold)
        : cFormat("FAIL: %d of %d ratios below %.2f: ", failing.count, results.count, options.threshold)
            + failing.map { "d=\($0.bench.dimension) \($0.bench.name) \(format($0.ratio, 3))" }.joined(separator: "; ")
    if options.json {
        printJSON(results, options: options, cVariant: cVariant, minimum: minimum, pass: failing.isEmpty)
    } else {
        printTable(results, options: options, cVariant: cVariant, minimum: minimum, verdict: verdict)
    }
    exit(failing.isEmpty ? 0 : 1)
}

run()
