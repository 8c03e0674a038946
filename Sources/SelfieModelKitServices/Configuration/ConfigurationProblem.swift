import SelfieModelKit

/// One thing wrong with a configuration. ``Configuration`` collects every problem before it fails, so
/// an operator fixes them all in one round.
///
/// Messages name the variable and what to do; they quote a rejected value only when it is not secret
/// (never a token, a key, a webhook secret, a database URL or a URL carrying credentials).
public struct ConfigurationProblem: Sendable, Hashable, CustomStringConvertible {
    /// The environment variable at fault, such as `REPLICATE_OWNER`.
    public let variable: String
    /// The broken rule in stable dotted form, such as `"replicate-owner.characters"`.
    public let rule: String
    /// What is wrong and how to fix it.
    public let message: String

    /// Creates a problem.
    public init(variable: String, rule: String, message: String) {
        self.variable = variable
        self.rule = rule
        self.message = message
    }

    /// `VARIABLE: message`.
    public var description: String { "\(variable): \(message)" }
}
