@testable import Shoal
import Testing

@Suite struct RecallModelTests {
    @Test func incompleteBetaMatchesClosedForms() {
        // I_x(1, 1) = x; I_x(a, 1) = x^a; I_½(a, a) = ½.
        for x in stride(from: 0.05, through: 0.95, by: 0.1) {
            #expect(abs(IncompleteBeta.regularized(x, a: 1, b: 1) - x) < 1e-9)
            #expect(abs(IncompleteBeta.regularized(x, a: 3, b: 1) - x * x * x) < 1e-9)
        }
        for a in [0.5, 2.0, 50.5, 392.5] {
            #expect(abs(IncompleteBeta.regularized(0.5, a: a, b: a) - 0.5) < 1e-9)
        }
        #expect(IncompleteBeta.regularized(0, a: 2, b: 0.5) == 0)
        #expect(IncompleteBeta.regularized(1, a: 2, b: 0.5) == 1)
    }

    @Test(arguments: [2, 16, 128, 784])
    func capFractionIsHalfAtTheCentreAndZeroAtTheRadius(dimension: Int) {
        let table = CapVolumeTable.table(for: dimension)
        #expect(abs(table.fraction(distance: 0, radius: 1) - 0.5) < 1e-6)
        #expect(table.fraction(distance: 1, radius: 1) == 0)
        #expect(table.fraction(distance: 2, radius: 1) == 0)
        var previous: Float = 1
        for step in 0...20 {
            let value = table.fraction(distance: Float(step) / 20, radius: 1)
            #expect(value <= previous + 1e-6)
            previous = value
        }
        #expect(table.fraction(distance: 5, radius: .infinity) == 0.5)
    }

    @Test func tablesAreKeptPerDimension() {
        let small = CapVolumeTable.table(for: 4)
        let large = CapVolumeTable.table(for: 400)
        #expect(small.dimension == 4 && large.dimension == 400)
        // In high dimension a plane at 0.3 ρ cuts off far less of the ball.
        #expect(large.fraction(distance: 0.3, radius: 1) < small.fraction(distance: 0.3, radius: 1))
        #expect(CapVolumeTable.table(for: 4) === small)
    }

    @Test func oneCandidateGetsProbabilityOne() {
        let model = PartitionProbabilities(squaredDistances: [4], separations: [0], table: .table(for: 8))
        #expect(model.probabilities(radius: 3) == [1])
    }

    @Test func aZeroRadiusPutsEverythingInTheNearestPartition() {
        let model = PartitionProbabilities(squaredDistances: [1, 2, 3], separations: [0, 1, 1], table: .table(for: 8))
        #expect(model.probabilities(radius: 0) == [1, 0, 0])
    }

    @Test func probabilitiesSumToOneAndFallWithDistance() {
        let model = PartitionProbabilities(
            squaredDistances: [1, 1.5, 3, 6, 20], separations: [0, 1, 1.5, 2, 4], table: .table(for: 16))
        for radius: Float in [0.5, 1, 2, .infinity] {
            let p = model.probabilities(radius: radius)
            #expect(abs(p.reduce(0, +) - 1) < 1e-5)
            #expect(p[1] >= p[2] && p[2] >= p[3] && p[3] >= p[4])
        }
        // While fewer than k results are known (infinite radius) every cap is half the ball.
        let open = model.probabilities(radius: .infinity)
        #expect(abs(open[0] - 0.0625) < 1e-6)
    }

    @Test func calibrationPicksTheSmallestThresholdThatMeetsTheTarget() {
        let calibration = RecallCalibration(traces: [
            [(0.5, 0.6), (0.8, 0.8), (0.95, 1.0)],
            [(0.4, 0.5), (0.9, 0.9), (0.99, 1.0)],
        ])
        #expect(abs(calibration.meanRecall(threshold: 0) - 0.55) < 1e-6)
        #expect(abs(calibration.meanRecall(threshold: 0.85) - 0.95) < 1e-6)
        let threshold = calibration.threshold(for: 0.85)
        #expect(calibration.meanRecall(threshold: threshold) >= 0.85)
        #expect(calibration.meanRecall(threshold: threshold - 0.01) < 0.85)
        let plan = calibration.plan(for: 0.75)
        #expect(plan.low <= plan.high)
        let mixed = (0..<1000).map { Double(calibration.meanRecall(threshold: plan.threshold(sequence: $0))) }
        #expect(abs(mixed.reduce(0, +) / 1000 - 0.75) < 0.01)
    }

    /// The plan takes the cheapest rule on the sample: a floor (a fixed nprobe, here) where the
    /// model's first estimate misleads, plain APS (floor 1) where it ranks queries well.
    @Test func thePlanChoosesTheCheapestFloor() {
        // Query A's first estimate is high but its recall low; B's is low. Plain APS must wait for
        // 0.92 to keep A from stopping at 1 partition, which makes B read 3; a floor of 2 with
        // threshold 0 reads 2 for each.
        let misleading = RecallCalibration(traces: [
            [(0.9, 0.5), (0.92, 1.0), (0.99, 1.0)],
            [(0.3, 0.5), (0.6, 1.0), (0.99, 1.0)],
        ])
        #expect(misleading.meanCost(threshold: misleading.threshold(for: 1), floor: 1) == 2.5)
        let fixed = misleading.plan(for: 1)
        #expect(fixed.floor == 2)
        #expect(misleading.meanRecall(threshold: fixed.high, floor: fixed.floor) == 1)
        #expect(misleading.meanCost(threshold: fixed.high, floor: fixed.floor) == 2)
        // A sample of stored vectors calibrates plain APS only.
        let stored = RecallCalibration(traces: misleading.traces, allowsFloors: false).plan(for: 1)
        #expect(stored.floor == 1)
        #expect(misleading.meanRecall(threshold: stored.high, floor: 1) == 1)
        // Here the first estimate is right: A stops after 1 partition, B after 2.
        let telling = RecallCalibration(traces: [
            [(0.95, 1.0), (0.97, 1.0), (0.99, 1.0)],
            [(0.2, 0.5), (0.95, 1.0), (0.99, 1.0)],
        ])
        let adaptive = telling.plan(for: 1)
        #expect(adaptive.floor == 1)
        #expect(telling.meanRecall(threshold: adaptive.high, floor: 1) == 1)
        #expect(telling.meanCost(threshold: adaptive.high, floor: 1) == 1.5)
        // A rule that outlasts a trace counts its length (or the floor) and recall 1.
        #expect(telling.meanCost(threshold: 2, floor: 1) == 3)
        #expect(telling.meanCost(threshold: 2, floor: 5) == 5)
        #expect(telling.meanRecall(threshold: 2, floor: 5) == 1)
        #expect(telling.stopLength(threshold: 0, floor: 2, quantile: 0) == 2)
    }
}
