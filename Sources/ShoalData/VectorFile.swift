/// One entry point for every vector file format, chosen by the path's extension
/// (case-insensitive): `.fvecs`, `.ivecs`, `.bvecs` and `.npy`.
public enum VectorFile {
    /// The formats ``VectorFile`` recognizes.
    public enum Format: String, Sendable, CaseIterable {
        /// `.fvecs`: int32 dimension + float32 values per row.
        case fvecs
        /// `.ivecs`: int32 dimension + int32 values per row.
        case ivecs
        /// `.bvecs`: int32 dimension + uint8 values per row.
        case bvecs
        /// `.npy`: NumPy array file.
        case npy

        /// The format named by the extension of `path`.
        ///
        /// O(path length). Throws `.unsupportedFormat` for a missing or unknown extension.
        public init(path: String) throws(DataFileError) {
            let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? Substring(path)
            let known = Format.allCases.map { "." + $0.rawValue }.joined(separator: ", ")
            guard let dot = name.lastIndex(of: "."), name.index(after: dot) < name.endIndex else {
                throw DataFileError(
                    code: .unsupportedFormat, path: path,
                    message: "has no file extension, so its format is unknown; VectorFile recognizes \(known)")
            }
            let fileExtension = name[name.index(after: dot)...].lowercased()
            guard let format = Format(rawValue: fileExtension) else {
                throw DataFileError(
                    code: .unsupportedFormat, path: path,
                    message: "has the extension .\(name[name.index(after: dot)...]), which VectorFile does not recognize; use one of \(known)")
            }
            self = format
        }
    }

    /// Reads the first `limit` rows (all when `nil`) of a vector file as `Float`.
    ///
    /// `.fvecs` and float32 `.npy` are read without conversion; `.bvecs`, `.ivecs` and other
    /// `.npy` dtypes are converted (see ``NPYArray/floats()``). Only the requested rows are read
    /// from disk (except Fortran-order `.npy`). O(rows × columns).
    ///
    /// - Precondition: `limit` is `nil` or not negative.
    /// - Throws: `.unsupportedFormat` for an unknown extension, and whatever the format's reader
    ///   throws (`.fileNotFound`, `.unreadable`, `.truncated`, `.inconsistentDimension`,
    ///   `.invalidHeader`, `.unsupportedType`).
    public static func readFloats(at path: String, limit: Int? = nil) throws(DataFileError) -> Matrix<Float> {
        switch try Format(path: path) {
        case .fvecs: return try FVecs.read(at: path, limit: limit)
        case .ivecs: return try IVecs.read(at: path, limit: limit).map { Float($0) }
        case .bvecs: return try BVecs.read(at: path, limit: limit).map { Float($0) }
        case .npy: return try NPY.readFloats(at: path, limit: limit)
        }
    }

    /// Reads the first `limit` rows (all when `nil`) of an integer vector file, typically
    /// ground truth, as `Int64`: `.ivecs`, `.bvecs`, or `.npy` with dtype int32, int64 or uint8.
    ///
    /// O(rows × columns). - Precondition: `limit` is `nil` or not negative.
    /// - Throws: `.unsupportedFormat` for an unknown extension, `.unsupportedType` for `.fvecs`
    ///   or a floating-point `.npy`, and whatever the format's reader throws.
    public static func readIntegers(at path: String, limit: Int? = nil) throws(DataFileError) -> Matrix<Int64> {
        switch try Format(path: path) {
        case .fvecs:
            throw DataFileError(
                code: .unsupportedType, path: path,
                message: "is an .fvecs file of float32 values, but integers were requested; use readFloats, or store integer data as .ivecs or .npy")
        case .ivecs: return try IVecs.read(at: path, limit: limit).map { Int64($0) }
        case .bvecs: return try BVecs.read(at: path, limit: limit).map { Int64($0) }
        case .npy: return try NPY.readIntegers(at: path, limit: limit)
        }
    }

    /// Writes `matrix` in the format named by the extension: `.fvecs` or `.npy` (float32), atomically.
    ///
    /// O(rows × columns).
    /// - Throws: `.unsupportedFormat` for an unknown extension, `.unsupportedType` for `.ivecs`
    ///   and `.bvecs` (which would lose the fractions), `.writeFailed`.
    public static func writeFloats(_ matrix: Matrix<Float>, to path: String) throws(DataFileError) {
        switch try Format(path: path) {
        case .fvecs: try FVecs.write(matrix, to: path)
        case .npy: try NPY.write(matrix, to: path)
        case .ivecs, .bvecs:
            throw DataFileError(
                code: .unsupportedType, path: path,
                message: "cannot hold float32 values (.ivecs and .bvecs store integers); write floats to .fvecs or .npy")
        }
    }

    /// Writes `matrix` in the format named by the extension, atomically: `.ivecs` (int32, every
    /// value must fit), `.npy` (int64).
    ///
    /// O(rows × columns).
    /// - Throws: `.unsupportedFormat` for an unknown extension, `.unsupportedType` for `.fvecs`,
    ///   `.bvecs`, or an `.ivecs` value outside the int32 range (naming its row and column), `.writeFailed`.
    public static func writeIntegers(_ matrix: Matrix<Int64>, to path: String) throws(DataFileError) {
        switch try Format(path: path) {
        case .npy: try NPY.write(matrix, to: path)
        case .ivecs:
            let narrowed = try matrix.values.enumerated().map { (index, value) throws(DataFileError) -> Int32 in
                guard let exact = Int32(exactly: value) else {
                    let row = matrix.columns == 0 ? 0 : index / matrix.columns
                    let column = matrix.columns == 0 ? 0 : index % matrix.columns
                    throw DataFileError(
                        code: .unsupportedType, path: path,
                        message: "row \(row), column \(column) holds \(value), which does not fit the int32 values of an .ivecs file; write .npy (int64) instead")
                }
                return exact
            }
            try IVecs.write(Matrix(validatedRows: matrix.rows, columns: matrix.columns, values: narrowed), to: path)
        case .fvecs, .bvecs:
            throw DataFileError(
                code: .unsupportedType, path: path,
                message: "cannot hold int64 values (.fvecs stores float32, .bvecs uint8); write integers to .ivecs or .npy")
        }
    }
}
