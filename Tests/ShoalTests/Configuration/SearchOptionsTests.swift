import Shoal
import Testing

@Suite struct SearchOptionsTests {
    @Test func defaultsAreTenResultsAndEightProbes() throws {
        let options = SearchOptions()
        #expect(options.k == 10)
        #expect(options.nprobe == 8)
        #expect(options.upperLevelNprobe == nil)
        #expect(options.threads == nil)
        try options.validate()
    }

    @Test func boundaryValuesAreAccepted() throws {
        try SearchOptions(k: 1, nprobe: 0, upperLevelNprobe: 1, threads: 1).validate()
        try SearchOptions(k: 1, nprobe: 1_000_000, threads: 1024).validate()
    }

    @Test(arguments: [0, -1, -100])
    func kBelowOneIsInvalidK(k: Int) {
        expectShoalError(.invalidK, containing: ["k is \(k)", "at least 1"]) {
            try SearchOptions(k: k).validate()
        }
    }

    @Test func invalidFieldsAreRejectedByName() {
        expectShoalError(.invalidArgument, containing: ["nprobe is -1"]) { try SearchOptions(nprobe: -1).validate() }
        expectShoalError(.invalidArgument, containing: ["upperLevelNprobe is 0"]) {
            try SearchOptions(upperLevelNprobe: 0).validate()
        }
        expectShoalError(.invalidArgument, containing: ["threads is 0"]) { try SearchOptions(threads: 0).validate() }
        expectShoalError(.invalidArgument, containing: ["threads is 1025"]) {
            try SearchOptions(threads: 1025).validate()
        }
    }
}
