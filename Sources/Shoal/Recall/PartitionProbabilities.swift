/// The spherical-cap model of Quake's adaptive partition scanning (APS): how likely each candidate
/// partition is to hold one of the query's true neighbours, given the current search radius.
///
/// Candidate 0 is the partition whose centroid is nearest the query. Partition `i ≥ 1` is
/// approximated by the half-space beyond the bisector of centroids 0 and `i`; the query's distance
/// to that bisector is `h_i = (‖q − c_i‖² − ‖q − c_0‖²) / (2 ‖c_i − c_0‖)`. A true neighbour lies
/// in the ball of radius `ρ` (the current k-th distance) around the query; the share of the ball
/// beyond bisector `i` is the cap fraction `v_i` (``CapVolumeTable``).
///
/// Probabilities (the revised formula of the Quake paper, see the brief §3.1): the chance that no
/// neighbour lies outside partition 0 is `p_0 = Π_{j≥1} (1 − v_j)`; the rest, `1 − p_0`, is shared
/// among the other candidates in proportion to their cap fractions, so the `p_i` sum to 1.
/// (The brief prints the product over normalised fractions; that form gives `p_0 ≈ 1/e` even when
/// the ball lies well inside partition 0, so the product is taken over the raw fractions.)
/// Edge cases: one candidate gives `[1]`; a zero radius gives `p_0 = 1`; an infinite radius (fewer
/// than k results so far) gives every cap ½.
struct PartitionProbabilities {
    /// `h_i` for each candidate (0 for candidate 0).
    let boundaryDistances: [Float]
    let table: CapVolumeTable

    /// - Parameters:
    ///   - squaredDistances: `‖q − c_i‖²`, candidate 0 the smallest.
    ///   - separations: `‖c_i − c_0‖` (0 for candidate 0).
    init(squaredDistances: [Float], separations: [Float], table: CapVolumeTable) {
        let nearest = squaredDistances.first ?? 0
        boundaryDistances = zip(squaredDistances, separations).enumerated().map { i, pair in
            guard i > 0 else { return 0 }
            let (distance, separation) = pair
            guard separation > 0 else { return 0 }
            return max(0, (distance - nearest) / (2 * separation))
        }
        self.table = table
    }

    /// The probability of each candidate for search radius `radius` (Euclidean).
    /// - Complexity: O(candidates).
    func probabilities(radius: Float) -> [Float] {
        var result: [Float] = []
        probabilities(radius: radius, into: &result)
        return result
    }

    /// As ``probabilities(radius:)``, writing into `caps` (resized to the candidate count), so a
    /// scan that recomputes often reuses one buffer.
    func probabilities(radius: Float, into caps: inout [Float]) {
        let count = boundaryDistances.count
        if caps.count != count { caps = [Float](repeating: 0, count: count) }
        guard count > 1 else {
            if count == 1 { caps[0] = 1 }
            return
        }
        caps[0] = 0
        if radius <= 1e-9 {
            for i in 1..<count { caps[i] = 0 }
            caps[0] = 1
            return
        }
        var total: Float = 0
        var inside: Float = 1
        for i in 1..<count {
            let v = table.fraction(distance: boundaryDistances[i], radius: radius)
            caps[i] = v
            total += v
            inside *= 1 - v
        }
        guard total > 0 else {
            caps[0] = 1
            return
        }
        let outside = 1 - inside
        for i in 1..<count { caps[i] = outside * caps[i] / total }
        caps[0] = inside
    }
}
