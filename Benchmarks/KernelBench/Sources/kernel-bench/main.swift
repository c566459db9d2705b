// kernel-bench: Shoal's Swift distance kernels versus the same algorithms in C (AVX2 intrinsics).
//
//   kernel-bench [--json] [--isa baseline|avx2|avx512] [--dims 100,128,384,784] [--reps 5]
//                [--min-time 0.2] [--threshold 0.90] [--retries 2] [--only "hot L2 scan"] [--c-vs-c]
//                [--wait-quiet SECONDS] [--verify-only]
//
// For each dimension: single-query scans (squared L2, negated dot) over a ~256 KB ("hot",
// L2-resident) and a ~8 MB block of rows, and batches of 2, 8 and 64 queries (dot products + the
// L2 epilogue; 2 and 8 queries take the register-tile path, 64 the packed-panel path, as
// `ISAKernels.dotBatch` switches at 32 queries, 64 above d = 128) over both blocks. Every case is verified (Swift vs C, both vs double precision,
// relative 1e-4) before it is timed; the time is the best of `--reps` samples of ≥ `--min-time`
// seconds per side, after a warm-up; within a sample, Swift and C alternate in ~2 ms slices so
// that both see the same interference from other processes. A case whose ratio is below the
// threshold is measured again (`--retries` times at most), adding `--reps` samples to BOTH sides;
// the table shows the samples per side. `--c-vs-c` times the C reference against itself (the
// noise floor of the ratio). `--wait-quiet S` waits (at most S seconds per case) until the rest
// of the machine uses less than a quarter of a core before measuring. `--verify-only` calls each
// selected case once per side, checks the outputs and times nothing (for instruction counting
// under callgrind, and as a quick correctness check). Exit status: 0 PASS, 1 FAIL, 2 usage error or disagreeing outputs.
import CReference
import Shoal
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
    var retries = 2
    var largeBytes = 8 << 20
    var hotBytes = 256 << 10
    var only: String?
    var cVersusC = false
    var waitQuiet = 0.0
    var verifyOnly = false
}

let usage = """
    usage: kernel-bench [--json] [--isa baseline|avx2|avx512] [--dims 100,128,384,784] [--reps 5]
                        [--min-time 0.2] [--threshold 0.90] [--retries 2] [--only CASE-SUBSTRING] [--c-vs-c]
                        [--wait-quiet SECONDS] [--verify-only]
    """

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
        case "--retries":
            guard let n = Int(value(argument)), n >= 0 else { fail("--retries takes an integer ≥ 0") }
            options.retries = n
        case "--only": options.only = value(argument)
        case "--c-vs-c": options.cVersusC = true
        case "--verify-only": options.verifyOnly = true
        case "--wait-quiet":
            guard let t = Double(value(argument)), t >= 0 else { fail("--wait-quiet takes seconds ≥ 0") }
            options.waitQuiet = t
        case "-h", "--help":
            print(usage)
            exit(0)
        default: fail("unknown argument \(argument)\n\(usage)")
        }
    }
    return options
}

/// Seconds per call: `body` repeated for at least `minTime` seconds (used for the warm-up).
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

/// One repetition of both sides, finely interleaved: slices of ≥ `slice` seconds (at least one
/// call) alternate between `a` and `b` until each side has run for `minTime` seconds in total, so
/// both sides see the same interference from the rest of the machine. A slice during which the
/// process was preempted (an involuntary context switch, from getrusage) is discarded, unless the
/// repetition has already taken 20 × `minTime` of wall time. Returns seconds per call.
func pairedSample(_ a: () -> Void, _ b: () -> Void, minTime: Double, slice: Double = 0.002) -> (Double, Double) {
    var timeA = 0.0
    var timeB = 0.0
    var callsA = 0
    var callsB = 0
    let giveUp = now() + 20 * minTime
    func runSlice(_ body: () -> Void, _ time: inout Double, _ calls: inout Int) {
        let switches = involuntaryContextSwitches()
        let start = now()
        var end = start
        var n = 0
        repeat {
            body()
            n += 1
            end = now()
        } while end - start < slice
        if involuntaryContextSwitches() == switches || end > giveUp {
            time += end - start
            calls += n
        }
    }
    while timeA < minTime || timeB < minTime {
        if timeA < minTime { runSlice(a, &timeA, &callsA) }
        if timeB < minTime { runSlice(b, &timeB, &callsB) }
    }
    return (timeA / Double(callsA), timeB / Double(callsB))
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let n = sorted.count
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
}

/// Waits until other processes use less than `cores` CPU cores over a 0.5 s window, or until
/// `timeout` seconds have passed; returns the last window's load.
@discardableResult
func waitUntilQuiet(timeout: Double, cores: Double = 0.25) -> Double? {
    let deadline = now() + timeout
    var load: Double?
    repeat {
        var meter = LoadMeter()
        meter.begin()
        usleep(500_000)
        load = meter.otherCores()
        guard let current = load, current >= cores else { return load }
    } while now() < deadline
    return load
}

/// Samples of one case (seconds per call), both sides, over one or more attempts.
struct Measurement {
    let bench: BenchCase
    let agreement: Agreement
    var swiftTimes: [Double] = []
    var cTimes: [Double] = []
    var attempts = 0
    /// Other processes' CPU use during the attempts (cores), the worst attempt.
    var otherCores: Double?

    init(bench: BenchCase, agreement: Agreement) {
        self.bench = bench
        self.agreement = agreement
    }

    var swiftSeconds: Double { swiftTimes.min() ?? .nan }
    var cSeconds: Double { cTimes.min() ?? .nan }
    var swiftRate: Double { bench.workPerCall / swiftSeconds / 1e9 }
    var cRate: Double { bench.workPerCall / cSeconds / 1e9 }
    var ratio: Double { swiftRate / cRate }

    /// One attempt: a warm-up of each side, then `repetitions` paired samples (each side ≥
    /// `minTime` seconds, interleaved in ~2 ms slices), alternating which side goes first.
    mutating func attempt(options: Options) {
        if options.waitQuiet > 0 { waitUntilQuiet(timeout: options.waitQuiet) }
        var meter = LoadMeter()
        meter.begin()
        _ = sample(bench.runSwift, minTime: options.minTime / 2)  // warm-up: caches, TLB, clocks
        _ = sample(bench.runC, minTime: options.minTime / 2)
        for rep in 0..<options.repetitions {
            if rep % 2 == 0 {
                let (s, c) = pairedSample(bench.runSwift, bench.runC, minTime: options.minTime)
                swiftTimes.append(s)
                cTimes.append(c)
            } else {
                let (c, s) = pairedSample(bench.runC, bench.runSwift, minTime: options.minTime)
                swiftTimes.append(s)
                cTimes.append(c)
            }
        }
        attempts += 1
        if let load = meter.otherCores() { otherCores = max(otherCores ?? 0, load) }
    }
}

/// The cases of one dimension, in table order.
func cases(for data: DimensionData, isa: InstructionSet) -> [BenchCase] {
    let d = data.dimension
    let query = data.queries.pointer
    let blocks = [("hot", data.hot, data.hotCount), ("8MB", data.large, data.largeCount)]
    var list: [BenchCase] = []
    for (label, rows, count) in blocks {
        list.append(scanCase(.squaredL2, label: label, rows: rows, count: count, query: query, dimension: d, isa: isa))
        list.append(scanCase(.negatedDot, label: label, rows: rows, count: count, query: query, dimension: d, isa: isa))
    }
    for (label, rows, count) in blocks {
        for nq in [2, 8, 64] {  // 2 and 8: the 2 × 4 tile path; 64: the panel path
            list.append(
                batchCase(
                    label: label, rows: rows, count: count, queries: data.queries, queryCount: nq, dimension: d, isa: isa))
        }
    }
    return list
}

/// Correctness only (not timed): a row count and query counts that are not multiples of the
/// tile (3 and 5 on the tile path, 67 on the panel path), and an odd dimension that takes every
/// tail (8-wide, 4-wide, scalar).
func verifyTails(dimensions: [Int], isa: InstructionSet) -> [String] {
    var failures: [String] = []
    for d in dimensions + [37] {
        var generator = SeededGenerator(seed: 7 &+ UInt64(d))
        let count = 103
        let rows = FloatBuffer(random: count * d, using: &generator)
        let queries = FloatBuffer(random: 67 * d, using: &generator)
        let q = queries.pointer
        let checks = [
            scanCase(.squaredL2, label: "tail", rows: rows, count: count, query: q, dimension: d, isa: isa),
            scanCase(.negatedDot, label: "tail", rows: rows, count: count, query: q, dimension: d, isa: isa),
            batchCase(label: "tail", rows: rows, count: count, queries: queries, queryCount: 5, dimension: d, isa: isa),
            batchCase(label: "tail", rows: rows, count: count, queries: queries, queryCount: 3, dimension: d, isa: isa),
            batchCase(label: "tail", rows: rows, count: count, queries: queries, queryCount: 67, dimension: d, isa: isa),
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
        "kernel-bench: Swift kernels \(options.isa.rawValue) (supported: \(InstructionSet.supported.rawValue)), "
            + "C reference \(cVariant), best of \(options.repetitions) × ≥\(options.minTime) s"
            + (options.cVersusC ? ", C VERSUS C (noise floor)" : "") + "\n")
    let tailFailures = options.verifyOnly ? [] : verifyTails(dimensions: options.dimensions, isa: options.isa)
    if !tailFailures.isEmpty { fail("outputs disagree:\n  " + tailFailures.joined(separator: "\n  ")) }

    var results: [Measurement] = []
    for d in options.dimensions {
        let data = DimensionData(
            dimension: d, largeBytes: options.largeBytes, hotBytes: options.hotBytes, queryCount: 64, seed: 20_240_601)
        for var bench in cases(for: data, isa: options.isa) where options.only.map({ bench.name.contains($0) }) ?? true {
            let agreement = verify(bench, tolerance: 1e-4)
            if let failure = agreement.failure { fail("d=\(d) \(bench.name): outputs disagree: \(failure)") }
            if options.verifyOnly {
                print("d=\(d) \(bench.name): outputs agree (\(agreement.identical ? "bit-identical" : "max relative difference \(cFormat("%.1e", agreement.maxRelativeSwiftVsC))"))")
                continue
            }
            if options.cVersusC { bench.runSwift = bench.runC }
            var m = Measurement(bench: bench, agreement: agreement)
            m.attempt(options: options)
            while m.ratio < options.threshold, m.attempts <= options.retries {
                printError("  d=\(d) \(bench.name): ratio \(format(m.ratio, 3)) below the threshold, measuring again\n")
                m.attempt(options: options)
            }
            printError(
                "  d=\(padded(String(d), 4, left: true)) \(padded(bench.name, 20, left: true)) Swift \(padded(format(m.swiftRate, 2), 7)) "
                    + "C \(padded(format(m.cRate, 2), 7)) \(padded(bench.unit.rawValue, 7, left: true)) ratio \(format(m.ratio, 3))"
                    + "  other load \(m.otherCores.map { format($0, 2) } ?? "n/a")\n")
            results.append(m)
        }
    }
    if options.verifyOnly { exit(0) }
    let minimum = results.map(\.ratio).min() ?? 0
    let failing = results.filter { $0.ratio < options.threshold }
    let verdict =
        failing.isEmpty
        ? "PASS: every ratio ≥ \(format(options.threshold, 2))"
        : "FAIL: \(failing.count) of \(results.count) ratios below \(format(options.threshold, 2)): "
            + failing.map { "d=\($0.bench.dimension) \($0.bench.name) \(format($0.ratio, 3))" }.joined(separator: "; ")
    if options.json {
        printJSON(results, options: options, cVariant: cVariant, minimum: minimum, pass: failing.isEmpty)
    } else {
        printTable(results, options: options, cVariant: cVariant, minimum: minimum, verdict: verdict)
    }
    exit(failing.isEmpty ? 0 : 1)
}

run()
