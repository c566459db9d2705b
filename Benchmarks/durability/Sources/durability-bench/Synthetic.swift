import Shoal

/// Seeded synthetic data: points around random cluster centres (a Gaussian mixture), like the
/// test suite's `SeededRandom.clusteredRows`, generated without Foundation.
struct Synthetic: RandomNumberGenerator {
    private var generator: SeededGenerator

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    mutating func next() -> UInt64 { generator.next() }

    /// A pair of standard normal samples (Box–Muller).
    mutating func normals() -> (Float, Float) {
        let u1 = Float.random(in: Float.ulpOfOne..<1, using: &self)
        let u2 = Float.random(in: 0..<1, using: &self)
        let radius = (-2 * logf(u1)).squareRoot()
        return (radius * cosf(2 * .pi * u2), radius * sinf(2 * .pi * u2))
    }

    /// `rows × dimension` floats around `clusters` centres (spread 1 around centres at scale 10).
    mutating func clustered(_ rows: Int, dimension: Int, clusters: Int = 100) -> [Float] {
        var centres = [Float](repeating: 0, count: clusters * dimension)
        for i in stride(from: 0, to: centres.count - 1, by: 2) {
            let (a, b) = normals()
            centres[i] = a * 10
            centres[i + 1] = b * 10
        }
        var values = [Float](repeating: 0, count: rows * dimension)
        for r in 0..<rows {
            let c = Int.random(in: 0..<clusters, using: &self) * dimension
            var j = 0
            while j + 1 < dimension {
                let (a, b) = normals()
                values[r * dimension + j] = centres[c + j] + a
                values[r * dimension + j + 1] = centres[c + j + 1] + b
                j += 2
            }
            if j < dimension { values[r * dimension + j] = centres[c + j] + normals().0 }
        }
        return values
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
