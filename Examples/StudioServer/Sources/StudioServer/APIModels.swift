import Foundation
import Hummingbird
import SelfieModelKit
import SelfieModelKitServices
import SelfieModelKitValidation

/// `POST /auth/sign-up` and `POST /auth/sign-in`.
struct Credentials: Decodable, Sendable {
    var email: String
    var password: String
}

/// The signed-in account.
struct AccountResponse: ResponseEncodable, Sendable {
    var userID: String
    var email: String

    init(_ account: Account) {
        userID = account.userID.rawValue
        email = account.email
    }
}

/// `DELETE /account`: the password, confirmed again.
struct AccountDeletionRequest: Decodable, Sendable {
    var password: String
}

/// What deleting an account removed.
struct AccountDeletionResponse: ResponseEncodable, Sendable {
    var userID: String
    /// Whether every step finished; `false` while the library still finishes at Replicate.
    var complete: Bool
    var canceledJobs: Int
    var deletedVersions: Int
    var deletedModel: Bool
    var deletedUploads: Int
    var deletedPhotos: Int
    /// What Replicate keeps on its own terms, in words for the user.
    var retainedByReplicate: [String]

    init(_ report: UserErasureReport) {
        userID = report.user.rawValue
        complete = report.completedAt != nil
        canceledJobs = report.canceledTrainings.count + report.canceledPredictions.count
        deletedVersions = report.deletedVersions.count
        deletedModel = report.deletedModel
        deletedUploads = report.deletedFiles.count
        deletedPhotos = report.deletedImages
        retainedByReplicate = UserErasureReport.retainedByReplicate
    }

    init(inProgressFor user: UserID) {
        userID = user.rawValue
        complete = false
        canceledJobs = 0
        deletedVersions = 0
        deletedModel = false
        deletedUploads = 0
        deletedPhotos = 0
        retainedByReplicate = UserErasureReport.retainedByReplicate
    }
}

/// A stored photo, selfie or generated (never the bytes: `GET /photos/{id}` serves those).
struct PhotoResponse: ResponseEncodable, Sendable {
    var id: String
    var kind: String
    var generationID: String?
    var width: Int
    var height: Int
    var contentType: String
    var isFavourite: Bool
    var createdAt: Date

    init(_ photo: PhotoRecord) {
        id = photo.id.description
        kind = photo.kind.rawValue
        generationID = photo.generationID?.description
        width = photo.width
        height = photo.height
        contentType = photo.contentType
        isFavourite = photo.isFavourite
        createdAt = photo.createdAt
    }
}

/// A list of photos.
struct PhotoListResponse: ResponseEncodable, Sendable {
    var photos: [PhotoResponse]
}

/// What happened to one uploaded selfie.
struct SelfieUploadResponse: ResponseEncodable, Sendable {
    struct Result: Codable, Sendable {
        var fileName: String
        var accepted: Bool
        var reason: String?
        var message: String?
    }
    var results: [Result]
    var stored: [PhotoResponse]
    var totalKept: Int
    var canStartTraining: Bool
    var summary: String

    init(_ intake: SelfieIntakeResult) {
        results = intake.results.map { inspection in
            Result(
                fileName: inspection.fileName, accepted: inspection.refusal == nil,
                reason: inspection.refusal?.reason.rawValue, message: inspection.refusal?.userMessage)
        }
        stored = intake.stored.map(PhotoResponse.init)
        totalKept = intake.totalKept
        canStartTraining = intake.canStartTraining
        summary = intake.summary
    }
}

/// One training attempt.
struct TrainingAttemptResponse: ResponseEncodable, Sendable {
    var id: String
    var status: String
    var progress: Double?
    var photoCount: Int
    var failure: String?
    var createdAt: Date

    init(_ attempt: TrainingAttempt) {
        id = attempt.id.description
        status = attempt.status.rawValue
        progress = attempt.progress
        photoCount = attempt.photoCount
        failure = attempt.failure?.userMessage
        createdAt = attempt.createdAt
    }
}

/// `GET /training`.
struct TrainingStatusResponse: ResponseEncodable, Sendable {
    var trainingStatus: String?
    var canGenerate: Bool
    var progress: Double?
    var selfieCount: Int
    var message: String
    var modelID: String?
    var latestAttempt: TrainingAttemptResponse?

    init(_ report: TrainingStatusReport) {
        trainingStatus = report.model?.trainingStatus.rawValue
        canGenerate = report.canGenerate
        progress = report.progress
        selfieCount = report.selfieCount
        message = report.message
        modelID = report.model?.replicateModelID.description
        latestAttempt = report.latestAttempt.map(TrainingAttemptResponse.init)
    }
}

/// One generation and the photos it produced so far (pass `ImageGenerationService.photos(of:for:)`).
struct GenerationResponse: ResponseEncodable, Sendable {
    var id: String
    var source: String
    var lookID: String?
    var prompt: String
    var status: String
    var failure: String?
    var photos: [PhotoResponse]

    init(_ record: GenerationRecord, photos: [PhotoRecord] = []) {
        id = record.id.description
        source = record.source.rawValue
        lookID = record.lookID
        prompt = record.prompt
        status = record.status.rawValue
        failure = record.failure?.userMessage
        self.photos = photos.map(PhotoResponse.init)
    }
}

/// `POST /maya/chat` and `POST /maya/generate`.
struct MayaRequest: Decodable, Sendable {
    var message: String
    var conversation: [StylistTurn]?
}

/// Maya's reply, and the generation it started when it had a prompt.
struct MayaResponse: ResponseEncodable, Sendable {
    var reply: String
    var prompt: String?
    var suggestions: [String]
    var generation: GenerationResponse?

    init(_ reply: StylistReply, generation: GenerationRecord? = nil) {
        self.reply = reply.text
        prompt = reply.prompt
        suggestions = reply.suggestions
        self.generation = generation.map { GenerationResponse($0) }
    }
}

/// `GET /photoshoot/looks`.
struct LooksResponse: ResponseEncodable, Sendable {
    struct Look: Codable, Sendable {
        var id: String
        var collection: String
        var title: String
        var summary: String
    }
    var looks: [Look]

    init(_ catalog: LookCatalog) {
        looks = catalog.looks.map {
            Look(id: $0.id.rawValue, collection: $0.collectionID.rawValue, title: $0.title, summary: $0.summary)
        }
    }
}

/// `POST /photoshoot/generate`.
struct PhotoshootRequest: Decodable, Sendable {
    var lookID: String
}

/// `PUT /photos/{id}/favourite`.
struct FavouriteRequest: Decodable, Sendable {
    var isFavourite: Bool
}
