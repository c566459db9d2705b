@testable import Shoal
import Testing

@Suite struct CostDeltasTests {
    /// The worked example of the Quake paper ([Rev] §4.2.4, brief §2.11), in microseconds.
    let lambda: (Int) -> Double = { size in
        switch size {
        case 50: return 250
        case 250: return 550
        case 450: return 1050
        case 500: return 1200
        default: return .nan
        }
    }

    @Test func workedExampleEstimatesBothSplitsAsWorthwhile() {
        let estimate = CostDeltas.splitEstimate(size: 500, frequency: 0.10, alpha: 0.5, overhead: 60, cost: lambda)
        #expect(abs(estimate - -5) < 1e-9)
        #expect(estimate < -4)
    }

    @Test func workedExampleCommitsTheBalancedSplit() {
        let verified = CostDeltas.splitVerified(
            size: 500, childSizes: (250, 250), frequency: 0.10, alpha: 0.5, overhead: 60, cost: lambda)
        #expect(abs(verified - -5) < 1e-9)
        #expect(verified < -4)
    }

    @Test func workedExampleRejectsTheLopsidedSplit() {
        // The paper charges each child α·A: 60 − 120 + 0.05·(1050 + 250) = +5. Shoal charges a child
        // its size share to the power log α / log ½ (here 1): 60 − 120 + 0.1·(0.9·1050 + 0.1·250) = +37.
        let verified = CostDeltas.splitVerified(
            size: 500, childSizes: (450, 50), frequency: 0.10, alpha: 0.5, overhead: 60, cost: lambda)
        #expect(abs(verified - 37) < 1e-9)
        #expect(!(verified < -4))
    }

    @Test func anAffineCostRejectsLopsidedSplitsButNotBalancedOnes() {
        // λ(s) = 100 + 10 s: the paper's α·A-per-child check gives the same change for every division.
        let affine: (Int) -> Double = { 100 + 10 * Double($0) }
        let balanced = CostDeltas.splitVerified(
            size: 1000, childSizes: (500, 500), frequency: 0.2, alpha: 0.9, overhead: 10, cost: affine)
        let lopsided = CostDeltas.splitVerified(
            size: 1000, childSizes: (990, 10), frequency: 0.2, alpha: 0.9, overhead: 10, cost: affine)
        let estimate = CostDeltas.splitEstimate(size: 1000, frequency: 0.2, alpha: 0.9, overhead: 10, cost: affine)
        #expect(abs(balanced - estimate) < 1e-9)
        #expect(balanced < -100)
        #expect(lopsided > -100)
        #expect(lopsided > balanced)
    }

    @Test func childShareIsAlphaForHalfAndGrowsWithTheFraction() {
        #expect(abs(CostDeltas.childShare(fraction: 0.5, alpha: 0.9) - 0.9) < 1e-12)
        #expect(abs(CostDeltas.childShare(fraction: 0.5, alpha: 0.5) - 0.5) < 1e-12)
        #expect(CostDeltas.childShare(fraction: 0, alpha: 0.9) == 0)
        #expect(CostDeltas.childShare(fraction: 1, alpha: 0.9) == 1)
        #expect(CostDeltas.childShare(fraction: 0.2, alpha: 0.9) < CostDeltas.childShare(fraction: 0.3, alpha: 0.9))
    }

    @Test func mergeChargesEachReceiverOnlyItsShare() {
        let linear: (Int) -> Double = { Double($0) }
        let delta = CostDeltas.mergeVerified(
            size: 10, frequency: 0.5,
            receivers: [.init(size: 100, frequency: 0.2, received: 6), .init(size: 50, frequency: 0.1, received: 4)],
            overhead: -1, cost: linear)
        // −1 − 0.5·10 + (0.2 + 0.3)·106 − 0.2·100 + (0.1 + 0.2)·54 − 0.1·50
        let first: Double = 0.5 * 106 - 20
        let second: Double = 0.3 * 54 - 5
        let expected: Double = -6 + first + second
        #expect(abs(delta - expected) < 1e-9)
    }

    @Test func gridCostInterpolatesAndExtrapolatesLinearly() {
        let grid = GridScanCost(sizes: [16, 32, 64], ks: [1, 2, 4], nanoseconds: [[10, 20, 40], [20, 40, 80], [40, 80, 160]])
        #expect(grid.latency(size: 48, k: 1) == 30)
        #expect(grid.latency(size: 128, k: 1) == 80)
        #expect(grid.latency(size: 48, k: 3) == 90)
        #expect(grid.latency(size: 0, k: 1) == 0)
        #expect(grid.latency(size: 8, k: 1) == 5)
    }
}
