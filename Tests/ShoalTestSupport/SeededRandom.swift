/// A repeatable random number generator for tests (SplitMix64).
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Makes a generator; the same seed gives the same sequence.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

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
