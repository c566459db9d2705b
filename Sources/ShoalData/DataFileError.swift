/// The one error type thrown by every ShoalData reader and writer.
///
/// It carries a machine-checkable ``code``, the ``path`` of the file involved, the byte
/// ``offset`` of the problem where one applies, and a ``message`` written for people: it names
/// the offending value and says how to fix it. ``description`` is `"<path>: <message>"`, e.g.
/// `queries.fvecs: row 17 at byte offset 6948 declares dimension 96, but row 0 declared 128; …`.
///
/// Match on the code, not the message: `catch let error where error.code == .truncated`.
public struct DataFileError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as an extensible set of values (new codes may be added in later versions,
    /// so `switch` statements over codes should keep a `default` branch).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The file (or a directory on its path) does not exist.
        public static let fileNotFound = Code("fileNotFound")
        /// The file exists but cannot be opened or read: permissions, a directory, an I/O error.
        public static let unreadable = Code("unreadable")
        /// The file ends before the data its headers promise (a partial row, a short header or data section).
        public static let truncated = Code("truncated")
        /// A row of an `.fvecs`/`.ivecs`/`.bvecs` file declares a different dimension than row 0.
        public static let inconsistentDimension = Code("inconsistentDimension")
        /// A header is malformed: wrong magic, a negative dimension, an unparsable `.npy` header dictionary.
        public static let invalidHeader = Code("invalidHeader")
        /// The element type is not supported by the requested operation (an `.npy` dtype such as
        /// `<c8`, reading floats as integers, writing values that do not fit the format).
        public static let unsupportedType = Code("unsupportedType")
        /// The container is not supported: an unknown file extension, an `.npy` version other
        /// than 1.0/2.0/3.0, or an array with other than one or two dimensions.
        public static let unsupportedFormat = Code("unsupportedFormat")
        /// Creating, writing or renaming the output file failed.
        public static let writeFailed = Code("writeFailed")

        /// The code's name, e.g. `truncated`.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// The path of the file involved, exactly as the caller passed it.
    public var path: String
    /// The byte offset in the file where the problem was found, or `nil` when no single offset applies.
    public var offset: Int?
    /// A human-readable explanation that names the offending value and the fix (without the path).
    public var message: String

    /// Creates an error. O(1).
    public init(code: Code, path: String, offset: Int? = nil, message: String) {
        self.code = code
        self.path = path
        self.offset = offset
        self.message = message
    }

    /// `"<path>: <message>"`.
    public var description: String {
        "\(path): \(message)"
    }
}
