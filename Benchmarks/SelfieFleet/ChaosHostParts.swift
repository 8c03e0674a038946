import Foundation
import HTTPTypes
import SelfieModelKit

/// What a host is doing right now, by kind, so the chaos run can kill it mid-upload, mid-create or
/// mid-download (`GET /__fleet/inflight`).
final class InFlight: Sendable {
    /// The kinds of work a kill can land in.
    enum Kind: String, Sendable, CaseIterable {
        /// A selfie upload to the host, or the training archive's upload to Replicate.
        case upload
        /// `POST` of a prediction or a training at Replicate.
        case create
        /// A download of an output from Replicate's delivery host.
        case download
    }

    private let counts = LockedCounts()

    func begin(_ kind: Kind) { counts.add(kind.rawValue, 1) }
    func end(_ kind: Kind) { counts.add(kind.rawValue, -1) }

    /// The current counts by kind.
    var snapshot: [String: Int] { counts.snapshot }

    /// The kind of a request to Replicate, if it is one a kill should be able to land in.
    static func kind(of request: HTTPRequest) -> Kind? {
        let path = request.path ?? ""
        switch request.method {
        case .post where path.hasSuffix("/files"): return .upload
        case .post where path.hasSuffix("/predictions") || path.hasSuffix("/trainings"): return .create
        case .get where path.contains("/delivery/"): return .download
        default: return nil
        }
    }
}

/// A lock-protected dictionary of counters.
final class LockedCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Int] = [:]

    func add(_ key: String, _ amount: Int) {
        lock.lock()
        values[key, default: 0] += amount
        lock.unlock()
    }

    var snapshot: [String: Int] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }
}

/// A transport that counts the requests in flight by kind, around the host's real transport.
struct InFlightTransport: HTTPTransport {
    let base: any HTTPTransport
    let inFlight: InFlight

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        guard let kind = InFlight.kind(of: request) else { return try await base.send(request, body: body) }
        inFlight.begin(kind)
        defer { inFlight.end(kind) }
        return try await base.send(request, body: body)
    }

    func send(_ request: HTTPRequest, bodyFile: URL) async throws -> (HTTPResponse, Data) {
        guard let kind = InFlight.kind(of: request) else { return try await base.send(request, bodyFile: bodyFile) }
        inFlight.begin(kind)
        defer { inFlight.end(kind) }
        return try await base.send(request, bodyFile: bodyFile)
    }
}

/// An image store whose writes fail at a given rate (the chaos run's "10% of writes fail"), from a seeded
/// generator; each failure is logged (`chaos: image write failed`), so the count survives the host being
/// killed.
actor FailingImageStore: ImageStore {
    private let base: any ImageStore
    private let rate: Double
    private var random: SplitMix

    init(base: any ImageStore, rate: Double, seed: UInt64) {
        self.base = base
        self.rate = rate
        self.random = SplitMix(seed: seed)
    }

    func put(_ data: Data, at key: ImageKey) async throws {
        if Double(random.next() >> 11) / Double(1 << 53) < rate {
            emit("chaos: image write failed for \(key.kind.rawValue)")
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "injected image write failure"])
        }
        try await base.put(data, at: key)
    }

    func get(_ key: ImageKey) async throws -> Data? { try await base.get(key) }

    func delete(_ key: ImageKey) async throws { try await base.delete(key) }

    func deleteAll(of user: UserID) async throws -> Int { try await base.deleteAll(of: user) }
}
