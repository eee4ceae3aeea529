import Foundation
import SynergyKit
import Yams

/// `batch --config FILE`: a JSON or YAML mapping of option names to values,
/// e.g. `{"algorithm": "hals", "replicates": 20, "reference_group": "control"}`,
/// turned into command-line options placed before the user's own, so that an
/// option given on the command line wins. Names may be written `max_rank`,
/// `max-rank` or `--max-rank`; `true` gives a flag, `false` omits it, a list
/// repeats the option.
enum ConfigFile {
    static func expand(_ arguments: [String]) throws -> [String] {
        guard arguments.first == "batch" else { return arguments }
        var path: String?
        for (i, argument) in arguments.enumerated() {
            if argument == "--config", i + 1 < arguments.count { path = arguments[i + 1] }
            if argument.hasPrefix("--config=") { path = String(argument.dropFirst("--config=".count)) }
        }
        guard let path else { return arguments }
        return ["batch"] + (try options(path: path)) + arguments.dropFirst()
    }

    static func options(path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw InputError(file: path, "no such file") }
        guard let text = String(data: data, encoding: .utf8) else { throw InputError(file: path, "is not UTF-8 text") }
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: text)
        } catch {
            throw InputError(file: path, "is neither JSON nor YAML (\(String(describing: error).split(separator: "\n").first ?? ""))")
        }
        guard let mapping = loaded as? [String: Any] else {
            throw InputError(file: path, "must be a mapping of option names to values, e.g. {\"replicates\": 20}")
        }
        var result = [String]()
        for key in mapping.keys.sorted() {
            let flag = "--" + key.drop(while: { $0 == "-" }).replacingOccurrences(of: "_", with: "-")
            if ["--config", "--shard"].contains(flag) {
                throw InputError(file: path, "'\(key)' belongs on the command line, not in a config file")
            }
            for value in (mapping[key] as? [Any]) ?? [mapping[key]!] {
                switch value {
                case let flagged as Bool: if flagged { result.append(flag) }
                case let number as Int: result += [flag, "\(number)"]
                case let number as Double: result += [flag, "\(number)"]
                case let text as String: result += [flag, text]
                default: throw InputError(file: path, "'\(key)' must be a number, text, true/false or a list of them")
                }
            }
        }
        return result
    }
}
