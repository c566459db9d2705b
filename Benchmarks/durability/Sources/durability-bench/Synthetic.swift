/// Seeded synthetic data: points around random cluster centres (a Gaussian mixture), like the
/// test suite's `SeededRandom.clusteredRows`, generated without Foundation.
struct Synthetic: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

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
