import Foundation
import Hummingbird
import HummingbirdAuth
import NIOCore
import SelfieModelKit
import SelfieModelKitServices

/// The API routes, each a thin call into the library's services with the request's ``AuthenticatedUser``.
struct StudioRoutes: Sendable {
    let backend: StudioBackend
    let accountService: AccountService

    /// The largest selfie body accepted (the library refuses photos over 15 MB with a clear message).
    static let maximumSelfieBytes = 16 * 1024 * 1024

    func addPublicRoutes(to router: Router<StudioRequestContext>) {
        router.get("/health") { _, _ in HTTPResponse.Status.ok }
        router.post("/webhooks/replicate", use: webhook)
        let auth = router.group("auth")
        auth.post("sign-up", use: signUp)
        auth.post("sign-in", use: signIn)
        auth.post("sign-out", use: signOut)
    }

    func addUserRoutes(to group: RouterGroup<StudioRequestContext>) {
        group.get("selfies", use: listSelfies)
        group.post("selfies", use: uploadSelfie)
        group.delete("selfies/:id", use: deleteSelfie)
        group.get("training", use: trainingStatus)
        group.post("training", use: startTraining)
        group.post("training/cancel", use: cancelTraining)
        group.post("maya/chat", use: mayaChat)
        group.post("maya/generate", use: mayaGenerate)
        group.get("photoshoot/looks", use: looks)
        group.post("photoshoot/generate", use: photoshootGenerate)
        group.get("generations/:id", use: generation)
        group.get("photos", use: listPhotos)
        group.get("photos/:id", use: downloadPhoto)
        group.put("photos/:id/favourite", use: setFavourite)
        group.delete("photos/:id", use: deletePhoto)
        group.delete("account", use: deleteAccount)
    }

    // MARK: Webhooks

    /// Replicate's deliveries: the RAW body goes to the library, which verifies the signature on exactly
    /// those bytes before anything parses them.
    @Sendable func webhook(_ request: Request, context: StudioRequestContext) async throws -> Response {
        guard let webhooks = backend.services.webhooks else {
            // Without PUBLIC_URL the services never ask for webhooks; the reconciler completes every job.
            return Response(status: .notFound)
        }
        let body = try await request.body.collect(upTo: 1024 * 1024)
        let result = await webhooks.handle(headers: request.headers, rawBody: Data(body.readableBytesView))
        return Response(status: .init(code: result.httpStatus))
    }

    // MARK: Accounts

    @Sendable func signUp(
        _ request: Request, context: StudioRequestContext
    ) async throws -> EditedResponse<AccountResponse> {
        let credentials = try await request.decode(as: Credentials.self, context: context)
        let account = try await accountService.signUp(email: credentials.email, password: credentials.password)
        context.sessions.createSession(StudioSession(userID: account.userID))
        return EditedResponse(status: .created, response: AccountResponse(account))
    }

    @Sendable func signIn(_ request: Request, context: StudioRequestContext) async throws -> AccountResponse {
        let credentials = try await request.decode(as: Credentials.self, context: context)
        let account = try await accountService.signIn(email: credentials.email, password: credentials.password)
        context.sessions.createSession(StudioSession(userID: account.userID))
        return AccountResponse(account)
    }

    @Sendable func signOut(_ request: Request, context: StudioRequestContext) async throws -> HTTPResponse.Status {
        context.sessions.clearSession()
        return .noContent
    }

    /// Deletes the signed-in user's account and everything of theirs, after they confirm their password:
    /// the library erases them everywhere (Replicate, photos, records), then the account row goes and the
    /// session ends. 200 with what was deleted; 202 when the library must still finish at Replicate (the
    /// reconciler does; the user can no longer sign in or start anything).
    @Sendable func deleteAccount(
        _ request: Request, context: StudioRequestContext
    ) async throws -> EditedResponse<AccountDeletionResponse> {
        let user = try context.requireUser()
        let input = try await request.decode(as: AccountDeletionRequest.self, context: context)
        try await accountService.confirmPassword(input.password, of: user)
        let erasure = backend.services.erasure
        let outcome: AccountDeletionResponse
        do {
            outcome = AccountDeletionResponse(try await erasure.eraseUser(user))
        } catch {
            // Once begun, the erasure is the library's to finish (the reconciler resumes it); before that,
            // nothing was deleted and the account stays.
            guard try await erasure.erasure(of: user) != nil else { throw error }
            outcome = AccountDeletionResponse(inProgressFor: user.id)
        }
        try await backend.accounts.delete(userID: user.id)
        context.sessions.clearSession()
        return EditedResponse(status: outcome.complete ? .ok : .accepted, response: outcome)
    }

    // MARK: Selfies and training

    @Sendable func listSelfies(_ request: Request, context: StudioRequestContext) async throws -> PhotoListResponse {
        PhotoListResponse(
            photos: try await backend.services.training.selfies(for: try context.requireUser()).map(PhotoResponse.init))
    }

    /// One selfie per request: the raw image bytes as the body, `?name=` for the file name.
    @Sendable func uploadSelfie(
        _ request: Request, context: StudioRequestContext
    ) async throws -> EditedResponse<SelfieUploadResponse> {
        let user = try context.requireUser()
        let body = try await request.body.collect(upTo: Self.maximumSelfieBytes)
        let name = request.uri.queryParameters["name"].map(String.init) ?? "selfie"
        let intake = try await backend.services.training.addSelfies(
            [SelfieUpload(data: Data(body.readableBytesView), fileName: name)], for: user)
        return EditedResponse(
            status: intake.stored.isEmpty ? .unprocessableContent : .created, response: SelfieUploadResponse(intake))
    }

    @Sendable func deleteSelfie(_ request: Request, context: StudioRequestContext) async throws -> HTTPResponse.Status {
        let user = try context.requireUser()
        guard let id = photoID(context) else { throw APIError.notFound("selfie") }
        try await backend.services.training.deleteSelfie(id, for: user)
        return .noContent
    }

    @Sendable func trainingStatus(
        _ request: Request, context: StudioRequestContext
    ) async throws -> TrainingStatusResponse {
        TrainingStatusResponse(try await backend.services.training.status(for: try context.requireUser()))
    }

    @Sendable func startTraining(
        _ request: Request, context: StudioRequestContext
    ) async throws -> EditedResponse<TrainingAttemptResponse> {
        let attempt = try await backend.services.training.startTraining(for: try context.requireUser())
        return EditedResponse(status: .accepted, response: TrainingAttemptResponse(attempt))
    }

    @Sendable func cancelTraining(
        _ request: Request, context: StudioRequestContext
    ) async throws -> TrainingAttemptResponse {
        TrainingAttemptResponse(try await backend.services.training.cancelTraining(for: try context.requireUser()))
    }

    // MARK: Generation

    @Sendable func mayaChat(_ request: Request, context: StudioRequestContext) async throws -> MayaResponse {
        let user = try context.requireUser()
        let input = try await request.decode(as: MayaRequest.self, context: context)
        return MayaResponse(
            try await backend.services.maya.chat(
                user: user, message: input.message, conversation: input.conversation ?? []))
    }

    @Sendable func mayaGenerate(
        _ request: Request, context: StudioRequestContext
    ) async throws -> EditedResponse<MayaResponse> {
        let user = try context.requireUser()
        let input = try await request.decode(as: MayaRequest.self, context: context)
        let (reply, generation) = try await backend.services.maya.generate(
            user: user, from: input.message, conversation: input.conversation ?? [])
        return EditedResponse(
            status: generation == nil ? .ok : .accepted, response: MayaResponse(reply, generation: generation))
    }

    @Sendable func looks(_ request: Request, context: StudioRequestContext) async throws -> LooksResponse {
        _ = try context.requireUser()
        return LooksResponse(backend.services.generation.catalog)
    }

    @Sendable func photoshootGenerate(
        _ request: Request, context: StudioRequestContext
    ) async throws -> EditedResponse<GenerationResponse> {
        let user = try context.requireUser()
        let input = try await request.decode(as: PhotoshootRequest.self, context: context)
        let record = try await backend.services.generation.generate(user: user, look: PhotoshootLookID(input.lookID))
        return EditedResponse(status: .accepted, response: GenerationResponse(record))
    }

    @Sendable func generation(_ request: Request, context: StudioRequestContext) async throws -> GenerationResponse {
        let user = try context.requireUser()
        guard let raw = context.parameters.get("id"), let uuid = UUID(uuidString: raw) else {
            throw APIError.notFound("generation")
        }
        let id = GenerationID(uuid)
        let record = try await backend.services.generation.generation(id, for: user)
        return GenerationResponse(record, photos: try await backend.services.generation.photos(of: id, for: user))
    }

    // MARK: Photos

    @Sendable func listPhotos(_ request: Request, context: StudioRequestContext) async throws -> PhotoListResponse {
        PhotoListResponse(
            photos: try await backend.services.generation.photos(for: try context.requireUser()).map(PhotoResponse.init)
        )
    }

    @Sendable func downloadPhoto(_ request: Request, context: StudioRequestContext) async throws -> Response {
        let user = try context.requireUser()
        guard let id = photoID(context) else { throw APIError.notFound("photo") }
        let (record, data) = try await backend.services.generation.photo(id, for: user)
        return Response(
            status: .ok, headers: [.contentType: record.contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    @Sendable func setFavourite(_ request: Request, context: StudioRequestContext) async throws -> PhotoResponse {
        let user = try context.requireUser()
        let input = try await request.decode(as: FavouriteRequest.self, context: context)
        guard let id = photoID(context) else { throw APIError.notFound("photo") }
        return PhotoResponse(try await backend.services.generation.setFavourite(id, input.isFavourite, for: user))
    }

    @Sendable func deletePhoto(_ request: Request, context: StudioRequestContext) async throws -> HTTPResponse.Status {
        let user = try context.requireUser()
        guard let id = photoID(context) else { throw APIError.notFound("photo") }
        try await backend.services.generation.deletePhoto(id, for: user)
        return .noContent
    }

    /// A malformed id answers like a missing one.
    private func photoID(_ context: StudioRequestContext) -> PhotoID? {
        context.parameters.get("id").flatMap(UUID.init(uuidString:)).map(PhotoID.init)
    }
}
