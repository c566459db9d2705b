/// NumPy `.npy` files (format versions 1.0, 2.0 and 3.0) holding 1-D or 2-D arrays of the
/// dtypes in ``NPYDType``.
///
/// Reading handles C order and Fortran order (transposed to row-major), and either byte order
/// (big-endian data is swapped). Bytes after the data section are ignored, as NumPy does.
/// Writing produces exactly the bytes `numpy.save` writes for a C-order little-endian 2-D array:
/// a version 1.0 header padded with spaces so the data starts at a multiple of 64 bytes.
public enum NPY {
    /// Reads and validates only the header of the `.npy` file at `path`. O(header size).
    ///
    /// - Throws: `.fileNotFound`, `.unreadable`, `.truncated` (the file ends inside the header),
    ///   `.invalidHeader` (bad magic, an unparsable or incomplete header dictionary),
    ///   `.unsupportedFormat` (another version, or not 1-D/2-D), `.unsupportedType` (another dtype).
    public static func readHeader(at path: String) throws(DataFileError) -> NPYHeader {
        let file = try FileReader(path: path)
        return try NPYHeader.read(from: file)
    }

    /// Reads the first `limit` rows (all rows when `nil`) of the `.npy` file at `path` in its stored dtype.
    ///
    /// C-order data is read with one `pread` of only the requested rows straight into the result.
    /// Fortran-order 2-D data is read whole and transposed (O(total elements) even with a `limit`);
    /// big-endian data costs one extra pass to swap bytes.
    ///
    /// - Precondition: `limit` is `nil` or not negative.
    /// - Throws: everything ``readHeader(at:)`` throws, and `.truncated` when the data section is
    ///   shorter than the shape promises.
    public static func read(at path: String, limit: Int? = nil) throws(DataFileError) -> NPYArray {
        precondition((limit ?? 0) >= 0, "limit must not be negative (got \(limit ?? 0))")
        let file = try FileReader(path: path)
        let header = try NPYHeader.read(from: file)
        switch header.dtype {
        case .float16: return .float16(try readMatrix(Float16.self, from: file, header: header, limit: limit))
        case .float32: return .float32(try readMatrix(Float.self, from: file, header: header, limit: limit))
        case .float64: return .float64(try readMatrix(Double.self, from: file, header: header, limit: limit))
        case .uint8: return .uint8(try readMatrix(UInt8.self, from: file, header: header, limit: limit))
        case .int32: return .int32(try readMatrix(Int32.self, from: file, header: header, limit: limit))
        case .int64: return .int64(try readMatrix(Int64.self, from: file, header: header, limit: limit))
        }
    }

    /// Reads any supported dtype and converts it to `Float` (see ``NPYArray/floats()``).
    ///
    /// O(rows × columns); no conversion pass for float32. Throws what ``read(at:limit:)`` throws.
    public static func readFloats(at path: String, limit: Int? = nil) throws(DataFileError) -> Matrix<Float> {
        try read(at: path, limit: limit).floats()
    }

    /// Reads an integer dtype (`int32`, `int64`, `uint8`) and converts it to `Int64`.
    ///
    /// O(rows × columns); no conversion pass for int64. Throws what ``read(at:limit:)`` throws, and
    /// `.unsupportedType` for floating-point arrays (which are never truncated to integers).
    public static func readIntegers(at path: String, limit: Int? = nil) throws(DataFileError) -> Matrix<Int64> {
        let array = try read(at: path, limit: limit)
        guard let integers = array.integers() else {
            throw DataFileError(
                code: .unsupportedType, path: path,
                message: "holds \(array.dtype.name) values, but integers (int32, int64 or uint8) were requested; read it as floats, or save it with array.astype(numpy.int64)")
        }
        return integers
    }

    /// Writes `matrix` as a 2-D float32 array (`'<f4'`), atomically. O(rows × columns), one bulk write.
    /// - Throws: `.writeFailed`.
    public static func write(_ matrix: Matrix<Float>, to path: String) throws(DataFileError) {
        try writeMatrix(matrix, to: path)
    }

    /// Writes `matrix` as a 2-D float16 array (`'<f2'`), atomically. O(rows × columns), one bulk write.
    /// - Throws: `.writeFailed`.
    public static func write(_ matrix: Matrix<Float16>, to path: String) throws(DataFileError) {
        try writeMatrix(matrix, to: path)
    }

    /// Writes `matrix` as a 2-D float64 array (`'<f8'`), atomically. O(rows × columns), one bulk write.
    /// - Throws: `.writeFailed`.
    public static func write(_ matrix: Matrix<Double>, to path: String) throws(DataFileError) {
        try writeMatrix(matrix, to: path)
    }

    /// Writes `matrix` as a 2-D uint8 array (`'|u1'`), atomically. O(rows × columns), one bulk write.
    /// - Throws: `.writeFailed`.
    public static func write(_ matrix: Matrix<UInt8>, to path: String) throws(DataFileError) {
        try writeMatrix(matrix, to: path)
    }

    /// Writes `matrix` as a 2-D int32 array (`'<i4'`), atomically. O(rows × columns), one bulk write.
    /// - Throws: `.writeFailed`.
    public static func write(_ matrix: Matrix<Int32>, to path: String) throws(DataFileError) {
        try writeMatrix(matrix, to: path)
    }

    /// Writes `matrix` as a 2-D int64 array (`'<i8'`), atomically. O(rows × columns), one bulk write.
    /// - Throws: `.writeFailed`.
    public static func write(_ matrix: Matrix<Int64>, to path: String) throws(DataFileError) {
        try writeMatrix(matrix, to: path)
    }

    /// Writes `array` as a 2-D array of its own dtype, atomically. O(rows × columns).
    /// - Throws: `.writeFailed`.
    public static func write(_ array: NPYArray, to path: String) throws(DataFileError) {
        switch array {
        case .float16(let m): try writeMatrix(m, to: path)
        case .float32(let m): try writeMatrix(m, to: path)
        case .float64(let m): try writeMatrix(m, to: path)
        case .uint8(let m): try writeMatrix(m, to: path)
        case .int32(let m): try writeMatrix(m, to: path)
        case .int64(let m): try writeMatrix(m, to: path)
        }
    }

    private static func writeMatrix<Element: NPYElement>(_ matrix: Matrix<Element>, to path: String) throws(DataFileError) {
        let header = NPYHeader.encode(dtype: Element.npyDType, shape: [matrix.rows, matrix.columns])
        try AtomicFile.write(to: path) { (sink: inout FileSink) throws(DataFileError) in
            try sink.append(header)
            var failure: DataFileError?
            matrix.values.withUnsafeBytes { raw in
                do throws(DataFileError) { try sink.append(raw) } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }

    private static func readMatrix<Element: NPYElement>(
        _: Element.Type, from file: borrowing FileReader, header: NPYHeader, limit: Int?
    ) throws(DataFileError) -> Matrix<Element> {
        let rows = min(header.rows, limit ?? Int.max)
        let columns = header.columns
        let transposing = header.isFortranOrder && columns > 1 && rows > 0
        let storedCount = transposing ? header.rows * columns : rows * columns
        let neededBytes = storedCount * header.dtype.itemSize
        let available = file.size - header.dataOffset
        guard neededBytes <= available else {
            let shape = header.shape.map(String.init).joined(separator: ", ")
            throw DataFileError(
                code: .truncated, path: file.path, offset: header.dataOffset,
                message: "the header declares shape (\(shape)\(header.shape.count == 1 ? "," : "")) of \(header.dtype.name); reading \(rows) rows needs \(neededBytes) data bytes from byte offset \(header.dataOffset), but only \(available) follow; the file is truncated, so re-create it")
        }
        var stored = try file.elements(Element.self, count: storedCount, at: header.dataOffset)
        if header.isBigEndian {
            stored.withUnsafeMutableBufferPointer { buffer in
                for index in buffer.indices { buffer[index] = buffer[index].byteSwappedValue }
            }
        }
        guard transposing else { return Matrix(validatedRows: rows, columns: columns, values: stored) }
        let totalRows = header.rows
        let values = stored.withUnsafeBufferPointer { source in
            [Element](unsafeUninitializedCapacity: rows * columns) { target, initialized in
                for row in 0 ..< rows {
                    for column in 0 ..< columns {
                        target.initializeElement(at: row * columns + column, to: source[column * totalRows + row])
                    }
                }
                initialized = rows * columns
            }
        }
        return Matrix(validatedRows: rows, columns: columns, values: values)
    }
}
