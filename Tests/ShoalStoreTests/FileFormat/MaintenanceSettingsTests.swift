import Foundation
import Shoal
@testable import ShoalStore
import Testing

@Suite struct MaintenanceSettingsTests {
    private let settings = MaintenanceConfiguration(
        automaticInterval: 250, minimumGainNanoseconds: 12.5, splitShare: 0.7, minimumSplitSize: 64,
        mergeBelowShareOfMean: 0.25, refinementRadius: 7, refinementIterations: 3, costK: 20,
        costCacheDirectory: "/tmp/odd\\dir\nname", adjustsLevels: false)
    private var allFieldsChanged: MaintenanceConfiguration {
        var changed = settings
        changed.maximumActionsPerPass = 3
        changed.refinementBudget = 2.5
        return changed
    }

    @Test func roundTripsEveryField() throws {
        let decoded = try MaintenanceSettings.decode(MaintenanceSettings.encoded(allFieldsChanged), path: "M")
        #expect(decoded == allFieldsChanged)
        let defaults = try MaintenanceSettings.decode(MaintenanceSettings.encoded(MaintenanceConfiguration()), path: "M")
        #expect(defaults == MaintenanceConfiguration())
        var unbounded = allFieldsChanged
        unbounded.refinementBudget = nil
        #expect(try MaintenanceSettings.decode(MaintenanceSettings.encoded(unbounded), path: "M") == unbounded)
    }

    /// A field added to MaintenanceConfiguration must be added to the file too.
    @Test func everyPropertyIsStored() {
        let properties = Mirror(reflecting: MaintenanceConfiguration()).children.compactMap(\.label)
        #expect(Set(properties) == Set(MaintenanceSettings.keys))
    }

    @Test func everyFlippedByteIsRejected() {
        let bytes = MaintenanceSettings.encoded(settings)
        for position in 0..<bytes.count {
            var damaged = bytes
            damaged[position] ^= 0x01
            do {
                _ = try MaintenanceSettings.decode(damaged, path: "X/MAINTENANCE")
                Issue.record("a flipped byte at \(position) was accepted")
            } catch {
                #expect(error.code == .corruptFile)
                #expect(error.path == "X/MAINTENANCE")
            }
        }
    }

    @Test func unknownKeysAreIgnoredAndMissingKeysTakeDefaults() throws {
        let text = "# written by a newer Shoal\nsplitShare=0.5\nsomethingNew=42\n"
        var bytes = Array(text.utf8)
        let crc = bytes.withUnsafeBytes { CRC32C.checksum($0) }
        bytes += Array("crc32c=\(String(crc, radix: 16))\n".utf8)
        let decoded = try MaintenanceSettings.decode(bytes, path: "M")
        var expected = MaintenanceConfiguration()
        expected.splitShare = 0.5
        #expect(decoded == expected)
    }

    @Test func outOfRangeValuesAreCorruption() {
        var bytes = Array("splitShare=7\n".utf8)
        let crc = bytes.withUnsafeBytes { CRC32C.checksum($0) }
        bytes += Array("crc32c=\(String(crc, radix: 16))\n".utf8)
        #expect(throws: StoreError.self) { try MaintenanceSettings.decode(bytes, path: "M") }
    }

    @Test func aCollectionKeepsItsSettingsAcrossReopens() throws {
        let dir = TemporaryDirectory()
        var configuration = TestData.configuration(dimension: 4)
        configuration.maintenance = settings
        let created = try DurableCollection.create(at: dir.file("c"), configuration: configuration)
        created.close()
        let (reopened, _) = try DurableCollection.open(at: dir.file("c"))
        #expect(reopened.configuration.maintenance == settings)
        reopened.close()

        var changed = MaintenanceConfiguration()
        changed.automaticInterval = 10
        let (overridden, _) = try DurableCollection.open(at: dir.file("c"), options: OpenOptions(maintenance: changed))
        #expect(overridden.configuration.maintenance == changed)
        overridden.close()
        let (again, _) = try DurableCollection.open(at: dir.file("c"), options: OpenOptions(mode: .readOnly))
        #expect(again.configuration.maintenance == changed)
        again.close()
    }

    @Test func settingsRequestedAtCreateApplyAtOnceAndAreStored() throws {
        let dir = TemporaryDirectory()
        let created = try DurableCollection.create(
            at: dir.file("c"), configuration: TestData.configuration(dimension: 4), options: OpenOptions(maintenance: settings))
        #expect(created.configuration.maintenance == settings)
        created.close()
        let (reopened, _) = try DurableCollection.open(at: dir.file("c"))
        #expect(reopened.configuration.maintenance == settings)
        reopened.close()
    }

    @Test func invalidRequestedSettingsAreRefusedBeforeAnythingChanges() throws {
        let dir = TemporaryDirectory()
        try DurableCollection.create(at: dir.file("c"), configuration: TestData.configuration(dimension: 4)).close()
        var bad = MaintenanceConfiguration()
        bad.splitShare = 2
        #expect(throws: StoreError.self) {
            try DurableCollection.open(at: dir.file("c"), options: OpenOptions(maintenance: bad))
        }
        let (reopened, _) = try DurableCollection.open(at: dir.file("c"))
        #expect(reopened.configuration.maintenance == MaintenanceConfiguration())
        reopened.close()
    }

    @Test func aDamagedSettingsFileFailsVerifyAndOpen() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("c")
        try DurableCollection.create(at: path, configuration: TestData.configuration(dimension: 4)).close()
        #expect(DurableCollection.verify(at: path).isValid)
        let file = path + "/MAINTENANCE"
        var bytes = try #require(FileManager.default.contents(atPath: file))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: file))
        let report = DurableCollection.verify(at: path)
        #expect(!report.isValid)
        #expect(report.problems.contains { $0.contains("MAINTENANCE") })
        #expect(throws: StoreError.self) { try DurableCollection.open(at: path) }
    }
}
