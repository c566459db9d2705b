import ShoalKernels

/// A query's candidate partitions: their centroids' squared Euclidean distances to the query and
/// the spherical-cap model built on them, in the centroids' own row order (nothing is sorted here;
/// ``NearestFirstOrder`` ranks the rows lazily when a scan needs them by distance).
struct CandidateGeometry {
    /// The partition of each candidate row.
    let partitions: [Int]
    /// `‖q − c_row‖²` for each candidate row.
    let squaredDistances: [Float]
    /// The row of the nearest centroid (ties to the lower row); 0 when there is no candidate.
    let nearest: Int
    let model: PartitionProbabilities

    var count: Int { partitions.count }

    /// - Parameters:
    ///   - rows: `count` centroids, row-major; `ids[i]` is the partition of row `i`.
    ///   - separations: when given, the pairwise centroid distances of these rows (`count × count`).
    ///   - partitions: `ids` as `Int`s, when the caller keeps them (saves a copy per query).
    ///   - capTable: the cap-volume table for `d`, when the caller keeps it (saves a lookup under
    ///     a lock per query).
    /// - Complexity: O(count × d).
    init(
        query: UnsafePointer<Float>, rows: UnsafePointer<Float>, ids: UnsafePointer<Int64>, count: Int, dimension d: Int,
        separations table: SeparationTable? = nil, partitions: [Int]? = nil, capTable: CapVolumeTable? = nil
    ) {
        var distances = [Float](repeating: 0, count: count)
        distances.withUnsafeMutableBufferPointer { out in
            guard let outBase = out.baseAddress, count > 0 else { return }
            Kernels.distances(.squaredL2, query: query, rows: rows, count: count, dimension: d, out: outBase)
        }
        self.init(
            squaredDistances: distances, rows: rows, ids: ids, dimension: d, separations: table, partitions: partitions,
            capTable: capTable)
    }

    /// As above, with the query's squared Euclidean distances to the `distances.count` rows
    /// already computed.
    /// - Complexity: O(count) with a separation table, else O(count × d).
    init(
        squaredDistances distances: [Float], rows: UnsafePointer<Float>, ids: UnsafePointer<Int64>, dimension d: Int,
        separations table: SeparationTable? = nil, partitions known: [Int]? = nil, capTable: CapVolumeTable? = nil
    ) {
        let count = distances.count
        let nearest = distances.withUnsafeBufferPointer(CandidateGeometry.nearestRow(in:))
        var separations = [Float](repeating: 0, count: count)
        if count > 0 {
            if let table, table.count == count {
                table.values.withUnsafeBufferPointer { values in
                    for row in 0..<count { separations[row] = values[nearest * count + row] }
                }
            } else {
                separations.withUnsafeMutableBufferPointer { out in
                    Kernels.distances(
                        .squaredL2, query: rows + nearest * d, rows: rows, count: count, dimension: d, out: out.baseAddress!)
                    for row in 0..<count { out[row] = out[row].squareRoot() }
                }
            }
        }
        self.init(
            squaredDistances: distances, separations: separations, nearest: nearest,
            partitions: known ?? (0..<count).map { Int(ids[$0]) }, dimension: d, capTable: capTable)
    }

    /// From everything already computed (``CentroidBlock`` computes a batch's geometries with
    /// batched kernel calls).
    /// - Parameters:
    ///   - separations: `‖c_row − c_nearest‖` for each row.
    ///   - nearest: the row with the smallest distance (``nearestRow(in:)``).
    /// - Complexity: O(count).
    init(
        squaredDistances: [Float], separations: [Float], nearest: Int, partitions: [Int], dimension d: Int,
        capTable: CapVolumeTable? = nil
    ) {
        precondition(separations.count == squaredDistances.count && partitions.count == squaredDistances.count)
        self.partitions = partitions
        self.squaredDistances = squaredDistances
        self.nearest = nearest
        model = PartitionProbabilities(
            squaredDistances: squaredDistances, separations: separations, nearest: nearest,
            table: capTable ?? CapVolumeTable.table(for: d))
    }

    /// The row with the smallest distance (ties to the lower row); 0 when there is none.
    /// - Complexity: O(count).
    static func nearestRow(in distances: UnsafeBufferPointer<Float>) -> Int {
        var nearest = 0
        for row in distances.indices where distances[row] < distances[nearest] { nearest = row }
        return nearest
    }

    /// The geometry of the `candidates` (partition ids) whose centroids are stored in `centroids`.
    init(query: UnsafePointer<Float>, candidates: [Int], centroids: PartitionStore) {
        let d = centroids.dimension
        var rows: [Float] = []
        rows.reserveCapacity(candidates.count * d)
        var ids: [Int64] = []
        for pid in candidates {
            guard let row = centroids.vector(for: Int64(pid)) else { continue }
            rows.append(contentsOf: UnsafeBufferPointer(start: row, count: d))
            ids.append(Int64(pid))
        }
        self = rows.withUnsafeBufferPointer { r in
            ids.withUnsafeBufferPointer { i in
                CandidateGeometry(
                    query: query, rows: r.baseAddress ?? query, ids: i.baseAddress ?? UnsafePointer(bitPattern: 8)!,
                    count: ids.count, dimension: d)
            }
        }
    }
}
