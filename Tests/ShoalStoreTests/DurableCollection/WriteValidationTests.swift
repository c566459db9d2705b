import Foundation
import Shoal
@testable import ShoalStore
import Testing

@Suite struct WriteValidationTests {
    private func expectRejected(
        _ cause: ShoalError.Code, _ text: String, sourceLocation: SourceLocation = #_sourceLocation,
        _ call: () throws -> Void
    ) {
        do {
            try call()
            Issue.record("the batch was accepted", sourceLocation: sourceLocation)
        } catch {
            guard let error = error as? StoreError else {
                Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
                return
            }
            #expect(error.code == .invalidArgument, sourceLocation: sourceLocation)
            #expect(error.cause?.code == cause, sourceLocation: sourceLocation)
            #expect(error.message.contains(text), "\(error.message)", sourceLocation: sourceLocation)
        }
    }

    @Test func aRejectedBatchNeverReachesTheLog() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("c")
        let collection = try DurableCollection.create(at: path, configuration: TestData.configuration(dimension: 2, metric: .cosine))
        try collection.insert(vectors: [1, 0, 0, 1], ids: [1, 2])
        let logBytes = collection.status.logBytes
        expectRejected(.dimensionMismatch, "not a whole number of 2-dimensional vectors") {
            try collection.insert(vectors: [1, 2, 3], ids: [3])
        }
        expectRejected(.invalidArgument, "got 2 vectors but 1 ids") { try collection.insert(vectors: [1, 2, 3, 4], ids: [3]) }
        expectRejected(.nonFiniteValue, "vector 1 has nan at component 0") {
            try collection.insert(vectors: [1, 2, .nan, 4], ids: [3, 4])
        }
        expectRejected(.invalidVector, "non-zero vector") { try collection.insert(vectors: [0, 0], ids: [3]) }
        expectRejected(.duplicateID, "id 3 appears twice") { try collection.insert(vectors: [1, 2, 3, 4], ids: [3, 3]) }
        expectRejected(.duplicateID, "id 2 is already stored") { try collection.insert(vectors: [1, 2, 3, 4], ids: [3, 2]) }
        expectRejected(.unknownID, "2 of 3 ids are not stored (7, 8)") { try collection.remove(ids: [1, 7, 8]) }
        expectRejected(.duplicateID, "id 1 appears twice") { try collection.remove(ids: [1, 1]) }
        try collection.insert(vectors: [], ids: [])
        try collection.remove(ids: [])
        #expect(collection.status.logBytes == logBytes)
        #expect(collection.status.lastLSN == 1)
        collection.close()
        let (reopened, report) = try DurableCollection.open(at: path)
        defer { reopened.close() }
        #expect(reopened.allIDs() == [1, 2])
        #expect(report.recordsReplayed == 1)
    }

    @Test func batchesAreValidatedAgainstWritesStillInFlight() throws {
        let dir = TemporaryDirectory()
        let collection = try DurableCollection.create(at: dir.file("c"), configuration: TestData.configuration(dimension: 2))
        defer { collection.close() }
        let first = try collection.submitInsert(vectors: TestData.vectors(10, dimension: 2, seed: 1), ids: (0..<10).map { Int64($0) })
        expectRejected(.duplicateID, "id 5 is already stored") {
            _ = try collection.submitInsert(vectors: [1, 2], ids: [5])
        }
        let delete = try collection.submitRemove(ids: [3])
        expectRejected(.unknownID, "1 of 1 ids are not stored (3)") { _ = try collection.submitRemove(ids: [3]) }
        let again = try collection.submitInsert(vectors: [5, 5], ids: [3])
        try first.wait()
        try delete.wait()
        try again.wait()
        #expect(collection.count == 10)
        #expect(try collection.vectors(for: [3]) == [5, 5])
    }

    @Test func invalidOptionsAreRejectedByName() {
        let cases: [(OpenOptions, String)] = [
            (OpenOptions(checkpointAfterLogBytes: 10), "checkpointAfterLogBytes is 10"),
            (OpenOptions(segmentBytes: 100), "segmentBytes is 100"),
            (OpenOptions(maxGroupBytes: 0), "maxGroupBytes is 0"),
            (OpenOptions(applyChunkSize: 0), "applyChunkSize is 0"),
            (OpenOptions(retainedSnapshots: 0), "retainedSnapshots is 0"),
            (OpenOptions(threads: 0), "threads is 0"),
        ]
        for (options, text) in cases {
            do {
                try options.validate()
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error.code == .invalidArgument)
                #expect(error.message.hasPrefix(text + "; it must be in "))
            }
        }
    }
}
