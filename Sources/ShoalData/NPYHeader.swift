/// The parsed header of an `.npy` file.
///
/// Layout of the file: the magic `\x93NUMPY`, a major and a minor version byte, the header length
/// (little-endian uint16 for version 1.0, uint32 for 2.0 and 3.0), the header (a Python dict
/// literal with `descr`, `fortran_order` and `shape`, padded with spaces and ending in `\n`),
/// then the array data at ``dataOffset``.
public struct NPYHeader: Sendable, Equatable {
    /// The format's major version: 1, 2 or 3.
    public let majorVersion: Int
    /// The format's minor version: 0.
    public let minorVersion: Int
    /// The element type.
    public let dtype: NPYDType
    /// True when the elements are stored big-endian (`descr` starts with `>`); they are swapped on read.
    public let isBigEndian: Bool
    /// True when a 2-D array is stored column-major (`fortran_order: True`); it is transposed on read.
    /// Always false for 1-D arrays, where the two orders coincide.
    public let isFortranOrder: Bool
    /// The array's shape: one or two non-negative extents.
    public let shape: [Int]
    /// The byte offset where the array data starts.
    public let dataOffset: Int

    /// Rows of the matrix this array reads as: `shape[0]`.
    public var rows: Int { shape[0] }
    /// Columns of the matrix this array reads as: `shape[1]`, or 1 for a 1-D array.
    public var columns: Int { shape.count == 2 ? shape[1] : 1 }
    /// Size of the whole data section in bytes.
    public var dataByteCount: Int { rows * columns * dtype.itemSize }

    /// Headers larger than this are rejected as corrupt (NumPy itself refuses more than 10,000 bytes by default).
    static let maximumHeaderLength = 1 << 20
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

    /// Reads and validates the header of `file`, reading only the header bytes.
    static func read(from file: borrowing FileReader) throws(DataFileError) -> NPYHeader {
        let path = file.path
        let preamble = try file.bytes(at: 0, count: min(file.size, 12))
        guard preamble.count >= 8 else {
            if magic.starts(with: preamble.prefix(magic.count)) {
                throw DataFileError(
                    code: .truncated, path: path, offset: 0,
                    message: "the file has only \(file.size) bytes, but an .npy file starts with at least 10 bytes of magic, version and header length; it is truncated")
            }
            throw notNPY(path: path, preamble: preamble)
        }
        guard preamble.prefix(6).elementsEqual(magic) else { throw notNPY(path: path, preamble: preamble) }
        let major = Int(preamble[6])
        let minor = Int(preamble[7])
        guard (1 ... 3).contains(major), minor == 0 else {
            throw DataFileError(
                code: .unsupportedFormat, path: path, offset: 6,
                message: "declares .npy format version \(major).\(minor); ShoalData reads versions 1.0, 2.0 and 3.0, so re-save the array with numpy.save")
        }
        let lengthSize = major == 1 ? 2 : 4
        guard preamble.count >= 8 + lengthSize else {
            throw DataFileError(
                code: .truncated, path: path, offset: 8,
                message: "the file ends inside the \(lengthSize)-byte header length of an .npy version \(major).0 file; it is truncated")
        }
        let headerLength = preamble[8 ..< 8 + lengthSize].reversed().reduce(0) { $0 << 8 | Int($1) }
        let headerStart = 8 + lengthSize
        guard headerLength <= maximumHeaderLength else {
            throw DataFileError(
                code: .invalidHeader, path: path, offset: 8,
                message: "declares a header of \(headerLength) bytes, more than the \(maximumHeaderLength) ShoalData accepts; the header length field is corrupt")
        }
        guard headerStart + headerLength <= file.size else {
            throw DataFileError(
                code: .truncated, path: path, offset: headerStart,
                message: "declares a \(headerLength)-byte header at byte offset \(headerStart), but only \(file.size - headerStart) bytes follow; the file is truncated")
        }
        let text = try file.bytes(at: headerStart, count: headerLength)
        return try parse(text, path: path, headerStart: headerStart, major: major)
    }

    /// Parses the dictionary text of a header that starts at byte `headerStart`.
    static func parse(_ text: [UInt8], path: String, headerStart: Int, major: Int) throws(DataFileError) -> NPYHeader {
        let literal: PythonLiteral
        do {
            literal = try PythonLiteralParser.parse(text)
        } catch {
            throw invalid(path: path, headerStart: headerStart, text: text,
                          problem: "it is not a valid Python dict literal (\(error.message) at character \(error.position))")
        }
        guard case .dictionary(let entries) = literal else {
            throw invalid(path: path, headerStart: headerStart, text: text, problem: "it is not a dict")
        }
        for key in ["descr", "fortran_order", "shape"] where entries[key] == nil {
            throw invalid(path: path, headerStart: headerStart, text: text,
                          problem: "it has no '\(key)' key; an .npy header must define 'descr', 'fortran_order' and 'shape'")
        }
        guard case .string(let descr)? = entries["descr"] else {
            throw DataFileError(
                code: .unsupportedType, path: path, offset: headerStart,
                message: "has a structured dtype \(snippet(text)); ShoalData reads plain numeric arrays only, so save a plain array (e.g. array.astype(numpy.float32))")
        }
        guard case .boolean(let fortranOrder)? = entries["fortran_order"] else {
            throw invalid(path: path, headerStart: headerStart, text: text, problem: "'fortran_order' is not True or False")
        }
        guard case .tuple(let extents)? = entries["shape"] else {
            throw invalid(path: path, headerStart: headerStart, text: text, problem: "'shape' is not a tuple")
        }
        var shape: [Int] = []
        for extent in extents {
            guard case .integer(let value) = extent, value >= 0 else {
                throw invalid(path: path, headerStart: headerStart, text: text, problem: "'shape' holds something other than non-negative integers")
            }
            shape.append(value)
        }
        guard shape.count == 1 || shape.count == 2 else {
            let shapeText = "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
            throw DataFileError(
                code: .unsupportedFormat, path: path, offset: headerStart,
                message: "holds a \(shape.count)-dimensional array of shape \(shapeText); ShoalData reads 1-D and 2-D arrays only, so reshape it to 2-D (array.reshape(len(array), -1)) before saving")
        }
        let (dtype, bigEndian) = try parseDescr(descr, path: path, headerStart: headerStart)
        var total = dtype.itemSize
        for extent in shape {
            let (product, overflow) = total.multipliedReportingOverflow(by: extent)
            guard !overflow else {
                throw invalid(path: path, headerStart: headerStart, text: text, problem: "its shape describes more bytes than any file can hold")
            }
            total = product
        }
        return NPYHeader(
            majorVersion: major, minorVersion: 0, dtype: dtype, isBigEndian: bigEndian,
            isFortranOrder: fortranOrder && shape.count == 2, shape: shape, dataOffset: headerStart + text.count)
    }

    private static func parseDescr(_ descr: String, path: String, headerStart: Int) throws(DataFileError) -> (NPYDType, Bool) {
        var body = Substring(descr)
        var bigEndian = false
        if let order = body.first, "<>|=".contains(order) {
            bigEndian = order == ">"
            body = body.dropFirst()
        }
        guard let dtype = NPYDType(rawValue: String(body)) else {
            let supported = NPYDType.allCases.map(\.littleEndianDescr).joined(separator: ", ")
            throw DataFileError(
                code: .unsupportedType, path: path, offset: headerStart,
                message: "has dtype '\(descr)', which ShoalData does not read; supported are \(supported) (either byte order), so convert with array.astype(numpy.float32) or another of them")
        }
        return (dtype, bigEndian && dtype.itemSize > 1)
    }

    /// The version 1.0 header NumPy writes for a C-order little-endian array, byte for byte:
    /// keys sorted, 21 − digits of `shape[0]` spaces of growth room, then spaces and `\n` so that
    /// the data starts at a multiple of 64 bytes.
    static func encode(dtype: NPYDType, shape: [Int]) -> [UInt8] {
        let shapeText = "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
        var dictionary = "{'descr': '\(dtype.littleEndianDescr)', 'fortran_order': False, 'shape': \(shapeText), }"
        if let first = shape.first {
            dictionary += String(repeating: " ", count: max(0, 21 - String(first).count))
        }
        let unpadded = 10 + dictionary.utf8.count + 1
        let padding = 64 - unpadded % 64
        let headerLength = dictionary.utf8.count + padding + 1
        var bytes = magic + [1, 0, UInt8(headerLength & 0xFF), UInt8(headerLength >> 8)]
        bytes += Array(dictionary.utf8)
        bytes += Array(repeating: 0x20, count: padding)
        bytes.append(0x0A)
        return bytes
    }

    private static func notNPY(path: String, preamble: [UInt8]) -> DataFileError {
        let found = preamble.prefix(6).map { String($0, radix: 16, uppercase: true) }.map { $0.count == 1 ? "0" + $0 : $0 }
        let zipHint = preamble.starts(with: [0x50, 0x4B]) ? " (this looks like a zip archive such as .npz: extract the .npy files first)" : ""
        return DataFileError(
            code: .invalidHeader, path: path, offset: 0,
            message: "does not start with the .npy magic string \\x93NUMPY (found bytes \(found.joined(separator: " ")))\(zipHint); it is not a NumPy .npy file")
    }

    private static func invalid(path: String, headerStart: Int, text: [UInt8], problem: String) -> DataFileError {
        DataFileError(
            code: .invalidHeader, path: path, offset: headerStart,
            message: "the .npy header at byte offset \(headerStart) is invalid: \(problem); header: \(snippet(text)); re-save the array with numpy.save")
    }

    private static func snippet(_ text: [UInt8]) -> String {
        let printable = text.prefix(120).map { $0 >= 0x20 && $0 < 0x7F ? Character(Unicode.Scalar($0)) : "?" }
        let trimmed = String(printable).trimmingTrailingSpaces
        return "\"\(trimmed)\(text.count > 120 ? "…" : "")\""
    }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var result = Substring(self)
        while result.last == " " || result.last == "?" { result = result.dropLast() }
        return String(result)
    }
}
