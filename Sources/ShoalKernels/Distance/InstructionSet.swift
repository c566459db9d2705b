import ShoalShims

/// The instruction-set level whose kernels run on this machine.
///
/// Chosen once, at first use, from a CPU check (`cpuid` plus the operating system's support for the
/// wide registers). The environment variable `SHOAL_ISA` (`baseline`, `avx2`, `avx512`) can lower
/// the choice, for tests and benchmarks; asking for a level the CPU lacks falls back to the best it
/// has, so a binary never executes an instruction the CPU does not support.
public enum InstructionSet: String, Sendable, CaseIterable, Comparable {
    /// Baseline x86-64 (SSE2) or any other CPU: 4-wide vectors.
    case baseline
    /// AVX2 with FMA (Haswell and later): 8-wide vectors, fused multiply-add.
    case avx2
    /// AVX-512 F/CD/BW/DQ/VL (Skylake-SP and later): 16-wide vectors.
    case avx512

    /// The best level the CPU supports.
    public static let supported: InstructionSet = {
        switch shoal_detect_isa() {
        case Int32(SHOAL_ISA_AVX512): return .avx512
        case Int32(SHOAL_ISA_AVX2_FMA): return .avx2
        default: return .baseline
        }
    }()

    /// The level in use: `supported`, or lower when `SHOAL_ISA` asks for it.
    public static let active: InstructionSet = {
        guard let requested = getenv("SHOAL_ISA").map({ String(cString: $0).lowercased() }),
            let level = InstructionSet(rawValue: requested)
        else { return supported }
        return min(level, supported)
    }()

    /// Whether this CPU can run the level's kernels.
    public var isSupported: Bool { self <= InstructionSet.supported }

    private var rank: Int {
        switch self {
        case .baseline: return 0
        case .avx2: return 1
        case .avx512: return 2
        }
    }

    public static func < (lhs: InstructionSet, rhs: InstructionSet) -> Bool { lhs.rank < rhs.rank }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
