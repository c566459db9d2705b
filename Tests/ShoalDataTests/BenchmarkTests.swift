import Foundation
import ShoalData
import Testing

/// Opt-in timing of a 1M × 128 float32 file (516 MB on disk): set `SHOALDATA_BENCHMARK=1`.
/// Off by default because it needs about 1.5 GB of memory and disk.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SHOALDATA_BENCHMARK"] != nil, "set SHOALDATA_BENCHMARK=1"))
struct BenchmarkTests {
    @Test func millionBy128FvecsAndNpyWriteAndReadQuickly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let rows = 1_000_000
        let matrix = Matrix(rows: rows, columns: 128, values: (0 ..< rows * 128).map { Float($0 & 0xFFFF) })
        let clock = ContinuousClock()
        for name in ["big.fvecs", "big.npy"] {
            let path = directory.file(name)
            let write = try clock.measure { try VectorFile.writeFloats(matrix, to: path) }
            var read = Matrix<Float>(rows: 0, columns: 0, values: [])
            let elapsed = try clock.measure { read = try VectorFile.readFloats(at: path) }
            let limited = try clock.measure { _ = try VectorFile.readFloats(at: path, limit: 1000) }
            print("\(name): write \(write), read \(elapsed), read 1000 rows \(limited)")
            #expect(read == matrix)
        }
    }
}
