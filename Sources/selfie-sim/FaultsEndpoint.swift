import Foundation
import HTTPTypes
import SelfieModelKitTesting

/// `GET|PUT /__selfie-sim/faults`: reads or changes the injected faults of a running `selfie-sim`
/// (not part of Replicate's API). `PUT` takes a JSON object with any of the keys below and leaves the
/// others as they are. `GET /__selfie-sim/fault-counts` says how many faults were injected, by kind.
enum FaultsEndpoint {
    static let path = "/__selfie-sim/faults"
    static let countsPath = "/__selfie-sim/fault-counts"

    static func counts(simulator: ReplicateSimulator) async -> (Int, Data) {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return (200, (try? encoder.encode(await simulator.faultCounts())) ?? Data("{}".utf8))
    }

    static func handle(method: HTTPRequest.Method, body: Data?, simulator: ReplicateSimulator) async -> (Int, Data) {
        var faults = await simulator.faults()
        if method == .put || method == .post {
            guard let object = (try? JSONSerialization.jsonObject(with: body ?? Data())) as? [String: Any] else {
                return (400, Data(#"{"detail":"The body must be a JSON object of fault settings."}"#.utf8))
            }
            let rates: [(String, WritableKeyPath<SimulatorFaults, Double>)] = [
                ("rate_limit_rate", \.rateLimitRate), ("server_error_rate", \.serverErrorRate),
                ("training_failure_rate", \.trainingFailureRate), ("prediction_failure_rate", \.predictionFailureRate),
                ("nsfw_share", \.nsfwShareOfPredictionFailures), ("webhook_drop_rate", \.webhookDropRate),
                ("webhook_duplicate_rate", \.webhookDuplicateRate), ("webhook_delay_rate", \.webhookDelayRate),
                ("webhook_max_delay", \.webhookMaxDelay), ("webhook_reorder_rate", \.webhookReorderRate),
                ("slow_answer_rate", \.slowAnswerRate),
            ]
            for (key, path) in rates {
                if let value = object[key] as? Double { faults[keyPath: path] = value }
            }
            if let retryAfter = object["retry_after"] as? Bool { faults.includesRetryAfter = retryAfter }
            if let latency = object["latency_ms"] as? [Double], latency.count == 2, latency[0] <= latency[1] {
                faults.latency = latency[0] / 1000...latency[1] / 1000
            } else if object["latency_ms"] is NSNull {
                faults.latency = nil
            }
            await simulator.setFaults(faults)
        } else if method != .get {
            return (405, Data(#"{"detail":"Use GET or PUT."}"#.utf8))
        }
        let current: [String: Any] = [
            "rate_limit_rate": faults.rateLimitRate, "retry_after": faults.includesRetryAfter,
            "server_error_rate": faults.serverErrorRate,
            "latency_ms": faults.latency.map { [$0.lowerBound * 1000, $0.upperBound * 1000] } as Any? ?? NSNull(),
            "training_failure_rate": faults.trainingFailureRate,
            "prediction_failure_rate": faults.predictionFailureRate, "nsfw_share": faults.nsfwShareOfPredictionFailures,
            "webhook_drop_rate": faults.webhookDropRate, "webhook_duplicate_rate": faults.webhookDuplicateRate,
            "webhook_delay_rate": faults.webhookDelayRate, "webhook_max_delay": faults.webhookMaxDelay,
            "webhook_reorder_rate": faults.webhookReorderRate, "slow_answer_rate": faults.slowAnswerRate,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: current, options: [.sortedKeys])) ?? Data()
        return (200, data)
    }
}
