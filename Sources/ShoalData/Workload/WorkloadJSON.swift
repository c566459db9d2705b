/// A parsed JSON value: just enough JSON for runbooks and reports (no Foundation).
///
/// Numbers without a fraction or exponent that fit `Int64` parse as ``integer(_:)``; every other
/// number as ``number(_:)``.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    /// An integer above `Int64.max` (a 64-bit seed).
    case unsigned(UInt64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    subscript(key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    var int: Int? {
        switch self {
        case .integer(let value): return Int(exactly: value)
        case .number(let value): return value.rounded() == value ? Int(exactly: value) : nil
        default: return nil
        }
    }

    var double: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .unsigned(let value): return Double(value)
        case .number(let value): return value
        default: return nil
        }
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var array: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }
}

/// A small recursive-descent JSON parser over UTF-8 bytes.
struct JSONParser {
    private let bytes: [UInt8]
    private var position = 0

    /// Parses one JSON document (whitespace around it allowed).
    static func parse(_ bytes: [UInt8]) throws(WorkloadError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.failure("unexpected text after the JSON value") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func failure(_ what: String) -> WorkloadError {
        var line = 1
        var column = 1
        for byte in bytes.prefix(position) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return WorkloadError(.invalidRunbook, "invalid JSON at line \(line), column \(column): \(what)")
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(WorkloadError) -> JSONValue {
        guard depth < 64 else { throw failure("nested too deeply") }
        skipWhitespace()
        guard position < bytes.count else { throw failure("the text ended where a value was expected") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default: return try number()
        }
    }

    private mutating func literal(_ word: String, _ result: JSONValue) throws(WorkloadError) -> JSONValue {
        let expected = Array(word.utf8)
        guard position + expected.count <= bytes.count, Array(bytes[position..<(position + expected.count)]) == expected
        else { throw failure("expected \(word)") }
        position += expected.count
        return result
    }

    private mutating func object(depth: Int) throws(WorkloadError) -> JSONValue {
        position += 1
        var fields: [String: JSONValue] = [:]
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(fields)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw failure("expected a key in quotes") }
            let key = try string()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw failure("expected ':' after a key") }
            position += 1
            fields[key] = try value(depth: depth + 1)
            skipWhitespace()
            guard position < bytes.count else { throw failure("the text ended inside an object") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard bytes[position] == UInt8(ascii: "}") else { throw failure("expected ',' or '}' in an object") }
            position += 1
            return .object(fields)
        }
    }

    private mutating func array(depth: Int) throws(WorkloadError) -> JSONValue {
        position += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            guard position < bytes.count else { throw failure("the text ended inside an array") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard bytes[position] == UInt8(ascii: "]") else { throw failure("expected ',' or ']' in an array") }
            position += 1
            return .array(items)
        }
    }

    private mutating func string() throws(WorkloadError) -> String {
        position += 1
        var scalars: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { throw failure("the text ended inside a string") }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escaped)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    guard position + 4 <= bytes.count,
                        let code = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16)
                    else { throw failure("bad \\u escape") }
                    position += 4
                    let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                    scalars.append(contentsOf: Array(String(scalar).utf8))
                default: throw failure("unknown escape in a string")
                }
            default:
                scalars.append(byte)
            }
        }
        throw failure("the text ended inside a string")
    }

    private mutating func number() throws(WorkloadError) -> JSONValue {
        let start = position
        var isInteger = true
        while position < bytes.count {
            let byte = bytes[position]
            if (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") {
                position += 1
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                || byte == UInt8(ascii: "+")
            {
                isInteger = false
                position += 1
            } else {
                break
            }
        }
        guard position > start else { throw failure("expected a value") }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger, let value = Int64(text) { return .integer(value) }
        if isInteger, let value = UInt64(text) { return .unsigned(value) }
        guard let value = Double(text) else { throw failure("bad number \(text)") }
        return .number(value)
    }
}

/// Helpers for writing JSON text by hand.
enum JSONText {
    /// A JSON string literal with the necessary escapes.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A number; `null` for NaN or an infinity (JSON has neither).
    static func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : "null"
    }

    /// A number rounded to `decimals` places (shortest form), `null` when not finite.
    static func number(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "null" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        return "\((value * scale).rounded() / scale)"
    }

    /// `[1, 2, 3]`.
    static func integers<S: Sequence>(_ values: S) -> String where S.Element: BinaryInteger {
        "[" + values.map { "\($0)" }.joined(separator: ", ") + "]"
    }
}

/// Fixed-point formatting without Foundation: `fixed(3.14159, 2) == "3.14"`.
func fixed(_ value: Double, _ decimals: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let negative = value < 0
    let scaled = (abs(value) * scale).rounded()
    guard scaled < 9e15 else { return "\(value)" }
    let whole = UInt64(scaled)
    let divisor = UInt64(scale)
    var text = "\(whole / divisor)"
    if decimals > 0 {
        let fraction = String(whole % divisor)
        text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
    return (negative && scaled != 0 ? "-" : "") + text
}
