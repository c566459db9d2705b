// The table and the JSON document.
import ShoalKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func format(_ value: Double, _ digits: Int) -> String { cFormat("%.*f", Int32(digits), value) }

func padded(_ text: String, _ width: Int, left: Bool = false) -> String {
    let pad = String(repeating: " ", count: max(0, width - text.count))
    return left ? text + pad : pad + text
}

func printTable(_ results: [Measurement], options: Options, cVariant: String, minimum: Double, verdict: String) {
    print("Swift kernels: \(options.isa.rawValue) (CPU supports \(InstructionSet.supported.rawValue)); C reference: \(cVariant) (-O3 -march=native -ffp-contract=fast)")
    if options.cVersusC { print("C VERSUS C: the Swift column times the C reference too (noise floor of the ratio)") }
    print(
        "best of \(options.repetitions) samples of ≥ \(options.minTime) s per side and attempt, Swift and C interleaved in ~2 ms slices; "
            + "up to \(options.retries) more attempts below \(format(options.threshold, 2)); outputs verified first (relative 1e-4)")
    print("| d | case | rows | unit | Swift | C | Swift/C | samples/side | other load (cores) | Swift vs C outputs |")
    print("|---:|---|---:|---|---:|---:|---:|---:|---:|---|")
    for m in results {
        let load = m.otherCores.map { format($0, 2) } ?? "n/a"
        let outputs =
            m.agreement.identical ? "bit-identical" : "max rel \(cFormat("%.1e", m.agreement.maxRelativeSwiftVsC))"
        print(
            "| \(m.bench.dimension) | \(m.bench.name) | \(m.bench.rowCount) | \(m.bench.unit.rawValue) | \(format(m.swiftRate, 2)) | \(format(m.cRate, 2)) | \(format(m.ratio, 3)) | \(m.swiftTimes.count) | \(load) | \(outputs) |"
        )
    }
    print("")
    print("minimum ratio Swift/C: \(format(minimum, 3))")
    print(verdict)
}

func jsonString(_ text: String) -> String {
    var out = "\""
    for ch in text.unicodeScalars {
        switch ch {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default: out.unicodeScalars.append(ch)
        }
    }
    return out + "\""
}

func printJSON(_ results: [Measurement], options: Options, cVariant: String, minimum: Double, pass: Bool) {
    var rows: [String] = []
    for m in results {
        let fields = [
            "\"d\": \(m.bench.dimension)",
            "\"case\": \(jsonString(m.bench.name))",
            "\"rows\": \(m.bench.rowCount)",
            "\"queries\": \(m.bench.queryCount)",
            "\"unit\": \(jsonString(m.bench.unit.rawValue))",
            "\"swift\": \(format(m.swiftRate, 4))",
            "\"c\": \(format(m.cRate, 4))",
            "\"ratio\": \(format(m.ratio, 4))",
            "\"swift_best_ns\": \(format(m.swiftSeconds * 1e9, 1))",
            "\"c_best_ns\": \(format(m.cSeconds * 1e9, 1))",
            "\"swift_median_ns\": \(format(median(m.swiftTimes) * 1e9, 1))",
            "\"c_median_ns\": \(format(median(m.cTimes) * 1e9, 1))",
            "\"samples_per_side\": \(m.swiftTimes.count)",
            "\"attempts\": \(m.attempts)",
            "\"other_load_cores\": \(m.otherCores.map { format($0, 3) } ?? "null")",
            "\"outputs_identical\": \(m.agreement.identical)",
            "\"max_relative_swift_vs_c\": \(cFormat("%.3e", m.agreement.maxRelativeSwiftVsC))",
            "\"max_relative_vs_exact\": \(cFormat("%.3e", m.agreement.maxRelativeVsExact))",
        ]
        rows.append("    {" + fields.joined(separator: ", ") + "}")
    }
    print("{")
    print("  \"swift_isa\": \(jsonString(options.isa.rawValue)),")
    print("  \"supported_isa\": \(jsonString(InstructionSet.supported.rawValue)),")
    print("  \"c_variant\": \(jsonString(cVariant)),")
    print("  \"repetitions\": \(options.repetitions),")
    print("  \"min_time_s\": \(options.minTime),")
    print("  \"threshold\": \(options.threshold),")
    print("  \"retries\": \(options.retries),")
    print("  \"c_versus_c\": \(options.cVersusC),")
    print("  \"wait_quiet_s\": \(options.waitQuiet),")
    print("  \"results\": [")
    print(rows.joined(separator: ",\n"))
    print("  ],")
    print("  \"min_ratio\": \(format(minimum, 4)),")
    print("  \"pass\": \(pass)")
    print("}")
}
