@testable import Shoal
import ShoalTestSupport
import Testing

/// The running minimum keeps the smallest (distance, id) pair, whatever the order of the offers
/// and however they are split between workers.
@Suite struct RunningBestTests {
    private func offer(_ best: RunningBest, query: Int, _ pairs: [(Float, Int64)]) {
        let distances = pairs.map(\.0)
        let ids = pairs.map(\.1)
        best.lower(query: query, candidates: distances, ids: ids, count: pairs.count)
    }

    @Test func startsEmpty() {
        let best = RunningBest(count: 2)
        #expect(best.allIDs == [-1, -1])
        #expect(best.allDistances == [.infinity, .infinity])
        offer(best, query: 0, [])
        #expect(best.allIDs == [-1, -1])
    }

    @Test func keepsTheSmallestPairInAnyOrder() {
        var random = SeededRandom(seed: 3)
        // Distances from a small set, so ties are common; more than eight per offer and a tail.
        let pairs: [(Float, Int64)] = (0..<53).map { i in
            (Float(Int.random(in: 0..<6, using: &random)), Int64(i * 7 % 53))
        }
        let expected = pairs.min { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }!
        for round in 0..<20 {
            let shuffled = pairs.shuffled(using: &random)
            let cut = Int.random(in: 0...shuffled.count, using: &random)
            let one = RunningBest(count: 1)
            let other = RunningBest(count: 1)
            offer(one, query: 0, Array(shuffled[..<cut]))
            offer(other, query: 0, Array(shuffled[cut...]))
            if round % 2 == 0 { one.merge(other) } else { other.merge(one) }
            let merged = round % 2 == 0 ? one : other
            #expect(merged.allIDs == [expected.1] && merged.allDistances == [expected.0], "round \(round)")
        }
    }

    @Test func aLaterOfferWinsOnlyWhenSmallerOrTiedWithASmallerID() {
        let best = RunningBest(count: 1)
        offer(best, query: 0, [(2, 9), (1, 8)])
        offer(best, query: 0, [(1, 9), (3, 1)])
        #expect(best.allIDs == [8])
        offer(best, query: 0, [(1, 4)])
        #expect(best.allIDs == [4] && best.allDistances == [1])
        offer(best, query: 0, [(0.5, 40)])
        #expect(best.allIDs == [40] && best.allDistances == [0.5])
    }
}
