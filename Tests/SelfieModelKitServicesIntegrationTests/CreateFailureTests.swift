import Foundation
import HTTPTypes
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import Testing

/// Answers the first `times` matching requests itself, with `status` and a problem body, before they
/// reach the simulator (as Replicate answers a 5xx or a 422 without creating anything); forwards the rest.
final class AnsweringTransport: HTTPTransport, Sendable {
    private let base: any HTTPTransport
    private let status: Int
    private let matches: @Sendable (HTTPRequest) -> Bool
    private let remaining: Countdown

    init(
        wrapping base: any HTTPTransport, status: Int, times: Int = 1,
        when matches: @escaping @Sendable (HTTPRequest) -> Bool
    ) {
        self.base = base
        self.status = status
        self.matches = matches
        self.remaining = Countdown(times)
    }

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        guard matches(request), await remaining.take() else { return try await base.send(request, body: body) }
        let (title, detail) =
            status == 422
            ? ("Input validation failed", "version: the version does not exist") : ("Server Error", "upstream failure")
        let problem = #"{"title":"\#(title)","detail":"\#(detail)","status":\#(status)}"#
        var fields = HTTPFields()
        fields[.contentType] = "application/problem+json"
        return (HTTPResponse(status: .init(code: status), headerFields: fields), Data(problem.utf8))
    }
}

@Suite("Failed create calls explained to the user")
struct CreateFailureTests {
    /// The error `body` throws, which must be a `SelfieModelKitError` with code `.jobFailed` and a sentence
    /// for the user (no type names, not the wording of a training that failed at Replicate).
    private static func userFacing<T: Sendable>(_ body: () async throws -> T) async throws -> SelfieModelKitError {
        let error = await #expect(throws: SelfieModelKitError.self) { _ = try await body() }
        let thrown = try #require(error)
        #expect(thrown.code == .jobFailed)
        #expect(!thrown.userMessage.contains("ReplicateError"))
        #expect(!thrown.userMessage.contains("Check that your selfies"))
        return thrown
    }

    /// A studio whose transport answers the first request that `matches` with `status` itself.
    private static func studio(
        _ factory: StoreFactory, answering status: Int, to matches: @escaping @Sendable (HTTPRequest) -> Bool
    ) async throws -> StudioHarness {
        var options = HarnessOptions()
        options.wrapTransport = { AnsweringTransport(wrapping: $0, status: status, when: matches) }
        return try await StudioHarness.make(factory, options)
    }

    /// A user with twelve selfies starts training; returns the user and the error they see.
    private static func failedTrainingStart(
        _ id: String, in studio: StudioHarness
    ) async throws
        -> (AuthenticatedUser, SelfieModelKitError)
    {
        let user = try studio.user(id)
        try await studio.addSyntheticSelfies(for: user)
        return (user, try await userFacing { try await studio.training.startTraining(for: user) })
    }

    @Test(
        "a 5xx on the generation create: the user hears it may still start, and nothing is retried",
        arguments: StoreFactory.all)
    func generationServerError(_ factory: StoreFactory) async throws {
        let studio = try await StudioHarness.make(factory)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("create1")
        var faults = SimulatorFaults()
        faults.serverErrorRate = 1
        await studio.simulator.setFaults(faults)

        let error = try await Self.userFacing {
            try await studio.generation.generate(user: user, look: studio.firstLook)
        }
        #expect(error.rule == "generation.create.may-have-started")
        #expect(error.detail.contains("server-error"))
        #expect(error.userMessage.contains("Replicate, our image service, had a problem"))
        #expect(error.userMessage.contains("may still appear in a few minutes"))
        #expect(error.userMessage.contains("Nothing was lost"))
        #expect(await studio.predictionCreates().count == 1)

        // Nothing was created; once the grace period is over the reconciler says so in the record.
        await studio.simulator.setFaults(.none)
        try await studio.advance(by: 150, reconcile: true)
        let given = try #require(try await studio.store.generations(for: user, limit: 10).first)
        #expect(given.status == .failed)
        #expect(given.failure?.userMessage.contains("Replicate couldn't be reached") == true)
        #expect(await studio.predictionCreates().count == 1)
    }

    @Test(
        "a 5xx on the training create: the user hears it may still start and that the selfies are kept",
        arguments: StoreFactory.all)
    func trainingServerError(_ factory: StoreFactory) async throws {
        let studio = try await Self.studio(factory, answering: 503, to: CrashingTransport.trainingCreate)
        defer { Task { await studio.close() } }
        let (user, error) = try await Self.failedTrainingStart("create2", in: studio)
        #expect(error.rule == "training.create.may-have-started")
        #expect(error.userMessage.contains("Replicate, our training service, had a problem"))
        #expect(error.userMessage.contains("may still have started"))
        #expect(error.userMessage.contains("Your selfies are kept"))
        #expect(try await studio.training.status(for: user).latestAttempt?.status == .recorded)

        try await studio.advance(by: 150, reconcile: true)
        let status = try await studio.training.status(for: user)
        #expect(status.latestAttempt?.status == .failed)
        #expect(status.message.contains("Replicate couldn't be reached"))
        #expect(status.selfieCount == 12)
        _ = try await studio.training.startTraining(for: user)
        #expect(try await studio.finishTraining(for: user).status == .succeeded)
    }

    @Test(
        "a 422 on the generation create: refused, not retried, and the record says the same",
        arguments: StoreFactory.all)
    func generationRefused(_ factory: StoreFactory) async throws {
        let studio = try await Self.studio(factory, answering: 422, to: CrashingTransport.predictionCreate)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("create3")

        let error = try await Self.userFacing {
            try await studio.generation.generate(user: user, look: studio.firstLook)
        }
        #expect(error.rule == "generation.create.refused")
        #expect(error.detail.contains("422"))
        #expect(error.userMessage.contains("refused to create these photos"))
        #expect(error.userMessage.contains("Nothing was lost"))
        #expect(error.userMessage.contains("contact support"))
        let failed = try #require(try await studio.store.generations(for: user, limit: 10).first)
        #expect(failed.status == .failed)
        #expect(failed.failure?.userMessage == error.userMessage)
        #expect(failed.failure?.providerError.contains("422") == true)
    }

    @Test(
        "a 422 on the training create: refused, the attempt failed with the same sentence", arguments: StoreFactory.all)
    func trainingRefused(_ factory: StoreFactory) async throws {
        let studio = try await Self.studio(factory, answering: 422, to: CrashingTransport.trainingCreate)
        defer { Task { await studio.close() } }
        let (user, error) = try await Self.failedTrainingStart("create4", in: studio)
        #expect(error.rule == "training.create.refused")
        #expect(error.userMessage.contains("refused to start your training"))
        #expect(error.userMessage.contains("Your selfies are kept"))
        #expect(error.userMessage.contains("contact support"))
        let status = try await studio.training.status(for: user)
        #expect(status.latestAttempt?.status == .failed)
        #expect(status.message == error.userMessage)
    }

    @Test(
        "a 5xx on the upload before the training create: Replicate unreachable, selfies kept",
        arguments: StoreFactory.all)
    func uploadServerError(_ factory: StoreFactory) async throws {
        let studio = try await Self.studio(factory, answering: 503) { $0.method == .post && $0.path == "/v1/files" }
        defer { Task { await studio.close() } }
        let (user, error) = try await Self.failedTrainingStart("create5", in: studio)
        #expect(error.rule == "training.upload.unreachable")
        #expect(error.userMessage == Self.uploadFailed)
        let status = try await studio.training.status(for: user)
        #expect(status.latestAttempt?.status == .failed)
        #expect(status.message == Self.uploadFailed)
        #expect(await studio.trainingCreates().isEmpty)
    }

    /// What a user whose training failed before its create call reads.
    static let uploadFailed =
        "Your training didn't start: we couldn't reach Replicate, our training service, or the upload of your "
        + "selfies failed. Your selfies are kept: please start training again in a few minutes."
}
