/// The `.fvecs` family: per row a little-endian int32 dimension `d`, then `d` elements.
enum VecsFormat: Sendable {
    case fvecs, ivecs, bvecs

    var fileExtension: String {
        switch self {
        case .fvecs: ".fvecs"
        case .ivecs: ".ivecs"
        case .bvecs: ".bvecs"
        }
    }

    var elementName: String {
        switch self {
        case .fvecs: "float32"
        case .ivecs: "int32"
        case .bvecs: "uint8"
        }
    }
}

/// Element types with an `.xvecs` format; their in-memory bytes are the file bytes (little-endian host).
protocol VecsElement: BitwiseCopyable, Sendable {
    static var vecsFormat: VecsFormat { get }
}

extension Float: VecsElement {
    static var vecsFormat: VecsFormat { .fvecs }
}

extension Int32: VecsElement {
    static var vecsFormat: VecsFormat { .ivecs }
}

extension UInt8: VecsElement {
    static var vecsFormat: VecsFormat { .bvecs }
}

/// Reading and writing of `.fvecs`, `.ivecs` and `.bvecs` files.
enum VecsCodec {
    /// Reads the first `limit` rows (all when `nil`).
    ///
    /// The needed prefix of the file is read with one `pread` straight into the result array's
    /// storage; the rows are then compacted in place (each row moves left over the dimension
    /// headers before it), so the cost is one read plus one `memmove` per row and no second buffer.
    static func read<Element: VecsElement>(_: Element.Type, at path: String, limit: Int?) throws(DataFileError) -> Matrix<Element> {
        precondition((limit ?? 0) >= 0, "limit must not be negative (got \(limit ?? 0))")
        let format = Element.vecsFormat
        let file = try FileReader(path: path)
        guard file.size > 0 else { return Matrix(validatedRows: 0, columns: 0, values: []) }
        let elementSize = MemoryLayout<Element>.size
        guard file.size >= 4 else {
            throw truncatedHeader(format, path: path, row: 0, offset: 0, remaining: file.size)
        }
        let first = try file.bytes(at: 0, count: 4)
        let dimension = Int(Int32(littleEndian: first.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }))
        guard dimension >= 0 else { throw negativeDimension(format, path: path, row: 0, offset: 0, dimension: dimension) }
        let rowBytes = dimension * elementSize
        let stride = 4 + rowBytes
        let wantedRows = limit ?? Int.max
        let (wantedBytes, overflow) = wantedRows.multipliedReportingOverflow(by: stride)
        let byteCount = overflow ? file.size : min(wantedBytes, file.size)
        var rowCount = 0
        let values = try [Element].filled(capacity: (byteCount + elementSize - 1) / elementSize) {
            (buffer) throws(DataFileError) -> Int in
            try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0 ..< byteCount]), at: 0)
            guard let base = buffer.baseAddress else { return 0 }
            var offset = 0
            while offset < byteCount {
                let remaining = byteCount - offset
                guard remaining >= 4 else {
                    throw truncatedHeader(format, path: path, row: rowCount, offset: offset, remaining: remaining)
                }
                let declared = Int(Int32(littleEndian: (base + offset).loadUnaligned(as: Int32.self)))
                guard declared >= 0 else {
                    throw negativeDimension(format, path: path, row: rowCount, offset: offset, dimension: declared)
                }
                guard declared == dimension else {
                    throw DataFileError(
                        code: .inconsistentDimension, path: path, offset: offset,
                        message: "row \(rowCount) at byte offset \(offset) declares dimension \(declared), but row 0 declared \(dimension); every row of an \(format.fileExtension) file must have the same dimension")
                }
                guard remaining >= stride else {
                    throw DataFileError(
                        code: .truncated, path: path, offset: offset,
                        message: "row \(rowCount) at byte offset \(offset) declares dimension \(dimension), so it needs \(stride) bytes (a 4-byte dimension and \(dimension) \(format.elementName) values), but only \(remaining) remain; the file is truncated or is not an \(format.fileExtension) file, so re-create or re-download it")
                }
                (base + rowCount * rowBytes).copyMemory(from: base + offset + 4, byteCount: rowBytes)
                offset += stride
                rowCount += 1
            }
            return rowCount * dimension
        }
        return Matrix(validatedRows: rowCount, columns: dimension, values: values)
    }

    /// Writes every row as an int32 dimension followed by the row's bytes, in 4 MiB chunks, atomically.
    static func write<Element: VecsElement>(_ matrix: Matrix<Element>, to path: String) throws(DataFileError) {
        let format = Element.vecsFormat
        guard matrix.rows == 0 || matrix.columns <= Int(Int32.max) else {
            throw DataFileError(
                code: .unsupportedFormat, path: path,
                message: "a dimension of \(matrix.columns) does not fit the int32 row header of an \(format.fileExtension) file; write .npy instead")
        }
        let rowBytes = matrix.columns * MemoryLayout<Element>.size
        try AtomicFile.write(to: path) { (sink: inout FileSink) throws(DataFileError) in
            var failure: DataFileError?
            matrix.values.withUnsafeBytes { raw in
                do throws(DataFileError) {
                    for row in 0 ..< matrix.rows {
                        try sink.append(littleEndian: Int32(matrix.columns))
                        try sink.append(UnsafeRawBufferPointer(rebasing: raw[row * rowBytes ..< (row + 1) * rowBytes]))
                    }
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
        }
    }

    private static func truncatedHeader(_ format: VecsFormat, path: String, row: Int, offset: Int, remaining: Int) -> DataFileError {
        DataFileError(
            code: .truncated, path: path, offset: offset,
            message: "row \(row) at byte offset \(offset) needs a 4-byte dimension header, but only \(remaining) bytes remain; the file is truncated or is not an \(format.fileExtension) file, so re-create or re-download it")
    }

    private static func negativeDimension(_ format: VecsFormat, path: String, row: Int, offset: Int, dimension: Int) -> DataFileError {
        DataFileError(
            code: .invalidHeader, path: path, offset: offset,
            message: "row \(row) at byte offset \(offset) declares dimension \(dimension); a dimension cannot be negative, so the file is corrupt or is not an \(format.fileExtension) file")
    }
}
