/// `.fvecs` files: per row, a little-endian int32 dimension `d` followed by `d` little-endian float32.
///
/// Every row must declare the same dimension. An empty (zero-byte) file reads as a 0 × 0 matrix,
/// and writing a matrix with zero rows produces an empty file (so its column count is not kept).
/// Rows of dimension 0 are legal and read as a matrix with zero columns.
public enum FVecs {
    /// Reads the first `limit` rows of the `.fvecs` file at `path` (every row when `limit` is `nil`).
    ///
    /// Only the bytes of the requested rows are read from disk, in one `pread`, straight into the
    /// result; the rows are then compacted in place. O(rows × dimension) time, no second buffer.
    ///
    /// - Precondition: `limit` is `nil` or not negative.
    /// - Throws: `.fileNotFound`, `.unreadable`, `.truncated` (a partial row or header),
    ///   `.invalidHeader` (a negative dimension), `.inconsistentDimension` (a row whose dimension
    ///   differs from row 0's).
    public static func read(at path: String, limit: Int? = nil) throws(DataFileError) -> Matrix<Float> {
        try VecsCodec.read(Float.self, at: path, limit: limit)
    }

    /// Writes `matrix` to `path` as `.fvecs`, atomically (temporary file, then rename), in 4 MiB chunks.
    ///
    /// O(rows × columns). Throws `.writeFailed` when the file cannot be created, written or renamed.
    public static func write(_ matrix: Matrix<Float>, to path: String) throws(DataFileError) {
        try VecsCodec.write(matrix, to: path)
    }
}

/// `.ivecs` files: per row, a little-endian int32 dimension `d` followed by `d` little-endian int32
/// (the usual form of nearest-neighbour ground truth). Same rules as ``FVecs``.
public enum IVecs {
    /// Reads the first `limit` rows of the `.ivecs` file at `path` (every row when `limit` is `nil`).
    ///
    /// One bulk read of only the requested rows. O(rows × dimension).
    ///
    /// - Precondition: `limit` is `nil` or not negative.
    /// - Throws: `.fileNotFound`, `.unreadable`, `.truncated`, `.invalidHeader`, `.inconsistentDimension`.
    public static func read(at path: String, limit: Int? = nil) throws(DataFileError) -> Matrix<Int32> {
        try VecsCodec.read(Int32.self, at: path, limit: limit)
    }

    /// Writes `matrix` to `path` as `.ivecs`, atomically, in 4 MiB chunks.
    ///
    /// O(rows × columns). Throws `.writeFailed` when the file cannot be created, written or renamed.
    public static func write(_ matrix: Matrix<Int32>, to path: String) throws(DataFileError) {
        try VecsCodec.write(matrix, to: path)
    }
}

/// `.bvecs` files: per row, a little-endian int32 dimension `d` followed by `d` uint8 values
/// (e.g. SIFT1B). Same rules as ``FVecs``.
public enum BVecs {
    /// Reads the first `limit` rows of the `.bvecs` file at `path` (every row when `limit` is `nil`).
    ///
    /// One bulk read of only the requested rows. O(rows × dimension).
    ///
    /// - Precondition: `limit` is `nil` or not negative.
    /// - Throws: `.fileNotFound`, `.unreadable`, `.truncated`, `.invalidHeader`, `.inconsistentDimension`.
    public static func read(at path: String, limit: Int? = nil) throws(DataFileError) -> Matrix<UInt8> {
        try VecsCodec.read(UInt8.self, at: path, limit: limit)
    }

    /// Writes `matrix` to `path` as `.bvecs`, atomically, in 4 MiB chunks.
    ///
    /// O(rows × columns). Throws `.writeFailed` when the file cannot be created, written or renamed.
    public static func write(_ matrix: Matrix<UInt8>, to path: String) throws(DataFileError) {
        try VecsCodec.write(matrix, to: path)
    }
}
