import Foundation
import SelfieModelKit

/// A model on Replicate, as `POST /models` and `GET /models/{owner}/{name}` return it.
public struct ReplicateModel: Sendable, Hashable, Decodable {
    /// The model id, `owner/name`.
    public var id: ReplicateModelID
    /// The model's page.
    public var url: URL?
    /// The description.
    public var description: String?
    /// `public` or `private`.
    public var visibility: String?
    /// How many predictions ran.
    public var runCount: Int?
    /// The newest version; `nil` for a new model that has no version yet.
    public var latestVersion: ModelVersion?

    /// Creates a model value.
    public init(
        id: ReplicateModelID, url: URL? = nil, description: String? = nil, visibility: String? = nil,
        runCount: Int? = nil, latestVersion: ModelVersion? = nil
    ) {
        self.id = id
        self.url = url
        self.description = description
        self.visibility = visibility
        self.runCount = runCount
        self.latestVersion = latestVersion
    }

    enum CodingKeys: String, CodingKey {
        case owner, name, url, description, visibility
        case runCount = "run_count"
        case latestVersion = "latest_version"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let owner = try container.decode(String.self, forKey: .owner)
        let name = try container.decode(String.self, forKey: .name)
        do {
            id = try ReplicateModelID(parsing: "\(owner)/\(name)")
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .name, in: container, debugDescription: "not a valid owner/name: \(owner)/\(name)")
        }
        url = (try? container.decodeIfPresent(String.self, forKey: .url)).flatMap { $0 }.flatMap(URL.init(string:))
        description = try? container.decodeIfPresent(String.self, forKey: .description)
        visibility = try? container.decodeIfPresent(String.self, forKey: .visibility)
        runCount = try? container.decodeIfPresent(Int.self, forKey: .runCount)
        latestVersion = try? container.decodeIfPresent(ModelVersion.self, forKey: .latestVersion)
    }
}

/// A version of a model, as `GET /models/{owner}/{name}/versions/{id}` returns it.
public struct ModelVersion: Sendable, Hashable, Decodable {
    /// The version id.
    public var id: ModelVersionID
    /// When it was created.
    public var createdAt: Date?
    /// The Cog version that built it.
    public var cogVersion: String?
    /// The `openapi_schema` as canonical JSON text (sorted keys), kept whole for audits; `nil` when absent.
    public var openAPISchemaJSON: String?
    /// The names of the inputs the version accepts (`openapi_schema.components.schemas.Input.properties`),
    /// sorted; empty when the schema does not say.
    public var inputPropertyNames: [String]

    /// Creates a version value.
    public init(
        id: ModelVersionID, createdAt: Date? = nil, cogVersion: String? = nil, openAPISchema: JSONValue? = nil
    ) {
        self.id = id
        self.createdAt = createdAt
        self.cogVersion = cogVersion
        self.openAPISchemaJSON = openAPISchema.map { $0.canonicalJSON() }
        self.inputPropertyNames = openAPISchema.map(Self.inputProperties(of:)).map { $0.keys.sorted() } ?? []
    }

    enum CodingKeys: String, CodingKey {
        case id
        case createdAt = "created_at"
        case cogVersion = "cog_version"
        case openAPISchema = "openapi_schema"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(ModelVersionID.self, forKey: .id),
            createdAt: container.decodeReplicateDate(forKey: .createdAt),
            cogVersion: try? container.decodeIfPresent(String.self, forKey: .cogVersion),
            openAPISchema: try container.decodeIfPresent(JSONValue.self, forKey: .openAPISchema))
    }

    /// The schema of the input named `name` (its `type`, `minimum`, `maximum`, `enum`, `default`, …),
    /// or `nil` when the version does not declare it.
    public func inputSchema(named name: String) -> JSONValue? {
        guard let json = openAPISchemaJSON,
            let schema = try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        else { return nil }
        return Self.inputProperties(of: schema)[name]
    }

    private static func inputProperties(of schema: JSONValue) -> [String: JSONValue] {
        schema["components"]?["schemas"]?["Input"]?["properties"]?.objectValue ?? [:]
    }
}

/// A file uploaded through the Files API (`POST /files`). Files expire after 24 hours.
public struct ReplicateFile: Sendable, Hashable, Decodable {
    /// The file's id.
    public var id: String
    /// The file name given at upload.
    public var name: String?
    /// The content type.
    public var contentType: String?
    /// The size in bytes.
    public var size: Int?
    /// The etag (an MD5 for single-part uploads).
    public var etag: String?
    /// The SHA-256 of the content, lowercase hex, when reported.
    public var sha256: String?
    /// The MD5 of the content, lowercase hex, when reported.
    public var md5: String?
    /// The metadata given at upload.
    public var metadata: JSONValue?
    /// When it was created.
    public var createdAt: Date?
    /// When Replicate deletes it.
    public var expiresAt: Date?
    /// The URL to pass as a model input (`urls.get`).
    public var url: URL?

    enum CodingKeys: String, CodingKey {
        case id, name, size, etag, checksums, metadata, urls
        case contentType = "content_type"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try? container.decodeIfPresent(String.self, forKey: .name)
        contentType = try? container.decodeIfPresent(String.self, forKey: .contentType)
        size = try? container.decodeIfPresent(Int.self, forKey: .size)
        etag = try? container.decodeIfPresent(String.self, forKey: .etag)
        let checksums = try? container.decodeIfPresent([String: String].self, forKey: .checksums)
        sha256 = checksums?["sha256"]
        md5 = checksums?["md5"]
        metadata = try? container.decodeIfPresent(JSONValue.self, forKey: .metadata)
        createdAt = container.decodeReplicateDate(forKey: .createdAt)
        expiresAt = container.decodeReplicateDate(forKey: .expiresAt)
        url = (try? container.decodeIfPresent(JobURLs.self, forKey: .urls))?.get
    }
}
