import ShoalData
import Testing

/// A NumPy-written fixture, named for test output.
struct NumPyFile: Sendable, CustomTestStringConvertible {
    var name: String
    var hex: String

    init(_ name: String, _ hex: String) {
        self.name = name
        self.hex = hex
    }

    var testDescription: String { name }
}

/// Compatibility with files written by NumPy itself (see ``NumPyFixtures``).
@Suite struct NPYFixtureTests {
    /// Writes `hex` to a temporary `.npy` file and reads it back.
    private func load(_ hex: String, limit: Int? = nil) throws -> NPYArray {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try writeBytes(hexBytes(hex), to: directory.file("fixture.npy"))
        return try NPY.read(at: directory.file("fixture.npy"), limit: limit)
    }

    @Test func readsNumPyFloat32() throws {
        #expect(try load(NumPyFixtures.float32Rows2Cols3) == .float32(Matrix(rows: 2, columns: 3, values: [1.5, -2, 0.25, 3, 4, 0.005])))
    }

    @Test func readsNumPyFloat16AsFloat16AndConvertsToFloat() throws {
        let array = try load(NumPyFixtures.float16Rows2Cols2)
        #expect(array == .float16(Matrix(rows: 2, columns: 2, values: [1.5, -2, Float16(0.099975586), 65504])))
        #expect(array.floats() == Matrix(rows: 2, columns: 2, values: [1.5, -2, Float(Float16(0.099975586)), 65504]))
    }

    @Test func readsNumPyFloat64() throws {
        #expect(try load(NumPyFixtures.float64Rows1Cols2) == .float64(Matrix(rows: 1, columns: 2, values: [0.1, -1e300])))
    }

    @Test func readsNumPyUInt8() throws {
        let array = try load(NumPyFixtures.uint8Rows2Cols3)
        #expect(array == .uint8(Matrix(rows: 2, columns: 3, values: [0, 1, 255, 7, 128, 9])))
        #expect(array.integers() == Matrix(rows: 2, columns: 3, values: [0, 1, 255, 7, 128, 9]))
    }

    @Test func readsNumPyInt32IncludingExtremes() throws {
        #expect(try load(NumPyFixtures.int32Rows2Cols2) == .int32(Matrix(rows: 2, columns: 2, values: [0, -1, .max, .min])))
    }

    @Test func readsNumPyInt64IncludingExtremes() throws {
        #expect(try load(NumPyFixtures.int64Rows2Cols2) == .int64(Matrix(rows: 2, columns: 2, values: [5, -6, .max, .min])))
    }

    @Test func readsOneDimensionalArrayAsASingleColumn() throws {
        #expect(try load(NumPyFixtures.int64Vector3) == .int64(Matrix(rows: 3, columns: 1, values: [7, -1, 42])))
        #expect(try load(NumPyFixtures.int64Vector3, limit: 2) == .int64(Matrix(rows: 2, columns: 1, values: [7, -1])))
    }

    @Test func transposesFortranOrderIntoRowMajor() throws {
        #expect(try load(NumPyFixtures.float32FortranRows2Cols3) == .float32(Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])))
        #expect(try load(NumPyFixtures.float32FortranRows2Cols3, limit: 1) == .float32(Matrix(rows: 1, columns: 3, values: [1, 2, 3])))
    }

    @Test func swapsBigEndianData() throws {
        #expect(try load(NumPyFixtures.float32BigEndianRows2Cols2) == .float32(Matrix(rows: 2, columns: 2, values: [1, 2, 3, -4.5])))
        #expect(try load(NumPyFixtures.int64BigEndianVector3) == .int64(Matrix(rows: 3, columns: 1, values: [1, -2, 300])))
    }

    @Test func readsFormatVersions2And3() throws {
        let expected = NPYArray.float32(Matrix(rows: 1, columns: 2, values: [1, 2]))
        #expect(try load(NumPyFixtures.float32Version2) == expected)
        #expect(try load(NumPyFixtures.float32Version3) == expected)
    }

    @Test func readsAnArrayWithZeroRowsKeepingItsColumns() throws {
        let array = try load(NumPyFixtures.float32Rows0Cols4)
        #expect(array.rows == 0 && array.columns == 4)
    }

    @Test func headerReportsVersionDtypeOrderShapeAndDataOffset() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try writeBytes(hexBytes(NumPyFixtures.float32Version2), to: directory.file("v2.npy"))
        let header = try NPY.readHeader(at: directory.file("v2.npy"))
        #expect(header.majorVersion == 2 && header.minorVersion == 0)
        #expect(header.dtype == .float32 && !header.isBigEndian && !header.isFortranOrder)
        #expect(header.shape == [1, 2] && header.dataOffset == 128)
    }

    static let numPyFiles = [
        NumPyFile("float32", NumPyFixtures.float32Rows2Cols3), NumPyFile("float16", NumPyFixtures.float16Rows2Cols2),
        NumPyFile("float64", NumPyFixtures.float64Rows1Cols2), NumPyFile("uint8", NumPyFixtures.uint8Rows2Cols3),
        NumPyFile("int32", NumPyFixtures.int32Rows2Cols2), NumPyFile("int64", NumPyFixtures.int64Rows2Cols2),
        NumPyFile("float32, zero rows", NumPyFixtures.float32Rows0Cols4),
    ]

    @Test(arguments: numPyFiles)
    func writerProducesTheSameBytesAsNumPySave(_ file: NumPyFile) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try writeBytes(hexBytes(file.hex), to: directory.file("numpy.npy"))
        let array = try NPY.read(at: directory.file("numpy.npy"))
        try NPY.write(array, to: directory.file("ours.npy"))
        let ours = readBytes(directory.file("ours.npy"))
        #expect(ours == hexBytes(file.hex))
        #expect(ours.count >= 128 && ours[8] == 118 && ours[127] == 0x0A)  // 10 + 118 = 128, a multiple of 64
    }
}
