import Shoal
import ShoalData
import ShoalTestSupport
import Testing

@Suite struct RecallTargetTests {
    @Test func aSinglePartitionIndexAnswersExactly() throws {
        var random = SeededRandom(seed: 5)
        let d = 12
        let vectors = random.gaussianRows(300, dimension: d)
        let index = try VectorIndex.build(vectors: vectors, configuration: IndexConfiguration(dimension: d, partitionCount: 1))
        let query = random.gaussianRows(1, dimension: d)
        let found = try index.search(query, options: SearchOptions(k: 5, recallTarget: 0.5))
        let truth = BruteForce.search(query, vectors: vectors, ids: (0..<300).map(Int64.init), dimension: d, metric: .l2, k: 5)
        #expect(found.map(\.id) == truth.map(\.id))
    }

    @Test func fewerThanKVectorsArePaddedUnderARecallTarget() throws {
        var random = SeededRandom(seed: 6)
        let d = 8
        let vectors = random.clusteredRows(40, dimension: d, clusters: 4)
        let index = try VectorIndex.build(vectors: vectors, configuration: IndexConfiguration(dimension: d, partitionCount: 4))
        let found = try index.search(Array(vectors[0..<d]), options: SearchOptions(k: 60, recallTarget: 0.99))
        #expect(found.count == 60)
        #expect(found.prefix(40).allSatisfy { $0.id >= 0 })
        #expect(found.suffix(20).allSatisfy { $0.id == -1 && $0.score == .infinity })
        #expect(found[0].score == 0)
    }

    @Test func invalidTargetsAreRejected() throws {
        let index = try VectorIndex.build(
            vectors: [Float](repeating: 1, count: 64), configuration: IndexConfiguration(dimension: 8))
        for target in [0.0, -0.5, 1.5, Double.nan] {
            #expect(throws: ShoalError.self) {
                try index.search([Float](repeating: 1, count: 8), options: SearchOptions(recallTarget: target))
            }
        }
    }

    /// On real data, with the calibration taken from the other half of the queries, the mean
    /// recall lands close to the target. (With 300 queries a side the mean moves by about ±0.02
    /// from sampling alone; `shoal eval` with 500 a side measured within ±0.01 on all four data
    /// sets, see docs/benchmarks.md.)
    @Test(.enabled(if: RealData.folder("sigmod2023-knng100") != nil))
    func meanRecallMeetsTheTargetOnRealData() throws {
        let folder = try #require(RealData.folder("sigmod2023-knng100"))
        let base = try VectorFile.readFloats(at: folder + "/base.fvecs")
        let queries = try VectorFile.readFloats(at: folder + "/query.fvecs", limit: 600)
        let truth = try VectorFile.readIntegers(at: folder + "/gt100.ivecs", limit: 600)
        let index = try VectorIndex.build(
            vectors: base.values, configuration: IndexConfiguration(dimension: base.columns, threads: 2))
        let d = base.columns
        let half = 300
        try index.calibrate(queries: Array(queries.values[(half * d)...]), k: 10)
        for target in [0.8, 0.9, 0.95] {
            let results = try index.search(
                batch: Array(queries.values[..<(half * d)]), options: SearchOptions(k: 10, recallTarget: target))
            let found = Matrix(rows: half, columns: 10, values: results.ids)
            let recall = GroundTruth.recall(found: found, truth: truth.prefix(rows: half), k: 10)
            #expect(abs(recall - target) <= 0.04, "target \(target): measured \(recall)")
            #expect(results.meanPartitionsScanned < Double(index.partitionCount))
        }
    }

    /// Inner product and cosine meet their targets too, batched on two threads and one query at a
    /// time: CLIP embeddings (not unit length, so the two metrics rank differently), calibrated on
    /// 300 queries and measured on 200 others against brute force under the same metric.
    @Test(
        .enabled(if: RealData.folder("sigmod2024-yfcc-clip100") != nil),
        arguments: [DistanceMetric.innerProduct, .cosine])
    func innerProductAndCosineMeetTheTargetOnRealData(metric: DistanceMetric) throws {
        let folder = try #require(RealData.folder("sigmod2024-yfcc-clip100"))
        let base = try VectorFile.readFloats(at: folder + "/base.fvecs")
        let queries = try VectorFile.readFloats(at: folder + "/query.fvecs", limit: 500)
        let d = base.columns
        let measured = 200
        let evaluation = Matrix(rows: measured, columns: d, values: Array(queries.values[..<(measured * d)]))
        let truth = GroundTruth.compute(base: base, queries: evaluation, k: 10, metric: metric, threads: 2)
        let index = try VectorIndex.build(
            vectors: base.values, configuration: IndexConfiguration(dimension: d, metric: metric, threads: 2))
        try index.calibrate(queries: Array(queries.values[(measured * d)...]), k: 10)
        for target in [0.8, 0.95] {
            let batch = try index.search(
                batch: evaluation.values, options: SearchOptions(k: 10, recallTarget: target, threads: 2))
            var single: [Int64] = []
            for q in 0..<measured {
                let row = Array(evaluation.values[(q * d)..<((q + 1) * d)])
                single += try index.search(row, options: SearchOptions(k: 10, recallTarget: target, threads: 1)).map(\.id)
            }
            for (mode, ids) in [("batch", batch.ids), ("one at a time", single)] {
                let recall = GroundTruth.recall(found: Matrix(rows: measured, columns: 10, values: ids), truth: truth, k: 10)
                // 200 queries: about ±0.02 of sampling noise on top of the calibration's own.
                #expect(abs(recall - target) <= 0.04, "\(metric) \(mode), target \(target): measured \(recall)")
            }
            #expect(batch.meanPartitionsScanned < Double(index.partitionCount))
        }
    }
}

/// Locates the shared data sets beside the repository (`../shared/data`), if present.
enum RealData {
    static func folder(_ name: String) -> String? {
        var url = #filePath.split(separator: "/").dropLast().map(String.init)
        while !url.isEmpty {
            let candidate = "/" + (url + ["shared", "data", name]).joined(separator: "/")
            let sibling = "/" + (url.dropLast() + ["shared", "data", name]).joined(separator: "/")
            for path in [candidate, sibling] where fileExists(path + "/base.fvecs") { return path }
            url.removeLast()
        }
        return nil
    }

    private static func fileExists(_ path: String) -> Bool {
        (try? VectorFile.readFloats(at: path, limit: 1)) != nil
    }
}
