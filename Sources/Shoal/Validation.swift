/// Input checks shared by build, add and search: they run before anything is written, so a failed
/// call changes nothing. Package access: ShoalStore makes the same checks (same messages) before
/// it logs a batch.
package enum Validation {
    /// Checks that `values` holds whole rows of `dimension` finite floats; returns the row count.
    /// - Complexity: O(`values.count`).
    package static func rows(
        _ values: UnsafeBufferPointer<Float>, dimension d: Int, what: String
    ) throws(ShoalError) -> Int {
        guard values.count % d == 0 else {
            throw ShoalError(
                .dimensionMismatch,
                "\(what) holds \(values.count) floats, which is not a whole number of \(d)-dimensional vectors; "
                    + "pass rows of exactly \(d) components")
        }
        let rows = values.count / d
        guard let base = values.baseAddress else { return 0 }
        for r in 0..<rows where !rowIsFinite(base + r * d, d) {
            let row = base + r * d
            let j = (0..<d).first { !row[$0].isFinite } ?? 0
            throw ShoalError(
                .nonFiniteValue,
                "\(what): vector \(r) has \(row[j]) at component \(j); every component must be a finite number")
        }
        return rows
    }

    /// Checks one query or vector of exactly `dimension` components.
    static func vector(_ values: [Float], dimension d: Int, what: String) throws(ShoalError) {
        guard values.count == d else {
            throw ShoalError(
                .dimensionMismatch, "\(what) has \(values.count) components; this index stores \(d)-dimensional vectors")
        }
        _ = try values.withUnsafeBufferPointer { (buffer) throws(ShoalError) -> Int in
            try rows(buffer, dimension: d, what: what)
        }
    }

    /// Checks that `ids` has one id per row, with no id twice; returns the ids as a set.
    package static func uniqueIDs(_ ids: [Int64], rows: Int) throws(ShoalError) -> Set<Int64> {
        guard ids.count == rows else {
            throw ShoalError(.invalidArgument, "got \(rows) vectors but \(ids.count) ids; pass exactly one id per vector")
        }
        var seen = Set<Int64>(minimumCapacity: ids.count)
        for (position, id) in ids.enumerated() where !seen.insert(id).inserted {
            let first = ids.firstIndex(of: id) ?? 0
            throw ShoalError(
                .duplicateID, "id \(id) appears twice in the batch (positions \(first) and \(position)); ids must be unique")
        }
        return seen
    }

    /// Normalises each row to unit length for the cosine metric; throws on a zero row.
    static func normalizeForCosine(_ values: inout [Float], dimension d: Int, what: String) throws(ShoalError) {
        let rows = values.count / d
        for r in 0..<rows {
            var norm: Float = 0
            for j in 0..<d { norm += values[r * d + j] * values[r * d + j] }
            try checkCosineNorm(norm, row: r, what: what)
            let scale = 1 / norm.squareRoot()
            for j in 0..<d { values[r * d + j] *= scale }
        }
    }

    /// Checks that the setting `name` lies in `range`; throws ``ShoalError/Code/invalidArgument``
    /// naming it and the range otherwise.
    static func setting(_ value: Int, in range: ClosedRange<Int>, _ name: String) throws(ShoalError) {
        guard range.contains(value) else {
            throw ShoalError(
                .invalidArgument,
                "\(name) is \(value); it must be in \(range.lowerBound)...\(range.upperBound)")
        }
    }

    /// Checks, without normalising, that every row can be normalised for the cosine metric (what
    /// ``normalizeForCosine(_:dimension:what:)`` would throw). - Complexity: O(`values.count`).
    package static func nonZeroRows(_ values: UnsafeBufferPointer<Float>, dimension d: Int, what: String) throws(ShoalError) {
        for r in 0..<(values.count / d) {
            var norm: Float = 0
            for j in 0..<d { norm += values[r * d + j] * values[r * d + j] }
            try checkCosineNorm(norm, row: r, what: what)
        }
    }

    private static func checkCosineNorm(_ norm: Float, row r: Int, what: String) throws(ShoalError) {
        guard norm > 0, norm.isFinite else {
            throw ShoalError(
                .invalidVector, "\(what): vector \(r) has length \(norm.squareRoot()); the cosine metric needs a non-zero vector")
        }
    }

    private static func rowIsFinite(_ row: UnsafePointer<Float>, _ d: Int) -> Bool {
        // x − x is 0 for finite x and NaN for ±∞ and NaN; the sum of those stays 0 only if all are finite.
        var accumulator = SIMD8<Float>()
        var j = 0
        while j + 8 <= d {
            let v = UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Float>.self)
            accumulator += v - v
            j += 8
        }
        var tail: Float = 0
        while j < d {
            tail += row[j] - row[j]
            j += 1
        }
        return accumulator == SIMD8() && tail == 0
    }
}
