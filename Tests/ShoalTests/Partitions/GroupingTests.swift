@testable import Shoal
import Testing

@Suite struct GroupingTests {
    @Test func groupsRowsByAssignmentKeepingInputOrder() {
        let grouping = Grouping(assignments: [2, 0, 2, 1, 0, 2], groupCount: 4)
        #expect(grouping.offsets == [0, 2, 3, 6, 6])
        #expect(grouping.rows == [1, 4, 3, 0, 2, 5])
        #expect((0..<4).map(grouping.count(of:)) == [2, 1, 3, 0])
    }

    @Test func gatherCopiesTheGroupsRowsAndIDs() {
        let d = 2
        let vectors: [Float] = [0, 0, 1, 1, 2, 2, 3, 3]
        let ids: [Int64] = [10, 11, 12, 13]
        let grouping = Grouping(assignments: [1, 0, 1, 1], groupCount: 3)
        let (v1, i1) = grouping.gather(1, vectors: vectors, ids: ids, dimension: d)
        #expect(v1 == [0, 0, 2, 2, 3, 3])
        #expect(i1 == [10, 12, 13])
        let (v0, i0) = grouping.gather(0, vectors: vectors, ids: ids, dimension: d)
        #expect(v0 == [1, 1])
        #expect(i0 == [11])
        let (v2, i2) = grouping.gather(2, vectors: vectors, ids: ids, dimension: d)
        #expect(v2.isEmpty && i2.isEmpty)
    }

    @Test func noRowsGivesEmptyGroups() {
        let grouping = Grouping(assignments: [], groupCount: 3)
        #expect(grouping.offsets == [0, 0, 0, 0])
        #expect(grouping.rows.isEmpty)
    }
}
