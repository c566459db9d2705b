import Shoal
import Testing

@Suite struct MaintenanceConfigurationTests {
    @Test func defaultsAreTheDocumentedOnes() throws {
        let configuration = MaintenanceConfiguration()
        #expect(configuration.automaticInterval == nil)
        #expect(configuration.minimumGainNanoseconds == 100)
        #expect(configuration.splitShare == 0.9)
        #expect(configuration.refinementRadius == 25)
        #expect(configuration.refinementBudget == 12)
        #expect(configuration.refinementIterations == 1)
        try configuration.validate()
    }

    @Test(arguments: [nil, 1e-9, 0.5, 1e6] as [Double?])
    func aRefinementBudgetInRangeOrNoneIsAccepted(budget: Double?) throws {
        try MaintenanceConfiguration(refinementBudget: budget).validate()
    }

    @Test(arguments: [0, -1, 1e6 + 1, .nan, .infinity] as [Double])
    func aRefinementBudgetOutOfRangeIsRejectedByName(budget: Double) {
        expectShoalError(.invalidArgument, containing: ["refinementBudget is", "it must be in"]) {
            try MaintenanceConfiguration(refinementBudget: budget).validate()
        }
    }
}
