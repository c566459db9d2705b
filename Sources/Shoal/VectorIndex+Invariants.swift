extension VectorIndex {
    /// Verifies every structural invariant; traps on the first violation. Meant for tests; use
    /// ``validateStructure()`` or ``invariantViolations(limit:)`` to report instead of trapping.
    /// - Complexity: O(n × d).
    public func checkInvariants() {
        if let first = invariantViolations(limit: 1).first { preconditionFailure(first) }
    }

    /// Checks every structural invariant and throws if one does not hold.
    ///
    /// The invariants: in every level, each stored id is mapped to exactly the partition and slot
    /// holding it, the partition sizes add up to the level's count and to the id map's size, and
    /// partition ids are below the next fresh id; every component is finite; under cosine, every
    /// stored vector has unit length (within 10⁻³); each level above the base holds exactly one
    /// centroid per partition of the level below, stored under that partition's id; the top level
    /// is one partition; the exact neighbours kept for recall calibration are stored vectors, in
    /// distance order, with their exact distances.
    /// - Throws: ``ShoalError/Code/brokenInvariant`` naming the first violations.
    /// - Complexity: O(n × d), under the shared lock (searches go on; writers wait).
    public func validateStructure() throws(ShoalError) {
        let found = invariantViolations(limit: 5)
        guard let first = found.first else { return }
        let more = found.count > 1 ? "; also: " + found.dropFirst().joined(separator: "; ") : ""
        throw ShoalError(.brokenInvariant, "the index breaks a structural invariant: \(first)\(more)")
    }

    /// A description of each structural invariant that does not hold (see
    /// ``validateStructure()``), at most `limit` of them; empty when the index is sound.
    /// - Complexity: O(n × d), under the shared lock.
    public func invariantViolations(limit: Int = 20) -> [String] {
        lock.withReadLock { violationsLocked(limit: max(1, limit)) }
    }

    func violationsLocked(limit: Int) -> [String] {
        var found: [String] = []
        guard let top = levels.last else { return ["the index has no level"] }
        for (l, level) in levels.enumerated() where found.count < limit {
            if level.dimension != dimension {
                found.append("level \(l) stores \(level.dimension)-dimensional vectors, the index \(dimension)")
                continue
            }
            level.collectViolations(into: &found, limit: limit, level: l)
        }
        if top.partitions.count != 1, found.count < limit {
            found.append("the top level has \(top.partitions.count) partitions, not 1")
        }
        for l in 0..<(levels.count - 1) where found.count < limit {
            let partitionIDs = Set(levels[l].partitions.keys.map(Int64.init))
            let centroidIDs = Set(levels[l + 1].locations.keys)
            guard partitionIDs != centroidIDs else { continue }
            let missing = partitionIDs.subtracting(centroidIDs).sorted().prefix(5).map(String.init)
            let extra = centroidIDs.subtracting(partitionIDs).sorted().prefix(5).map(String.init)
            found.append(
                "level \(l + 1) does not hold one centroid per partition of level \(l) (no centroid for partitions ["
                    + missing.joined(separator: ", ") + "], centroids of no partition [" + extra.joined(separator: ", ") + "])")
        }
        if metric.normalizes { collectUnnormalised(into: &found, limit: limit) }
        if found.count < limit {
            calibrations.neighbours.collectViolations(
                base: levels[0], metric: metric.kernelMetric, into: &found, limit: limit)
        }
        return found
    }

    /// Under cosine, base vectors whose squared length is not within 10⁻³ of 1, read from the stored
    /// squared norms (which the partition check compares with the rows).
    private func collectUnnormalised(into found: inout [String], limit: Int) {
        for pid in levels[0].partitionIDs {
            guard let partition = levels[0].partitions[pid] else { continue }
            for slot in 0..<partition.count {
                guard found.count < limit else { return }
                let squared = Double(partition.norms[slot])
                if !(abs(squared - 1) <= 1e-3) {
                    found.append(
                        "id \(partition.ids[slot]) has length \(squared.squareRoot()) but cosine vectors are stored at unit length")
                }
            }
        }
    }
}
