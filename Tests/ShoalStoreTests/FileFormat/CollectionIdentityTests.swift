import Shoal
@testable import ShoalStore
import Testing

@Suite struct CollectionIdentityTests {
    private let identity = CollectionIdentity(
        configuration: IndexConfiguration(dimension: 96, metric: .cosine, partitionCount: 40, kMeansIterations: 7, seed: 5))

    @Test func roundTrips() throws {
        let bytes = identity.encoded()
        #expect(bytes.count == 64)
        let decoded = try CollectionIdentity(decoding: bytes, path: "COLLECTION")
        #expect(decoded.configuration.dimension == 96)
        #expect(decoded.configuration.metric == .cosine)
        #expect(decoded.configuration.partitionCount == 40)
        #expect(decoded.configuration.kMeansIterations == 7)
        #expect(decoded.configuration.seed == 5)
    }

    @Test func everyFlippedByteIsRejectedWithAPathAndOffset() {
        let bytes = identity.encoded()
        for position in 0..<bytes.count {
            var damaged = bytes
            damaged[position] ^= 0x10
            #expect(throws: StoreError.self) { try CollectionIdentity(decoding: damaged, path: "X/COLLECTION") }
            do {
                _ = try CollectionIdentity(decoding: damaged, path: "X/COLLECTION")
            } catch {
                #expect(error.path == "X/COLLECTION")
                #expect(error.offset != nil)
                #expect([StoreError.Code.corruptFile, .unsupportedVersion].contains(error.code))
            }
        }
    }

    @Test func everyTruncationIsRejected() {
        let bytes = identity.encoded()
        for length in 0..<bytes.count {
            #expect(throws: StoreError.self) { try CollectionIdentity(decoding: Array(bytes[0..<length]), path: "C") }
        }
    }

    @Test func aNewerVersionAsksForAnUpgrade() {
        var bytes = identity.encoded()
        bytes[8] = 9
        do {
            _ = try CollectionIdentity(decoding: bytes, path: "C")
            Issue.record("a newer version was accepted")
        } catch {
            #expect(error.code == .unsupportedVersion)
            #expect(error.message.contains("version 9"))
            #expect(error.message.contains("upgrade Shoal"))
        }
    }
}
