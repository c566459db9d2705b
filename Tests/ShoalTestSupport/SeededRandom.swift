import Shoal

/// A repeatable random number generator for tests (Shoal's SplitMix64 `SeededGenerator`), with
/// helpers for Gaussian and clustered rows.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var generator: SeededGenerator

    /// Makes a generator; the same seed gives the same sequence.
    public init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 { generator.next() }

    /// A standard normal sample (Box–Muller).
    public mutating func normal() -> Float {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return Float((-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2))
    }

    /// `rows * dimension` standard normal floats.
    public mutating func gaussianRows(_ rows: Int, dimension: Int) -> [Float] {
        (0..<(rows * dimension)).map { _ in normal() }
    }

    /// `rows` points around `clusters` random centres (spread 1 around centres at scale 10).
    public mutating func clusteredRows(_ rows: Int, dimension: Int, clusters: Int) -> [Float] {
        let centres = (0..<(clusters * dimension)).map { _ in normal() * 10 }
        var values: [Float] = []
        values.reserveCapacity(rows * dimension)
        for _ in 0..<rows {
            let c = Int.random(in: 0..<clusters, using: &self)
            for j in 0..<dimension { values.append(centres[c * dimension + j] + normal()) }
        }
        return values
    }
}

#if canImport(Glibc)
import Glibc
private func _log(_ x: Double) -> Double { Glibc.log(x) }
private func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#else
import Foundation
private func _log(_ x: Double) -> Double { Foundation.log(x) }
private func _cos(_ x: Double) -> Double { Foundation.cos(x) }
#endif
