import Shoal
import ShoalTestSupport
import Testing

/// Bad input: every call reports the documented code and a message naming the problem, and leaves
/// the index exactly as it was.
@Suite struct ShoalErrorTests {
    static let d = 8

    /// A small 2-level index, with fixed queries for snapshots.
    private func fixture(metric: DistanceMetric = .l2) throws -> (VectorIndex, [Float]) {
        var random = SeededRandom(seed: 1)
        let vectors = random.clusteredRows(300, dimension: Self.d, clusters: 6)
        let ids = (0..<Int64(300)).map { $0 + 1 }
        let index = try VectorIndex.build(
            vectors: vectors, ids: ids, configuration: IndexConfiguration(dimension: Self.d, metric: metric, threads: 2))
        return (index, random.gaussianRows(4, dimension: Self.d).map { $0 * 10 })
    }

    /// Runs `body`, which must fail with `code` and the fragments, and checks the index did not change.
    private func expectRejected(
        _ index: VectorIndex, _ queries: [Float], _ code: ShoalError.Code, _ fragments: [String],
        sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) {
        let before = IndexSnapshot(index, queries: queries)
        expectShoalError(code, containing: fragments, sourceLocation: sourceLocation, body)
        #expect(IndexSnapshot(index, queries: queries) == before, "the index changed", sourceLocation: sourceLocation)
        index.checkInvariants()
    }

    private func vectors(_ n: Int, seed: UInt64 = 2) -> [Float] {
        var random = SeededRandom(seed: seed)
        return random.gaussianRows(n, dimension: Self.d)
    }

    // MARK: Wrong dimension

    @Test func buildWithAPartialRowIsADimensionMismatch() {
        expectShoalError(.dimensionMismatch, containing: ["17 floats", "8-dimensional"]) {
            _ = try VectorIndex.build(vectors: [Float](repeating: 1, count: 17), configuration: IndexConfiguration(dimension: 8))
        }
    }

    @Test func addWithAPartialRowChangesNothing() throws {
        let (index, queries) = try fixture()
        expectRejected(index, queries, .dimensionMismatch, ["vectors holds 15 floats", "8-dimensional"]) {
            try index.add(vectors: [Float](repeating: 1, count: 15), ids: [1000, 1001])
        }
    }

    @Test func singleQueryOfTheWrongLengthIsADimensionMismatch() throws {
        let (index, queries) = try fixture()
        expectRejected(index, queries, .dimensionMismatch, ["query has 7 components", "8-dimensional"]) {
            _ = try index.search([Float](repeating: 0, count: 7))
        }
        expectRejected(index, queries, .dimensionMismatch, ["query has 16 components"]) {
            _ = try index.search([Float](repeating: 0, count: 16))
        }
        expectRejected(index, queries, .dimensionMismatch, ["query has 0 components"]) {
            _ = try index.search([])
        }
    }

    @Test func batchThatIsNotWholeQueriesIsADimensionMismatch() throws {
        let (index, queries) = try fixture()
        expectRejected(index, queries, .dimensionMismatch, ["queries holds 13 floats", "8-dimensional"]) {
            _ = try index.search(batch: [Float](repeating: 0, count: 13))
        }
    }

    // MARK: Non-finite values

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func buildRejectsNonFiniteComponents(value: Float) {
        var data = vectors(20)
        data[3 * Self.d + 5] = value
        expectShoalError(.nonFiniteValue, containing: ["vector 3", "component 5", "\(value)", "finite"]) {
            _ = try VectorIndex.build(vectors: data, configuration: IndexConfiguration(dimension: Self.d))
        }
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func addRejectsNonFiniteComponentsAndAddsNothing(value: Float) throws {
        let (index, queries) = try fixture()
        var data = vectors(5)
        data[4 * Self.d] = value
        expectRejected(index, queries, .nonFiniteValue, ["vectors: vector 4", "component 0"]) {
            try index.add(vectors: data, ids: [1000, 1001, 1002, 1003, 1004])
        }
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func searchRejectsNonFiniteQueries(value: Float) throws {
        let (index, queries) = try fixture()
        var query = vectors(1)
        query[7] = value
        expectRejected(index, queries, .nonFiniteValue, ["query", "component 7"]) {
            _ = try index.search(query)
        }
        var batch = vectors(3)
        batch[2 * Self.d + 1] = value
        expectRejected(index, queries, .nonFiniteValue, ["queries: vector 2", "component 1"]) {
            _ = try index.search(batch: batch)
        }
    }

    @Test func aNonFiniteValueInTheTailOfALongRowIsFound() throws {
        // 20 components: two SIMD8 blocks and a scalar tail; try every position.
        let index = try VectorIndex.build(
            vectors: [Float](repeating: 1, count: 40), configuration: IndexConfiguration(dimension: 20))
        for j in 0..<20 {
            var query = [Float](repeating: 0, count: 20)
            query[j] = .nan
            expectShoalError(.nonFiniteValue, containing: ["component \(j)"]) { _ = try index.search(query) }
        }
        var huge = [Float](repeating: 0, count: 20)
        huge[19] = .greatestFiniteMagnitude
        _ = try index.search(huge)
    }

    // MARK: Ids

    @Test func duplicateIDWithinABuildBatch() {
        expectShoalError(.duplicateID, containing: ["id 5 appears twice", "positions 1 and 3"]) {
            _ = try VectorIndex.build(
                vectors: vectors(4), ids: [9, 5, 6, 5], configuration: IndexConfiguration(dimension: Self.d))
        }
    }

    @Test func duplicateIDWithinAnAddBatch() throws {
        let (index, queries) = try fixture()
        expectRejected(index, queries, .duplicateID, ["id 1000 appears twice", "positions 0 and 2"]) {
            try index.add(vectors: vectors(3), ids: [1000, 1001, 1000])
        }
    }

    @Test func addingAnIDThatIsAlreadyStoredAddsNothing() throws {
        let (index, queries) = try fixture()
        expectRejected(index, queries, .duplicateID, ["id 7 is already stored"]) {
            try index.add(vectors: vectors(3), ids: [1000, 7, 1001])
        }
        #expect(!index.contains(1000))
    }

    @Test func idCountMustMatchTheRowCount() throws {
        let (index, queries) = try fixture()
        expectRejected(index, queries, .invalidArgument, ["got 3 vectors but 2 ids"]) {
            try index.add(vectors: vectors(3), ids: [1000, 1001])
        }
        expectShoalError(.invalidArgument, containing: ["got 2 vectors but 3 ids"]) {
            _ = try VectorIndex.build(vectors: vectors(2), ids: [1, 2, 3], configuration: IndexConfiguration(dimension: Self.d))
        }
    }

    @Test func removingUnknownIDsNamesThemAndRemovesNothing() throws {
        let (index, queries) = try fixture()
        let error = expectShoalError(.unknownID, containing: ["2 of 4 ids are not stored", "5000", "6000", "nothing was removed"]) {
            try index.remove(ids: [1, 5000, 2, 6000])
        }
        #expect(error?.message.contains("(5000, 6000)") == true)
        #expect(index.contains(1) && index.contains(2))
        expectRejected(index, queries, .unknownID, ["1 of 1 ids"]) { try index.remove(ids: [0]) }
    }

    @Test func removingManyUnknownIDsNamesTheFirstTen() throws {
        let (index, queries) = try fixture()
        let unknown = (0..<Int64(25)).map { 10_000 + $0 }
        expectRejected(index, queries, .unknownID, ["25 of 25 ids", "10009", "and 15 more"]) {
            try index.remove(ids: unknown)
        }
    }

    @Test func removingAnIDListedTwiceRemovesNothing() throws {
        let (index, queries) = try fixture()
        expectRejected(index, queries, .duplicateID, ["id 4 is listed twice"]) {
            try index.remove(ids: [3, 4, 5, 4])
        }
    }

    @Test func vectorsForAnUnknownIDIsUnknownID() throws {
        let (index, _) = try fixture()
        expectShoalError(.unknownID, containing: ["id 999 is not stored"]) { _ = try index.vectors(for: [1, 999]) }
        #expect(try index.vectors(for: []).isEmpty)
    }

    // MARK: Search options

    @Test(arguments: [0, -1])
    func kBelowOneIsRejected(k: Int) throws {
        let (index, queries) = try fixture()
        expectRejected(index, queries, .invalidK, ["k is \(k)"]) {
            _ = try index.search(row(queries, 0, dimension: Self.d), options: SearchOptions(k: k))
        }
        expectRejected(index, queries, .invalidK, ["k is \(k)"]) {
            _ = try index.search(batch: queries, options: SearchOptions(k: k))
        }
    }

    @Test func negativeNprobeIsRejected() throws {
        let (index, queries) = try fixture()
        expectRejected(index, queries, .invalidArgument, ["nprobe is -1"]) {
            _ = try index.search(row(queries, 0, dimension: Self.d), options: SearchOptions(nprobe: -1))
        }
        expectRejected(index, queries, .invalidArgument, ["threads is 0"]) {
            _ = try index.search(batch: queries, options: SearchOptions(threads: 0))
        }
    }

    @Test func searchingAnEmptyIndexIsEmptyIndex() throws {
        let index = try VectorIndex(configuration: IndexConfiguration(dimension: 3))
        expectShoalError(.emptyIndex, containing: ["the index is empty"]) { _ = try index.search([1, 2, 3]) }
        expectShoalError(.emptyIndex) { _ = try index.search(batch: [1, 2, 3, 4, 5, 6]) }
        #expect(index.count == 0)
    }

    // MARK: Build arguments

    @Test func morePartitionsThanVectorsIsRejected() {
        expectShoalError(.invalidArgument, containing: ["partitionCount is 11", "only 10 vectors"]) {
            _ = try VectorIndex.build(
                vectors: vectors(10), configuration: IndexConfiguration(dimension: Self.d, partitionCount: 11))
        }
    }

    @Test(arguments: [
        ("dimension is 0", IndexConfiguration(dimension: 0)),
        ("kMeansIterations is 0", IndexConfiguration(dimension: 8, kMeansIterations: 0)),
        ("threads is 0", IndexConfiguration(dimension: 8, threads: 0)),
    ])
    func invalidConfigurationIsRejectedBeforeBuilding(fragment: String, configuration: IndexConfiguration) {
        expectShoalError(.invalidArgument, containing: [fragment]) {
            _ = try VectorIndex.build(vectors: vectors(10), configuration: configuration)
        }
    }

    // MARK: Cosine

    @Test func cosineRejectsZeroVectors() throws {
        var data = vectors(6)
        for j in 0..<Self.d { data[2 * Self.d + j] = 0 }
        expectShoalError(.invalidVector, containing: ["vector 2", "non-zero"]) {
            _ = try VectorIndex.build(vectors: data, configuration: IndexConfiguration(dimension: Self.d, metric: .cosine))
        }
        let (index, queries) = try fixture(metric: .cosine)
        expectRejected(index, queries, .invalidVector, ["vectors: vector 2", "non-zero"]) {
            try index.add(vectors: data, ids: (0..<Int64(6)).map { 1000 + $0 })
        }
        expectRejected(index, queries, .invalidVector, ["vector 0", "non-zero"]) {
            _ = try index.search([Float](repeating: 0, count: Self.d))
        }
    }

    @Test func l2AndInnerProductAcceptZeroVectors() throws {
        for metric in [DistanceMetric.l2, .innerProduct] {
            let index = try VectorIndex.build(
                vectors: [0, 0, 1, 1], configuration: IndexConfiguration(dimension: 2, metric: metric))
            #expect(try index.search([0, 0], options: SearchOptions(k: 2)).count == 2)
        }
    }

    // MARK: The error type

    @Test func descriptionNamesThePathAndOffset() {
        let plain = ShoalError(.invalidK, "k is 0")
        #expect(plain.description == "k is 0")
        #expect(plain.path == nil && plain.offset == nil)
        let file = ShoalError(.corruptFile, "bad", path: "/tmp/x.shoal", offset: 60)
        #expect(file.description == "/tmp/x.shoal: bad (at byte offset 60)")
        #expect(ShoalError.Code.corruptFile.description == "corruptFile")
        #expect(ShoalError.Code.corruptFile != ShoalError.Code.ioFailure)
        #expect(plain == ShoalError(.invalidK, "k is 0"))
    }
}
