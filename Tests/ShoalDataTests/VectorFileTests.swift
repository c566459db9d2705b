import ShoalData
import Testing

@Suite struct VectorFileTests {
    @Test(arguments: ["v.fvecs", "v.npy", "V.FVECS", "dir.with.dots/v.Npy"])
    func floatsRoundTripThroughTheFormatNamedByTheExtension(name: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManagerPermissions.makeDirectory(directory.file("dir.with.dots"))
        let matrix = randomMatrix(rows: 6, columns: 4, seed: 21) { Float.random(in: -5 ... 5, using: &$0) }
        let path = directory.file(name)
        try VectorFile.writeFloats(matrix, to: path)
        #expect(try VectorFile.readFloats(at: path) == matrix)
        #expect(try VectorFile.readFloats(at: path, limit: 2) == matrix.prefix(rows: 2))
        let magic = readBytes(path).prefix(6)
        #expect(magic.elementsEqual([0x93] + Array("NUMPY".utf8)) == name.lowercased().hasSuffix(".npy"))
    }

    @Test(arguments: ["gt.ivecs", "gt.npy"])
    func integersRoundTripThroughIvecsAndNpy(name: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let matrix = randomMatrix(rows: 7, columns: 100, seed: 22) { Int64.random(in: 0 ..< 1_000_000, using: &$0) }
        try VectorFile.writeIntegers(matrix, to: directory.file(name))
        #expect(try VectorFile.readIntegers(at: directory.file(name)) == matrix)
        #expect(try VectorFile.readIntegers(at: directory.file(name), limit: 3) == matrix.prefix(rows: 3))
    }

    @Test func integerNpyIsWrittenAsInt64() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try VectorFile.writeIntegers(Matrix(rows: 1, columns: 1, values: [1 << 40]), to: directory.file("big.npy"))
        #expect(try NPY.readHeader(at: directory.file("big.npy")).dtype == .int64)
        #expect(try VectorFile.readIntegers(at: directory.file("big.npy")) == Matrix(rows: 1, columns: 1, values: [1 << 40]))
    }

    @Test func bvecsAndIvecsAndIntegerNpyConvertToFloats() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try BVecs.write(Matrix(rows: 1, columns: 3, values: [0, 128, 255]), to: directory.file("b.bvecs"))
        try IVecs.write(Matrix(rows: 1, columns: 2, values: [-7, 9]), to: directory.file("i.ivecs"))
        try NPY.write(Matrix(rows: 2, columns: 1, values: [3, 4] as [Int32]), to: directory.file("i.npy"))
        #expect(try VectorFile.readFloats(at: directory.file("b.bvecs")) == Matrix(rows: 1, columns: 3, values: [0, 128, 255]))
        #expect(try VectorFile.readFloats(at: directory.file("i.ivecs")) == Matrix(rows: 1, columns: 2, values: [-7, 9]))
        #expect(try VectorFile.readFloats(at: directory.file("i.npy")) == Matrix(rows: 2, columns: 1, values: [3, 4]))
        #expect(try VectorFile.readIntegers(at: directory.file("b.bvecs")) == Matrix(rows: 1, columns: 3, values: [0, 128, 255]))
    }

    @Test(arguments: [
        ("data.csv", "has the extension .csv, which VectorFile does not recognize"),
        ("data", "has no file extension"), ("data.", "has no file extension"), ("dir.npy/data", "has no file extension"),
    ])
    func unknownOrMissingExtensionIsAnUnsupportedFormat(name: String, fragment: String) {
        expectDataFileError(.unsupportedFormat, mentioning: [fragment, ".fvecs, .ivecs, .bvecs, .npy"]) {
            () throws(DataFileError) in try VectorFile.readFloats(at: name)
        }
        expectDataFileError(.unsupportedFormat, mentioning: [fragment]) { () throws(DataFileError) in try VectorFile.readIntegers(at: name) }
        expectDataFileError(.unsupportedFormat, mentioning: [fragment]) {
            () throws(DataFileError) in try VectorFile.writeFloats(Matrix(rows: 0, columns: 0, values: []), to: name)
        }
        expectDataFileError(.unsupportedFormat, mentioning: [fragment]) {
            () throws(DataFileError) in try VectorFile.writeIntegers(Matrix(rows: 0, columns: 0, values: []), to: name)
        }
    }

    @Test func readingIntegersFromFvecsIsAnUnsupportedType() {
        expectDataFileError(.unsupportedType, mentioning: ["is an .fvecs file of float32 values", "use readFloats"]) {
            () throws(DataFileError) in try VectorFile.readIntegers(at: "base.fvecs")
        }
    }

    @Test(arguments: ["out.ivecs", "out.bvecs"])
    func writingFloatsToAnIntegerFormatIsAnUnsupportedType(name: String) {
        expectDataFileError(.unsupportedType, mentioning: ["cannot hold float32 values", ".fvecs or .npy"]) {
            () throws(DataFileError) in try VectorFile.writeFloats(Matrix(rows: 1, columns: 1, values: [0.5]), to: name)
        }
    }

    @Test(arguments: ["out.fvecs", "out.bvecs"])
    func writingIntegersToAFloatOrByteFormatIsAnUnsupportedType(name: String) {
        expectDataFileError(.unsupportedType, mentioning: ["cannot hold int64 values", ".ivecs or .npy"]) {
            () throws(DataFileError) in try VectorFile.writeIntegers(Matrix(rows: 1, columns: 1, values: [1]), to: name)
        }
    }

    @Test func ivecsValueOutsideInt32IsAnUnsupportedTypeNamingItsPosition() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let matrix = Matrix(rows: 2, columns: 3, values: [0, 1, 2, 3, 3_000_000_000, 5] as [Int64])
        expectDataFileError(.unsupportedType, mentioning: ["row 1, column 1 holds 3000000000", "does not fit the int32", "write .npy (int64)"]) {
            () throws(DataFileError) in try VectorFile.writeIntegers(matrix, to: directory.file("gt.ivecs"))
        }
        #expect(directory.entries().isEmpty)
    }

    @Test func formatIsDetectedCaseInsensitively() throws {
        #expect(try VectorFile.Format(path: "/a/b/Base.FVECS") == .fvecs)
        #expect(try VectorFile.Format(path: "x.tar.npy") == .npy)
        #expect(try VectorFile.Format(path: "q.bvecs") == .bvecs)
        #expect(try VectorFile.Format(path: "g.IVecs") == .ivecs)
    }

    @Test func errorCodesHaveReadableNamesAndAreDistinct() {
        let codes: [DataFileError.Code] = [
            .fileNotFound, .unreadable, .truncated, .inconsistentDimension,
            .invalidHeader, .unsupportedType, .unsupportedFormat, .writeFailed,
        ]
        #expect(Set(codes).count == codes.count)
        #expect(codes.map(\.description) == [
            "fileNotFound", "unreadable", "truncated", "inconsistentDimension",
            "invalidHeader", "unsupportedType", "unsupportedFormat", "writeFailed",
        ])
        let error = DataFileError(code: .truncated, path: "a.fvecs", offset: 4, message: "row 0 is short")
        #expect(error.description == "a.fvecs: row 0 is short")
    }
}
