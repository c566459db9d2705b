import ShoalData
import Testing

@Suite struct VecsRoundTripTests {
    @Test func fvecsRoundTripPreservesEveryFloatBitForBit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let matrix = randomMatrix(rows: 37, columns: 19, seed: 1) { Float(bitPattern: UInt32.random(in: 0 ..< 0x7F80_0000, using: &$0)) }
        try FVecs.write(matrix, to: directory.file("a.fvecs"))
        #expect(try FVecs.read(at: directory.file("a.fvecs")) == matrix)
    }

    @Test func ivecsRoundTripPreservesEveryInt32IncludingExtremes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var matrix = randomMatrix(rows: 50, columns: 100, seed: 2) { Int32.random(in: .min ... .max, using: &$0) }
        matrix[0, 0] = .min
        matrix[49, 99] = .max
        try IVecs.write(matrix, to: directory.file("gt.ivecs"))
        #expect(try IVecs.read(at: directory.file("gt.ivecs")) == matrix)
    }

    @Test func bvecsRoundTripPreservesEveryByte() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let matrix = randomMatrix(rows: 64, columns: 128, seed: 3) { UInt8.random(in: 0 ... 255, using: &$0) }
        try BVecs.write(matrix, to: directory.file("b.bvecs"))
        #expect(try BVecs.read(at: directory.file("b.bvecs")) == matrix)
    }

    @Test func roundTripOfAFileLargerThanTheWriteChunkIsExact() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // 20,000 × 64 float32 rows = 5.4 MB, more than the 4 MiB write buffer.
        let matrix = randomMatrix(rows: 20_000, columns: 64, seed: 4) { Float.random(in: -1 ... 1, using: &$0) }
        try FVecs.write(matrix, to: directory.file("big.fvecs"))
        #expect(readBytes(directory.file("big.fvecs")).count == 20_000 * (4 + 64 * 4))
        #expect(try FVecs.read(at: directory.file("big.fvecs")) == matrix)
    }

    @Test(arguments: [0, 1, 7, 10, 11, 1_000])
    func limitReadsOnlyTheFirstRows(limit: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let matrix = randomMatrix(rows: 10, columns: 5, seed: 5) { Float.random(in: 0 ..< 1, using: &$0) }
        try FVecs.write(matrix, to: directory.file("l.fvecs"))
        let read = try FVecs.read(at: directory.file("l.fvecs"), limit: limit)
        #expect(read == matrix.prefix(rows: limit))
        #expect(read.columns == 5)
    }

    @Test func limitDoesNotParseRowsBeyondIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var bytes = ByteBuilder()
        for row in 0 ..< 3 {
            bytes.int32(2)
            bytes.int32(Int32(row))
            bytes.int32(Int32(row * 10))
        }
        bytes.int32(99)  // a corrupt fourth row: wrong dimension, and truncated
        try writeBytes(bytes.bytes, to: directory.file("tail.ivecs"))
        #expect(try IVecs.read(at: directory.file("tail.ivecs"), limit: 3) == Matrix(rows: 3, columns: 2, values: [0, 0, 1, 10, 2, 20]))
        expectDataFileError(.inconsistentDimension) { () throws(DataFileError) in try IVecs.read(at: directory.file("tail.ivecs")) }
    }

    @Test func emptyFileReadsAsZeroByZeroMatrixAndZeroRowsWriteAnEmptyFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FVecs.write(Matrix(rows: 0, columns: 128, values: []), to: directory.file("empty.fvecs"))
        #expect(readBytes(directory.file("empty.fvecs")).isEmpty)
        let read = try FVecs.read(at: directory.file("empty.fvecs"))
        #expect(read.rows == 0 && read.columns == 0)
    }

    @Test func rowsOfDimensionZeroReadAsAMatrixWithoutColumns() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FVecs.write(Matrix(rows: 3, columns: 0, values: []), to: directory.file("zero.fvecs"))
        #expect(readBytes(directory.file("zero.fvecs")) == [UInt8](repeating: 0, count: 12))
        let read = try FVecs.read(at: directory.file("zero.fvecs"))
        #expect(read.rows == 3 && read.columns == 0)
    }

    @Test func writingReplacesAnExistingFileAndLeavesNoTemporaryFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("replace.fvecs")
        try FVecs.write(Matrix(rows: 5, columns: 5, repeating: 1), to: path)
        try FVecs.write(Matrix(rows: 1, columns: 2, values: [3, 4]), to: path)
        #expect(try FVecs.read(at: path) == Matrix(rows: 1, columns: 2, values: [3, 4]))
        #expect(directory.entries() == ["replace.fvecs"])
    }
}
