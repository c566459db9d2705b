import ShoalKernels

/// Every base partition's centroid in one contiguous block, for indexes where every base partition
/// is an initial APS candidate (at most `initialCandidates` of them): a query's candidate
/// geometry then needs no search of the level above, and a batch gets all its geometries from
/// batched kernel calls. With two levels the rows are the flat top partition's, in slot order (the
/// order of its ``SeparationTable``); with more, they are gathered from the level above in
/// partition-id order.
///
/// Built once per structure generation and shared by that generation's searches
/// (`VectorIndex.centroidBlock(limit:)`). Thread safety: immutable.
final class CentroidBlock: Sendable {
    /// The structure generation and level count the block was gathered from.
    let generation: Int
    let levelCount: Int
    /// `count × dimension` centroids, row-major.
    let rows: [Float]
    /// The base partition of each row.
    let ids: [Int64]
    let partitions: [Int]
    /// `‖c_row‖²` (the stored norms of the level above), for the batched squared-L2 kernel.
    let rowNorms: [Float]
    let dimension: Int
    /// The cap-volume table for `dimension`, looked up once rather than per query.
    let capTable: CapVolumeTable

    var count: Int { ids.count }

    /// nil when there are more base partitions than `limit`, or no level above the base.
    /// - Complexity: O(partitions × d).
    init?(levels: [PartitionStore], limit: Int, generation: Int = 0) {
        let total = levels[0].partitions.count
        guard levels.count > 1, total > 0, total <= limit else { return nil }
        let d = levels[1].dimension
        var rows = [Float]()
        var ids = [Int64]()
        var norms = [Float]()
        rows.reserveCapacity(total * d)
        ids.reserveCapacity(total)
        norms.reserveCapacity(total)
        for pid in levels[1].partitions.keys.sorted() {
            guard let partition = levels[1].partitions[pid] else { continue }
            rows += UnsafeBufferPointer(start: partition.vectors, count: partition.count * d)
            ids += UnsafeBufferPointer(start: partition.ids, count: partition.count)
            norms += UnsafeBufferPointer(start: partition.norms, count: partition.count)
        }
        guard ids.count == total else { return nil }
        self.generation = generation
        levelCount = levels.count
        self.rows = rows
        self.ids = ids
        partitions = ids.map { Int($0) }
        rowNorms = norms
        dimension = d
        capTable = CapVolumeTable.table(for: d)
    }

    /// The candidate geometry of every base partition for `query`.
    /// - Complexity: O(partitions × d).
    func geometry(query: UnsafePointer<Float>, separations: SeparationTable?) -> CandidateGeometry {
        rows.withUnsafeBufferPointer { r in
            ids.withUnsafeBufferPointer { i in
                CandidateGeometry(
                    query: query, rows: r.baseAddress!, ids: i.baseAddress!, count: ids.count, dimension: dimension,
                    separations: separations, partitions: partitions, capTable: capTable)
            }
        }
    }

    /// The candidate geometries of `queryCount` queries (row-major), from batched kernel calls: one
    /// for the query–centroid distances and, unless `separations` covers these rows, one for the
    /// distances from each distinct nearest centroid to every centroid (so a batch never builds
    /// the O(partitions² × d) table).
    /// - Complexity: O((queries + distinct nearest centroids) × partitions × d).
    func geometries(
        queries: UnsafePointer<Float>, queryCount: Int, separations table: SeparationTable?
    ) -> [CandidateGeometry] {
        let n = count
        let d = dimension
        guard queryCount > 0 else { return [] }
        let distances = rows.withUnsafeBufferPointer { r in
            rowNorms.withUnsafeBufferPointer { norms in
                CentroidBlock.squaredDistances(
                    from: queries, count: queryCount, to: r.baseAddress!, norms: norms.baseAddress!, rows: n,
                    dimension: d)
            }
        }
        let nearest = (0..<queryCount).map { q in
            distances.withUnsafeBufferPointer { CandidateGeometry.nearestRow(in: UnsafeBufferPointer(rebasing: $0[(q * n)..<((q + 1) * n)])) }
        }
        // Line `l` of `separations` is centroid `sources[l]`'s distances to every centroid.
        let sources: [Int]
        let separations: [Float]
        if let table, table.count == n {
            sources = Array(0..<n)
            separations = table.values
        } else {
            sources = Array(Set(nearest)).sorted()
            separations = self.separations(from: sources)
        }
        var lineOf = [Int](repeating: -1, count: n)
        for (line, row) in sources.enumerated() { lineOf[row] = line }
        return (0..<queryCount).map { q in
            let line = lineOf[nearest[q]]
            return CandidateGeometry(
                squaredDistances: Array(distances[(q * n)..<((q + 1) * n)]),
                separations: Array(separations[(line * n)..<((line + 1) * n)]), nearest: nearest[q],
                partitions: partitions, dimension: d, capTable: capTable)
        }
    }

    /// `‖c_source − c_row‖` from each of `sources` (rows of this block) to every row: one line per
    /// source, in order.
    /// - Complexity: O(sources × partitions × d).
    private func separations(from sources: [Int]) -> [Float] {
        let n = count
        let d = dimension
        var gathered = [Float]()
        gathered.reserveCapacity(sources.count * d)
        for row in sources { gathered += rows[(row * d)..<((row + 1) * d)] }
        var values = gathered.withUnsafeBufferPointer { g in
            rows.withUnsafeBufferPointer { r in
                rowNorms.withUnsafeBufferPointer { norms in
                    CentroidBlock.squaredDistances(
                        from: g.baseAddress!, count: sources.count, to: r.baseAddress!, norms: norms.baseAddress!,
                        rows: n, dimension: d)
                }
            }
        }
        for (line, row) in sources.enumerated() {
            for other in 0..<n { values[line * n + other] = values[line * n + other].squareRoot() }
            values[line * n + row] = 0
        }
        return values
    }

    /// Squared Euclidean distances from `count` points to `rows` rows (row-major, `count × rows`),
    /// with the batched kernel.
    private static func squaredDistances(
        from points: UnsafePointer<Float>, count: Int, to rows: UnsafePointer<Float>, norms: UnsafePointer<Float>,
        rows rowCount: Int, dimension d: Int
    ) -> [Float] {
        var out = [Float](repeating: 0, count: count * rowCount)
        let pointNorms = QueryNorms.squared(points, count: count, dimension: d, metric: .squaredL2)
        pointNorms.withUnsafeBufferPointer { pn in
            out.withUnsafeMutableBufferPointer { o in
                Kernels.batchDistances(
                    .squaredL2, queries: points, queryNorms: pn.baseAddress!, queryCount: count, rows: rows,
                    rowNorms: norms, rowCount: rowCount, dimension: d, out: o.baseAddress!, outStride: rowCount)
            }
        }
        return out
    }
}
