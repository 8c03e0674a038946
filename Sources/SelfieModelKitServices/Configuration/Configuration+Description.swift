import Foundation
import SelfieModelKit

extension Configuration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Every setting, secrets shown only as `set (redacted)` or `unset`.
    public var description: String {
        "Configuration(" + redactedFields.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + ")"
    }

    public var debugDescription: String { description }

    /// The same redacted fields, so `dump(configuration)` never prints a secret.
    public var customMirror: Mirror {
        Mirror(self, children: redactedFields.map { (label: $0.0, value: $0.1 as Any) }, displayStyle: .struct)
    }

    private var redactedFields: [(String, String)] {
        [
            ("mode", mode.rawValue),
            ("replicateBackend", replicateBackend.rawValue),
            ("replicateAPIToken", replicateAPIToken == nil ? "unset" : "set (redacted)"),
            ("replicateAPIBaseURL", replicateAPIBaseURL.absoluteString),
            ("replicateOwner", replicateOwner.rawValue),
            (
                "replicateWebhookSecret",
                replicateWebhookSecret == nil ? "unset (fetched from Replicate)" : "set (redacted)"
            ),
            ("publicURL", publicURL?.absoluteString ?? "unset (polling only)"),
            ("databaseURL", databaseURL?.description ?? "unset (embedded store)"),
            ("rateBudget", rateBudget.description),
            ("monthlyQuota", monthlyQuota.description),
            ("anthropic", anthropic?.description ?? "unset (built-in stylist)"),
        ]
    }
}
