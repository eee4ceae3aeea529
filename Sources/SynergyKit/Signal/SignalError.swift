/// A signal-processing request that cannot be met (a cutoff at or above the
/// Nyquist frequency, a filter longer than the signal, …). The stage knows no
/// files; callers add the file name when they report it.
public struct SignalError: Error, CustomStringConvertible, Equatable {
    /// What cannot be done, one sentence without a file name.
    public var problem: String
    /// The facts, when the request does not fit a setting (`problem` is their `description`).
    public var setting: SettingProblem?

    /// A problem described in words.
    public init(_ problem: String) { self.problem = problem }

    /// A setting the signal does not fit, worded by `setting.description`.
    public init(_ setting: SettingProblem) {
        problem = setting.description
        self.setting = setting
    }

    public var description: String { problem }
}
