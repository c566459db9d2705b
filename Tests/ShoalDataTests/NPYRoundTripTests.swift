import ShoalData
import Testing

@Suite struct NPYRoundTripTests {
    @Test func float32RoundTripIsBitExact() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let matrix = randomMatrix(rows: 33, columns: 17, seed: 11) { Float(bitPattern: UInt32.random(in: 0 ..< 0x7F80_0000, using: &$0)) }
        try NPY.write(matrix, to: directory.file("a.npy"))
        #expect(try NPY.read(at: directory.file("a.npy")) == .float32(matrix))
    }

    @Test func float16RoundTripIsBitExact() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let matrix = randomMatrix(rows: 9, columns: 31, seed: 12) { Float16(bitPattern: UInt16.random(in: 0 ..< 0x7C00, using: &$0)) }
        try NPY.write(matrix, to: directory.file("h.npy"))
        #expect(try NPY.read(at: directory.file("h.npy")) == .float16(matrix))
        #expect(try NPY.readFloats(at: directory.file("h.npy")) == matrix.map { Float($0) })
    }

    @Test func float64RoundTripIsBitExact() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let matrix = randomMatrix(rows: 4, columns: 6, seed: 13) { Double.random(in: -1e10 ... 1e10, using: &$0) }
        try NPY.write(matrix, to: directory.file("d.npy"))
        #expect(try NPY.read(at: directory.file("d.npy")) == .float64(matrix))
    }

    @Test func int32RoundTripIsExact() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let matrix = randomMatrix(rows: 100, columns: 10, seed: 14) { Int32.random(in: .min ... .max, using: &$0) }
        try NPY.write(matrix, to: directory.file("i.npy"))
        #expect(try NPY.read(at: directory.file("i.npy")) == .int32(matrix))
        #expect(try NPY.readIntegers(at: directory.file("i.npy")) == matrix.map { Int64($0) })
    }

    @Test func int64RoundTripIsExact() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let matrix = randomMatrix(rows: 10, columns: 100, seed: 15) { Int64.random(in: .min ... .max, using: &$0) }
        try NPY.write(matrix, to: directory.file("l.npy"))
        #expect(try NPY.read(at: directory.file("l.npy")) == .int64(matrix))
        #expect(try NPY.readIntegers(at: directory.file("l.npy")) == matrix)
    }

    @Test func uint8RoundTripIsExact() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let matrix = randomMatrix(rows: 12, columns: 784, seed: 16) { UInt8.random(in: 0 ... 255, using: &$0) }
        try NPY.write(matrix, to: directory.file("u.npy"))
        #expect(try NPY.read(at: directory.file("u.npy")) == .uint8(matrix))
    }

    @Test func largeRowCountGetsTheNumPyHeaderPaddingAndStillAlignsTheData() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let matrix = Matrix(rows: 123_456, columns: 1, values: (0 ..< 123_456).map { Int32($0) })
        try NPY.write(matrix, to: directory.file("long.npy"))
        let header = try NPY.readHeader(at: directory.file("long.npy"))
        #expect(header.dataOffset % 64 == 0)
        #expect(header.shape == [123_456, 1])
        #expect(try NPY.readIntegers(at: directory.file("long.npy"), limit: 3) == Matrix(rows: 3, columns: 1, values: [0, 1, 2]))
    }

    @Test(arguments: [0, 1, 5, 8, 100])
    func limitReadsOnlyTheFirstRows(limit: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let matrix = randomMatrix(rows: 8, columns: 3, seed: 17) { Float.random(in: 0 ..< 1, using: &$0) }
        try NPY.write(matrix, to: directory.file("p.npy"))
        #expect(try NPY.readFloats(at: directory.file("p.npy"), limit: limit) == matrix.prefix(rows: limit))
    }

    @Test func limitDoesNotNeedTheDataBeyondIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let matrix = Matrix(rows: 4, columns: 2, values: [1, 2, 3, 4, 5, 6, 7, 8] as [Float])
        try NPY.write(matrix, to: directory.file("full.npy"))
        try writeBytes(Array(readBytes(directory.file("full.npy")).prefix(128 + 2 * 8 + 3)), to: directory.file("cut.npy"))
        #expect(try NPY.readFloats(at: directory.file("cut.npy"), limit: 2) == matrix.prefix(rows: 2))
    }

    @Test func integerArraysConvertToFloatsAndFloatArraysRefuseIntegerConversion() {
        let ints = NPYArray.int64(Matrix(rows: 1, columns: 3, values: [1, -2, 1 << 24]))
        #expect(ints.floats() == Matrix(rows: 1, columns: 3, values: [1, -2, 16_777_216]))
        #expect(NPYArray.float32(Matrix(rows: 1, columns: 1, values: [1])).integers() == nil)
        #expect(NPYArray.uint8(Matrix(rows: 1, columns: 2, values: [3, 4])).dtype == .uint8)
    }
}
