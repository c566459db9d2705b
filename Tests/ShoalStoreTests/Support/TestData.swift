import Foundation
import Shoal
import ShoalTestSupport

/// Seeded vectors and files for the store's tests.
enum TestData {
    /// `rows` clustered `dimension`-dimensional vectors.
    static func vectors(_ rows: Int, dimension: Int, seed: UInt64) -> [Float] {
        var random = SeededRandom(seed: seed)
        return random.clusteredRows(rows, dimension: dimension, clusters: 4)
    }

    /// Writes row-major `vectors` as an `.fvecs` file.
    static func writeFVecs(_ vectors: [Float], dimension: Int, to path: String) throws {
        var data = Data(capacity: vectors.count / dimension * (4 + dimension * 4))
        for row in 0..<(vectors.count / dimension) {
            withUnsafeBytes(of: Int32(dimension).littleEndian) { data.append(contentsOf: $0) }
            vectors[(row * dimension)..<((row + 1) * dimension)].withUnsafeBytes { data.append(contentsOf: $0) }
        }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// The bytes of a file.
    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Replaces a file's bytes.
    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// The files of a directory, sorted.
    static func files(in path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    /// Copies a directory tree.
    static func copy(_ source: String, to destination: String) throws {
        try FileManager.default.copyItem(atPath: source, toPath: destination)
    }

    /// A small configuration for tests.
    static func configuration(dimension: Int, metric: DistanceMetric = .l2) -> IndexConfiguration {
        IndexConfiguration(dimension: dimension, metric: metric, kMeansIterations: 5, threads: 2)
    }
}
