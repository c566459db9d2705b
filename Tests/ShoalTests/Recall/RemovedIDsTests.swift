@testable import Shoal
import ShoalTestSupport
import Testing

@Suite struct RemovedIDsTests {
    /// Every removed id is found and no other, whatever the set's size (the bitmap grows with it)
    /// and for ids at the ends of the range.
    @Test(arguments: [0, 1, 100, 5_000, 40_000])
    func containsExactlyTheRemovedIDs(count: Int) {
        var random = SeededRandom(seed: UInt64(count) + 7)
        var removed = Set<Int64>()
        while removed.count < count { removed.insert(Int64(random.next() % 200_000) - 100_000) }
        if count > 0 { removed.formUnion([Int64.min, Int64.max, 0]) }
        let screen = RemovedIDs(removed)
        let probes = Array(Int64(-100_010)...100_010) + [Int64.min, Int64.max, Int64.min + 1, Int64.max - 1]
        let wrong = probes.filter { screen.contains($0) != removed.contains($0) }
        #expect(wrong.isEmpty)
    }
}
