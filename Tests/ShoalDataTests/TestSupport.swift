import Foundation
import ShoalData
import ShoalTestSupport
import Testing

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/shoal-data-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    func file(_ name: String) -> String {
        "\(path)/\(name)"
    }

    /// Names of the entries in the directory, sorted.
    func entries() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Writes raw bytes to `path`, replacing any file there.
func writeBytes(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Reads the whole file at `path` as bytes (empty when missing).
func readBytes(_ path: String) -> [UInt8] {
    FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
}

/// Decodes a hex string; whitespace is ignored.
func hexBytes(_ text: String) -> [UInt8] {
    let digits = text.unicodeScalars.compactMap { UInt8(String($0), radix: 16) }
    return stride(from: 0, to: digits.count - 1, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
}

/// Builds little-endian byte strings by hand, independently of the library's writers.
struct ByteBuilder {
    private(set) var bytes: [UInt8] = []

    mutating func int32(_ value: Int32) {
        bytes += withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    mutating func float32(_ value: Float) {
        bytes += withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) }
    }

    mutating func uint8(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func ascii(_ text: String) {
        bytes += Array(text.utf8)
    }

    mutating func raw(_ values: [UInt8]) {
        bytes += values
    }
}

/// Runs `body`, expects a `DataFileError` with `code` whose message contains every fragment,
/// and returns the error for further checks.
@discardableResult
func expectDataFileError<Result>(
    _ code: DataFileError.Code,
    mentioning fragments: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws(DataFileError) -> Result
) -> DataFileError? {
    do {
        _ = try body()
        Issue.record("Expected a DataFileError with code \(code), but nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch {
        #expect(error.code == code, "wrong code for: \(error)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(error.message.contains(fragment), "message lacks \"\(fragment)\": \(error.message)", sourceLocation: sourceLocation)
        }
        return error
    }
}

/// A random `rows × columns` matrix from a seeded generator.
func randomMatrix<Element>(
    rows: Int, columns: Int, seed: UInt64, _ make: (inout SeededRandom) -> Element
) -> Matrix<Element> {
    var generator = SeededRandom(seed: seed)
    var values: [Element] = []
    values.reserveCapacity(rows * columns)
    for _ in 0 ..< rows * columns {
        values.append(make(&generator))
    }
    return Matrix(rows: rows, columns: columns, values: values)
}

/// The shared datasets folder (`<ancestor>/shared/data`), found by walking up from this file.
enum RealData {
    static let directory: String? = locate()

    static func locate(from file: String = #filePath) -> String? {
        var components = file.split(separator: "/").map(String.init)
        while !components.isEmpty {
            components.removeLast()
            let candidate = "/" + (components + ["shared", "data"]).joined(separator: "/")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue {
                return candidate
            }
        }
        return nil
    }

    /// The path of `relative` inside the datasets folder, if that file exists.
    static func file(_ relative: String) -> String? {
        guard let directory else { return nil }
        let path = "\(directory)/\(relative)"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}

/// File-system helpers for permission and directory tests.
enum FileManagerPermissions {
    static func set(_ mode: Int, path: String) throws {
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    /// True when the current user can read `path` anyway (e.g. root).
    static func canStillRead(_ path: String) -> Bool {
        FileManager.default.isReadableFile(atPath: path)
    }

    static func makeDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }
}
