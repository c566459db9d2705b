import Shoal
import Testing

@Suite struct IndexConfigurationTests {
    @Test func defaultsAreTheDocumentedOnes() throws {
        let configuration = IndexConfiguration(dimension: 16)
        #expect(configuration.metric == .l2)
        #expect(configuration.partitionCount == nil)
        #expect(configuration.kMeansIterations == 10)
        #expect(configuration.maxTrainingPointsPerCentroid == 256)
        #expect(configuration.maxTopLevelCentroids == 4096)
        #expect(configuration.seed == 1234)
        #expect(configuration.threads == nil)
        try configuration.validate()
    }

    @Test(arguments: [
        (0, 1), (1, 1), (7, 1), (8, 2), (9, 2), (16, 4), (100, 10), (5000, 71), (1_000_000, 1000),
    ])
    func defaultPartitionCountIsRoundedSquareRootCappedAtAQuarter(n: Int, expected: Int) {
        #expect(IndexConfiguration.defaultPartitionCount(for: n) == expected)
    }

    @Test func boundaryValuesAreAccepted() throws {
        try IndexConfiguration(dimension: 1).validate()
        try IndexConfiguration(dimension: 65_536).validate()
        try IndexConfiguration(
            dimension: 2, partitionCount: 1, kMeansIterations: 1, maxTrainingPointsPerCentroid: 1,
            maxTopLevelCentroids: 2, threads: 1
        ).validate()
        try IndexConfiguration(
            dimension: 2, partitionCount: 100_000_000, kMeansIterations: 1000, maxTrainingPointsPerCentroid: 1_000_000,
            maxTopLevelCentroids: 1_000_000, threads: 1024
        ).validate()
    }

    @Test(arguments: [
        (IndexConfiguration(dimension: 0), "dimension is 0"),
        (IndexConfiguration(dimension: -3), "dimension is -3"),
        (IndexConfiguration(dimension: 65_537), "dimension is 65537"),
        (IndexConfiguration(dimension: 4, partitionCount: 0), "partitionCount is 0"),
        (IndexConfiguration(dimension: 4, kMeansIterations: 0), "kMeansIterations is 0"),
        (IndexConfiguration(dimension: 4, kMeansIterations: 1001), "kMeansIterations is 1001"),
        (IndexConfiguration(dimension: 4, maxTrainingPointsPerCentroid: 0), "maxTrainingPointsPerCentroid is 0"),
        (IndexConfiguration(dimension: 4, maxTopLevelCentroids: 1), "maxTopLevelCentroids is 1"),
        (IndexConfiguration(dimension: 4, threads: 0), "threads is 0"),
        (IndexConfiguration(dimension: 4, threads: 1025), "threads is 1025"),
    ])
    func outOfRangeValuesAreRejectedByName(configuration: IndexConfiguration, fragment: String) {
        expectShoalError(.invalidArgument, containing: [fragment, "it must be in"]) {
            try configuration.validate()
        }
        expectShoalError(.invalidArgument, containing: [fragment]) {
            _ = try VectorIndex(configuration: configuration)
        }
        expectShoalError(.invalidArgument, containing: [fragment]) {
            _ = try VectorIndex.build(vectors: [], configuration: configuration)
        }
    }
}
