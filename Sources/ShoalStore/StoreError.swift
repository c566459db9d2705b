import Shoal

/// The error every throwing ShoalStore call reports: a code to switch on, a message that names the
/// value or file and the fix, the file and byte offset for storage errors, and the underlying
/// ``Shoal/ShoalError`` when the core index rejected something.
///
/// A write that throws was not acknowledged. Unless the message says otherwise, it was not applied
/// either: batches are validated in full before anything reaches the log.
public struct StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, as an extensible set of codes (new codes may be added in minor releases, so
    /// `switch` statements should have a `default`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// An argument was rejected before anything was written: a batch the index would refuse
        /// (its ``StoreError/cause`` holds the index's error, e.g. `duplicateID`), a search option,
        /// or an option of the store itself.
        public static let invalidArgument = Code("invalidArgument")
        /// Another process (or another open in this one) holds the collection's write lock.
        public static let locked = Code("locked")
        /// The collection was closed; open it again.
        public static let closed = Code("closed")
        /// The directory is not a Shoal collection (no `COLLECTION` file).
        public static let notACollection = Code("notACollection")
        /// `create` found something already at the path.
        public static let alreadyExists = Code("alreadyExists")
        /// A snapshot, log segment or identity file fails a checksum or a structural rule, or a
        /// log segment the newest usable snapshot needs is missing.
        public static let corruptFile = Code("corruptFile")
        /// A file was written by a newer format version.
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// A system call failed (the message names the call, the path and the system's reason).
        public static let ioFailure = Code("ioFailure")
        /// A write was attempted on a collection opened read-only.
        public static let readOnly = Code("readOnly")
        /// An earlier storage failure (an `fsync` that failed, a log that could not be rolled back)
        /// left the log's state unknown; the collection refuses writes until it is reopened.
        public static let writesDisabled = Code("writesDisabled")
    }

    /// The kind of failure.
    public let code: Code
    /// A sentence for a person: what was wrong, with the value or file, and how to fix it.
    public let message: String
    /// The file involved, for storage errors.
    public let path: String?
    /// The byte offset in `path` where the problem was found, when known.
    public let offset: Int?
    /// The core index's error, when the index rejected an argument or a file.
    public let cause: ShoalError?

    /// Makes an error. Messages should name the value or file and the fix.
    public init(_ code: Code, _ message: String, path: String? = nil, offset: Int? = nil, cause: ShoalError? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.offset = offset
        self.cause = cause
    }

    /// Wraps an error of the core index: argument errors become ``Code/invalidArgument``, file
    /// errors keep their kind.
    init(wrapping error: ShoalError, context: String? = nil) {
        let code: Code
        switch error.code {
        case .ioFailure: code = .ioFailure
        case .corruptFile: code = .corruptFile
        case .unsupportedVersion: code = .unsupportedVersion
        default: code = .invalidArgument
        }
        let message = context.map { "\($0): \(error.message)" } ?? error.message
        self.init(code, message, path: error.path, offset: error.offset, cause: error)
    }

    /// One line: the path, the message and the offset.
    public var description: String {
        var text = message
        if let path { text = "\(path): " + text }
        if let offset { text += " (at byte offset \(offset))" }
        return text
    }
}
