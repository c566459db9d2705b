@testable import Shoal
import ShoalTestSupport
import Testing

@Suite struct VectorIndexUpdateTests {
    @Test func addedVectorsAreCountedAndFound() throws {
        var random = SeededRandom(seed: 1)
        let d = 12
        let vectors = random.clusteredRows(800, dimension: d, clusters: 10)
        let index = try VectorIndex.build(vectors: vectors, configuration: IndexConfiguration(dimension: d, threads: 2))
        let added = random.clusteredRows(30, dimension: d, clusters: 10)
        let newIDs = (0..<Int64(30)).map { 10_000 + $0 }
        try index.add(vectors: added, ids: newIDs)
        #expect(index.count == 830)
        index.checkInvariants()
        #expect(try index.vectors(for: newIDs) == added)
        for (i, id) in newIDs.enumerated() {
            #expect(index.contains(id))
            let hits = try index.search(row(added, i, dimension: d), options: SearchOptions(k: 1, nprobe: index.partitionCount))
            #expect(hits[0] == Neighbor(id: id, score: 0))
        }
    }

    @Test func addedVectorsGoToTheirNearestCentroidsPartition() throws {
        var random = SeededRandom(seed: 2)
        let d = 8
        let index = try VectorIndex.build(
            vectors: random.clusteredRows(600, dimension: d, clusters: 8),
            configuration: IndexConfiguration(dimension: d, partitionCount: 16, threads: 2))
        let added = random.clusteredRows(200, dimension: d, clusters: 8)
        let ids = (0..<Int64(200)).map { 1000 + $0 }
        try index.add(vectors: added, ids: ids)
        let base = index.levels[0]
        let centroids = index.levels[1]
        for (i, id) in ids.enumerated() {
            let location = try #require(base.locations[id])
            let vector = row(added, i, dimension: d)
            let scores = try base.partitionIDs.map { pid -> (Int, Double) in
                let c = try #require(centroids.vector(for: Int64(pid)))
                return (pid, (0..<d).reduce(0.0) { $0 + (Double(vector[$1]) - Double(c[$1])) * (Double(vector[$1]) - Double(c[$1])) })
            }
            let best = scores.map(\.1).min()!
            let own = scores.first { $0.0 == Int(location.partition) }!.1
            #expect(own <= best * (1 + 1e-4) + 1e-3, "id \(id) went to a partition whose centroid is not nearest")
        }
    }

    @Test func addingToAnEmptyIndexMakesItSearchable() throws {
        let index = try VectorIndex(configuration: IndexConfiguration(dimension: 2))
        try index.add(vectors: [0, 0, 3, 4], ids: [7, 8])
        #expect(index.count == 2)
        let hits = try index.search([3, 4], options: SearchOptions(k: 2))
        #expect(hits == [Neighbor(id: 8, score: 0), Neighbor(id: 7, score: 5)])
        index.checkInvariants()
    }

    @Test func addingNothingChangesNothing() throws {
        let index = try VectorIndex.build(vectors: [1, 2, 3, 4], configuration: IndexConfiguration(dimension: 2))
        try index.add(vectors: [], ids: [])
        #expect(index.count == 2)
    }

    @Test func removedVectorsAreGoneAndTheRestRemain() throws {
        var random = SeededRandom(seed: 3)
        let d = 8
        let n = 500
        let vectors = random.gaussianRows(n, dimension: d)
        let index = try VectorIndex.build(vectors: vectors, configuration: IndexConfiguration(dimension: d, threads: 2))
        let removed = (0..<Int64(n)).filter { $0 % 2 == 0 }
        try index.remove(ids: removed)
        #expect(index.count == n / 2)
        index.checkInvariants()
        #expect(index.allIDs() == (0..<Int64(n)).filter { $0 % 2 == 1 })
        for id in removed.prefix(20) {
            #expect(!index.contains(id))
            let hits = try index.search(row(vectors, Int(id), dimension: d), options: SearchOptions(k: 3, nprobe: index.partitionCount))
            #expect(!hits.contains { $0.id == id })
        }
        // The survivors moved within their partitions but keep their own vectors.
        let kept = (0..<Int64(n)).filter { $0 % 2 == 1 }
        let stored = try index.vectors(for: kept)
        for (i, id) in kept.enumerated() { #expect(row(stored, i, dimension: d) == row(vectors, Int(id), dimension: d)) }
    }

    @Test func removeThenReAddTheSameIDs() throws {
        var random = SeededRandom(seed: 4)
        let d = 6
        let index = try VectorIndex.build(
            vectors: random.gaussianRows(300, dimension: d), configuration: IndexConfiguration(dimension: d, threads: 2))
        let ids: [Int64] = [3, 100, 299, 0]
        try index.remove(ids: ids)
        #expect(index.count == 296)
        let replacement = random.gaussianRows(4, dimension: d).map { $0 + 50 }
        try index.add(vectors: replacement, ids: ids)
        #expect(index.count == 300)
        index.checkInvariants()
        #expect(try index.vectors(for: ids) == replacement)
        let hits = try index.search(row(replacement, 1, dimension: d), options: SearchOptions(k: 1, nprobe: index.partitionCount))
        #expect(hits[0] == Neighbor(id: 100, score: 0))
    }

    @Test func manyRoundsOfAddRemoveAndSearchKeepTheIDSetExact() throws {
        var random = SeededRandom(seed: 5)
        let d = 8
        let initial = random.clusteredRows(400, dimension: d, clusters: 8)
        let index = try VectorIndex.build(
            vectors: initial, configuration: IndexConfiguration(dimension: d, partitionCount: 10, threads: 2))
        var model = Set<Int64>(0..<400)
        var vectorsByID: [Int64: [Float]] = [:]
        for i in 0..<400 { vectorsByID[Int64(i)] = row(initial, i, dimension: d) }
        var nextID: Int64 = 400
        for round in 0..<50 {
            let added = random.clusteredRows(20, dimension: d, clusters: 8)
            let ids = (0..<Int64(20)).map { nextID + $0 }
            nextID += 20
            try index.add(vectors: added, ids: ids)
            for (i, id) in ids.enumerated() {
                model.insert(id)
                vectorsByID[id] = row(added, i, dimension: d)
            }
            let victims = Array(model.sorted().shuffled(using: &random).prefix(10))
            try index.remove(ids: victims)
            for id in victims {
                model.remove(id)
                vectorsByID.removeValue(forKey: id)
            }
            index.checkInvariants()
            #expect(index.count == model.count, "round \(round)")
            #expect(Set(index.allIDs()) == model, "round \(round)")
            let probe = ids[round % 20]
            if let vector = vectorsByID[probe] {
                let hits = try index.search(vector, options: SearchOptions(k: 5, nprobe: index.partitionCount))
                #expect(hits[0] == Neighbor(id: probe, score: 0), "round \(round)")
                #expect(hits.allSatisfy { model.contains($0.id) })
            }
        }
        #expect(index.count == 400 + 50 * 10)
        let all = model.sorted()
        let stored = try index.vectors(for: all)
        for (i, id) in all.enumerated() { #expect(row(stored, i, dimension: d) == vectorsByID[id]) }
    }

    @Test func removeAndReAddOnATwoPartitionIndex() throws {
        var random = SeededRandom(seed: 6)
        let d = 16
        let n = 200
        let vectors = random.gaussianRows(n, dimension: d)
        let index = try VectorIndex.build(
            vectors: vectors, configuration: IndexConfiguration(dimension: d, partitionCount: 2, threads: 2))
        #expect(index.partitionCount == 2)
        let half = (0..<Int64(n / 2)).map { $0 }
        for cycle in 0..<3 {
            try index.remove(ids: half)
            #expect(index.count == n / 2)
            let hits = try index.search(row(vectors, 150, dimension: d), options: SearchOptions(k: 5, nprobe: 2))
            #expect(hits[0] == Neighbor(id: 150, score: 0), "cycle \(cycle)")
            #expect(hits.allSatisfy { $0.id >= 100 })
            try index.add(vectors: Array(vectors.prefix(n / 2 * d)), ids: half)
            #expect(index.count == n)
            index.checkInvariants()
            let again = try index.search(row(vectors, 7, dimension: d), options: SearchOptions(k: 1, nprobe: 2))
            #expect(again[0] == Neighbor(id: 7, score: 0), "cycle \(cycle)")
        }
    }

    @Test func removingEveryVectorEmptiesTheIndex() throws {
        var random = SeededRandom(seed: 7)
        let index = try VectorIndex.build(
            vectors: random.gaussianRows(64, dimension: 4), configuration: IndexConfiguration(dimension: 4))
        try index.remove(ids: (0..<Int64(64)).map { $0 })
        #expect(index.count == 0)
        #expect(index.partitionSizes.allSatisfy { $0 == 0 })
        index.checkInvariants()
        expectShoalError(.emptyIndex) { _ = try index.search([0, 0, 0, 0]) }
        try index.add(vectors: [1, 1, 1, 1], ids: [5])
        #expect(try index.search([1, 1, 1, 1], options: SearchOptions(k: 1))[0] == Neighbor(id: 5, score: 0))
    }

    @Test func removingNothingIsAllowed() throws {
        let index = try VectorIndex.build(vectors: [1, 2], configuration: IndexConfiguration(dimension: 1))
        try index.remove(ids: [])
        #expect(index.count == 2)
    }

    @Test func highDimensionalSmallIndexWorks() throws {
        var random = SeededRandom(seed: 8)
        let d = 1024
        let n = 64
        let vectors = random.gaussianRows(n, dimension: d)
        let index = try VectorIndex.build(
            vectors: vectors, configuration: IndexConfiguration(dimension: d, partitionCount: 4, kMeansIterations: 3, threads: 2))
        #expect(index.count == n)
        for i in [0, 31, 63] {
            let hits = try index.search(row(vectors, i, dimension: d), options: SearchOptions(k: 3, nprobe: 4))
            #expect(hits[0] == Neighbor(id: Int64(i), score: 0))
        }
        try index.add(vectors: random.gaussianRows(2, dimension: d), ids: [100, 101])
        try index.remove(ids: [0, 100])
        #expect(index.count == n)
        index.checkInvariants()
    }

    @Test func cosineAddStoresUnitVectors() throws {
        let index = try VectorIndex(configuration: IndexConfiguration(dimension: 3, metric: .cosine))
        try index.add(vectors: [0, 3, 4, 10, 0, 0], ids: [1, 2])
        #expect(try index.vectors(for: [1, 2]) == [0, 0.6, 0.8, 1, 0, 0])
    }

    @Test func addsAndSearchesMayRunConcurrently() async throws {
        var random = SeededRandom(seed: 9)
        let d = 8
        let index = try VectorIndex.build(
            vectors: random.gaussianRows(500, dimension: d), configuration: IndexConfiguration(dimension: d, threads: 2))
        let batches = (0..<10).map { _ in random.gaussianRows(20, dimension: d) }
        let query = random.gaussianRows(1, dimension: d)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for b in 0..<10 {
                group.addTask {
                    try index.add(vectors: batches[b], ids: (0..<Int64(20)).map { 1000 + Int64(b) * 20 + $0 })
                }
                group.addTask {
                    let hits = try index.search(query, options: SearchOptions(k: 5, nprobe: 4, threads: 1))
                    #expect(hits.count == 5 && hits.allSatisfy { $0.id >= 0 })
                }
            }
            try await group.waitForAll()
        }
        #expect(index.count == 700)
        index.checkInvariants()
    }
}
