import Shoal

/// The `MAINTENANCE` file: the collection's ``MaintenanceConfiguration`` (when maintenance runs by
/// itself, its thresholds), so that a reopened collection maintains itself as it did before.
///
/// UTF-8 text, one `key=value` per line, ending with a line `crc32c=<8 hex digits>` holding the
/// CRC-32C of every byte before it:
///
/// ```
/// # Shoal maintenance settings, format 1
/// automaticInterval=1000          (or "off"; so is refinementBudget)
/// minimumGainNanoseconds=100.0
/// …
/// crc32c=1a2b3c4d
/// ```
///
/// Text, so a person can read it; a missing key takes its default, and a key this version does
/// not know (written by a newer Shoal) is ignored. A collection without the file (format-1
/// collections made before it existed) uses the defaults. Written atomically (temporary file,
/// fsync, rename, directory fsync) by `create`, and by `open` when ``OpenOptions/maintenance`` is
/// set.
enum MaintenanceSettings {
    /// One stored field: its key, how it is written, and how it is read back (false: bad value).
    private struct Field: Sendable {
        let key: String
        let write: @Sendable (MaintenanceConfiguration) -> String
        let read: @Sendable (inout MaintenanceConfiguration, String) -> Bool
    }

    private static let fields: [Field] = [
        Field(
            key: "automaticInterval", write: { $0.automaticInterval.map(String.init) ?? "off" },
            read: { c, v in
                if v == "off" { c.automaticInterval = nil; return true }
                guard let n = Int(v) else { return false }
                c.automaticInterval = n
                return true
            }),
        double("minimumGainNanoseconds", \.minimumGainNanoseconds),
        double("splitShare", \.splitShare),
        integer("minimumSplitSize", \.minimumSplitSize),
        double("mergeBelowShareOfMean", \.mergeBelowShareOfMean),
        integer("maximumActionsPerPass", \.maximumActionsPerPass),
        integer("refinementRadius", \.refinementRadius),
        Field(
            key: "refinementBudget", write: { $0.refinementBudget.map { "\($0)" } ?? "off" },
            read: { c, v in
                if v == "off" { c.refinementBudget = nil; return true }
                guard let x = Double(v), x.isFinite else { return false }
                c.refinementBudget = x
                return true
            }),
        integer("refinementIterations", \.refinementIterations),
        integer("costK", \.costK),
        Field(
            key: "costCacheDirectory", write: { escape($0.costCacheDirectory ?? "") },
            read: { c, v in
                c.costCacheDirectory = v.isEmpty ? nil : unescape(v)
                return true
            }),
        Field(
            key: "adjustsLevels", write: { $0.adjustsLevels ? "true" : "false" },
            read: { c, v in
                guard let flag = Bool(v) else { return false }
                c.adjustsLevels = flag
                return true
            }),
    ]

    /// The stored keys, in file order: every stored property of ``MaintenanceConfiguration``.
    static var keys: [String] { fields.map(\.key) }

    /// The file's bytes.
    static func encoded(_ configuration: MaintenanceConfiguration) -> [UInt8] {
        var text = "# Shoal maintenance settings, format 1\n"
        for field in fields { text += "\(field.key)=\(field.write(configuration))\n" }
        var bytes = Array(text.utf8)
        let crc = CRC32C.checksum(bytes, bytes.indices)
        bytes += Array("crc32c=\(hex(crc))\n".utf8)
        return bytes
    }

    /// Parses the file's bytes.
    /// - Throws: ``StoreError/Code/corruptFile`` naming `path` for a checksum mismatch, a line that
    ///   is not `key=value`, a value that does not parse, or settings out of range.
    static func decode(_ bytes: [UInt8], path: String) throws(StoreError) -> MaintenanceConfiguration {
        let marker = Array("crc32c=".utf8)
        guard let crcLine = lastLineStart(bytes), bytes[crcLine...].starts(with: marker),
            let stored = UInt32(String(decoding: bytes[(crcLine + marker.count)...], as: UTF8.self)
                .trimmingSuffixNewline(), radix: 16)
        else {
            throw StoreError(.corruptFile, "the maintenance settings do not end with a crc32c line; the file is damaged", path: path)
        }
        let actual = CRC32C.checksum(bytes, 0..<crcLine)
        guard actual == stored else {
            throw StoreError(.corruptFile, "the maintenance settings fail their checksum; the file is damaged (open the collection with OpenOptions.maintenance set to write it afresh)", path: path)
        }
        var configuration = MaintenanceConfiguration()
        for line in String(decoding: bytes[0..<crcLine], as: UTF8.self).split(separator: "\n") {
            if line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw StoreError(.corruptFile, "the maintenance settings hold a line that is not key=value: \(line)", path: path)
            }
            let key = String(line[..<equals])
            let value = String(line[line.index(after: equals)...])
            guard let field = fields.first(where: { $0.key == key }) else { continue }
            guard field.read(&configuration, value) else {
                throw StoreError(.corruptFile, "the maintenance setting \(key) has the unreadable value \"\(value)\"", path: path)
            }
        }
        do {
            try configuration.validate()
        } catch {
            throw StoreError(.corruptFile, "the maintenance settings are out of range: \(error.message)", path: path)
        }
        return configuration
    }

    private static func double(_ key: String, _ path: WritableKeyPath<MaintenanceConfiguration, Double> & Sendable) -> Field {
        Field(
            key: key, write: { "\($0[keyPath: path])" },
            read: { c, v in
                guard let x = Double(v), x.isFinite else { return false }
                c[keyPath: path] = x
                return true
            })
    }

    private static func integer(_ key: String, _ path: WritableKeyPath<MaintenanceConfiguration, Int> & Sendable) -> Field {
        Field(
            key: key, write: { "\($0[keyPath: path])" },
            read: { c, v in
                guard let n = Int(v) else { return false }
                c[keyPath: path] = n
                return true
            })
    }

    /// Start of the last line (the one before the final newline), or nil when there is none.
    private static func lastLineStart(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2, bytes.last == UInt8(ascii: "\n") else { return nil }
        var i = bytes.count - 2
        while i >= 0 && bytes[i] != UInt8(ascii: "\n") { i -= 1 }
        return i + 1
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// Backslash-escapes `\` and newlines, so that a path stays on one line.
    private static func escape(_ text: String) -> String {
        text.replacingAll("\\", with: "\\\\").replacingAll("\n", with: "\\n")
    }

    private static func unescape(_ text: String) -> String {
        var result = ""
        var escaped = false
        for character in text {
            if escaped {
                result.append(character == "n" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}

extension String {
    fileprivate func trimmingSuffixNewline() -> String { hasSuffix("\n") ? String(dropLast()) : self }

    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self { if character == target { result += replacement } else { result.append(character) } }
        return result
    }
}
