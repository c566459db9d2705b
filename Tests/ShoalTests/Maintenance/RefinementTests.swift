@testable import Shoal
import ShoalTestSupport
import Testing

/// Local refinement after a split: which rows move (a neighbour's row only towards a nearer
/// child, a child's row to its nearest centroid in the set), the new centroids (means), and that
/// committing it keeps every stored pair exact.
@Suite struct RefinementTests {
    private static let d = 8

    /// An index of Gaussian rows (adjacent partitions, so a split moves boundaries), and the
    /// children of a split of its largest partition.
    private func indexWithASplit(metric: DistanceMetric = .l2, seed: UInt64 = 17) throws -> (VectorIndex, [Int]) {
        var random = SeededRandom(seed: seed)
        let vectors = random.gaussianRows(4000, dimension: Self.d)
        let configuration = IndexConfiguration(dimension: Self.d, metric: metric, partitionCount: 40, threads: 2)
        let index = try VectorIndex.build(vectors: vectors, configuration: configuration)
        var plan = MaintenancePlan(
            cost: { MaintenanceTests.affine.latency(size: $0, k: 10) }, tau: 0, alpha: 0.5, addOverhead: 10,
            removeOverhead: -10)
        plan.minimumSplitSize = 4
        var memory = MaintenanceMemory()
        var report = MaintenanceReport()
        let largest = try #require(index.levels[0].partitions.max { $0.value.count < $1.value.count }?.key)
        let prepared = try #require(
            index.lock.withReadLock {
                index.prepareSplit(largest, frequency: 1, plan: plan, memory: memory, report: &report)
            })
        let children = try #require(
            index.lock.withWriteLock { index.commitSplit(prepared, plan: plan, memory: &memory, report: &report) })
        return (index, children)
    }

    /// Each partition's rows (ids and Double rows) and centroid (Double), by partition id.
    private func snapshot(_ index: VectorIndex) -> [Int: (ids: [Int64], rows: [[Double]], centroid: [Double])] {
        index.lock.withReadLock {
            var result: [Int: (ids: [Int64], rows: [[Double]], centroid: [Double])] = [:]
            for (pid, partition) in index.levels[0].partitions {
                let rows = (0..<partition.count).map { i in
                    (0..<Self.d).map { Double(partition.row(i)[$0]) }
                }
                let ids = (0..<partition.count).map { partition.ids[$0] }
                let centroid = index.centroid(of: pid, inLevel: 1)!.map(Double.init)
                result[pid] = (ids, rows, centroid)
            }
            return result
        }
    }

    private func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    }

    @Test func aNeighboursRowMovesOnlyTowardsANearerChildAndAChildsRowToItsNearestCentroid() throws {
        let (index, children) = try indexWithASplit()
        let before = snapshot(index)
        let prepared = try #require(
            index.lock.withReadLock { index.prepareRefinement(around: children, radius: 6, budget: nil, iterations: 1) })
        let set = prepared.set
        #expect(set.count > children.count)
        #expect(children.allSatisfy(set.contains))
        var destination: [Int64: Int] = [:]
        for (i, id) in prepared.ids.enumerated() {
            destination[id] = set[Int(prepared.destination[i])]
            #expect(set[Int(prepared.origin[i])] != destination[id])
        }
        var checked = 0
        for pid in set {
            let partition = try #require(before[pid])
            for (i, id) in partition.ids.enumerated() {
                let row = partition.rows[i]
                let own = squaredDistance(row, partition.centroid)
                // Candidates: a child's row weighs every centroid of the set, a neighbour's row
                // only the children's.
                let candidates = children.contains(pid) ? set : children
                let best = candidates.min { squaredDistance(row, before[$0]!.centroid) < squaredDistance(row, before[$1]!.centroid) }!
                let bestDistance = squaredDistance(row, before[best]!.centroid)
                // Skip near ties, where float rounding may decide either way.
                guard abs(bestDistance - own) > 1e-3 * max(1, own) else { continue }
                checked += 1
                if bestDistance < own {
                    #expect(destination[id] == best, "row \(id) of \(pid) should move to \(best)")
                } else {
                    #expect(destination[id] == nil, "row \(id) of \(pid) should stay")
                }
            }
        }
        #expect(checked > 500)
        // Rows of neighbours moved too, not only rows of the children.
        #expect(prepared.origin.contains { !children.contains(set[Int($0)]) })
        // New centroids: the mean of each partition's rows after the moves.
        for (position, pid) in set.enumerated() {
            var rows = before[pid]!.ids.indices.filter { destination[before[pid]!.ids[$0]] == nil }.map { before[pid]!.rows[$0] }
            for other in set where other != pid {
                for (i, id) in before[other]!.ids.enumerated() where destination[id] == pid { rows.append(before[other]!.rows[i]) }
            }
            guard !rows.isEmpty else { continue }
            for j in 0..<Self.d {
                let mean = rows.reduce(0) { $0 + $1[j] } / Double(rows.count)
                #expect(abs(Double(prepared.centroids[position * Self.d + j]) - mean) < 1e-3 * max(1, abs(mean)))
            }
        }
        // Committing moves exactly those rows and keeps every pair.
        let pairs = try storedPairs(index)
        let moved = index.lock.withWriteLock { index.commitRefinement(prepared) }
        #expect(moved == prepared.ids.count)
        index.checkInvariants()
        #expect(try storedPairs(index) == pairs)
        index.lock.withReadLock {
            for (id, pid) in destination { #expect(Int(index.levels[0].locations[id]!.partition) == pid) }
        }
    }

    @Test func innerProductRowsMoveTowardsAChildWithALargerProduct() throws {
        let (index, children) = try indexWithASplit(metric: .innerProduct, seed: 23)
        let before = snapshot(index)
        let prepared = try #require(
            index.lock.withReadLock { index.prepareRefinement(around: children, radius: 6, budget: nil, iterations: 1) })
        #expect(prepared.origin.contains { !children.contains(prepared.set[Int($0)]) })
        let dot: ([Double], [Double]) -> Double = { zip($0, $1).reduce(0) { $0 + $1.0 * $1.1 } }
        for (i, id) in prepared.ids.enumerated() where !children.contains(prepared.set[Int(prepared.origin[i])]) {
            let origin = before[prepared.set[Int(prepared.origin[i])]]!
            let row = origin.rows[origin.ids.firstIndex(of: id)!]
            let target = before[prepared.set[Int(prepared.destination[i])]]!
            #expect(children.contains(prepared.set[Int(prepared.destination[i])]))
            #expect(dot(row, target.centroid) >= dot(row, origin.centroid) - 1e-4)
        }
        let pairs = try storedPairs(index)
        _ = index.lock.withWriteLock { index.commitRefinement(prepared) }
        index.checkInvariants()
        #expect(try storedPairs(index) == pairs)
    }

    /// Rows removed and added between the k-means and the commit: removed rows are not moved,
    /// added rows stay where they were put, and no pair is lost or duplicated.
    @Test(arguments: [1, 3])
    func rowsChangedBeforeTheCommitAreLeftAlone(iterations: Int) throws {
        let (index, children) = try indexWithASplit(seed: 29)
        let prepared = try #require(
            index.lock.withReadLock {
                index.prepareRefinement(around: children, radius: 6, budget: nil, iterations: iterations)
            })
        #expect(prepared.ids.count >= 4)
        let removed = Array(prepared.ids.prefix(2))
        try index.remove(ids: removed)
        var random = SeededRandom(seed: 3)
        let added = random.gaussianRows(20, dimension: Self.d)
        try index.add(vectors: added, ids: (0..<20).map { 90_000 + Int64($0) })
        let pairs = try storedPairs(index)
        // An add does not change the structure generation, so the moves still apply.
        let moved = index.lock.withWriteLock { index.commitRefinement(prepared) }
        #expect(moved == prepared.ids.count - removed.count)
        index.checkInvariants()
        #expect(try storedPairs(index) == pairs)
    }

    /// The budget takes each child's neighbours nearest first while their rows fit in it (the
    /// nearest always), within the radius.
    @Test func theBudgetTakesTheNearestNeighboursWhoseRowsFit() throws {
        let (index, children) = try indexWithASplit(seed: 37)
        let (near, sizes, mean) = index.lock.withReadLock {
            let base = index.levels[0]
            let near = children.map { child in
                index.nearestPartitions(to: index.centroid(of: child, inLevel: 1)!, atLevel: 0, k: 11)
                    .filter { !children.contains($0) }
            }
            let sizes = base.partitions.mapValues(\.count)
            return (near, sizes, Double(base.count) / Double(base.partitions.count))
        }
        func set(budget: Double?) throws -> Set<Int> {
            let prepared = try #require(
                index.lock.withReadLock {
                    index.prepareRefinement(around: children, radius: 10, budget: budget, iterations: 1)
                })
            return Set(prepared.set)
        }
        // No budget: every child with its ten nearest.
        #expect(try set(budget: nil) == Set(children + near.flatMap { $0.prefix(10) }))
        // A tiny budget still takes the nearest neighbour of each child.
        #expect(try set(budget: 1e-6) == Set(children + near.map { $0[0] }))
        // Three mean sizes: the nearest whose running total fits.
        var expected = Set(children)
        for list in near {
            var rows = 0
            for (taken, pid) in list.prefix(10).enumerated() {
                if taken > 0 && Double(rows + sizes[pid]!) > 3 * mean { break }
                rows += sizes[pid]!
                expected.insert(pid)
            }
        }
        #expect(try set(budget: 3) == expected)
        #expect(expected.count < Set(children + near.flatMap { $0.prefix(10) }).count)
    }

    @Test func groupSumsAreTheMeansOfEachGroupsRows() {
        var random = SeededRandom(seed: 31)
        let d = 5
        let partition = Partition(dimension: d)
        let rows = random.gaussianRows(40, dimension: d)
        rows.withUnsafeBufferPointer { v in
            let ids = (0..<40).map { Int64($0) }
            ids.withUnsafeBufferPointer { partition.append(vectors: v.baseAddress!, ids: $0.baseAddress!, count: 40) }
        }
        let groups = (0..<40).map { Int32($0 % 3) }
        var sums = GroupSums(groups: 4, dimension: d)
        sums.add(partition, groups: groups)
        let kept: [Float] = (0..<(4 * d)).map { Float($0) }
        let means = sums.means(keeping: kept, normalised: false)
        for g in 0..<3 {
            let members = (0..<40).filter { $0 % 3 == g }
            for j in 0..<d {
                let mean = members.reduce(0.0) { $0 + Double(rows[$1 * d + j]) } / Double(members.count)
                #expect(abs(Double(means[g * d + j]) - mean) < 1e-5)
            }
        }
        // Group 3 has no row and keeps its centroid.
        #expect(Array(means[(3 * d)..<(4 * d)]) == Array(kept[(3 * d)..<(4 * d)]))
    }
}
