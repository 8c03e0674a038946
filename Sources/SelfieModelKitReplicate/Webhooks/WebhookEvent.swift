import Foundation

/// Which kind of object a webhook carries.
public enum WebhookKind: String, Sendable, Hashable, CaseIterable {
    /// A training object.
    case training
    /// A prediction object.
    case prediction
}

/// The object a verified webhook carries: the same training or prediction that GET returns.
public enum WebhookEvent: Sendable, Hashable {
    /// A training changed.
    case training(Training)
    /// A prediction changed.
    case prediction(Prediction)

    /// Which kind this is.
    public var kind: WebhookKind {
        switch self {
        case .training: .training
        case .prediction: .prediction
        }
    }

    /// Decodes a webhook body.
    ///
    /// Both objects carry `id`, `model`, `version`, `status` and `urls`, so the shape alone is
    /// ambiguous. Pass `kind` when you know it: the services register their webhook URLs with the kind
    /// in them, which is the robust way. Without it, the body counts as a training when it names a
    /// `destination`, when its `output` has `weights`, when its `input` has `input_images` (the
    /// trainer's input), or when `urls.get` points under `/trainings/`; otherwise as a prediction.
    public init(decoding body: Data, as kind: WebhookKind? = nil) throws {
        let decoder = JSONDecoder()
        let resolved = try kind ?? decoder.decode(KindProbe.self, from: body).kind
        switch resolved {
        case .training: self = .training(try decoder.decode(Training.self, from: body))
        case .prediction: self = .prediction(try decoder.decode(Prediction.self, from: body))
        }
    }
}

/// Reads just enough of a webhook body to tell a training from a prediction.
private struct KindProbe: Decodable {
    var kind: WebhookKind

    private enum Keys: String, CodingKey {
        case destination, output, input, urls, weights, get
        case inputImages = "input_images"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        func object(_ key: Keys) -> KeyedDecodingContainer<Keys>? {
            try? container.nestedContainer(keyedBy: Keys.self, forKey: key)
        }
        let destination = (try? container.decodeIfPresent(String.self, forKey: .destination)) != nil
        let weights = object(.output)?.contains(.weights) ?? false
        let inputImages = object(.input)?.contains(.inputImages) ?? false
        let getURL = (try? object(.urls)?.decodeIfPresent(String.self, forKey: .get)) ?? nil
        let trainingURL = getURL?.contains("/trainings/") ?? false
        kind = destination || weights || inputImages || trainingURL ? .training : .prediction
    }
}
