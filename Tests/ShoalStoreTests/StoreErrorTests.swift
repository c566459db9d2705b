import Shoal
@testable import ShoalStore
import Testing

@Suite struct StoreErrorTests {
    @Test func theDescriptionIsOneLineWithPathAndOffset() {
        let error = StoreError(.corruptFile, "the record's checksum does not match", path: "/c/wal/1.log", offset: 128)
        #expect(error.description == "/c/wal/1.log: the record's checksum does not match (at byte offset 128)")
        #expect(!error.description.contains("\n"))
    }

    @Test func wrappingKeepsTheIndexErrorAsTheCause() {
        let cause = ShoalError(.duplicateID, "id 4 is already stored; remove it first or use a new id")
        let error = StoreError(wrapping: cause)
        #expect(error.code == .invalidArgument)
        #expect(error.cause == cause)
        #expect(error.message == cause.message)
        let file = StoreError(wrapping: ShoalError(.corruptFile, "bad", path: "/x", offset: 3), context: "loading")
        #expect(file.code == .corruptFile && file.path == "/x" && file.offset == 3 && file.message == "loading: bad")
    }

    @Test func everyCodeHasADistinctName() {
        let codes: [StoreError.Code] = [
            .invalidArgument, .locked, .closed, .notACollection, .alreadyExists, .corruptFile, .unsupportedVersion,
            .ioFailure, .readOnly, .writesDisabled,
        ]
        #expect(Set(codes.map(\.description)).count == codes.count)
        #expect(StoreError.Code.writesDisabled.description == "writesDisabled")
    }
}
