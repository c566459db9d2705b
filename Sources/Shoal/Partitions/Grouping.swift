/// Rows grouped by an assignment (a counting sort): which rows go to which group, in input order.
struct Grouping {
    /// `rows[offsets[g] ..< offsets[g + 1]]` are the row numbers of group `g`.
    let offsets: [Int]
    let rows: [Int]

    /// - Complexity: O(`assignments.count + groupCount`).
    init(assignments: [Int32], groupCount: Int) {
        var offsets = [Int](repeating: 0, count: groupCount + 1)
        for a in assignments { offsets[Int(a) + 1] += 1 }
        for g in 0..<groupCount { offsets[g + 1] += offsets[g] }
        var cursor = offsets
        var rows = [Int](repeating: 0, count: assignments.count)
        for (row, a) in assignments.enumerated() {
            rows[cursor[Int(a)]] = row
            cursor[Int(a)] += 1
        }
        self.offsets = offsets
        self.rows = rows
    }

    func count(of group: Int) -> Int { offsets[group + 1] - offsets[group] }

    /// Number of groups.
    var groupCount: Int { offsets.count - 1 }

    /// The group's rows and ids, copied contiguously. - Complexity: O(rows in group × dimension).
    func gather(_ group: Int, vectors: [Float], ids: [Int64], dimension d: Int) -> ([Float], [Int64]) {
        let members = rows[offsets[group]..<offsets[group + 1]]
        var groupVectors = [Float](repeating: 0, count: members.count * d)
        var groupIDs: [Int64] = []
        groupIDs.reserveCapacity(members.count)
        groupVectors.withUnsafeMutableBufferPointer { target in
            vectors.withUnsafeBufferPointer { source in
                for (position, row) in members.enumerated() {
                    (target.baseAddress! + position * d).update(from: source.baseAddress! + row * d, count: d)
                }
            }
        }
        for row in members { groupIDs.append(ids[row]) }
        return (groupVectors, groupIDs)
    }
}
