import ArgumentParser

/// Ids given on the command line or in a text file: integers separated by commas, spaces or
/// newlines, such as `1,2,3`.
struct IDList: ExpressibleByArgument {
    var values: [Int64]

    init?(argument: String) {
        guard let values = IDList.parse(argument), !values.isEmpty else { return nil }
        self.values = values
    }

    /// The ids in `text`, or `nil` if something else than an integer is there.
    static func parse(_ text: String) -> [Int64]? {
        let parts = text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
        var values: [Int64] = []
        values.reserveCapacity(parts.count)
        for part in parts {
            guard let value = Int64(part) else { return nil }
            values.append(value)
        }
        return values
    }
}
