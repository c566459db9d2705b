/// Hand-written SVG line charts (no dependencies): stacked panels sharing an x axis, each with
/// axes, ticks, labels, a legend, optional horizontal band and reference lines.
struct SVGChart {
    struct Series {
        var name: String
        var color: String
        var points: [(x: Double, y: Double)]
        /// Draw a marker at every point as well as the line.
        var markers = false
    }

    struct Panel {
        var title: String
        var yLabel: String
        var series: [Series]
        /// A shaded horizontal band (e.g. the recall target ± tolerance).
        var band: (low: Double, high: Double, label: String)?
        /// Dashed horizontal reference lines.
        var lines: [(y: Double, label: String)] = []
        /// Fixed y range; computed from the data (and band) when nil.
        var yRange: (low: Double, high: Double)?
        /// Counts: ticks at whole numbers only.
        var integer = false
        /// Start the y axis at 0 (times).
        var zeroBased = false
    }

    var title: String
    var xLabel: String
    var panels: [Panel]
    /// Fixed x range shared by the panels; computed from the data when nil.
    var xRange: (low: Double, high: Double)?
    var width = 960.0
    var panelHeight = 280.0

    private let left = 78.0
    private let right = 24.0
    private let top = 44.0
    private let gap = 64.0

    func render() -> String {
        let height = top + Double(panels.count) * (panelHeight + gap)
        var out: [String] = []
        out.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" "
                + "viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">")
        out.append("<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"white\"/>")
        out.append("<text x=\"\(n(width / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">\(escape(title))</text>")
        let allX = panels.flatMap { $0.series.flatMap { $0.points.map(\.x) } }
        let xLow = xRange?.low ?? allX.min() ?? 0
        let xHigh = max(xRange?.high ?? allX.max() ?? 1, xLow + 1)
        for (i, panel) in panels.enumerated() {
            let y0 = top + Double(i) * (panelHeight + gap) + 20
            out += renderPanel(panel, originY: y0, xRange: (xLow, xHigh))
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    private func renderPanel(_ panel: Panel, originY: Double, xRange: (Double, Double)) -> [String] {
        var out: [String] = []
        let plotWidth = width - left - right
        let plotHeight = panelHeight - 40
        let ys = panel.series.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
        var low = panel.yRange?.low ?? (ys.min() ?? 0)
        var high = panel.yRange?.high ?? (ys.max() ?? 1)
        if panel.yRange == nil {
            if let band = panel.band {
                low = min(low, band.low)
                high = max(high, band.high)
            }
            for line in panel.lines {
                low = min(low, line.y)
                high = max(high, line.y)
            }
            if low == high {
                low -= 1
                high += 1
            }
            let pad = (high - low) * 0.05
            low -= pad
            high += pad
            if (low < 0 || panel.zeroBased), (ys.min() ?? 0) >= 0 { low = 0 }
        }
        let yTicks = ticks(low, high, integer: panel.integer)
        if panel.yRange == nil, let first = yTicks.first, let last = yTicks.last {
            low = min(low, first)
            high = max(high, last)
        }
        func px(_ x: Double) -> Double { left + (x - xRange.0) / (xRange.1 - xRange.0) * plotWidth }
        func py(_ y: Double) -> Double { originY + plotHeight - (y - low) / (high - low) * plotHeight }

        out.append("<text x=\"\(n(left))\" y=\"\(n(originY - 8))\" font-size=\"14\" font-weight=\"bold\">\(escape(panel.title))</text>")
        out.append(
            "<rect x=\"\(n(left))\" y=\"\(n(originY))\" width=\"\(n(plotWidth))\" height=\"\(n(plotHeight))\" fill=\"#fafafa\" stroke=\"#888\"/>")
        if let band = panel.band {
            let yTop = py(min(high, band.high))
            let yBottom = py(max(low, band.low))
            out.append(
                "<rect x=\"\(n(left))\" y=\"\(n(yTop))\" width=\"\(n(plotWidth))\" height=\"\(n(max(0, yBottom - yTop)))\" fill=\"#2ca02c\" fill-opacity=\"0.15\"/>")
            out.append(
                "<text x=\"\(n(left + plotWidth - 4))\" y=\"\(n(yBottom - 4))\" text-anchor=\"end\" fill=\"#2ca02c\">\(escape(band.label))</text>")
        }
        for tick in yTicks where tick >= low - 1e-12 && tick <= high + 1e-12 {
            let y = py(tick)
            out.append("<line x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(y))\" stroke=\"#e0e0e0\"/>")
            out.append("<text x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(label(tick, yTicks))</text>")
        }
        let xTicks = ticks(xRange.0, xRange.1, integer: true)
        for tick in xTicks where tick >= xRange.0 - 1e-9 && tick <= xRange.1 + 1e-9 {
            let x = px(tick)
            out.append(
                "<line x1=\"\(n(x))\" y1=\"\(n(originY + plotHeight))\" x2=\"\(n(x))\" y2=\"\(n(originY + plotHeight + 5))\" stroke=\"#888\"/>")
            out.append("<text x=\"\(n(x))\" y=\"\(n(originY + plotHeight + 18))\" text-anchor=\"middle\">\(label(tick, xTicks))</text>")
        }
        out.append(
            "<text x=\"\(n(left + plotWidth / 2))\" y=\"\(n(originY + plotHeight + 34))\" text-anchor=\"middle\">\(escape(xLabel))</text>")
        out.append(
            "<text transform=\"translate(\(n(18)),\(n(originY + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(panel.yLabel))</text>")
        for line in panel.lines where line.y >= low && line.y <= high {
            let y = py(line.y)
            out.append(
                "<line x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(y))\" stroke=\"#d62728\" stroke-dasharray=\"6,4\"/>")
            out.append("<text x=\"\(n(left + 4))\" y=\"\(n(y - 4))\" fill=\"#d62728\">\(escape(line.label))</text>")
        }
        for series in panel.series where !series.points.isEmpty {
            let points = series.points.filter { $0.y.isFinite }
                .map { "\(n(px($0.x))),\(n(py(min(high, max(low, $0.y)))))" }.joined(separator: " ")
            out.append(
                "<polyline fill=\"none\" stroke=\"\(series.color)\" stroke-width=\"1.5\" points=\"\(points)\"><title>\(escape(series.name))</title></polyline>")
            if series.markers {
                for point in series.points where point.y.isFinite {
                    out.append(
                        "<circle cx=\"\(n(px(point.x)))\" cy=\"\(n(py(min(high, max(low, point.y)))))\" r=\"2.2\" fill=\"\(series.color)\"/>")
                }
            }
        }
        // Legend, right-aligned on the panel's title line (above the plot, so it never hides data).
        var legendX = left + plotWidth
        for series in panel.series.reversed() {
            let textWidth = Double(series.name.count) * 6.6
            legendX -= textWidth + 26
            out.append(
                "<line x1=\"\(n(legendX))\" y1=\"\(n(originY - 12))\" x2=\"\(n(legendX + 16))\" y2=\"\(n(originY - 12))\" stroke=\"\(series.color)\" stroke-width=\"2.5\"/>")
            out.append("<text x=\"\(n(legendX + 20))\" y=\"\(n(originY - 8))\">\(escape(series.name))</text>")
        }
        return out
    }

    /// "Nice" ticks (1, 2 or 5 × 10ⁿ apart) covering [low, high].
    private func ticks(_ low: Double, _ high: Double, integer: Bool = false) -> [Double] {
        guard high > low else { return [low] }
        let raw = (high - low) / 6
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        var step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? magnitude * 10
        if integer { step = max(1, step.rounded()) }
        var tick = (low / step).rounded(.down) * step
        var result: [Double] = []
        while tick <= high + step * 1e-9 {
            if tick >= low - step * 1e-9 { result.append(abs(tick) < step * 1e-9 ? 0 : tick) }
            tick += step
        }
        return result
    }

    private func label(_ value: Double, _ ticks: [Double]) -> String {
        let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : 1
        var decimals = 0
        var s = step
        while s < 1 - 1e-9 && decimals < 6 {
            s *= 10
            decimals += 1
        }
        return fixed(value, decimals)
    }

    private func n(_ value: Double) -> String { fixed(value, 1) }

    private func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
