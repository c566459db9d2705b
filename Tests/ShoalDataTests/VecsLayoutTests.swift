import ShoalData
import Testing

/// Exact byte layouts, checked against bytes built by hand in the test.
@Suite struct VecsLayoutTests {
    @Test func fvecsWriterEmitsDimensionThenLittleEndianFloatsPerRow() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FVecs.write(Matrix(rows: 2, columns: 3, values: [1, -2, 0.5, 3, 4, 5]), to: directory.file("t.fvecs"))
        let expected: [UInt8] = [
            0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x3F,
            0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x40, 0x00, 0x00, 0x80, 0x40, 0x00, 0x00, 0xA0, 0x40,
        ]
        #expect(readBytes(directory.file("t.fvecs")) == expected)
    }

    @Test func fvecsReaderDecodesHandBuiltBytes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var bytes = ByteBuilder()
        for row in [[Float(0.25), -1e30], [Float.greatestFiniteMagnitude, -0.0]] {
            bytes.int32(2)
            row.forEach { bytes.float32($0) }
        }
        try writeBytes(bytes.bytes, to: directory.file("h.fvecs"))
        let matrix = try FVecs.read(at: directory.file("h.fvecs"))
        #expect(matrix.rows == 2 && matrix.columns == 2)
        #expect(matrix.values.map(\.bitPattern) == [0.25, -1e30, .greatestFiniteMagnitude, -0.0].map { (value: Float) in value.bitPattern })
    }

    @Test func ivecsWriterEmitsLittleEndianInt32() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try IVecs.write(Matrix(rows: 1, columns: 2, values: [1, -2]), to: directory.file("t.ivecs"))
        #expect(readBytes(directory.file("t.ivecs")) == [2, 0, 0, 0, 1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF])
    }

    @Test func bvecsWriterEmitsOneBytePerValue() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try BVecs.write(Matrix(rows: 2, columns: 3, values: [1, 2, 255, 0, 128, 7]), to: directory.file("t.bvecs"))
        #expect(readBytes(directory.file("t.bvecs")) == [3, 0, 0, 0, 1, 2, 255, 3, 0, 0, 0, 0, 128, 7])
    }

    @Test func bvecsReaderDecodesHandBuiltBytes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try writeBytes([1, 0, 0, 0, 9, 1, 0, 0, 0, 200], to: directory.file("h.bvecs"))
        #expect(try BVecs.read(at: directory.file("h.bvecs")) == Matrix(rows: 2, columns: 1, values: [9, 200]))
    }
}
