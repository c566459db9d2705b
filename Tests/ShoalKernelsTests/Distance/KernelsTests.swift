import ShoalKernels
import ShoalTestSupport
import Testing

/// The kernels of every instruction set this CPU runs, against a Double-precision scalar reference.
@Suite struct KernelsTests {
    static let instructionSets = InstructionSet.allCases.filter(\.isSupported)
    static let dimensions = [1, 3, 4, 7, 8, 15, 16, 17, 31, 100, 128, 784]
    static let rowCounts = [0, 1, 3, 4, 5, 9]
    /// Batch query counts: 1...9 take the register tiles; 67 (at least 64, the panel threshold at every
    /// dimension, and not a multiple of the 4-query tile) takes the packed panels.
    static let batchQueryCounts = Array(1...9) + [67]
    /// Batch row counts: with 37, the panel path at d = 784 spans more than one packed block.
    static let batchRowCounts = rowCounts + [37]
    /// 0: the buffers start where the allocation does; 1: one float later (not 16/32/64-byte aligned).
    static let offsets = [0, 1]
    static let sentinel: Float = 12345.5

    @Test(arguments: instructionSets, dimensions)
    func distancesMatchScalarReference(instructionSet: InstructionSet, dimension d: Int) {
        var random = SeededRandom(seed: 11 &+ UInt64(d))
        for offset in Self.offsets {
            for count in Self.rowCounts {
                let query = random.gaussianRows(1, dimension: d)
                let rows = random.gaussianRows(count, dimension: d)
                for metric in [KernelMetric.squaredL2, .negatedDot] {
                    let out = withShifted(query, offset) { q in
                        withShifted(rows, offset) { x in
                            collect(count, offset) { out in
                                Kernels.distances(
                                    metric, query: q, rows: x, count: count, dimension: d, out: out,
                                    instructionSet: instructionSet)
                            }
                        }
                    }
                    #expect(out.count == count)
                    for r in 0..<count {
                        let row = Array(rows[(r * d)..<((r + 1) * d)])
                        let (expected, scale) = reference(metric, query, row)
                        #expect(
                            abs(Double(out[r]) - expected) <= 1e-4 * scale,
                            "\(instructionSet) \(metric) d=\(d) count=\(count) offset=\(offset) row \(r): \(out[r]) vs \(expected)")
                    }
                }
            }
        }
    }

    @Test(arguments: instructionSets, dimensions)
    func squaredNormsMatchScalarReference(instructionSet: InstructionSet, dimension d: Int) {
        var random = SeededRandom(seed: 23 &+ UInt64(d))
        for offset in Self.offsets {
            for count in Self.rowCounts {
                let rows = random.gaussianRows(count, dimension: d)
                let out = withShifted(rows, offset) { x in
                    collect(count, offset) { out in
                        Kernels.squaredNorms(rows: x, count: count, dimension: d, out: out, instructionSet: instructionSet)
                    }
                }
                for r in 0..<count {
                    let expected = (0..<d).reduce(0.0) { $0 + Double(rows[r * d + $1]) * Double(rows[r * d + $1]) }
                    #expect(
                        abs(Double(out[r]) - expected) <= 1e-4 * expected,
                        "\(instructionSet) d=\(d) count=\(count) offset=\(offset) row \(r): \(out[r]) vs \(expected)")
                }
            }
        }
    }

    @Test(arguments: instructionSets, dimensions)
    func batchDistancesMatchScalarReference(instructionSet: InstructionSet, dimension d: Int) {
        var random = SeededRandom(seed: 37 &+ UInt64(d))
        for offset in Self.offsets {
            for queryCount in Self.batchQueryCounts {
                for rowCount in Self.batchRowCounts {
                    let queries = random.gaussianRows(queryCount, dimension: d)
                    let rows = random.gaussianRows(rowCount, dimension: d)
                    let queryNorms = scalarNorms(queries, d)
                    let rowNorms = scalarNorms(rows, d)
                    // A stride wider than the row count: the gap between lines must stay untouched.
                    let stride = rowCount + 2
                    for metric in [KernelMetric.squaredL2, .negatedDot] {
                        let out = withShifted(queries, offset) { q in
                            withShifted(rows, offset) { x in
                                withShifted(queryNorms, offset) { qn in
                                    withShifted(rowNorms, offset) { xn in
                                        collect(queryCount * stride, offset) { out in
                                            Kernels.batchDistances(
                                                metric, queries: q, queryNorms: metric == .squaredL2 ? qn : nil,
                                                queryCount: queryCount, rows: x,
                                                rowNorms: metric == .squaredL2 ? xn : nil, rowCount: rowCount,
                                                dimension: d, out: out, outStride: stride,
                                                instructionSet: instructionSet)
                                        }
                                    }
                                }
                            }
                        }
                        for i in 0..<queryCount {
                            let query = Array(queries[(i * d)..<((i + 1) * d)])
                            for r in 0..<rowCount {
                                let row = Array(rows[(r * d)..<((r + 1) * d)])
                                var (expected, scale) = reference(metric, query, row)
                                // The dot-product form of squared L2 cancels ‖q‖² + ‖x‖²: its error scales with those.
                                if metric == .squaredL2 { scale = max(scale, Double(queryNorms[i] + rowNorms[r])) }
                                let value = out[i * stride + r]
                                #expect(
                                    abs(Double(value) - expected) <= 1e-4 * scale,
                                    "\(instructionSet) \(metric) d=\(d) q=\(queryCount) rows=\(rowCount) offset=\(offset) (\(i), \(r)): \(value) vs \(expected)"
                                )
                            }
                            for gap in rowCount..<stride {
                                #expect(out[i * stride + gap] == Self.sentinel, "the kernel wrote outside its rows")
                            }
                        }
                    }
                }
            }
        }
    }

    @Test(arguments: instructionSets)
    func batchSquaredL2IsClampedAtZeroForIdenticalVectors(instructionSet: InstructionSet) {
        // ‖x‖² + ‖x‖² − 2⟨x, x⟩ rounds to tiny values of either sign; a distance is never negative.
        var random = SeededRandom(seed: 5)
        let d = 31
        let n = 64
        let rows = random.gaussianRows(n, dimension: d).enumerated().map { $0.element * Float(1 + $0.offset % 13) * 37 }
        let norms = scalarNorms(rows, d)
        var out = [Float](repeating: -1, count: n * n)
        rows.withUnsafeBufferPointer { x in
            norms.withUnsafeBufferPointer { norms in
                out.withUnsafeMutableBufferPointer { o in
                    Kernels.batchDistances(
                        .squaredL2, queries: x.baseAddress!, queryNorms: norms.baseAddress!, queryCount: n,
                        rows: x.baseAddress!, rowNorms: norms.baseAddress!, rowCount: n, dimension: d,
                        out: o.baseAddress!, outStride: n, instructionSet: instructionSet)
                }
            }
        }
        for i in 0..<n {
            #expect(out[i * n + i] >= 0, "row \(i) against itself: \(out[i * n + i])")
            #expect(out[i * n + i] <= 1e-5 * 2 * norms[i])
        }
    }

    @Test(arguments: instructionSets)
    func everyInstructionSetGivesNearlyTheSameDistances(instructionSet: InstructionSet) {
        var random = SeededRandom(seed: 99)
        let d = 100
        let query = random.gaussianRows(1, dimension: d)
        let rows = random.gaussianRows(9, dimension: d)
        for metric in [KernelMetric.squaredL2, .negatedDot] {
            let ours = withShifted(query, 0) { q in
                withShifted(rows, 0) { x in
                    collect(9, 0) { Kernels.distances(metric, query: q, rows: x, count: 9, dimension: d, out: $0, instructionSet: instructionSet) }
                }
            }
            let baseline = withShifted(query, 0) { q in
                withShifted(rows, 0) { x in
                    collect(9, 0) { Kernels.distances(metric, query: q, rows: x, count: 9, dimension: d, out: $0, instructionSet: .baseline) }
                }
            }
            for r in 0..<9 {
                #expect(abs(ours[r] - baseline[r]) <= 1e-4 * max(1, abs(baseline[r])))
            }
        }
    }

    @Test func defaultInstructionSetIsTheActiveOne() {
        var random = SeededRandom(seed: 3)
        let d = 17
        let query = random.gaussianRows(1, dimension: d)
        let rows = random.gaussianRows(4, dimension: d)
        let implicit = withShifted(query, 0) { q in
            withShifted(rows, 0) { x in
                collect(4, 0) { Kernels.distances(.squaredL2, query: q, rows: x, count: 4, dimension: d, out: $0) }
            }
        }
        let explicit = withShifted(query, 0) { q in
            withShifted(rows, 0) { x in
                collect(4, 0) {
                    Kernels.distances(.squaredL2, query: q, rows: x, count: 4, dimension: d, out: $0, instructionSet: .active)
                }
            }
        }
        #expect(implicit == explicit)
    }
}

// MARK: - Helpers

/// The exact value in Double, and the scale its rounding error is proportional to.
private func reference(_ metric: KernelMetric, _ q: [Float], _ x: [Float]) -> (value: Double, scale: Double) {
    switch metric {
    case .squaredL2:
        var s = 0.0
        for j in q.indices {
            let diff = Double(q[j]) - Double(x[j])
            s += diff * diff
        }
        return (s, s)
    case .negatedDot:
        var s = 0.0
        var magnitude = 0.0
        for j in q.indices {
            s += Double(q[j]) * Double(x[j])
            magnitude += abs(Double(q[j]) * Double(x[j]))
        }
        return (-s, magnitude)
    }
}

private func scalarNorms(_ rows: [Float], _ d: Int) -> [Float] {
    (0..<(rows.count / d)).map { r in
        Float((0..<d).reduce(0.0) { $0 + Double(rows[r * d + $1]) * Double(rows[r * d + $1]) })
    }
}

/// Copies `values` into a fresh allocation `offset` floats past its start and passes that pointer.
private func withShifted<R>(_ values: [Float], _ offset: Int, _ body: (UnsafePointer<Float>) -> R) -> R {
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: values.count + offset + 1)
    defer { buffer.deallocate() }
    buffer.initialize(repeating: .nan, count: values.count + offset + 1)
    (buffer + offset).update(from: values, count: values.count)
    return body(UnsafePointer(buffer + offset))
}

/// Runs `body` on an output buffer of `count` floats (offset like the inputs) pre-filled with a
/// sentinel, checks the float after the last was not written, and returns the `count` floats.
private func collect(
    _ count: Int, _ offset: Int, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: (UnsafeMutablePointer<Float>) -> Void
) -> [Float] {
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: count + offset + 1)
    defer { buffer.deallocate() }
    buffer.initialize(repeating: KernelsTests.sentinel, count: count + offset + 1)
    body(buffer + offset)
    #expect(buffer[offset + count] == KernelsTests.sentinel, "the kernel wrote past its output", sourceLocation: sourceLocation)
    return Array(UnsafeBufferPointer(start: buffer + offset, count: count))
}
