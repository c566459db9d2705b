/// The spherical-cap model of Quake's adaptive partition scanning (APS): how likely each candidate
/// partition is to hold one of the query's true neighbours, given the current search radius.
///
/// Candidates are in any order; `nearest` is the one whose centroid is nearest the query (called
/// 0 below). Partition `i ≠ 0` is approximated by the half-space beyond the bisector of centroids
/// 0 and `i`; the query's distance to that bisector is `h_i = (‖q − c_i‖² − ‖q − c_0‖²) / (2 ‖c_i − c_0‖)`. A true neighbour lies
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
///
/// A scan recomputes the probabilities each time its radius moves, and only candidates whose
/// bisector lies inside the ball (`h_i < ρ`) have a cap at all. Where the radius can only shrink
/// (l2 and cosine: it is the k-th best distance so far), a candidate whose cap is 0 stays 0, so a
/// scan keeps the list of *live* candidates and prunes it at every recomputation: after the first
/// few partitions a recomputation touches a handful of candidates instead of all of them.
struct PartitionProbabilities {
    /// `h_i` for each candidate (0 for the nearest).
    let boundaryDistances: [Float]
    /// The candidate whose centroid is nearest the query.
    let nearest: Int
    let table: CapVolumeTable

    /// - Parameters:
    ///   - squaredDistances: `‖q − c_i‖²`.
    ///   - separations: `‖c_i − c_nearest‖` (0 for the nearest).
    ///   - nearest: the candidate with the smallest distance (found when nil).
    init(squaredDistances: [Float], separations: [Float], nearest known: Int? = nil, table: CapVolumeTable) {
        var nearest = known ?? 0
        if known == nil {
            for i in squaredDistances.indices where squaredDistances[i] < squaredDistances[nearest] { nearest = i }
        }
        let closest = squaredDistances.isEmpty ? 0 : squaredDistances[nearest]
        let count = min(squaredDistances.count, separations.count)
        boundaryDistances = [Float](unsafeUninitializedCapacity: count) { h, initialized in
            squaredDistances.withUnsafeBufferPointer { distances in
                separations.withUnsafeBufferPointer { separations in
                    for i in 0..<count {
                        let separation = separations[i]
                        // The nearest, and coincident centroids, have no bisector: 0.
                        h[i] = i == nearest || !(separation > 0)
                            ? 0 : max(0, (distances[i] - closest) / (2 * separation))
                    }
                }
            }
            initialized = count
        }
        self.nearest = nearest
        self.table = table
    }

    /// Every candidate but the nearest: the starting live list of a scan.
    var allOthers: [Int] {
        var rows: [Int] = []
        rows.reserveCapacity(boundaryDistances.count)
        for row in boundaryDistances.indices where row != nearest { rows.append(row) }
        return rows
    }

    /// The probability of each candidate for search radius `radius` (Euclidean).
    /// - Complexity: O(candidates).
    func probabilities(radius: Float) -> [Float] {
        var result: [Float] = []
        var live = allOthers
        probabilities(radius: radius, into: &result, live: &live, prune: false)
        return result
    }

    /// As ``probabilities(radius:)``, writing into `caps` (resized to the candidate count), so a
    /// scan that recomputes often reuses one buffer, and computing the caps of the `live`
    /// candidates only.
    ///
    /// Invariant (the caller's): every candidate other than the nearest that is not in `live` has
    /// `caps` 0 already, and its cap is 0 at `radius`. With `prune`, candidates whose cap is 0 at
    /// this radius leave `live` (valid when later radii are never larger).
    /// - Complexity: O(live).
    func probabilities(radius: Float, into caps: inout [Float], live: inout [Int], prune: Bool) {
        let count = boundaryDistances.count
        if caps.count != count { caps = [Float](repeating: 0, count: count) }
        guard count > 1 else {
            if count == 1 { caps[0] = 1 }
            return
        }
        if radius <= 1e-9 {
            for i in live { caps[i] = 0 }
            if prune { live.removeAll() }
            caps[nearest] = 1
            return
        }
        var total: Float = 0
        var inside: Float = 1
        let pruning = prune && radius.isFinite
        var kept = 0
        if radius.isFinite {
            let inverse = 1 / radius
            table.withValues { values in
                boundaryDistances.withUnsafeBufferPointer { h in
                    caps.withUnsafeMutableBufferPointer { caps in
                        live.withUnsafeMutableBufferPointer { live in
                            for j in 0..<live.count {
                                let i = live[j]
                                let v = CapVolumeTable.fraction(ratio: h[i] * inverse, values: values)
                                caps[i] = v
                                total += v
                                inside *= 1 - v
                                if !pruning || v > 0 {
                                    live[kept] = i
                                    kept += 1
                                }
                            }
                        }
                    }
                }
            }
        } else {
            // An infinite radius (fewer than k results yet): every cap is ½.
            for i in live {
                caps[i] = 0.5
                total += 0.5
                inside *= 0.5
            }
            kept = live.count
        }
        if kept < live.count { live.removeLast(live.count - kept) }
        guard total > 0 else {
            caps[nearest] = 1
            return
        }
        let scale = (1 - inside) / total
        caps.withUnsafeMutableBufferPointer { caps in
            live.withUnsafeBufferPointer { live in
                for i in live { caps[i] *= scale }
            }
        }
        caps[nearest] = inside
    }
}
