// SIMD kernel: one query against a block of rows. `@inline(__always)` generic bodies, instantiated
// by each instruction-set module so that they are compiled with that module's target CPU.

/// Squared Euclidean distance from one query to `count` consecutive rows.
///
/// - Parameters:
///   - query: `dimension` floats.
///   - rows: row-major, `count * dimension` floats, no padding, any alignment.
///   - out: receives `count` squared distances.
/// - Complexity: O(`count * dimension`); rows are processed four at a time so the query loads are
///   shared, with `V.scalarCount`-wide accumulators and a 4-wide, then scalar, tail.
@inlinable @inline(__always)
public func squaredL2Rows<V: FloatLane>(
    _ lane: V.Type, query: UnsafePointer<Float>, rows: UnsafePointer<Float>, count: Int, dimension d: Int,
    out: UnsafeMutablePointer<Float>
) {
    let w = V.scalarCount
    let vectorEnd = d - d % w
    let quadEnd = d - d % 4
    var i = 0
    var r0 = rows  // row i, advanced by 4 rows per step
    while i &+ 4 <= count {
        let r1 = r0 + d
        let r2 = r1 + d
        let r3 = r2 + d
        var a0 = V()
        var a1 = V()
        var a2 = V()
        var a3 = V()
        var j = 0
        while j < vectorEnd {
            let q = loadLane(V.self, query, j)
            let t0 = q - loadLane(V.self, r0, j)
            let t1 = q - loadLane(V.self, r1, j)
            let t2 = q - loadLane(V.self, r2, j)
            let t3 = q - loadLane(V.self, r3, j)
            a0 = V.multiplyAdd(a0, t0, t0)
            a1 = V.multiplyAdd(a1, t1, t1)
            a2 = V.multiplyAdd(a2, t2, t2)
            a3 = V.multiplyAdd(a3, t3, t3)
            j &+= w
        }
        var s0 = a0.laneSum
        var s1 = a1.laneSum
        var s2 = a2.laneSum
        var s3 = a3.laneSum
        if j < quadEnd {  // 4-wide tail; skipped (with its horizontal sums) when d % w < 4
            var b0 = SIMD4<Float>()
            var b1 = SIMD4<Float>()
            var b2 = SIMD4<Float>()
            var b3 = SIMD4<Float>()
            while j < quadEnd {
                let q = loadLane(SIMD4<Float>.self, query, j)
                let t0 = q - loadLane(SIMD4<Float>.self, r0, j)
                let t1 = q - loadLane(SIMD4<Float>.self, r1, j)
                let t2 = q - loadLane(SIMD4<Float>.self, r2, j)
                let t3 = q - loadLane(SIMD4<Float>.self, r3, j)
                b0 = SIMD4.multiplyAdd(b0, t0, t0)
                b1 = SIMD4.multiplyAdd(b1, t1, t1)
                b2 = SIMD4.multiplyAdd(b2, t2, t2)
                b3 = SIMD4.multiplyAdd(b3, t3, t3)
                j &+= 4
            }
            s0 += b0.laneSum
            s1 += b1.laneSum
            s2 += b2.laneSum
            s3 += b3.laneSum
        }
        while j < d {
            let q = query[j]
            let t0 = q - r0[j]
            let t1 = q - r1[j]
            let t2 = q - r2[j]
            let t3 = q - r3[j]
            s0 += t0 * t0
            s1 += t1 * t1
            s2 += t2 * t2
            s3 += t3 * t3
            j &+= 1
        }
        out[i] = s0
        out[i &+ 1] = s1
        out[i &+ 2] = s2
        out[i &+ 3] = s3
        i &+= 4
        r0 = r3 + d
    }
    while i < count {
        out[i] = squaredL2Row(V.self, query, rows + i &* d, d)
        i &+= 1
    }
}

/// Squared Euclidean distance between two vectors of `d` floats.
@inlinable @inline(__always)
public func squaredL2Row<V: FloatLane>(
    _: V.Type, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int
) -> Float {
    let w = V.scalarCount
    var acc0 = V()
    var acc1 = V()
    var j = 0
    while j &+ 2 &* w <= d {
        let t0 = loadLane(V.self, a, j) - loadLane(V.self, b, j)
        let t1 = loadLane(V.self, a, j &+ w) - loadLane(V.self, b, j &+ w)
        acc0 = V.multiplyAdd(acc0, t0, t0)
        acc1 = V.multiplyAdd(acc1, t1, t1)
        j &+= 2 &* w
    }
    if j &+ w <= d {
        let t0 = loadLane(V.self, a, j) - loadLane(V.self, b, j)
        acc0 = V.multiplyAdd(acc0, t0, t0)
        j &+= w
    }
    var quad = SIMD4<Float>()
    while j &+ 4 <= d {
        let t = loadLane(SIMD4<Float>.self, a, j) - loadLane(SIMD4<Float>.self, b, j)
        quad = SIMD4.multiplyAdd(quad, t, t)
        j &+= 4
    }
    var s = (acc0 + acc1).laneSum + quad.laneSum
    while j < d {
        let t = a[j] - b[j]
        s += t * t
        j &+= 1
    }
    return s
}

/// Dot products of one query with `count` consecutive rows, written negated (`-⟨q, x⟩`) so that
/// smaller is better for every metric.
///
/// - Parameters: as `squaredL2Rows`.
/// - Complexity: O(`count * dimension`), four rows at a time.
@inlinable @inline(__always)
public func negatedDotRows<V: FloatLane>(
    _ lane: V.Type, query: UnsafePointer<Float>, rows: UnsafePointer<Float>, count: Int, dimension d: Int,
    out: UnsafeMutablePointer<Float>
) {
    let w = V.scalarCount
    let vectorEnd = d - d % w
    let quadEnd = d - d % 4
    var i = 0
    var r0 = rows  // row i, advanced by 4 rows per step
    while i &+ 4 <= count {
        let r1 = r0 + d
        let r2 = r1 + d
        let r3 = r2 + d
        var a0 = V()
        var a1 = V()
        var a2 = V()
        var a3 = V()
        var j = 0
        while j < vectorEnd {
            let q = loadLane(V.self, query, j)
            a0 = V.multiplyAdd(a0, q, loadLane(V.self, r0, j))
            a1 = V.multiplyAdd(a1, q, loadLane(V.self, r1, j))
            a2 = V.multiplyAdd(a2, q, loadLane(V.self, r2, j))
            a3 = V.multiplyAdd(a3, q, loadLane(V.self, r3, j))
            j &+= w
        }
        var s0 = a0.laneSum
        var s1 = a1.laneSum
        var s2 = a2.laneSum
        var s3 = a3.laneSum
        if j < quadEnd {  // 4-wide tail; skipped (with its horizontal sums) when d % w < 4
            var b0 = SIMD4<Float>()
            var b1 = SIMD4<Float>()
            var b2 = SIMD4<Float>()
            var b3 = SIMD4<Float>()
            while j < quadEnd {
                let q = loadLane(SIMD4<Float>.self, query, j)
                b0 = SIMD4.multiplyAdd(b0, q, loadLane(SIMD4<Float>.self, r0, j))
                b1 = SIMD4.multiplyAdd(b1, q, loadLane(SIMD4<Float>.self, r1, j))
                b2 = SIMD4.multiplyAdd(b2, q, loadLane(SIMD4<Float>.self, r2, j))
                b3 = SIMD4.multiplyAdd(b3, q, loadLane(SIMD4<Float>.self, r3, j))
                j &+= 4
            }
            s0 += b0.laneSum
            s1 += b1.laneSum
            s2 += b2.laneSum
            s3 += b3.laneSum
        }
        while j < d {
            let q = query[j]
            s0 += q * r0[j]
            s1 += q * r1[j]
            s2 += q * r2[j]
            s3 += q * r3[j]
            j &+= 1
        }
        out[i] = -s0
        out[i &+ 1] = -s1
        out[i &+ 2] = -s2
        out[i &+ 3] = -s3
        i &+= 4
        r0 = r3 + d
    }
    while i < count {
        out[i] = -dotRow(V.self, query, rows + i &* d, d)
        i &+= 1
    }
}

/// Dot product of two vectors of `d` floats.
@inlinable @inline(__always)
public func dotRow<V: FloatLane>(_: V.Type, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
    let w = V.scalarCount
    var acc0 = V()
    var acc1 = V()
    var j = 0
    while j &+ 2 &* w <= d {
        acc0 = V.multiplyAdd(acc0, loadLane(V.self, a, j), loadLane(V.self, b, j))
        acc1 = V.multiplyAdd(acc1, loadLane(V.self, a, j &+ w), loadLane(V.self, b, j &+ w))
        j &+= 2 &* w
    }
    if j &+ w <= d {
        acc0 = V.multiplyAdd(acc0, loadLane(V.self, a, j), loadLane(V.self, b, j))
        j &+= w
    }
    var quad = SIMD4<Float>()
    while j &+ 4 <= d {
        quad = SIMD4.multiplyAdd(quad, loadLane(SIMD4<Float>.self, a, j), loadLane(SIMD4<Float>.self, b, j))
        j &+= 4
    }
    var s = (acc0 + acc1).laneSum + quad.laneSum
    while j < d {
        s += a[j] * b[j]
        j &+= 1
    }
    return s
}

/// Squared norms `‖x‖²` of `count` consecutive rows.
/// - Complexity: O(`count * dimension`).
@inlinable @inline(__always)
public func squaredNormRows<V: FloatLane>(
    _ lane: V.Type, rows: UnsafePointer<Float>, count: Int, dimension d: Int, out: UnsafeMutablePointer<Float>
) {
    var i = 0
    while i < count {
        let r = rows + i &* d
        out[i] = dotRow(V.self, r, r, d)
        i &+= 1
    }
}
