// Buffers, a seeded generator, a clock and a meter of what else the machine was doing.
import Shoal

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A 64-byte-aligned float buffer that lives as long as the process (benchmark data).
struct FloatBuffer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * 4, alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: max(1, count))
        base.initialize(repeating: 0, count: max(1, count))
    }

    /// Uniform values in [-1, 1) from `generator`.
    init(random count: Int, using generator: inout SeededGenerator) {
        self.init(count: count)
        for i in 0..<count { base[i] = generator.nextUnitFloat() * 2 - 1 }
    }

    var pointer: UnsafePointer<Float> { UnsafePointer(base) }
}

extension SeededGenerator {
    /// Uniform in [0, 1) with 24 random bits.
    mutating func nextUnitFloat() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }
}

/// Seconds on the monotonic clock.
@inline(__always)
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// How busy the rest of the machine was while we measured: (all CPU time − ours) / wall time, in
/// cores. Read from /proc/stat and getrusage; `nil` where /proc/stat is missing.
struct LoadMeter {
    private var start: (busy: Double, own: Double, wall: Double)?

    static func machineBusySeconds() -> Double? {
        guard let file = fopen("/proc/stat", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 512)
        guard fgets(&line, Int32(line.count), file) != nil else { return nil }
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let fields = text.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard fields.count >= 5 else { return nil }
        // user nice system idle iowait irq softirq steal ...: busy = all but idle and iowait.
        let busy = fields.enumerated().filter { $0.offset != 3 && $0.offset != 4 && $0.offset < 8 }.map(\.element)
        return busy.reduce(0, +) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func ownSeconds() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
        return user + system
    }

    mutating func begin() {
        start = LoadMeter.machineBusySeconds().map { ($0, LoadMeter.ownSeconds(), now()) }
    }

    /// Other processes' CPU use since `begin()`, in cores (0 = idle machine apart from us).
    func otherCores() -> Double? {
        guard let start, let busy = LoadMeter.machineBusySeconds() else { return nil }
        let wall = now() - start.wall
        guard wall > 0 else { return nil }
        return max(0, ((busy - start.busy) - (LoadMeter.ownSeconds() - start.own)) / wall)
    }
}

/// `printf`-style formatting (no Foundation): `cFormat("%.2f", x)`.
func cFormat(_ format: String, _ arguments: CVarArg...) -> String {
    withVaList(arguments) { list in
        var buffer = [CChar](repeating: 0, count: 1024)
        _ = vsnprintf(&buffer, buffer.count, format, list)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Writes `text` to standard error (progress and diagnostics; stdout carries the table or JSON).
func printError(_ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
            if written <= 0 { return }
            offset += written
        }
    }
}

/// Involuntary context switches of this process so far (preemptions), from getrusage.
func involuntaryContextSwitches() -> Int {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return Int(usage.ru_nivcsw)
}
