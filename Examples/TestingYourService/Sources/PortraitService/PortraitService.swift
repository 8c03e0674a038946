import Foundation
import SelfieModelKit
import SelfieModelKitServices

/// A host's own service, small on purpose: it offers "a professional headshot" on top of SelfieModelKit.
///
/// It knows nothing of simulators or in-memory stores: it takes the library's services, which the app
/// builds on Replicate and its database, and which the tests build on `SelfieModelKitTesting`.
public struct PortraitService: Sendable {
    /// What ``requestHeadshot(for:)`` did.
    public enum HeadshotOutcome: Sendable, Equatable {
        /// A generation started on the user's own model; its photos arrive when it finishes.
        case started(GenerationID)
        /// The user has no trained model yet; the message says what to do.
        case needsTraining(String)
    }

    /// The Photoshoot look this product uses for headshots.
    public static let headshotLook = PhotoshootLookID("business-window-light")

    private let training: ModelTrainingService
    private let generation: ImageGenerationService

    /// Builds the service on the library's training and generation services.
    public init(training: ModelTrainingService, generation: ImageGenerationService) {
        self.training = training
        self.generation = generation
    }

    /// Stores the user's selfies and starts training once there are enough. Returns a sentence for the user.
    public func onboard(_ user: AuthenticatedUser, selfies: [SelfieUpload]) async throws -> String {
        let intake = try await training.addSelfies(selfies, for: user)
        guard intake.canStartTraining else { return intake.summary }
        _ = try await training.startTraining(for: user)
        return "Thanks! Your personal model is training; we'll tell you when your headshots can be made."
    }

    /// Starts a headshot when the user's model is ready; otherwise says why not, without calling Replicate.
    public func requestHeadshot(for user: AuthenticatedUser) async throws -> HeadshotOutcome {
        let status = try await training.status(for: user)
        guard status.canGenerate else { return .needsTraining(status.message) }
        return .started(try await generation.generate(user: user, look: Self.headshotLook).id)
    }

    /// Where a headshot stands: its status, the user-facing failure when it failed, and its photos.
    public func headshot(
        _ id: GenerationID, for user: AuthenticatedUser
    ) async throws -> (status: JobStatus, failure: String?, photos: [PhotoRecord]) {
        let record = try await generation.generation(id, for: user)
        let photos = try await generation.photos(of: id, for: user)
        return (record.status, record.failure?.userMessage, photos)
    }

    /// Closes the user's account: the library erases them everywhere (their jobs, model and uploads at
    /// Replicate, their photos and records). Returns a sentence for the user.
    public func closeAccount(_ user: AuthenticatedUser) async throws -> String {
        let report = try await UserErasureService(context: training.context).eraseUser(user)
        return "Your account is closed: your personal model, \(report.deletedImages) photos and every record "
            + "of them are deleted."
    }
}
