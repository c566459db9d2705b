// Benchmarks/profile/quantised_scan.swift: would 8-bit codes make the one-query scan faster?
//
//     swiftc -Ounchecked -target-cpu haswell Benchmarks/profile/quantised_scan.swift -o /tmp/quantised_scan
//     /tmp/quantised_scan 500      # cache-resident
//     /tmp/quantised_scan 6400     # 20 MB at d = 784, the size of the mnist trace
//     /tmp/quantised_scan 40000    # 125 MB, from DRAM
//
// Times the squared-L2 scan of one query over 20,000 random 75-row partitions (d = 784) of ROWS
// stored rows, as float32 rows and as UInt8 codes widened in registers (LLVM emits
// vpmovzxbd + vcvtdq2ps for SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded:))). Both loops have the
// same shape (two 8-lane accumulators, fused multiply-add). Prints µs per partition, three times.
// A standalone measurement for docs/workload.md, not part of the package.
import Foundation

@inline(never)
func floatScan(_ q: UnsafePointer<Float>, _ rows: UnsafePointer<Float>, _ n: Int, _ d: Int, _ out: UnsafeMutablePointer<Float>) {
    for r in 0..<n {
        let x = rows + r * d
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
        var i = 0
        while i + 16 <= d {
            let t0 = UnsafeRawPointer(q + i).loadUnaligned(as: SIMD8<Float>.self) - UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            let t1 = UnsafeRawPointer(q + i + 8).loadUnaligned(as: SIMD8<Float>.self) - UnsafeRawPointer(x + i + 8).loadUnaligned(as: SIMD8<Float>.self)
            a0.addProduct(t0, t0)
            a1.addProduct(t1, t1)
            i += 16
        }
        var s = (a0 + a1).sum()
        while i < d { let t = q[i] - x[i]; s += t * t; i += 1 }
        out[r] = s
    }
}

@inline(never)
func codeScan(_ q: UnsafePointer<Float>, _ codes: UnsafePointer<UInt8>, _ n: Int, _ d: Int, _ out: UnsafeMutablePointer<Float>) {
    for r in 0..<n {
        let x = codes + r * d
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
        var i = 0
        while i + 16 <= d {
            let c = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<UInt8>.self)
            let t0 = UnsafeRawPointer(q + i).loadUnaligned(as: SIMD8<Float>.self) - SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: c.lowHalf))
            let t1 = UnsafeRawPointer(q + i + 8).loadUnaligned(as: SIMD8<Float>.self) - SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: c.highHalf))
            a0.addProduct(t0, t0)
            a1.addProduct(t1, t1)
            i += 16
        }
        var s = (a0 + a1).sum()
        while i < d { let t = q[i] - Float(x[i]); s += t * t; i += 1 }
        out[r] = s
    }
}

let d = 784
let partitionRows = 75
let scans = 20_000
let total = Int(CommandLine.arguments.dropFirst().first ?? "6400") ?? 6400
let rows = UnsafeMutablePointer<Float>.allocate(capacity: total * d)
let codes = UnsafeMutablePointer<UInt8>.allocate(capacity: total * d)
for i in 0..<(total * d) {
    let value = UInt8.random(in: 0...255)
    codes[i] = value
    rows[i] = Float(value)
}
let query = UnsafeMutablePointer<Float>.allocate(capacity: d)
for i in 0..<d { query[i] = Float.random(in: 0...255) }
let out = UnsafeMutablePointer<Float>.allocate(capacity: partitionRows)
let order = (0..<scans).map { _ in Int.random(in: 0..<(total / partitionRows)) }
var sink: Float = 0

func microseconds(_ body: () -> Void) -> Double {
    let start = Date()
    body()
    return Date().timeIntervalSince(start) / Double(scans) * 1e6
}

for _ in 0..<3 {
    let float = microseconds { for p in order { floatScan(query, rows + p * partitionRows * d, partitionRows, d, out); sink += out[0] } }
    let code = microseconds { for p in order { codeScan(query, codes + p * partitionRows * d, partitionRows, d, out); sink += out[0] } }
    print(String(format: "%d rows: float %.2f µs, UInt8 %.2f µs per partition, speed-up %.2f×", total, float, code, float / code))
}
if sink.isNaN { print(sink) }
