/// The subset of Python literals that appears in `.npy` headers:
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (10000, 2), }`.
enum PythonLiteral: Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dictionary([String: PythonLiteral])
}

/// A recursive-descent parser for ``PythonLiteral`` over raw header bytes.
///
/// It never traps: nesting is capped at ``maximumDepth`` so hostile headers such as
/// `((((…` cannot exhaust the stack, and integers that overflow `Int` are errors.
struct PythonLiteralParser {
    /// Why parsing stopped: a message and the character position in the header.
    struct Failure: Error {
        var message: String
        var position: Int
    }

    static let maximumDepth = 32

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses one literal that spans the whole input (surrounding whitespace allowed).
    static func parse(_ bytes: [UInt8]) throws(Failure) -> PythonLiteral {
        var parser = PythonLiteralParser(bytes)
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.failure("unexpected text after the literal") }
        return value
    }

    private func failure(_ message: String) -> Failure {
        Failure(message: message, position: index)
    }

    private var current: UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            index += 1
        }
    }

    private mutating func expect(_ byte: UInt8) throws(Failure) {
        skipWhitespace()
        guard current == byte else {
            throw failure("expected '\(Character(Unicode.Scalar(byte)))'")
        }
        index += 1
    }

    private mutating func parseValue() throws(Failure) -> PythonLiteral {
        skipWhitespace()
        guard let byte = current else { throw failure("unexpected end of header") }
        switch byte {
        case UInt8(ascii: "{"): return try nested { (parser: inout PythonLiteralParser) throws(Failure) in try parser.parseDictionary() }
        case UInt8(ascii: "("): return try nested { (parser: inout PythonLiteralParser) throws(Failure) in try parser.parseSequence(close: UInt8(ascii: ")")) }
        case UInt8(ascii: "["): return try nested { (parser: inout PythonLiteralParser) throws(Failure) in try parser.parseSequence(close: UInt8(ascii: "]")) }
        case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "0") ... UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"): return .integer(try parseInteger())
        default: return try parseKeyword()
        }
    }

    private mutating func nested(_ body: (inout PythonLiteralParser) throws(Failure) -> PythonLiteral) throws(Failure) -> PythonLiteral {
        guard depth < Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth) levels") }
        depth += 1
        defer { depth -= 1 }
        return try body(&self)
    }

    private mutating func parseDictionary() throws(Failure) -> PythonLiteral {
        index += 1  // "{"
        var entries: [String: PythonLiteral] = [:]
        while true {
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                index += 1
                return .dictionary(entries)
            }
            guard current == UInt8(ascii: "'") || current == UInt8(ascii: "\"") else {
                throw failure("expected a quoted key or '}'")
            }
            let key = try parseString()
            try expect(UInt8(ascii: ":"))
            entries[key] = try parseValue()
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                index += 1
            } else if current != UInt8(ascii: "}") {
                throw failure("expected ',' or '}'")
            }
        }
    }

    /// Parses `( … )` or `[ … ]`. Like Python, `(5)` is the integer 5, while `(5,)` and `()` are tuples.
    private mutating func parseSequence(close: UInt8) throws(Failure) -> PythonLiteral {
        index += 1  // "(" or "["
        var elements: [PythonLiteral] = []
        var sawComma = false
        while true {
            skipWhitespace()
            if current == close {
                index += 1
                if close == UInt8(ascii: "]") { return .list(elements) }
                if elements.count == 1 && !sawComma, let only = elements.first { return only }
                return .tuple(elements)
            }
            elements.append(try parseValue())
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                sawComma = true
                index += 1
            } else if current != close {
                throw failure("expected ',' or '\(Character(Unicode.Scalar(close)))'")
            }
        }
    }

    private mutating func parseString() throws(Failure) -> String {
        guard let quote = current else { throw failure("expected a string") }
        index += 1
        var content: [UInt8] = []
        while let byte = current {
            index += 1
            if byte == quote { return String(decoding: content, as: UTF8.self) }
            if byte == UInt8(ascii: "\\") {
                guard let escaped = current else { break }
                content.append(escaped)
                index += 1
            } else {
                content.append(byte)
            }
        }
        throw failure("unterminated string")
    }

    private mutating func parseInteger() throws(Failure) -> Int {
        var negative = false
        if current == UInt8(ascii: "-") || current == UInt8(ascii: "+") {
            negative = current == UInt8(ascii: "-")
            index += 1
        }
        var value = 0
        var digits = 0
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw failure("integer too large") }
            value = sum
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw failure("expected digits") }
        if current == UInt8(ascii: "L") || current == UInt8(ascii: "l") {
            index += 1  // Python 2 long suffix, as in old headers: (3L, 4L)
        }
        return negative ? -value : value
    }

    private mutating func parseKeyword() throws(Failure) -> PythonLiteral {
        let start = index
        while let byte = current, (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) {
            index += 1
        }
        switch String(decoding: bytes[start ..< index], as: UTF8.self) {
        case "True": return .boolean(true)
        case "False": return .boolean(false)
        case "None": return .none
        default:
            index = start
            throw failure("unexpected character")
        }
    }
}
