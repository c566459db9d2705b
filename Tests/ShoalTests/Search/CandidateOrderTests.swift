import Testing

@testable import Shoal

@Suite("Candidate ordering")
struct CandidateOrderTests {
    @Test("KeySort sorts like the standard library, including runs, duplicates and reversed input")
    func keySortMatchesStandardSort() {
        var random = SeededGenerator(seed: 7)
        for count in [0, 1, 2, 3, 15, 16, 17, 100, 707, 5000] {
            let inputs: [[UInt64]] = [
                (0..<count).map { _ in UInt64.random(in: 0...1_000_000, using: &random) },
                (0..<count).map { _ in UInt64.random(in: 0...3, using: &random) },
                (0..<count).map { UInt64($0) },
                (0..<count).map { UInt64(count - $0) },
            ]
            for input in inputs {
                var keys = input
                keys.withUnsafeMutableBufferPointer { KeySort.sortAscending($0) }
                #expect(keys == input.sorted(), "count \(count)")
            }
        }
    }

    @Test("NearestFirstOrder ranks rows by distance, ties to the lower row, lazily (pass by pass, then the rest sorted) and completely")
    func nearestFirstOrderRanks() {
        var random = SeededGenerator(seed: 11)
        for count in [0, 1, 2, 9, 100, 257, 1000] {
            let distances = (0..<count).map { _ in Float(Int.random(in: 0..<40, using: &random)) / 4 }
            var order = NearestFirstOrder(squaredDistances: distances)
            let expected = distances.indices.sorted { distances[$0] != distances[$1] ? distances[$0] < distances[$1] : $0 < $1 }
            // Ask out of order: a later rank first, then all of them.
            if count > 3 { #expect(order.row(atRank: 3) == expected[3]) }
            #expect((0..<count).map { order.row(atRank: $0) } == expected.map(Optional.some))
            #expect(order.row(atRank: count) == nil)
        }
    }

    @Test("Pruning zero caps under a shrinking radius gives the probabilities of the full computation")
    func prunedProbabilitiesMatchFull() {
        var random = SeededGenerator(seed: 3)
        let count = 60
        let distances = (0..<count).map { _ in Float.random(in: 1...20, using: &random) }
        let separations = (0..<count).map { _ in Float.random(in: 0.5...4, using: &random) }
        var fixed = separations
        let model = PartitionProbabilities(squaredDistances: distances, separations: fixed, table: .table(for: 32))
        fixed[model.nearest] = 0
        let consistent = PartitionProbabilities(squaredDistances: distances, separations: fixed, table: .table(for: 32))
        var caps: [Float] = []
        var live = consistent.allOthers
        for radius in [Float.infinity, 6, 4, 3, 2.5, 1.5, 1, 0.5, 0] {
            consistent.probabilities(radius: radius, into: &caps, live: &live, prune: true)
            let full = consistent.probabilities(radius: radius)
            #expect(caps.count == full.count)
            for i in 0..<count { #expect(abs(caps[i] - full[i]) <= 1e-5 * max(1, abs(full[i])), "radius \(radius), row \(i)") }
            #expect(live.allSatisfy { consistent.table.fraction(distance: consistent.boundaryDistances[$0], radius: radius) > 0 })
        }
        #expect(live.isEmpty)
    }
}
