import Shoal

/// The one-byte code of a distance metric in the collection's files (the same codes as the core
/// index file format).
enum MetricCode {
    static func code(of metric: DistanceMetric) -> UInt8 {
        switch metric {
        case .l2: return 0
        case .innerProduct: return 1
        case .cosine: return 2
        }
    }

    static func metric(code: UInt8) -> DistanceMetric? {
        switch code {
        case 0: return .l2
        case 1: return .innerProduct
        case 2: return .cosine
        default: return nil
        }
    }
}
