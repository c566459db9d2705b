import Testing

@testable import shoal

@Suite struct EvalRunnerTests {
    /// Every query is measured exactly once, by a calibration on all the other queries, and a
    /// small query set calibrates on nine tenths of itself.
    @Test(arguments: [32, 100, 511, 512, 1_000, 10_001])
    func calibrationFoldsMeasureEachQueryOnceAndCalibrateOnTheRest(queryCount: Int) {
        let folds = EvalRunner.calibrationFolds(queryCount: queryCount)
        #expect(folds.count == (queryCount >= 512 ? 2 : 10))
        var measured = [Int](repeating: 0, count: queryCount)
        for fold in folds {
            for q in fold.measured { measured[q] += 1 }
            let calibration = fold.calibration.flatMap { Array($0) }
            #expect(calibration.count + fold.measured.count == queryCount)
            #expect(Set(calibration).isDisjoint(with: fold.measured))
            #expect(calibration.count >= min(256, queryCount * 9 / 10))
        }
        #expect(measured.allSatisfy { $0 == 1 })
    }
}
