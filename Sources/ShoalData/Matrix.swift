/// A dense two-dimensional array stored in row-major order.
///
/// Layout: element `(row, column)` lives at `values[row * columns + column]`, so each row is one
/// contiguous run of `columns` elements and the rows follow each other without padding. This is
/// the in-memory form of every file format in ShoalData (`.fvecs`, `.ivecs`, `.bvecs`, `.npy`).
///
/// A matrix may have zero rows, zero columns or both; `values` is then empty.
/// Copying a matrix is O(1) (copy-on-write storage); row access is O(1) and does not copy.
public struct Matrix<Element: Sendable>: Sendable {
    /// The number of rows (vectors). Never negative.
    public let rows: Int
    /// The number of columns (the dimension of each vector). Never negative.
    public let columns: Int
    /// All elements in row-major order; `values.count == rows * columns` always holds.
    public private(set) var values: [Element]

    /// Creates a matrix from row-major `values`.
    ///
    /// - Precondition: `rows >= 0`, `columns >= 0` and `values.count == rows * columns`
    ///   (a mismatch is a programming error and traps). O(1): the array is not copied.
    public init(rows: Int, columns: Int, values: [Element]) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must not be negative (got \(rows) × \(columns))")
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        precondition(
            !overflow && values.count == count,
            "Matrix of \(rows) × \(columns) needs \(rows) * \(columns) values, but \(values.count) were given")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Creates a `rows × columns` matrix with every element set to `value`.
    ///
    /// - Precondition: `rows >= 0` and `columns >= 0`. O(rows × columns).
    public init(rows: Int, columns: Int, repeating value: Element) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must not be negative (got \(rows) × \(columns))")
        self.init(rows: rows, columns: columns, values: Array(repeating: value, count: rows * columns))
    }

    /// Internal initializer for readers that have already validated the element count.
    init(validatedRows rows: Int, columns: Int, values: [Element]) {
        assert(values.count == rows * columns)
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// True when the matrix has no elements (zero rows or zero columns).
    public var isEmpty: Bool { values.isEmpty }

    /// The elements of row `row`, as a slice of `values` (indices `row * columns ..< (row + 1) * columns`).
    ///
    /// - Precondition: `0 <= row < rows`. O(1), no copy.
    public subscript(row row: Int) -> ArraySlice<Element> {
        precondition(row >= 0 && row < rows, "Row \(row) is out of range 0..<\(rows)")
        return values[row * columns ..< (row + 1) * columns]
    }

    /// The elements of row `index`; the same as `self[row: index]`. O(1), no copy.
    ///
    /// - Precondition: `0 <= index < rows`.
    public func row(_ index: Int) -> ArraySlice<Element> {
        self[row: index]
    }

    /// The element at `(row, column)`.
    ///
    /// - Precondition: `0 <= row < rows` and `0 <= column < columns`. O(1).
    public subscript(row: Int, column: Int) -> Element {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                         "Index (\(row), \(column)) is out of range for a \(rows) × \(columns) matrix")
            return values[row * columns + column]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                         "Index (\(row), \(column)) is out of range for a \(rows) × \(columns) matrix")
            values[row * columns + column] = newValue
        }
    }

    /// Calls `body` with a pointer to all elements in row-major order. O(1) plus `body`.
    ///
    /// Errors: rethrows whatever `body` throws.
    public func withUnsafeBufferPointer<R, E: Error>(
        _ body: (UnsafeBufferPointer<Element>) throws(E) -> R
    ) throws(E) -> R {
        var result: Result<R, E>?
        values.withUnsafeBufferPointer { buffer in
            do throws(E) { result = .success(try body(buffer)) } catch { result = .failure(error) }
        }
        guard let result else { preconditionFailure("withUnsafeBufferPointer did not call its body") }
        return try result.get()
    }

    /// Calls `body` with a mutable pointer to all elements in row-major order; the element count
    /// cannot change. O(1) plus `body` (O(rows × columns) once if the storage is shared and must be copied).
    ///
    /// Errors: rethrows whatever `body` throws.
    public mutating func withUnsafeMutableBufferPointer<R, E: Error>(
        _ body: (inout UnsafeMutableBufferPointer<Element>) throws(E) -> R
    ) throws(E) -> R {
        var result: Result<R, E>?
        values.withUnsafeMutableBufferPointer { buffer in
            do throws(E) { result = .success(try body(&buffer)) } catch { result = .failure(error) }
        }
        guard let result else { preconditionFailure("withUnsafeMutableBufferPointer did not call its body") }
        return try result.get()
    }

    /// Returns a matrix of the same shape with `transform` applied to every element, in row-major order.
    ///
    /// O(rows × columns). Errors: rethrows whatever `transform` throws.
    public func map<T: Sendable, E: Error>(_ transform: (Element) throws(E) -> T) throws(E) -> Matrix<T> {
        Matrix<T>(validatedRows: rows, columns: columns, values: try values.map(transform))
    }

    /// Returns the first `count` rows (all rows if `count >= rows`).
    ///
    /// - Precondition: `count >= 0`. O(min(count, rows) × columns): the rows are copied.
    public func prefix(rows count: Int) -> Matrix<Element> {
        precondition(count >= 0, "Row count must not be negative (got \(count))")
        let kept = Swift.min(count, rows)
        return Matrix(validatedRows: kept, columns: columns, values: Array(values[0 ..< kept * columns]))
    }
}

extension Matrix: Equatable where Element: Equatable {}

extension Matrix: Hashable where Element: Hashable {}

extension Matrix: CustomStringConvertible {
    /// A short summary such as `Matrix<Float>(5000 × 128)`; the elements are not printed.
    public var description: String {
        "Matrix<\(Element.self)>(\(rows) × \(columns))"
    }
}
