import Foundation
import HTTPTypes
import SelfieModelKit

/// Forwards every request; for the first `crashes` requests that match, it throws after the simulator
/// has received and acted on them, as a host that died (or lost the connection) after sending would see
/// it: `HTTPTransportError(requestMayHaveBeenSent: true)`, the response lost.
final class CrashingTransport: HTTPTransport, Sendable {
    private let base: any HTTPTransport
    private let matches: @Sendable (HTTPRequest) -> Bool
    private let remaining: Countdown

    init(wrapping base: any HTTPTransport, crashes: Int = 1, when matches: @escaping @Sendable (HTTPRequest) -> Bool) {
        self.base = base
        self.matches = matches
        self.remaining = Countdown(crashes)
    }

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        let response = try await base.send(request, body: body)
        if matches(request), await remaining.take() {
            throw HTTPTransportError(
                requestMayHaveBeenSent: true, reason: "connection reset after the request was sent")
        }
        return response
    }

    /// Matches `POST /v1/predictions`.
    static let predictionCreate: @Sendable (HTTPRequest) -> Bool = {
        $0.method == .post && $0.path == "/v1/predictions"
    }

    /// Matches a training create, `POST /v1/models/{owner}/{name}/versions/{id}/trainings`.
    static let trainingCreate: @Sendable (HTTPRequest) -> Bool = {
        $0.method == .post && ($0.path ?? "").hasSuffix("/trainings")
    }
}

/// How many more times a transport's fault applies.
actor Countdown {
    private var count: Int

    init(_ count: Int) { self.count = count }

    /// Whether the fault applies once more; counts it down when it does.
    func take() -> Bool {
        guard count > 0 else { return false }
        count -= 1
        return true
    }
}

/// Counts the matching requests that have been answered.
final class CountingTransport: HTTPTransport, Sendable {
    private let base: any HTTPTransport
    private let matches: @Sendable (HTTPRequest) -> Bool
    private let counter = Counter()

    private actor Counter {
        var value = 0
        func increment() { value += 1 }
    }

    init(wrapping base: any HTTPTransport, when matches: @escaping @Sendable (HTTPRequest) -> Bool) {
        self.base = base
        self.matches = matches
    }

    /// How many matching requests have been answered.
    var count: Int { get async { await counter.value } }

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        let response = try await base.send(request, body: body)
        if matches(request) { await counter.increment() }
        return response
    }
}
