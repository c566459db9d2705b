import Foundation
import Shoal
import Testing

/// Runs `body`, expects it to throw a ``ShoalError`` with `code` whose message contains every
/// fragment, and returns the error.
@discardableResult
func expectShoalError(
    _ code: ShoalError.Code, containing fragments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> ShoalError? {
    do {
        try body()
    } catch let error as ShoalError {
        #expect(error.code == code, "\(error.code): \(error.message)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(
                error.message.contains(fragment), "message \"\(error.message)\" lacks \"\(fragment)\"",
                sourceLocation: sourceLocation)
        }
        return error
    } catch {
        Issue.record("expected a ShoalError with code \(code), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
    Issue.record("expected a ShoalError with code \(code), but nothing was thrown", sourceLocation: sourceLocation)
    return nil
}

/// What a caller can observe of an index: the stored ids and the results of fixed queries at every
/// partition (threads 1, so the result does not depend on scheduling).
struct IndexSnapshot: Equatable {
    let count: Int
    let ids: [Int64]
    let partitionCounts: [Int]
    let results: SearchResults?

    init(_ index: VectorIndex, queries: [Float], k: Int = 5) {
        count = index.count
        ids = index.allIDs()
        partitionCounts = index.partitionCountsPerLevel
        guard count > 0 else {
            results = nil
            return
        }
        do {
            results = try index.search(batch: queries, options: SearchOptions(k: k, nprobe: index.partitionCount, threads: 1))
        } catch {
            Issue.record("a snapshot search failed: \(error)")
            results = nil
        }
    }
}

/// Row `i` of a row-major buffer.
func row(_ values: [Float], _ i: Int, dimension d: Int) -> [Float] {
    Array(values[(i * d)..<((i + 1) * d)])
}

/// Every stored (id, vector) pair of `index`.
func storedPairs(_ index: VectorIndex) throws -> [Int64: [Float]] {
    let ids = index.allIDs()
    let flat = try index.vectors(for: ids)
    let d = index.dimension
    return Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, row(flat, $0, dimension: d)) })
}

/// Euclidean norm in Double.
func norm(_ v: [Float]) -> Double {
    v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
}

/// Whether `a` and `b` agree within `relative` tolerance (with a floor of 1 on the scale).
func close(_ a: Float, _ b: Float, relative: Float = 1e-4) -> Bool {
    if a == b { return true }
    return abs(a - b) <= relative * max(1, abs(a), abs(b))
}

/// A fresh directory under the system temporary directory, removed when `body` returns.
@discardableResult
func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
        "shoal-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
}
