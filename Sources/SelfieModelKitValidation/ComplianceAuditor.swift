import Foundation

/// One deviation from the specification found by ``ComplianceAuditor``.
public struct ComplianceFinding: Sendable, Hashable, CustomStringConvertible {
    /// A stable finding code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The stable string form, such as `"locked-parameter-changed"`.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A `completed` record without `replicate_version_id`.
        public static let completedWithoutVersion = Code("completed-without-version")
        /// A record whose `replicate_model_id` is not `{owner}/{userId}-selfie-lora`.
        public static let modelNotDerived = Code("model-not-derived")
        /// A record whose trigger word is not `user{userId}`.
        public static let triggerWordNotDerived = Code("trigger-word-not-derived")
        /// A request body that is not valid JSON or not an object.
        public static let unreadableRequest = Code("unreadable-request")
        /// A request with a top-level key other than `version`, `input`, `webhook`, `webhook_events_filter`.
        public static let unexpectedTopLevelKey = Code("unexpected-top-level-key")
        /// A request whose `version` is not the user's own `owner/{userId}-selfie-lora:{64 hex}`.
        public static let versionNotUsersModel = Code("version-not-users-model")
        /// A request whose version differs from every version the user's record has served.
        public static let versionNotRecorded = Code("version-not-recorded")
        /// The version was the user's own, but not their current one when the generation was recorded
        /// (an advisory: a generation that raced a retrain).
        public static let versionNotCurrent = Code("version-not-current")
        /// A request for a user whose record is not completed (or missing).
        public static let generationWithoutCompletedModel = Code("generation-without-completed-model")
        /// A locked input parameter is missing or has another value.
        public static let lockedParameterChanged = Code("locked-parameter-changed")
        /// An input key that the specification does not send.
        public static let unexpectedInputKey = Code("unexpected-input-key")
        /// A LoRA or base-model key (`lora_weights`, `extra_lora`, …): the forbidden base-model-plus-LoRA approach.
        public static let baseModelPlusLoRA = Code("base-model-plus-lora")
        /// A seed that is not an integer in `[0, 1000000)`.
        public static let seedOutOfRange = Code("seed-out-of-range")
        /// A prompt without the user's trigger word exactly once.
        public static let promptTriggerWord = Code("prompt-trigger-word")
        /// A prompt carrying another user's trigger word.
        public static let promptForeignTriggerWord = Code("prompt-foreign-trigger-word")
        /// A locked input key that the model version's schema does not know (Replicate drops it silently).
        public static let lockedKeyNotInSchema = Code("locked-key-not-in-schema")
    }

    /// How serious a finding is.
    public enum Severity: String, Sendable, Hashable, Codable {
        /// The specification is broken; hosts must treat this as a failure.
        case violation
        /// The specification is kept, but something about it deserves the owner's attention.
        case advisory
    }

    /// The finding's code.
    public let code: Code
    /// Violation or advisory.
    public let severity: Severity
    /// The user concerned, when there is one.
    public let user: UserID?
    /// What is wrong, in a sentence.
    public let message: String

    /// Creates a finding.
    public init(code: Code, severity: Severity = .violation, user: UserID?, message: String) {
        self.code = code
        self.severity = severity
        self.user = user
        self.message = message
    }

    public var description: String {
        "[\(severity.rawValue)] \(code) user=\(user?.rawValue ?? "-"): \(message)"
    }
}

/// A request body as it was sent to `POST /predictions`, with the user it was sent for.
public struct RecordedPredictionRequest: Sendable, Hashable {
    /// The user the generation was for.
    public let user: UserID
    /// The exact body bytes.
    public let body: Data
    /// When the generation was recorded (its intent); with a version history, the audit checks the version
    /// was the user's current one at that time.
    public let recordedAt: Date?

    /// Describes one sent request.
    public init(user: UserID, body: Data, recordedAt: Date? = nil) {
        self.user = user
        self.body = body
        self.recordedAt = recordedAt
    }
}

/// The result of an audit.
public struct ComplianceReport: Sendable, Hashable, CustomStringConvertible {
    /// Every finding, violations first.
    public let findings: [ComplianceFinding]
    /// How many records and requests were audited.
    public let recordsAudited: Int
    /// How many request bodies were audited.
    public let requestsAudited: Int

    /// The findings that break the specification.
    public var violations: [ComplianceFinding] { findings.filter { $0.severity == .violation } }
    /// Whether no finding is a violation.
    public var isCompliant: Bool { violations.isEmpty }

    public var description: String {
        var lines = [
            "Compliance report: \(recordsAudited) model records, \(requestsAudited) generation requests, "
                + "\(violations.count) violations, \(findings.count - violations.count) advisories."
        ]
        lines += findings.map { "  - \($0)" }
        lines.append(isCompliant ? "Result: COMPLIANT" : "Result: NOT COMPLIANT")
        return lines.joined(separator: "\n")
    }
}

/// Checks stored records and sent request bodies against the specification and lists every deviation.
///
/// The auditor reads the bytes that were actually sent, not the types that built them, so it also catches
/// a body built somewhere other than ``GenerationRequest``.
public struct ComplianceAuditor: Sendable {
    /// The Replicate owner user models live under.
    public let owner: ReplicateOwner
    /// Whether `guidance_scale` (sent only under ``GuidanceKeyCompatibility/alsoSendGuidanceScale``) is accepted.
    public let acceptsGuidanceScaleCompanion: Bool

    /// Creates an auditor for models under `owner`.
    public init(owner: ReplicateOwner, acceptsGuidanceScaleCompanion: Bool = false) {
        self.owner = owner
        self.acceptsGuidanceScaleCompanion = acceptsGuidanceScaleCompanion
    }

    private static let loraKeys: Set<String> = [
        "lora_weights", "lora", "extra_lora", "extra_lora_scale", "lora_scale", "hf_lora", "replicate_weights",
    ]

    /// Audits `records` and `requests`.
    /// - Parameters:
    ///   - records: the stored user-model records.
    ///   - requests: the prediction requests as they were sent, bytes and all.
    ///   - knownVersions: every version each user's model has served (for retrained users the older ones
    ///     too); when a user is absent the record's current version is used.
    ///   - versionHistories: each user's version history from the store
    ///     (``UserModelStore/versionHistory(for:)``). For a user listed here, a request's version must be one
    ///     of the history's (else `version-not-recorded`, a violation), and, when the request carries
    ///     ``RecordedPredictionRequest/recordedAt``, the current one at that time (else
    ///     `version-not-current`, an advisory). It takes precedence over `knownVersions`.
    public func audit(
        records: [UserModelRecord], requests: [RecordedPredictionRequest],
        knownVersions: [UserID: Set<ModelVersionID>] = [:],
        versionHistories: [UserID: [ModelVersionHistoryEntry]] = [:]
    ) -> ComplianceReport {
        var findings: [ComplianceFinding] = []
        var recordsByUser: [UserID: UserModelRecord] = [:]
        for record in records {
            recordsByUser[record.userID] = record
            findings += audit(record: record)
        }
        for request in requests {
            let history = versionHistories[request.user] ?? []
            let versions =
                history.isEmpty
                ? knownVersions[request.user]
                    ?? Set([recordsByUser[request.user]?.replicateVersionID].compactMap { $0 })
                : Set(history.map(\.version))
            findings += audit(request: request, record: recordsByUser[request.user], versions: versions)
            findings += auditTiming(of: request, history: history)
        }
        findings.sort { ($0.severity == .violation ? 0 : 1) < ($1.severity == .violation ? 0 : 1) }
        return ComplianceReport(findings: findings, recordsAudited: records.count, requestsAudited: requests.count)
    }

    /// A request on one of the user's versions that was not their current one when it was recorded.
    private func auditTiming(
        of request: RecordedPredictionRequest, history: [ModelVersionHistoryEntry]
    ) -> [ComplianceFinding] {
        guard let recordedAt = request.recordedAt, !history.isEmpty,
            let object = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any],
            let text = object["version"] as? String, let reference = try? ModelVersionReference(parsing: text),
            reference.model == ReplicateModelID.selfieModel(for: request.user, owner: owner)
        else { return [] }
        let entries = history.filter { $0.version == reference.version }
        guard !entries.isEmpty, !entries.contains(where: { $0.wasCurrent(at: recordedAt) }) else { return [] }
        return [
            ComplianceFinding(
                code: .versionNotCurrent, severity: .advisory, user: request.user,
                message: "version \(reference.version) was the user's own but not current when the generation was "
                    + "recorded")
        ]
    }

    /// Audits one record, including its stored version schema against the locked input keys.
    public func audit(record: UserModelRecord) -> [ComplianceFinding] {
        var findings: [ComplianceFinding] = []
        let user = record.userID
        if record.trainingStatus == .completed && record.replicateVersionID == nil {
            findings.append(
                .init(code: .completedWithoutVersion, user: user, message: "completed without a version id"))
        }
        let derived = ReplicateModelID.selfieModel(for: user, owner: owner)
        if record.replicateModelID != derived {
            findings.append(
                .init(
                    code: .modelNotDerived, user: user,
                    message: "model \(record.replicateModelID) is not the user's own \(derived)"))
        }
        if record.triggerWord != TriggerWord(for: user) {
            findings.append(
                .init(
                    code: .triggerWordNotDerived, user: user,
                    message: "trigger word \(record.triggerWord) is not user\(user)"))
        }
        if let schema = record.versionSchemaJSON, let properties = Self.inputProperties(ofSchema: schema) {
            for key in LockedGenerationParameters.inputKeys where !properties.contains(key) {
                var message =
                    "the version's schema has no input '\(key)'; Replicate drops unknown inputs, so it has no effect"
                if key == "guidance" && properties.contains("guidance_scale") {
                    message += " (the schema calls it 'guidance_scale'; see Docs/guidance-key.md)"
                }
                findings.append(.init(code: .lockedKeyNotInSchema, severity: .advisory, user: user, message: message))
            }
        }
        return findings
    }

    private func audit(
        request: RecordedPredictionRequest, record: UserModelRecord?, versions: Set<ModelVersionID>
    )
        -> [ComplianceFinding]
    {
        let user = request.user
        func finding(_ code: ComplianceFinding.Code, _ message: String) -> ComplianceFinding {
            ComplianceFinding(code: code, user: user, message: message)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] else {
            return [finding(.unreadableRequest, "the request body is not a JSON object")]
        }
        var findings: [ComplianceFinding] = []
        for key in object.keys.sorted() where !["version", "input", "webhook", "webhook_events_filter"].contains(key) {
            findings.append(finding(.unexpectedTopLevelKey, "top-level key '\(key)'"))
        }
        let derived = ReplicateModelID.selfieModel(for: user, owner: owner)
        if let version = object["version"] as? String, let reference = try? ModelVersionReference(parsing: version),
            reference.model == derived
        {
            if !versions.isEmpty && !versions.contains(reference.version) {
                findings.append(finding(.versionNotRecorded, "version \(reference.version) was never the user's"))
            }
        } else {
            findings.append(
                finding(
                    .versionNotUsersModel, "version '\(object["version"] ?? "missing")' is not \(derived):<version>"))
        }
        if record?.trainingStatus != .completed && !(record?.replicateVersionID != nil) {
            findings.append(
                finding(.generationWithoutCompletedModel, "generation for a user without a completed model"))
        }
        guard let input = object["input"] as? [String: Any] else {
            findings.append(finding(.lockedParameterChanged, "the request has no input object"))
            return findings
        }
        findings += auditInput(input, user: user, finding: finding)
        return findings
    }

    private func auditInput(
        _ input: [String: Any], user: UserID, finding: (ComplianceFinding.Code, String) -> ComplianceFinding
    ) -> [ComplianceFinding] {
        typealias P = LockedGenerationParameters
        var findings: [ComplianceFinding] = []
        let expected: [(String, (Any) -> Bool, String)] = [
            ("guidance", { Self.number($0) == P.guidance }, "2.8"),
            ("num_inference_steps", { Self.integer($0) == P.numInferenceSteps }, "35"),
            ("num_outputs", { Self.integer($0) == P.numOutputs }, "3"),
            ("aspect_ratio", { $0 as? String == P.aspectRatio }, "\"3:4\""),
            ("output_format", { $0 as? String == P.outputFormat }, "\"png\""),
            ("output_quality", { Self.integer($0) == P.outputQuality }, "95"),
            ("go_fast", { Self.bool($0) == P.goFast }, "false"),
            ("disable_safety_checker", { Self.bool($0) == P.disableSafetyChecker }, "false"),
        ]
        for (key, matches, want) in expected {
            guard let value = input[key] else {
                findings.append(finding(.lockedParameterChanged, "input.\(key) is missing (must be \(want))"))
                continue
            }
            if !matches(value) {
                findings.append(finding(.lockedParameterChanged, "input.\(key) is \(value) (must be \(want))"))
            }
        }
        if let seed = input["seed"].flatMap(Self.integer), GenerationSeed.range.contains(seed) {
        } else {
            findings.append(
                finding(.seedOutOfRange, "input.seed '\(input["seed"] ?? "missing")' is not in [0, 1000000)"))
        }
        var allowed = Set(P.inputKeys)
        if acceptsGuidanceScaleCompanion {
            allowed.insert("guidance_scale")
            if let value = input["guidance_scale"], Self.number(value) != P.guidance {
                findings.append(finding(.lockedParameterChanged, "input.guidance_scale is \(value) (must be 2.8)"))
            }
        }
        for key in input.keys.sorted() where !allowed.contains(key) {
            findings.append(
                Self.loraKeys.contains(key)
                    ? finding(.baseModelPlusLoRA, "input.\(key): base model plus LoRA is forbidden")
                    : finding(.unexpectedInputKey, "input.\(key) is not part of the specification's request"))
        }
        if let prompt = input["prompt"] as? String {
            findings += auditPrompt(prompt, user: user, finding: finding)
        } else {
            findings.append(finding(.promptTriggerWord, "input.prompt is missing"))
        }
        return findings
    }

    private func auditPrompt(
        _ prompt: String, user: UserID, finding: (ComplianceFinding.Code, String) -> ComplianceFinding
    ) -> [ComplianceFinding] {
        var own = 0
        var foreign: [String] = []
        for word in prompt.split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber)) }) {
            let lowered = word.lowercased()
            guard lowered.hasPrefix(TriggerWord.prefix),
                let id = try? UserID(String(lowered.dropFirst(TriggerWord.prefix.count)))
            else { continue }
            if id == user && word == TriggerWord(for: user).rawValue { own += 1 } else { foreign.append(String(word)) }
        }
        var findings: [ComplianceFinding] = []
        if own != 1 {
            findings.append(finding(.promptTriggerWord, "the prompt carries user\(user) \(own) times (must be once)"))
        }
        if !foreign.isEmpty {
            findings.append(
                finding(
                    .promptForeignTriggerWord,
                    "the prompt carries other trigger words: \(foreign.joined(separator: ", "))"))
        }
        return findings
    }

    /// The input property names of a version's `openapi_schema` (`components.schemas.Input.properties`).
    public static func inputProperties(ofSchema json: String) -> Set<String>? {
        guard let root = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else {
            return nil
        }
        let schema = (root["openapi_schema"] as? [String: Any]) ?? root
        guard let components = schema["components"] as? [String: Any],
            let schemas = components["schemas"] as? [String: Any],
            let inputSchema = schemas["Input"] as? [String: Any],
            let properties = inputSchema["properties"] as? [String: Any]
        else { return nil }
        return Set(properties.keys)
    }

    private static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, !isBool(number) else { return nil }
        let double = number.doubleValue
        guard double == double.rounded(), abs(double) < 1e15 else { return nil }
        return Int(double)
    }

    private static func number(_ value: Any) -> Double? {
        guard let number = value as? NSNumber, !isBool(number) else { return nil }
        return number.doubleValue
    }

    private static func bool(_ value: Any) -> Bool? {
        guard let number = value as? NSNumber, isBool(number) else { return nil }
        return number.boolValue
    }

    private static func isBool(_ number: NSNumber) -> Bool {
        #if canImport(Darwin)
            return CFGetTypeID(number) == CFBooleanGetTypeID()
        #else
            return String(cString: number.objCType) == "c"
                && (number == true as NSNumber || number == false as NSNumber)
        #endif
    }
}
