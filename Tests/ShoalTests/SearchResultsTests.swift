import Shoal
import Testing

@Suite struct SearchResultsTests {
    @Test func subscriptReturnsOneQuerysRow() {
        let results = SearchResults(queryCount: 2, k: 3, ids: [1, 2, 3, 4, 5, -1], scores: [0.1, 0.2, 0.3, 1, 2, .infinity])
        #expect(results[0] == [Neighbor(id: 1, score: 0.1), Neighbor(id: 2, score: 0.2), Neighbor(id: 3, score: 0.3)])
        #expect(results[1] == [Neighbor(id: 4, score: 1), Neighbor(id: 5, score: 2), Neighbor(id: -1, score: .infinity)])
    }

    @Test func emptyResultsHaveNoQueries() {
        let results = SearchResults(queryCount: 0, k: 5, ids: [], scores: [])
        #expect(results.queryCount == 0)
        #expect(results.k == 5)
    }

    @Test func mismatchedArraysAreAProgrammingError() async {
        await #expect(processExitsWith: .failure) {
            _ = SearchResults(queryCount: 2, k: 2, ids: [1, 2, 3], scores: [1, 2, 3, 4])
        }
    }
}
