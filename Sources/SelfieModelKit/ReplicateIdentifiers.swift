/// A Replicate account or organisation name, such as `sandrasocial`.
///
/// Rules: 1 to 39 characters; ASCII letters, digits, `-` and `_`; starts with a letter or digit.
public struct ReplicateOwner: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The validated owner name.
    public let rawValue: String

    /// The owner of SSELFIE Studio's models in the user's specification.
    public static let sandrasocial = try! ReplicateOwner("sandrasocial")

    /// Validates an owner name.
    /// - Throws: ``SelfieModelKitError`` with code `.invalidIdentifier`.
    public init(_ rawValue: String) throws {
        let bytes = Array(rawValue.utf8)
        guard (1...39).contains(bytes.count) else {
            throw SelfieModelKitError.invalidIdentifier(
                "replicate-owner.length", "A Replicate owner has 1 to 39 characters.", value: rawValue)
        }
        let allowed = bytes.allSatisfy {
            ASCII.isLowercaseLetter($0) || ASCII.isUppercaseLetter($0) || ASCII.isDigit($0) || $0 == 0x2D
                || $0 == 0x5F
        }
        guard allowed, bytes[0] != 0x2D, bytes[0] != 0x5F else {
            throw SelfieModelKitError.invalidIdentifier(
                "replicate-owner.characters",
                "A Replicate owner uses letters, digits, '-' and '_', and starts with a letter or digit.",
                value: rawValue)
        }
        self.rawValue = rawValue
    }
}

/// A Replicate model, `owner/name`.
///
/// A user's model is only ever *derived*: ``selfieModel(for:owner:)`` is the one public way to make one,
/// so no caller can point a user at a model name of their choosing. Decoding (from a store row or a
/// Replicate response) checks the `owner/name` format; whether the decoded id is the user's own is
/// checked where it matters, by `TrainedUserModel`.
public struct ReplicateModelID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The account that owns the model.
    public let owner: ReplicateOwner
    /// The model's name, such as `42-selfie-lora`.
    public let name: String

    /// The suffix every personal model name carries.
    public static let selfieModelSuffix = "-selfie-lora"

    private init(owner: ReplicateOwner, name: String) {
        self.owner = owner
        self.name = name
    }

    /// The personal model of `user` under `owner`: `{owner}/{userId}-selfie-lora`.
    public static func selfieModel(for user: UserID, owner: ReplicateOwner) -> ReplicateModelID {
        ReplicateModelID(owner: owner, name: user.rawValue + selfieModelSuffix)
    }

    /// Parses `owner/name` as found in storage or in Replicate's responses. Package-internal: public
    /// callers derive model ids with ``selfieModel(for:owner:)``.
    package init(parsing string: String) throws {
        let parts = string.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw SelfieModelKitError.invalidIdentifier(
                "replicate-model-id.format", "A Replicate model id has the form owner/name.", value: string)
        }
        let owner = try ReplicateOwner(String(parts[0]))
        let name = String(parts[1])
        try Self.validateName(name, whole: string)
        self.init(owner: owner, name: name)
    }

    private static func validateName(_ name: String, whole: String) throws {
        let bytes = Array(name.utf8)
        let isAllowed: (UInt8) -> Bool = {
            ASCII.isLowercaseLetter($0) || ASCII.isDigit($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E
        }
        let isEdge: (UInt8) -> Bool = { $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
        guard (1...100).contains(bytes.count), bytes.allSatisfy(isAllowed),
            let first = bytes.first, let last = bytes.last, !isEdge(first), !isEdge(last)
        else {
            throw SelfieModelKitError.invalidIdentifier(
                "replicate-model-id.name",
                "A Replicate model name uses lowercase letters, digits, '-', '_' and '.', "
                    + "and starts and ends with a letter or digit.",
                value: whole)
        }
    }

    /// `owner/name`.
    public var description: String { "\(owner.rawValue)/\(name)" }
}

/// A Replicate model version id: exactly 64 lowercase hexadecimal digits.
public struct ModelVersionID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 64 lowercase hex digits.
    public let rawValue: String

    /// Validates a version id.
    /// - Throws: ``SelfieModelKitError`` with code `.invalidIdentifier` and rule `model-version-id.format`.
    public init(_ rawValue: String) throws {
        guard rawValue.utf8.count == 64, rawValue.utf8.allSatisfy(ASCII.isLowercaseHex) else {
            throw SelfieModelKitError.invalidIdentifier(
                "model-version-id.format", "A model version id is 64 lowercase hexadecimal digits.",
                value: rawValue)
        }
        self.rawValue = rawValue
    }
}

/// A model version reference, `owner/name:version`: the exact `version` value the specification sends.
public struct ModelVersionReference: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The model, `owner/name`.
    public let model: ReplicateModelID
    /// The version of that model.
    public let version: ModelVersionID

    /// Joins a model and one of its versions.
    public init(model: ReplicateModelID, version: ModelVersionID) {
        self.model = model
        self.version = version
    }

    /// Parses `owner/name:version`.
    /// - Throws: ``SelfieModelKitError`` with code `.invalidIdentifier`.
    public init(parsing string: String) throws {
        guard let colon = string.lastIndex(of: ":") else {
            throw SelfieModelKitError.invalidIdentifier(
                "model-version-reference.format", "A version reference has the form owner/name:version.",
                value: string)
        }
        self.model = try ReplicateModelID(parsing: String(string[..<colon]))
        self.version = try ModelVersionID(String(string[string.index(after: colon)...]))
    }

    /// `owner/name:version`.
    public var description: String { "\(model):\(version)" }
}

/// The trigger word of a user's model: `user{userId}`. It can only be derived from a ``UserID``.
public struct TriggerWord: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The prefix of every trigger word.
    public static let prefix = "user"

    /// The trigger word, such as `user42`.
    public let rawValue: String
    /// The user this trigger word belongs to.
    public let userID: UserID

    /// The trigger word of `user`.
    public init(for user: UserID) {
        self.userID = user
        self.rawValue = Self.prefix + user.rawValue
    }

    /// Parses a stored trigger word back to its user. Fails unless it is `user{valid user id}`.
    public init(parsing string: String) throws {
        guard string.hasPrefix(Self.prefix) else {
            throw SelfieModelKitError.invalidIdentifier(
                "trigger-word.format", "A trigger word has the form user{userId}.", value: string)
        }
        self.init(for: try UserID(String(string.dropFirst(Self.prefix.count))))
    }

    public var description: String { rawValue }
}

extension ReplicateOwner: RawStringIdentifier {}

extension ModelVersionID: RawStringIdentifier {}

extension ReplicateModelID: StringIdentifier {
    init(validating text: String) throws { try self.init(parsing: text) }
}

extension ModelVersionReference: StringIdentifier {
    init(validating text: String) throws { try self.init(parsing: text) }
}

extension TriggerWord: StringIdentifier {
    init(validating text: String) throws { try self.init(parsing: text) }
}
