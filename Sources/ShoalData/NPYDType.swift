/// The NumPy element types ShoalData reads and writes.
///
/// The raw value is the type part of a NumPy `descr` string without its byte-order character
/// (`"f4"` for `'<f4'`). Reading accepts either byte order; writing always uses little-endian.
public enum NPYDType: String, Sendable, CaseIterable {
    /// IEEE half precision, `descr` `'<f2'`; read as `Float16`.
    case float16 = "f2"
    /// IEEE single precision, `descr` `'<f4'`; read as `Float`.
    case float32 = "f4"
    /// IEEE double precision, `descr` `'<f8'`; read as `Double`.
    case float64 = "f8"
    /// Unsigned byte, `descr` `'|u1'`; read as `UInt8`.
    case uint8 = "u1"
    /// 32-bit signed integer, `descr` `'<i4'`; read as `Int32`.
    case int32 = "i4"
    /// 64-bit signed integer, `descr` `'<i8'`; read as `Int64`.
    case int64 = "i8"

    /// Bytes per element. O(1).
    public var itemSize: Int {
        switch self {
        case .uint8: 1
        case .float16: 2
        case .float32, .int32: 4
        case .float64, .int64: 8
        }
    }

    /// The `descr` NumPy writes for this type on a little-endian machine, e.g. `'<f4'` or `'|u1'`.
    public var littleEndianDescr: String {
        self == .uint8 ? "|u1" : "<" + rawValue
    }

    /// The NumPy name, e.g. `float32`.
    public var name: String {
        switch self {
        case .float16: "float16"
        case .float32: "float32"
        case .float64: "float64"
        case .uint8: "uint8"
        case .int32: "int32"
        case .int64: "int64"
        }
    }

    /// True for `int32`, `int64` and `uint8`.
    public var isInteger: Bool {
        switch self {
        case .uint8, .int32, .int64: true
        case .float16, .float32, .float64: false
        }
    }
}

/// Swift types whose memory layout is an `.npy` element (on a little-endian host).
protocol NPYElement: BitwiseCopyable, Sendable {
    static var npyDType: NPYDType { get }
    /// The value with its bytes reversed, for big-endian files.
    var byteSwappedValue: Self { get }
}

extension Float16: NPYElement {
    static var npyDType: NPYDType { .float16 }
    var byteSwappedValue: Float16 { Float16(bitPattern: bitPattern.byteSwapped) }
}

extension Float: NPYElement {
    static var npyDType: NPYDType { .float32 }
    var byteSwappedValue: Float { Float(bitPattern: bitPattern.byteSwapped) }
}

extension Double: NPYElement {
    static var npyDType: NPYDType { .float64 }
    var byteSwappedValue: Double { Double(bitPattern: bitPattern.byteSwapped) }
}

extension UInt8: NPYElement {
    static var npyDType: NPYDType { .uint8 }
    var byteSwappedValue: UInt8 { self }
}

extension Int32: NPYElement {
    static var npyDType: NPYDType { .int32 }
    var byteSwappedValue: Int32 { byteSwapped }
}

extension Int64: NPYElement {
    static var npyDType: NPYDType { .int64 }
    var byteSwappedValue: Int64 { byteSwapped }
}
