import ShoalKernels
import Testing

@Suite struct InstructionSetTests {
    @Test func levelsAreOrderedBaselineThenAVX2ThenAVX512() {
        #expect(InstructionSet.baseline < .avx2)
        #expect(InstructionSet.avx2 < .avx512)
        #expect(InstructionSet.allCases.sorted() == [.baseline, .avx2, .avx512])
    }

    @Test func baselineAndTheDetectedLevelAreSupported() {
        #expect(InstructionSet.baseline.isSupported)
        #expect(InstructionSet.supported.isSupported)
    }

    @Test func supportIsEveryLevelUpToTheDetectedOne() {
        for level in InstructionSet.allCases {
            #expect(level.isSupported == (level <= InstructionSet.supported))
        }
    }

    @Test func activeLevelNeverExceedsTheSupportedOne() {
        #expect(InstructionSet.active <= InstructionSet.supported)
        #expect(InstructionSet.active.isSupported)
    }

    @Test func rawValuesAreTheNamesUsedBySHOAL_ISA() {
        #expect(InstructionSet(rawValue: "baseline") == .baseline)
        #expect(InstructionSet(rawValue: "avx2") == .avx2)
        #expect(InstructionSet(rawValue: "avx512") == .avx512)
        #expect(InstructionSet(rawValue: "sse") == nil)
    }
}
