import ShoalData
import Testing

/// Where a three-row, four-dimensional `.fvecs` file (20 bytes per row, 60 in all) is cut, and
/// what the reader must then report.
struct TruncationCase: Sendable, CustomTestStringConvertible {
    var cut: Int
    var row: Int
    var offset: Int
    var fragment: String

    var testDescription: String { "cut at byte \(cut)" }
}

@Suite struct VecsErrorTests {
    static let cuts = [
        TruncationCase(cut: 2, row: 0, offset: 0, fragment: "needs a 4-byte dimension header, but only 2 bytes remain"),
        TruncationCase(cut: 4, row: 0, offset: 0, fragment: "needs 20 bytes (a 4-byte dimension and 4 float32 values), but only 4 remain"),
        TruncationCase(cut: 13, row: 0, offset: 0, fragment: "needs 20 bytes (a 4-byte dimension and 4 float32 values), but only 13 remain"),
        TruncationCase(cut: 22, row: 1, offset: 20, fragment: "needs a 4-byte dimension header, but only 2 bytes remain"),
        TruncationCase(cut: 39, row: 1, offset: 20, fragment: "but only 19 remain"),
        TruncationCase(cut: 59, row: 2, offset: 40, fragment: "but only 19 remain"),
    ]

    @Test(arguments: cuts)
    func truncatedFileReportsTheRowOffsetAndMissingBytes(_ truncation: TruncationCase) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let full = directory.file("full.fvecs")
        try FVecs.write(Matrix(rows: 3, columns: 4, values: (0 ..< 12).map(Float.init)), to: full)
        let cutPath = directory.file("cut.fvecs")
        try writeBytes(Array(readBytes(full).prefix(truncation.cut)), to: cutPath)
        let error = expectDataFileError(.truncated, mentioning: [
            "row \(truncation.row) at byte offset \(truncation.offset)", truncation.fragment, "truncated",
        ]) { () throws(DataFileError) in try FVecs.read(at: cutPath) }
        #expect(error?.offset == truncation.offset)
        #expect(error?.path == cutPath)
    }

    @Test func inconsistentDimensionNamesBothDimensionsTheRowAndTheOffset() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var bytes = ByteBuilder()
        for row in 0 ..< 20 {
            let dimension = row == 17 ? 96 : 128
            bytes.int32(Int32(dimension))
            for _ in 0 ..< dimension { bytes.float32(1) }
        }
        let path = directory.file("queries.fvecs")
        try writeBytes(bytes.bytes, to: path)
        let error = expectDataFileError(.inconsistentDimension) { () throws(DataFileError) in try FVecs.read(at: path) }
        #expect(error?.message == "row 17 at byte offset 8772 declares dimension 96, but row 0 declared 128; every row of an .fvecs file must have the same dimension")
        #expect(error?.offset == 17 * (4 + 128 * 4))
        #expect(error?.description == "\(path): \(error?.message ?? "")")
    }

    @Test func inconsistentDimensionInIvecsNamesTheIvecsFormat() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try writeBytes([1, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0], to: directory.file("gt.ivecs"))
        expectDataFileError(.inconsistentDimension, mentioning: ["row 1 at byte offset 8 declares dimension 2, but row 0 declared 1", ".ivecs"]) {
            () throws(DataFileError) in try IVecs.read(at: directory.file("gt.ivecs"))
        }
    }

    @Test(arguments: [0, 2])
    func negativeDimensionIsAnInvalidHeader(row: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var bytes = ByteBuilder()
        for index in 0 ... row {
            bytes.int32(index == row ? -3 : 1)
            bytes.uint8(42)
        }
        try writeBytes(bytes.bytes, to: directory.file("neg.bvecs"))
        let error = expectDataFileError(.invalidHeader, mentioning: ["row \(row) at byte offset \(row * 5) declares dimension -3", "cannot be negative", ".bvecs"]) {
            () throws(DataFileError) in try BVecs.read(at: directory.file("neg.bvecs"))
        }
        #expect(error?.offset == row * 5)
    }

    @Test func absurdDimensionIsReportedAsTruncatedWithoutAllocatingIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try writeBytes([UInt8](repeating: 0x41, count: 100), to: directory.file("text.fvecs"))
        expectDataFileError(.truncated, mentioning: ["declares", "needs 4379182344 bytes", "only 100 remain", "is not an .fvecs file"]) {
            () throws(DataFileError) in try FVecs.read(at: directory.file("text.fvecs"))
        }
        expectDataFileError(.truncated) { () throws(DataFileError) in try FVecs.read(at: directory.file("text.fvecs"), limit: 1) }
    }

    @Test func missingFileIsFileNotFound() {
        let error = expectDataFileError(.fileNotFound, mentioning: ["no such file", "working directory"]) {
            () throws(DataFileError) in try FVecs.read(at: "/nonexistent-shoal/base.fvecs")
        }
        #expect(error?.description.hasPrefix("/nonexistent-shoal/base.fvecs: ") == true)
    }

    @Test func directoryIsUnreadable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        expectDataFileError(.unreadable, mentioning: ["is a directory"]) { () throws(DataFileError) in try FVecs.read(at: directory.path) }
    }

    @Test func fileWithoutReadPermissionIsUnreadable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("secret.fvecs")
        try writeBytes([0, 0, 0, 0], to: path)
        try FileManagerPermissions.set(0o000, path: path)
        guard !FileManagerPermissions.canStillRead(path) else { return }  // root ignores permissions
        expectDataFileError(.unreadable, mentioning: ["Permission denied", "permissions"]) { () throws(DataFileError) in try FVecs.read(at: path) }
    }

    @Test func writingIntoAMissingDirectoryIsWriteFailed() {
        expectDataFileError(.writeFailed, mentioning: ["cannot create the temporary file", "No such file or directory", "directory exists"]) {
            () throws(DataFileError) in try FVecs.write(Matrix(rows: 1, columns: 1, values: [1]), to: "/nonexistent-shoal/out.fvecs")
        }
    }

    @Test func writingOverADirectoryIsWriteFailedAndRemovesTheTemporaryFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let target = directory.file("target.fvecs")
        try FileManagerPermissions.makeDirectory(target)
        expectDataFileError(.writeFailed, mentioning: ["cannot rename"]) {
            () throws(DataFileError) in try FVecs.write(Matrix(rows: 1, columns: 1, values: [1]), to: target)
        }
        #expect(directory.entries() == ["target.fvecs"])
    }
}
