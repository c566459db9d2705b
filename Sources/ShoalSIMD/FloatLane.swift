// The SIMD vocabulary the kernels are written in: a vector of Float lanes with a multiply-add that
// is one fused instruction where the target has FMA (never a libm call where it has not).
import ShoalShims

/// A SIMD vector of `Float` that the distance kernels can accumulate in.
///
/// Conformers: `SIMD16<Float>` (AVX-512: one zmm register), `SIMD8<Float>` (AVX2: one ymm register;
/// two xmm registers on the baseline target) and `SIMD4<Float>` (tails).
public protocol FloatLane: SIMD where Scalar == Float {
    /// `accumulator + a * b`, fused where the target CPU has FMA.
    static func multiplyAdd(_ accumulator: Self, _ a: Self, _ b: Self) -> Self
    /// The sum of all lanes.
    var laneSum: Float { get }
}

extension SIMD16: FloatLane where Scalar == Float {
    @inlinable @inline(__always)
    public static func multiplyAdd(_ accumulator: Self, _ a: Self, _ b: Self) -> Self {
        shoal_madd16(accumulator, a, b)
    }

    @inlinable @inline(__always)
    public var laneSum: Float { shoal_hsum16(self) }
}

extension SIMD8: FloatLane where Scalar == Float {
    @inlinable @inline(__always)
    public static func multiplyAdd(_ accumulator: Self, _ a: Self, _ b: Self) -> Self {
        shoal_madd8(accumulator, a, b)
    }

    @inlinable @inline(__always)
    public var laneSum: Float { shoal_hsum8(self) }
}

extension SIMD4: FloatLane where Scalar == Float {
    @inlinable @inline(__always)
    public static func multiplyAdd(_ accumulator: Self, _ a: Self, _ b: Self) -> Self {
        shoal_madd4(accumulator, a, b)
    }

    @inlinable @inline(__always)
    public var laneSum: Float { (self.x + self.z) + (self.y + self.w) }
}

/// Loads `V` from `base + index` floats; no alignment is required.
@inlinable @inline(__always)
func loadLane<V: FloatLane>(_: V.Type, _ base: UnsafePointer<Float>, _ index: Int) -> V {
    UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index &* 4, as: V.self)
}
