import SelfieModelKit

/// Where a host runs: `SELFIE_ENV=production` or `SELFIE_ENV=development` (the default).
///
/// Production is strict: it requires `REPLICATE_API_TOKEN`, refuses the in-process simulator, and
/// requires `https` for every URL the library sends a secret to or receives webhooks on.
public enum EnvironmentMode: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A real deployment serving real users.
    case production
    /// A developer's machine, CI, or the demo: the simulator and plain `http` are allowed.
    case development

    public var description: String { rawValue }
}

/// Which Replicate the services talk to: `SELFIE_REPLICATE_BACKEND=replicate|simulator`.
///
/// When the variable is unset the real Replicate serves, and `REPLICATE_API_TOKEN` is required: the
/// in-process simulator of `SelfieModelKitTesting` serves only when this variable chooses it (development
/// only), never in place of a missing token.
public enum ReplicateBackend: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The real Replicate API at `REPLICATE_API_BASE_URL`, authenticated with `REPLICATE_API_TOKEN`.
    case replicate
    /// The in-process Replicate simulator. Refused in production.
    case simulator

    public var description: String { rawValue }
}
