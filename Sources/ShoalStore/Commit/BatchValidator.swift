import Shoal

/// The checks `VectorIndex.add` and `remove` make on a batch by itself (shape, finite values,
/// cosine-compatible vectors, ids unique within the batch), made before the batch is logged, so
/// that a batch the index would refuse never reaches the log. Checks against the stored ids are
/// made by ``GroupCommitter`` under its lock.
///
/// The messages match the core index's. - Complexity: O(n × d).
enum BatchValidator {
    /// Throws ``StoreError/Code/invalidArgument`` (with the index's error as the cause) unless
    /// `vectors` holds `ids.count` rows of `dimension` finite floats, acceptable under `metric`,
    /// and `ids` has no duplicates.
    static func insert(vectors: [Float], ids: [Int64], dimension d: Int, metric: DistanceMetric) throws(StoreError) {
        guard vectors.count % d == 0 else {
            throw rejected(
                .dimensionMismatch,
                "vectors holds \(vectors.count) floats, which is not a whole number of \(d)-dimensional vectors; "
                    + "pass rows of exactly \(d) components")
        }
        let rows = vectors.count / d
        guard ids.count == rows else {
            throw rejected(.invalidArgument, "got \(rows) vectors but \(ids.count) ids; pass exactly one id per vector")
        }
        try vectors.withUnsafeBufferPointer { (buffer) throws(StoreError) in
            for r in 0..<rows {
                var norm: Float = 0
                for j in 0..<d {
                    let value = buffer[r * d + j]
                    guard value.isFinite else {
                        throw rejected(
                            .nonFiniteValue,
                            "vectors: vector \(r) has \(value) at component \(j); every component must be a finite number")
                    }
                    norm += value * value
                }
                if metric == .cosine, !(norm > 0 && norm.isFinite) {
                    throw rejected(
                        .invalidVector,
                        "vectors: vector \(r) has length \(norm.squareRoot()); the cosine metric needs a non-zero vector")
                }
            }
        }
        try unique(ids)
    }

    /// Throws ``StoreError/Code/invalidArgument`` if an id is listed twice.
    static func unique(_ ids: [Int64]) throws(StoreError) {
        var seen = Set<Int64>(minimumCapacity: ids.count)
        for (position, id) in ids.enumerated() where !seen.insert(id).inserted {
            let first = ids.firstIndex(of: id) ?? 0
            throw rejected(
                .duplicateID, "id \(id) appears twice in the batch (positions \(first) and \(position)); ids must be unique")
        }
    }

    /// The error for a batch the index would refuse.
    static func rejected(_ code: ShoalError.Code, _ message: String) -> StoreError {
        StoreError(wrapping: ShoalError(code, message))
    }
}
