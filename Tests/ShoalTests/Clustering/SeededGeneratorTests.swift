@testable import Shoal
import Testing

@Suite struct SeededGeneratorTests {
    @Test func sameSeedGivesTheSameSequence() {
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: 42)
        var c = SeededGenerator(seed: 43)
        let x = (0..<10).map { _ in a.next() }
        #expect(x == (0..<10).map { _ in b.next() })
        #expect(x != (0..<10).map { _ in c.next() })
    }

    @Test(arguments: [(0, 5), (1, 1), (5, 5), (10, 1000), (300, 301)])
    func sampleReturnsDistinctValuesInRange(count: Int, population: Int) {
        var random = SeededGenerator(seed: 7)
        let sample = random.sample(count, from: population)
        #expect(sample.count == count)
        #expect(Set(sample).count == count)
        #expect(sample.allSatisfy { (0..<population).contains($0) })
    }

    @Test func fullSampleIsAPermutation() {
        var random = SeededGenerator(seed: 8)
        let sample = random.sample(50, from: 50)
        #expect(sample.sorted() == Array(0..<50))
        #expect(sample != Array(0..<50), "the order is shuffled")
    }
}
