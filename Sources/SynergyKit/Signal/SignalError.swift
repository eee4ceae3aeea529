/// A signal-processing request that cannot be met (a cutoff at or above the
/// Nyquist frequency, a filter longer than the signal, …). The stage knows no
/// files; callers add the file name when they report it.
public struct SignalError: Error, CustomStringConvertible, Equatable {
    public var problem: String
    /// The facts, when the request does not fit a setting (`problem` is their `description`).
    public var setting: SettingProblem?

    public init(_ problem: String) { self.problem = problem }

    public init(_ setting: SettingProblem) {
        problem = setting.description
        self.setting = setting
    }

    public var description: String { problem }
}
