import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SelfieModelKitPostgresTesting
import SelfieModelKitTesting
import Testing

@testable import StudioServer

/// Where a test server keeps its records and accounts.
enum TestStorage: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// The in-memory stores.
    case memory
    /// PostgreSQL: a fresh database, owned by a non-superuser role, on the throwaway server of
    /// `SelfieModelKitPostgresTesting` (images in a temporary folder).
    case postgres

    var testDescription: String { rawValue }
}

/// One server for one test: the chosen stores, the simulator on a virtual clock (time moves only when the
/// test says so), and the minimum bcrypt cost.
struct TestServer: Sendable {
    let backend: StudioBackend
    let application: Application<RouterResponder<StudioRequestContext>>
    /// The PostgreSQL database, for ``TestStorage/postgres``.
    let database: TestDatabase?
    private let folder: URL?

    static let quiet = Logger(label: "studio-server-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `body` with a new server, then closes it (stopping its PostgreSQL client) and removes its files.
    static func with(
        _ storage: TestStorage = .memory, _ body: (TestServer) async throws -> Void
    ) async throws {
        let server = try await TestServer(storage: storage)
        do {
            try await body(server)
        } catch {
            await server.close()
            throw error
        }
        await server.close()
    }

    private init(storage: TestStorage) async throws {
        let backendStorage: StudioBackend.Storage
        switch storage {
        case .memory:
            backendStorage = .inMemory
            database = nil
            folder = nil
        case .postgres:
            let database = try await PostgresTestServer.shared().makeDatabase(prefix: "studio")
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("studio-\(UUID().uuidString)")
            backendStorage = .postgres(database.ownerConfiguration, dataFolder: folder)
            self.database = database
            self.folder = folder
        }
        backend = try await StudioBackend.make(
            environment: ["SELFIE_REPLICATE_BACKEND": "simulator"], storage: backendStorage, simulatorClock: .virtual(),
            simulatorTimeScale: 1,
            bcryptCost: 4, reconcileInterval: .seconds(3600), logger: Self.quiet)
        application = Application(
            router: StudioApplication.router(backend: backend, sessions: MemoryPersistDriver()))
    }

    func close() async {
        await backend.close()
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    var simulator: ReplicateSimulator {
        get throws { try #require(backend.simulator) }
    }

    /// Sends the simulator's webhooks through `POST /webhooks/replicate` of the server under test, so every
    /// delivery crosses the real route with its raw body.
    func deliverWebhooksThrough(_ client: some TestClientProtocol) async throws {
        try await simulator.setWebhookReceiver { delivery in
            let response = try await client.execute(
                uri: "/webhooks/replicate", method: .post, headers: delivery.headerFields,
                body: ByteBuffer(bytes: delivery.body))
            return Int(response.status.code)
        }
    }
}

/// A signed-in user as the client sees it: the session cookie.
struct SignedIn: Sendable {
    let cookie: String
    let userID: String
}

/// The JSON error body every failing route answers with.
struct ErrorBody: Decodable, Equatable {
    struct Detail: Decodable, Equatable {
        var code: String
        var message: String
    }
    var error: Detail
}

extension TestClientProtocol {
    /// Signs up and returns the session cookie from `Set-Cookie`.
    func signUp(_ email: String, password: String = "correct horse battery") async throws -> SignedIn {
        let response = try await send(
            .post, "/auth/sign-up", json: ["email": email, "password": password])
        #expect(response.status == .created)
        let setCookie = try #require(response.headers[.setCookie])
        let cookie = try #require(setCookie.split(separator: ";").first.map(String.init))
        let account = try JSONDecoder().decode([String: String].self, from: Data(response.body.readableBytesView))
        return SignedIn(cookie: cookie, userID: try #require(account["userID"]))
    }

    /// Sends a request, with the session cookie when given.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, as user: SignedIn? = nil, json: [String: String]? = nil,
        body: Data? = nil
    ) async throws -> TestResponse {
        var headers = HTTPFields()
        if let user { headers[.cookie] = user.cookie }
        var buffer: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(bytes: try JSONEncoder().encode(json))
        } else if let body {
            buffer = ByteBuffer(bytes: body)
        }
        return try await execute(uri: uri, method: method, headers: headers, body: buffer)
    }

    /// Sends a JSON body of any shape.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, as user: SignedIn, encoded: some Encodable
    ) async throws -> TestResponse {
        var headers = HTTPFields()
        headers[.cookie] = user.cookie
        headers[.contentType] = "application/json"
        return try await execute(
            uri: uri, method: method, headers: headers, body: ByteBuffer(bytes: try JSONEncoder().encode(encoded)))
    }
}

extension TestResponse {
    /// Decodes the body as JSON.
    func json<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Data(body.readableBytesView))
    }
}

/// The parts of the API's JSON the tests read.
struct PhotoJSON: Decodable {
    var id: String
    var kind: String
    var generationID: String?
    var isFavourite: Bool
    var contentType: String
}

struct PhotoListJSON: Decodable {
    var photos: [PhotoJSON]
}

struct UploadJSON: Decodable {
    var stored: [PhotoJSON]
    var totalKept: Int
    var canStartTraining: Bool
}

struct RefusalJSON: Decodable {
    struct Result: Decodable {
        var fileName: String
        var accepted: Bool
        var reason: String?
        var message: String?
    }
    var results: [Result]
    var totalKept: Int
}

struct TrainingStatusJSON: Decodable {
    var trainingStatus: String?
    var canGenerate: Bool
    var selfieCount: Int
    var modelID: String?
}

struct GenerationJSON: Decodable {
    var id: String
    var status: String
    var photos: [PhotoJSON]
}

struct MayaJSON: Decodable {
    var reply: String
    var prompt: String?
    var generation: GenerationJSON?
}

struct LooksJSON: Decodable {
    struct Look: Decodable {
        var id: String
    }
    var looks: [Look]
}

/// Both ways HummingbirdTesting runs a test: in process (no sockets) and against a live server.
let bothSetups: [TestingSetup] = [.router, .live]
