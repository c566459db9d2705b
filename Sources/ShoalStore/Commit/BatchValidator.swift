import Shoal

/// The checks `VectorIndex.add` and `remove` make on a batch by itself (shape, finite values,
/// cosine-compatible vectors, ids unique within the batch), made before the batch is logged, so
/// that a batch the index would refuse never reaches the log. They are the core's own checks
/// (`Validation`, package access), in the order `add` makes them, so the messages are the index's.
/// Checks against the stored ids are made by ``GroupCommitter`` under its lock.
/// - Complexity: O(n × d).
enum BatchValidator {
    /// Throws ``StoreError/Code/invalidArgument`` (with the index's error as the cause) unless
    /// `vectors` holds `ids.count` rows of `dimension` finite floats, acceptable under `metric`,
    /// and `ids` has no duplicates.
    static func insert(vectors: [Float], ids: [Int64], dimension d: Int, metric: DistanceMetric) throws(StoreError) {
        do throws(ShoalError) {
            try vectors.withUnsafeBufferPointer { (buffer) throws(ShoalError) in
                let rows = try Validation.rows(buffer, dimension: d, what: "vectors")
                _ = try Validation.uniqueIDs(ids, rows: rows)
                if metric == .cosine { try Validation.nonZeroRows(buffer, dimension: d, what: "vectors") }
            }
        } catch {
            throw StoreError(wrapping: error)
        }
    }

    /// Throws ``StoreError/Code/invalidArgument`` if an id is listed twice.
    static func unique(_ ids: [Int64]) throws(StoreError) {
        do throws(ShoalError) {
            _ = try Validation.uniqueIDs(ids, rows: ids.count)
        } catch {
            throw StoreError(wrapping: error)
        }
    }

    /// The error for a batch the index would refuse.
    static func rejected(_ code: ShoalError.Code, _ message: String) -> StoreError {
        StoreError(wrapping: ShoalError(code, message))
    }
}
