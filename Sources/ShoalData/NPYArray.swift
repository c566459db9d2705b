/// A 1-D or 2-D NumPy array read from an `.npy` file, in its stored element type.
///
/// A 1-D array of length `n` is an `n × 1` matrix. Use ``floats()`` or ``integers()`` to convert.
public enum NPYArray: Sendable, Equatable {
    /// dtype `float16` (`'<f2'`).
    case float16(Matrix<Float16>)
    /// dtype `float32` (`'<f4'`).
    case float32(Matrix<Float>)
    /// dtype `float64` (`'<f8'`).
    case float64(Matrix<Double>)
    /// dtype `uint8` (`'|u1'`).
    case uint8(Matrix<UInt8>)
    /// dtype `int32` (`'<i4'`).
    case int32(Matrix<Int32>)
    /// dtype `int64` (`'<i8'`).
    case int64(Matrix<Int64>)

    /// The stored element type. O(1).
    public var dtype: NPYDType {
        switch self {
        case .float16: .float16
        case .float32: .float32
        case .float64: .float64
        case .uint8: .uint8
        case .int32: .int32
        case .int64: .int64
        }
    }

    /// The number of rows. O(1).
    public var rows: Int {
        switch self {
        case .float16(let m): m.rows
        case .float32(let m): m.rows
        case .float64(let m): m.rows
        case .uint8(let m): m.rows
        case .int32(let m): m.rows
        case .int64(let m): m.rows
        }
    }

    /// The number of columns (1 for a 1-D array). O(1).
    public var columns: Int {
        switch self {
        case .float16(let m): m.columns
        case .float32(let m): m.columns
        case .float64(let m): m.columns
        case .uint8(let m): m.columns
        case .int32(let m): m.columns
        case .int64(let m): m.columns
        }
    }

    /// The values converted to `Float`: exact for float16, uint8 and int32 up to 2^24 in magnitude;
    /// float64 and large integers are rounded to the nearest `Float`.
    ///
    /// O(1) for `float32` (the stored matrix is returned), O(rows × columns) otherwise. Never fails.
    public func floats() -> Matrix<Float> {
        switch self {
        case .float16(let m): m.map { Float($0) }
        case .float32(let m): m
        case .float64(let m): m.map { Float($0) }
        case .uint8(let m): m.map { Float($0) }
        case .int32(let m): m.map { Float($0) }
        case .int64(let m): m.map { Float($0) }
        }
    }

    /// The values converted to `Int64` for integer dtypes (`uint8`, `int32`, `int64`), or `nil`
    /// for floating-point dtypes (which are never silently truncated).
    ///
    /// O(1) for `int64`, O(rows × columns) otherwise.
    public func integers() -> Matrix<Int64>? {
        switch self {
        case .float16, .float32, .float64: nil
        case .uint8(let m): m.map { Int64($0) }
        case .int32(let m): m.map { Int64($0) }
        case .int64(let m): m
        }
    }
}
