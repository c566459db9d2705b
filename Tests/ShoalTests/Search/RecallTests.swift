import Foundation
import Shoal
import ShoalData
import Testing

/// Where the SIFT 5k test data lies.
enum SiftData {
    /// The first folder holding sift5k-ngt: the repository's `Data/`, then `shared/data` beside the
    /// repository, then `/work/shared/data`.
    static let folder: String? = {
        var candidates: [String] = []
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                candidates.append(directory.appendingPathComponent("Data/sift5k-ngt").path)
                candidates.append(directory.deletingLastPathComponent().appendingPathComponent("shared/data/sift5k-ngt").path)
                break
            }
            directory = directory.deletingLastPathComponent()
        }
        candidates.append("/work/shared/data/sift5k-ngt")
        return candidates.first { folder in
            ["base.fvecs", "query.fvecs", "gt100.ivecs"].allSatisfy {
                FileManager.default.fileExists(atPath: folder + "/" + $0)
            }
        }
    }()
}

/// Recall on real SIFT descriptors against the shipped exact ground truth.
@Suite(.enabled(if: SiftData.folder != nil, "the sift5k-ngt data set is not available"))
struct RecallTests {
    /// The data set and an index over it with the default partition count (71), shared by the tests.
    struct Fixture: Sendable {
        let base: Matrix<Float>
        let queries: Matrix<Float>
        let truth: Matrix<Int64>
        let index: VectorIndex

        init() throws {
            let folder = try #require(SiftData.folder)
            base = try VectorFile.readFloats(at: folder + "/base.fvecs")
            queries = try VectorFile.readFloats(at: folder + "/query.fvecs")
            truth = try VectorFile.readIntegers(at: folder + "/gt100.ivecs")
            index = try VectorIndex.build(
                vectors: base.values, configuration: IndexConfiguration(dimension: base.columns, threads: 2))
        }

        func distance(query q: Int, row r: Int) -> Double {
            let d = base.columns
            var s = 0.0
            for j in 0..<d {
                let diff = Double(queries.values[q * d + j]) - Double(base.values[r * d + j])
                s += diff * diff
            }
            return s.squareRoot()
        }

        /// recall@10 over all queries; a found id counts when it is no farther than the true 10th
        /// neighbour (so ties with the 10th are not penalised).
        func recall(nprobe: Int) throws -> Double {
            let results = try index.search(batch: queries.values, options: SearchOptions(k: 10, nprobe: nprobe))
            var hits = 0
            for q in 0..<queries.rows {
                let tenth = distance(query: q, row: Int(truth.values[q * truth.columns + 9]))
                for id in results[q].map(\.id) where id >= 0 {
                    if distance(query: q, row: Int(id)) <= tenth * (1 + 1e-5) { hits += 1 }
                }
            }
            return Double(hits) / Double(10 * queries.rows)
        }
    }

    static let fixture = Result { try Fixture() }

    @Test func dataSetHasTheDocumentedShape() throws {
        let fixture = try Self.fixture.get()
        #expect(fixture.base.rows == 5000 && fixture.base.columns == 128)
        #expect(fixture.queries.rows == 100 && fixture.queries.columns == 128)
        #expect(fixture.truth.rows == 100 && fixture.truth.columns == 100)
        #expect(fixture.index.partitionCount == IndexConfiguration.defaultPartitionCount(for: 5000))
    }

    @Test func scanningEveryPartitionFindsTheExactNeighbours() throws {
        let fixture = try Self.fixture.get()
        #expect(try fixture.recall(nprobe: fixture.index.partitionCount) == 1.0)
    }

    @Test func recallGrowsWithNprobeAndIsUsefulAtEight() throws {
        let fixture = try Self.fixture.get()
        let recalls = try [1, 2, 4, 8, 16].map { try fixture.recall(nprobe: $0) }
        for (before, after) in zip(recalls, recalls.dropFirst()) {
            #expect(after >= before, "recall by nprobe 1, 2, 4, 8, 16: \(recalls)")
        }
        #expect(recalls[3] >= 0.6, "recall@10 at nprobe 8 is \(recalls[3])")
        #expect(recalls[0] < 1, "one partition of 71 cannot hold every neighbour of every query")
    }

    @Test func singleQueriesAgreeWithTheBatch() throws {
        let fixture = try Self.fixture.get()
        let d = fixture.base.columns
        let options = SearchOptions(k: 10, nprobe: 8)
        let batch = try fixture.index.search(batch: fixture.queries.values, options: options)
        for q in stride(from: 0, to: 100, by: 10) {
            let single = try fixture.index.search(Array(fixture.queries.values[(q * d)..<((q + 1) * d)]), options: options)
            #expect(Set(single.map(\.id)).symmetricDifference(batch[q].map(\.id)).count <= 2, "query \(q)")
            for (a, b) in zip(single, batch[q]) {
                #expect(abs(a.score - b.score) <= 1e-3 * max(1, a.score), "query \(q)")
            }
        }
    }
}
