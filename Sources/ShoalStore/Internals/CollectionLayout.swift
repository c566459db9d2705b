/// Where the files of a collection lie:
///
/// ```
/// DIR/COLLECTION                  identity: format version, dimension, metric (checksummed)
/// DIR/LOCK                        single-writer lock (flock), holding the writer's pid
/// DIR/MAINTENANCE                 maintenance settings (text, checksummed; optional)
/// DIR/snapshots/<lsn>.shoal       index files (VectorIndex.write(to:)), newest valid wins;
///                                 <lsn> is the last log record the snapshot includes
/// DIR/wal/<lsn>.log               log segments; <lsn> is the first record the segment holds
/// ```
/// Numbers are 20 zero-padded decimal digits, so names sort in order.
struct CollectionLayout: Sendable {
    /// The collection directory, without a trailing slash.
    let root: String

    init(root: String) {
        var trimmed = root
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed
    }

    var identity: String { root + "/COLLECTION" }
    var lock: String { root + "/LOCK" }
    var maintenance: String { root + "/MAINTENANCE" }
    var snapshots: String { root + "/snapshots" }
    var wal: String { root + "/wal" }

    func snapshot(_ lsn: UInt64) -> String { snapshots + "/" + CollectionLayout.name(lsn) + ".shoal" }
    func segment(_ lsn: UInt64) -> String { wal + "/" + CollectionLayout.name(lsn) + ".log" }

    /// `lsn` as 20 zero-padded digits.
    static func name(_ lsn: UInt64) -> String {
        let digits = String(lsn)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    /// The number in a file name of the form `<20 digits><suffix>`, or `nil` for any other name.
    static func number(in name: String, suffix: String) -> UInt64? {
        guard name.hasSuffix(suffix) else { return nil }
        let stem = name.dropLast(suffix.count)
        guard stem.count == 20, stem.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(stem)
    }
}
