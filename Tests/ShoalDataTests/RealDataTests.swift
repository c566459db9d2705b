import ShoalData
import Testing

/// Reads the shared datasets (`shared/data` beside an ancestor of this file); skipped when absent.
@Suite(.enabled(if: RealData.directory != nil, "shared/data datasets not found"))
struct RealDataTests {
    @Test(.enabled(if: RealData.file("sift5k-ngt/base.fvecs") != nil))
    func sift5kBaseIs5000By128AndLimitReadsItsPrefix() throws {
        let path = try #require(RealData.file("sift5k-ngt/base.fvecs"))
        let base = try VectorFile.readFloats(at: path)
        #expect(base.rows == 5000 && base.columns == 128)
        #expect(base.values.allSatisfy { $0 >= 0 && $0 <= 255 && $0 == $0.rounded() })  // SIFT components are small integers
        #expect(try FVecs.read(at: path, limit: 10) == base.prefix(rows: 10))
    }

    @Test(.enabled(if: RealData.file("sift5k-ngt/gt100.ivecs") != nil))
    func sift5kGroundTruthIs100By100ValidRowNumbers() throws {
        let path = try #require(RealData.file("sift5k-ngt/gt100.ivecs"))
        let truth = try VectorFile.readIntegers(at: path)
        #expect(truth.rows == 100 && truth.columns == 100)
        #expect(truth.values.allSatisfy { (0 ..< 5000).contains($0) })
        #expect(Set(truth[row: 0]).count == 100)
    }

    @Test(.enabled(if: RealData.file("sift5k-ngt/query.fvecs") != nil))
    func sift5kQueriesAre100By128() throws {
        let queries = try FVecs.read(at: try #require(RealData.file("sift5k-ngt/query.fvecs")))
        #expect(queries.rows == 100 && queries.columns == 128)
    }

    @Test(.enabled(if: RealData.file("sigmod2024-yfcc-clip100/base_attrs_C_T.npy") != nil))
    func yfccAttributesAre10000By2Float32WithTimestampsInTheUnitInterval() throws {
        let path = try #require(RealData.file("sigmod2024-yfcc-clip100/base_attrs_C_T.npy"))
        let array = try NPY.read(at: path)
        guard case .float32(let attributes) = array else {
            Issue.record("expected float32, got \(array.dtype)")
            return
        }
        #expect(attributes.rows == 10_000 && attributes.columns == 2)
        #expect((0 ..< attributes.rows).allSatisfy { (0 ... 1).contains(attributes[$0, 1]) })
        #expect(try VectorFile.readFloats(at: path, limit: 3) == attributes.prefix(rows: 3))
    }

    @Test(.enabled(if: RealData.file("sigmod2024-yfcc-clip100/query_type_v_l_r.npy") != nil))
    func yfccQueryFiltersAre10000By4WithTypesZeroToThree() throws {
        let filters = try NPY.readFloats(at: try #require(RealData.file("sigmod2024-yfcc-clip100/query_type_v_l_r.npy")))
        #expect(filters.rows == 10_000 && filters.columns == 4)
        #expect((0 ..< filters.rows).allSatisfy { [0, 1, 2, 3].contains(filters[$0, 0]) })
    }

    @Test(.enabled(if: RealData.file("mnist-test10k-784/base.fvecs") != nil))
    func mnistRowsSurviveAnFvecsAndNpyRoundTrip() throws {
        let base = try FVecs.read(at: try #require(RealData.file("mnist-test10k-784/base.fvecs")), limit: 500)
        #expect(base.rows == 500 && base.columns == 784)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try VectorFile.writeFloats(base, to: directory.file("m.npy"))
        try VectorFile.writeFloats(base, to: directory.file("m.fvecs"))
        #expect(try VectorFile.readFloats(at: directory.file("m.npy")) == base)
        #expect(try VectorFile.readFloats(at: directory.file("m.fvecs")) == base)
    }
}
