import Foundation

extension SynergyReport {
    /// Reads the JSON an `extract` or `count` run wrote, so that its synergies can
    /// be reused (for instance by `compare`). Anything that is not such a report,
    /// or one whose weights do not fit its muscles, is an `InputError` naming the
    /// file; a report from another tool version that lacks a field says so.
    public static func read(path: String) throws -> SynergyReport {
        let bytes = try FileInput.contents(of: path)
        guard let object = try? JSONSerialization.jsonObject(with: bytes) else {
            throw InputError(file: path, "is not valid JSON (expected the JSON written by 'synergy extract' or 'count')")
        }
        guard let fields = object as? [String: Any] else {
            throw InputError(file: path, "is JSON but not a synergy report (expected the object written by "
                             + "'synergy extract' or 'count')")
        }
        let version = fields["tool_version"] as? String
        let origin = version.map { $0 == SynergyAnalysis.toolVersion ? "synergy \($0)" : "synergy \($0) (this is \(SynergyAnalysis.toolVersion))" }
            ?? "no tool_version: not written by synergy"
        let report: SynergyReport
        do {
            report = try decode(bytes)
        } catch let DecodingError.keyNotFound(key, context) {
            throw InputError(file: path, "missing field '\(fieldPath(context.codingPath + [key]))' (\(origin))")
        } catch let DecodingError.valueNotFound(_, context) {
            throw InputError(file: path, "field '\(fieldPath(context.codingPath))' is null (\(origin))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw InputError(file: path, "field '\(fieldPath(context.codingPath))' has the wrong type (\(origin))")
        } catch let DecodingError.dataCorrupted(context) {
            throw InputError(file: path, "field '\(fieldPath(context.codingPath))' is invalid (\(origin))")
        }
        guard ["extract", "count"].contains(report.command) else {
            throw InputError(file: path, "is a '\(report.command)' report; synergies come from 'extract' or 'count'")
        }
        if let problem = report.weightsProblem { throw InputError(file: path, problem) }
        return report
    }

    /// Why the synergies cannot be used as weights on `muscles`, or nil. An
    /// all-zero synergy (a component the fit left empty) is accepted: it matches nothing.
    var weightsProblem: String? {
        if muscles.count < 2 { return "has \(muscles.count) muscle(s); synergies need at least 2" }
        if Set(muscles.map { $0.lowercased() }).count != muscles.count { return "names a muscle twice" }
        if synergies.isEmpty { return "has no synergies" }
        if synergies.count != rank { return "has \(synergies.count) synergies for rank \(rank)" }
        for (j, synergy) in synergies.enumerated() {
            if synergy.weights.count != muscles.count {
                return "synergy \(j) has \(synergy.weights.count) weights for \(muscles.count) muscles"
            }
            if !synergy.weights.allSatisfy({ $0.isFinite && $0 >= 0 }) {
                return "synergy \(j) has a negative or non-finite weight"
            }
        }
        return nil
    }

    /// The report on a subset of its muscles (`indices` into `muscles`, in the
    /// order wanted): weights restricted and rescaled to unit norm, sparseness
    /// recomputed, per-muscle VAF restricted. R² and VAF stay those of the fit on
    /// all the muscles.
    public func restricted(to indices: [Int]) -> SynergyReport {
        guard indices != Array(muscles.indices) else { return self }
        var copy = self
        copy.muscles = indices.map { muscles[$0] }
        copy.synergies = synergies.map { synergy in
            let kept = indices.map { synergy.weights[$0] }
            let norm = kept.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return Synergy(weights: norm > 0 ? kept.map { $0 / norm } : kept)
        }
        copy.ranks = ranks.map { rank in
            var restricted = rank
            restricted.muscleVaf = indices.map { rank.muscleVaf[$0] }
            return restricted
        }
        copy.sparseness = SparsenessSummary(copy.synergies)
        return copy
    }

    private static func fieldPath(_ path: [any CodingKey]) -> String {
        path.map { key in key.intValue.map { "[\($0)]" } ?? snakeCase(key.stringValue) }
            .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    /// "toolVersion" → "tool_version", as the JSON spells it.
    private static func snakeCase(_ name: String) -> String {
        name.reduce(into: "") { text, character in
            text += character.isUppercase ? "_" + character.lowercased() : String(character)
        }
    }
}
