/// The activations C as CSV: the input's first column (time or sample index),
/// then one column per synergy (`S1`, `S2`, …), one row per sample.
public enum ActivationsCSV {
    public static func render(timeHeader: String, time: [Double], activations: Matrix) -> String {
        precondition(time.count == activations.columns)
        var text = ([timeHeader] + (1...max(1, activations.rows)).map { "S\($0)" }).joined(separator: ",") + "\n"
        text.reserveCapacity(time.count * (activations.rows + 1) * 20)
        for t in time.indices {
            text += "\(time[t])"
            for j in 0..<activations.rows { text += ",\(activations[j, t])" }
            text += "\n"
        }
        return text
    }
}
