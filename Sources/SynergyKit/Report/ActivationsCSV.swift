/// A matrix of time series as CSV: a time column, then one column per row of
/// the matrix, one line per sample; numbers in shortest round-trip form.
public enum TimeSeriesCSV {
    /// The CSV of `values` (one row per name in `columns`, one column per time): a header line, then one line per time.
    public static func render(timeHeader: String, time: [Double], columns: [String], values: Matrix) -> String {
        precondition(time.count == values.columns && columns.count == values.rows)
        var text = ([timeHeader] + columns).joined(separator: ",") + "\n"
        text.reserveCapacity(time.count * (values.rows + 1) * 20)
        for t in time.indices {
            text += "\(time[t])"
            for j in 0..<values.rows { text += ",\(values[j, t])" }
            text += "\n"
        }
        return text
    }
}

/// The activations C as CSV: the input's first column (time or sample index),
/// then one column per synergy (`S1`, `S2`, …), one row per sample.
public enum ActivationsCSV {
    /// The CSV of `activations` (k × samples): `timeHeader` and `S1 … Sk`, one line per time.
    public static func render(timeHeader: String, time: [Double], activations: Matrix) -> String {
        TimeSeriesCSV.render(timeHeader: timeHeader, time: time,
                             columns: (0..<activations.rows).map { "S\($0 + 1)" }, values: activations)
    }
}
