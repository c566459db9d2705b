/// The error every throwing Shoal call reports: a code to switch on, and a message that names the
/// offending value and the fix.
///
/// A call that throws has changed nothing: batches are validated in full before the first write.
public struct ShoalError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, as an extensible set of codes (new codes may be added in minor releases, so
    /// `switch` statements should have a `default`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A vector's length or a buffer's size does not match the index dimension.
        public static let dimensionMismatch = Code("dimensionMismatch")
        /// A vector component is NaN or infinite.
        public static let nonFiniteValue = Code("nonFiniteValue")
        /// A vector cannot be used with the metric (a zero vector under cosine).
        public static let invalidVector = Code("invalidVector")
        /// An id occurs twice in one batch, or is already stored.
        public static let duplicateID = Code("duplicateID")
        /// An id is not stored.
        public static let unknownID = Code("unknownID")
        /// `k` is not positive.
        public static let invalidK = Code("invalidK")
        /// A search, build or configuration argument is out of its valid range.
        public static let invalidArgument = Code("invalidArgument")
        /// The index holds no vectors, so there is nothing to search.
        public static let emptyIndex = Code("emptyIndex")
        /// A file could not be opened, read or written.
        public static let ioFailure = Code("ioFailure")
        /// A file is not a Shoal index, is truncated, or fails its checksum.
        public static let corruptFile = Code("corruptFile")
        /// A file was written by an unknown (newer) format version.
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// An index breaks one of its structural invariants (``VectorIndex/validateStructure()``).
        public static let brokenInvariant = Code("brokenInvariant")
    }

    /// The kind of failure.
    public let code: Code
    /// A sentence for a person: what was wrong, with the value, and how to fix it.
    public let message: String
    /// The file involved, for file errors.
    public let path: String?
    /// The byte offset in `path` where the problem was found, when known.
    public let offset: Int?

    /// Makes an error. Messages should name the value and the fix.
    public init(_ code: Code, _ message: String, path: String? = nil, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.offset = offset
    }

    public var description: String {
        var text = message
        if let path { text = "\(path): " + text }
        if let offset { text += " (at byte offset \(offset))" }
        return text
    }
}
