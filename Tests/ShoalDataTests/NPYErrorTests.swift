import ShoalData
import Testing

/// An `.npy` file built by hand: magic, version, header length, `header` padded to 64, then `data`.
func npyBytes(header: String, major: UInt8 = 1, data: [UInt8] = []) -> [UInt8] {
    let prefixLength = major == 1 ? 10 : 12
    var text = Array(header.utf8)
    while (prefixLength + text.count + 1) % 64 != 0 { text.append(0x20) }
    text.append(0x0A)
    var bytes = ByteBuilder()
    bytes.raw([0x93] + Array("NUMPY".utf8) + [major, 0])
    if major == 1 {
        bytes.raw([UInt8(text.count & 0xFF), UInt8(text.count >> 8)])
    } else {
        bytes.int32(Int32(text.count))
    }
    bytes.raw(text + data)
    return bytes.bytes
}

/// A corrupt header and a fragment its error message must contain.
struct CorruptHeader: Sendable, CustomTestStringConvertible {
    var header: String
    var fragment: String
    var testDescription: String { fragment }
}

@Suite struct NPYErrorTests {
    @discardableResult
    private func expectNPYError(
        _ bytes: [UInt8], _ code: DataFileError.Code, mentioning fragments: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> DataFileError? {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("bad.npy")
        try writeBytes(bytes, to: path)
        return expectDataFileError(code, mentioning: fragments, sourceLocation: sourceLocation) { () throws(DataFileError) in
            try NPY.read(at: path)
        }
    }

    @Test func wrongMagicIsAnInvalidHeaderThatShowsTheBytesFound() throws {
        let error = try expectNPYError(Array("hello world, not numpy".utf8), .invalidHeader, mentioning: [
            "does not start with the .npy magic string", "found bytes 68 65 6C 6C 6F 20", "not a NumPy .npy file",
        ])
        #expect(error?.offset == 0)
    }

    @Test func zipArchiveGetsAnNpzHint() throws {
        try expectNPYError([0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0, 0], .invalidHeader, mentioning: ["zip archive such as .npz"])
    }

    @Test(arguments: [
        (0, "the file has only 0 bytes"), (3, "the file has only 3 bytes"), (7, "the file has only 7 bytes"),
        (9, "ends inside the 2-byte header length"), (60, "declares a 118-byte header at byte offset 10, but only 50 bytes follow"),
        (130, "reading 2 rows needs 24 data bytes from byte offset 128, but only 2 follow"),
        (151, "needs 24 data bytes from byte offset 128, but only 23 follow"),
    ])
    func truncatedFileAtEachCutPointIsTruncated(cut: Int, fragment: String) throws {
        let full = hexBytes(NumPyFixtures.float32Rows2Cols3)
        try expectNPYError(Array(full.prefix(cut)), .truncated, mentioning: [fragment])
    }

    @Test func unknownVersionIsAnUnsupportedFormat() throws {
        var bytes = hexBytes(NumPyFixtures.float32Rows2Cols3)
        bytes[6] = 4
        try expectNPYError(bytes, .unsupportedFormat, mentioning: ["version 4.0", "reads versions 1.0, 2.0 and 3.0"])
        bytes[6] = 1
        bytes[7] = 1
        try expectNPYError(bytes, .unsupportedFormat, mentioning: ["version 1.1"])
    }

    @Test func absurdHeaderLengthIsAnInvalidHeader() throws {
        var bytes = npyBytes(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 1), }", major: 2)
        bytes.replaceSubrange(8 ..< 12, with: [0xFF, 0xFF, 0xFF, 0x7F])
        try expectNPYError(bytes, .invalidHeader, mentioning: ["header of 2147483647 bytes", "corrupt"])
    }

    static let corruptHeaders = [
        CorruptHeader(header: "{'descr': '<f4', 'fortran_order': False}", fragment: "it has no 'shape' key"),
        CorruptHeader(header: "['descr', '<f4']", fragment: "it is not a dict"),
        CorruptHeader(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), ", fragment: "not a valid Python dict literal"),
        CorruptHeader(header: "{'descr: '<f4'}", fragment: "expected ':'"),
        CorruptHeader(header: "{'descr': '<f4", fragment: "unterminated string"),
        CorruptHeader(header: String(repeating: "(", count: 1_000), fragment: "nesting deeper than 32 levels"),
        CorruptHeader(header: "{'descr': '<f4', 'fortran_order': False, 'shape': 6}", fragment: "'shape' is not a tuple"),
        CorruptHeader(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (6)}", fragment: "'shape' is not a tuple"),
        CorruptHeader(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3)}", fragment: "non-negative integers"),
        CorruptHeader(header: "{'descr': '<f4', 'fortran_order': 'no', 'shape': (1, 3)}", fragment: "'fortran_order' is not True or False"),
        CorruptHeader(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 1)}", fragment: "integer too large"),
        CorruptHeader(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4)}", fragment: "more bytes than any file can hold"),
        CorruptHeader(header: "{'descr': '<f4'} trailing", fragment: "unexpected text after the literal"),
        CorruptHeader(header: "\u{01}\u{02}", fragment: "unexpected character"),
        CorruptHeader(header: "", fragment: "unexpected end of header"),
    ]

    @Test(arguments: corruptHeaders)
    func corruptHeaderIsAnInvalidHeaderThatQuotesIt(_ corrupt: CorruptHeader) throws {
        let error = try expectNPYError(npyBytes(header: corrupt.header), .invalidHeader, mentioning: [
            "the .npy header at byte offset 10 is invalid", corrupt.fragment, "re-save the array with numpy.save",
        ])
        #expect(error?.offset == 10)
    }

    @Test func threeDimensionalArrayIsAnUnsupportedFormat() throws {
        try expectNPYError(hexBytes(NumPyFixtures.float32ThreeDimensional), .unsupportedFormat, mentioning: [
            "3-dimensional array of shape (1, 2, 2)", "1-D and 2-D arrays only", "reshape",
        ])
    }

    @Test func complexDtypeIsAnUnsupportedType() throws {
        try expectNPYError(hexBytes(NumPyFixtures.complex64Rows1Cols1), .unsupportedType, mentioning: [
            "dtype '<c8'", "<f2, <f4, <f8, |u1, <i4, <i8", "astype",
        ])
    }

    @Test func structuredDtypeIsAnUnsupportedType() throws {
        let header = "{'descr': [('x', '<f4'), ('y', '<i4')], 'fortran_order': False, 'shape': (1,), }"
        try expectNPYError(npyBytes(header: header, data: [UInt8](repeating: 0, count: 8)), .unsupportedType, mentioning: ["structured dtype"])
    }

    @Test func readingFloatsAsIntegersIsAnUnsupportedType() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try writeBytes(hexBytes(NumPyFixtures.float32Rows2Cols3), to: directory.file("f.npy"))
        expectDataFileError(.unsupportedType, mentioning: ["holds float32 values, but integers", "astype(numpy.int64)"]) {
            () throws(DataFileError) in try NPY.readIntegers(at: directory.file("f.npy"))
        }
    }

    @Test func pythonTwoLongSuffixesAndTrailingBytesAreAccepted() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let header = "{\"descr\": \"<i4\", \"fortran_order\": False, \"shape\": (2L, 1L)}"
        try writeBytes(npyBytes(header: header, data: [9, 0, 0, 0, 8, 0, 0, 0, 0xAA, 0xBB]), to: directory.file("py2.npy"))
        #expect(try NPY.read(at: directory.file("py2.npy")) == .int32(Matrix(rows: 2, columns: 1, values: [9, 8])))
    }
}
