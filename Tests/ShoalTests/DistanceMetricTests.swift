@testable import Shoal
import Testing

@Suite struct DistanceMetricTests {
    @Test func rawValuesAreTheShortNames() {
        #expect(DistanceMetric.allCases.map(\.rawValue) == ["l2", "ip", "cosine"])
        #expect(DistanceMetric(rawValue: "ip") == .innerProduct)
    }

    @Test func onlyL2PrefersSmallerScores() {
        #expect(!DistanceMetric.l2.higherIsBetter)
        #expect(DistanceMetric.innerProduct.higherIsBetter)
        #expect(DistanceMetric.cosine.higherIsBetter)
    }

    @Test func paddingIsTheWorstPossibleScore() {
        #expect(DistanceMetric.l2.paddingScore == .infinity)
        #expect(DistanceMetric.innerProduct.paddingScore == -.infinity)
        #expect(DistanceMetric.cosine.paddingScore == -.infinity)
    }

    @Test func reportedScoresAreEuclideanDistanceOrSimilarity() {
        #expect(DistanceMetric.l2.reportedScore(9) == 3)
        #expect(DistanceMetric.innerProduct.reportedScore(-2.5) == 2.5)
        #expect(DistanceMetric.cosine.reportedScore(0.5) == -0.5)
    }

    @Test func onlyCosineNormalizes() {
        #expect(DistanceMetric.cosine.normalizes)
        #expect(!DistanceMetric.l2.normalizes)
        #expect(!DistanceMetric.innerProduct.normalizes)
        #expect(DistanceMetric.l2.kernelMetric == .squaredL2)
        #expect(DistanceMetric.innerProduct.kernelMetric == .negatedDot)
        #expect(DistanceMetric.cosine.kernelMetric == .negatedDot)
    }
}
