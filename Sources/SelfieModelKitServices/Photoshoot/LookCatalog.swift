import Foundation
import SelfieModelKit

/// The AI Photoshoot's curated looks: collections of ready-made FLUX prompts, each carrying a trigger-word
/// placeholder that ``PhotoshootLook/prompt(for:)`` replaces with one user's trigger word.
///
/// The library ships a versioned catalog as a resource (`photoshoot-catalog.v1.json`), loaded with
/// ``builtIn()``; a host can ship its own in the same format and load it with ``init(jsonData:)``.
///
/// ## Format (schema version 1)
/// ```json
/// { "schemaVersion": 1, "catalogVersion": "2026.11.1", "triggerPlaceholder": "{trigger}",
///   "collections": [ { "id": "golden-hour", "title": "Golden Hour", "summary": "…",
///     "looks": [ { "id": "golden-rooftop", "title": "Rooftop Sunset", "summary": "…",
///                  "prompt": "Sunset rooftop portrait of {trigger} …" } ] } ] }
/// ```
/// Loading checks every rule and reports every broken one at once: ids are lowercase words joined by
/// `-` and unique across collections and looks; titles and prompts are not empty; every collection has
/// a look; each prompt holds the placeholder exactly once and no other `{` or `}` (which catches a
/// misspelt placeholder); prompts are at most ``maximumPromptLength`` characters.
public struct LookCatalog: Sendable, Hashable {
    /// The catalog schema versions this library reads.
    public static let supportedSchemaVersions: ClosedRange<Int> = 1...1
    /// The longest prompt template accepted, in characters.
    public static let maximumPromptLength = 2000
    /// The name of the shipped resource.
    static let builtInResourceName = "photoshoot-catalog.v1"

    /// The schema version of the file.
    public let schemaVersion: Int
    /// The catalog's own version, such as `"2026.11.1"`; record it with a generation to know which
    /// wording produced a photo.
    public let catalogVersion: String
    /// The placeholder the prompts carry, such as `{trigger}`.
    public let triggerPlaceholder: String
    /// The collections, in the catalog's order.
    public let collections: [PhotoshootCollection]

    /// Every look of every collection, in the catalog's order.
    public var looks: [PhotoshootLook] { collections.flatMap(\.looks) }

    /// Loads the catalog that ships with the library.
    /// - Throws: `SelfieModelKitError` with code `.configuration` if the resource is missing or invalid.
    public static func builtIn() throws -> LookCatalog {
        guard let url = Bundle.module.url(forResource: builtInResourceName, withExtension: "json") else {
            throw SelfieModelKitError(
                .configuration, rule: "look-catalog.missing",
                userMessage: "The built-in photoshoot catalog could not be found.",
                detail: "resource \(builtInResourceName).json not in the module bundle")
        }
        return try LookCatalog(jsonData: try Data(contentsOf: url))
    }

    /// Decodes and validates a catalog.
    /// - Throws: `SelfieModelKitError` with code `.configuration` and rule `look-catalog.invalid`,
    ///   listing every problem, or rule `look-catalog.format` when the JSON does not decode.
    public init(jsonData: Data) throws {
        let file: CatalogFile
        do {
            file = try JSONDecoder().decode(CatalogFile.self, from: jsonData)
        } catch {
            throw SelfieModelKitError(
                .configuration, rule: "look-catalog.format",
                userMessage: "The photoshoot catalog is not valid catalog JSON.",
                detail: String(describing: error).prefix(300).description)
        }
        let problems = Self.problems(in: file)
        guard problems.isEmpty else {
            throw SelfieModelKitError(
                .configuration, rule: "look-catalog.invalid",
                userMessage: "The photoshoot catalog has \(problems.count) problem(s): "
                    + problems.joined(separator: "; "),
                detail: "catalog version \(file.catalogVersion)")
        }
        self.schemaVersion = file.schemaVersion
        self.catalogVersion = file.catalogVersion
        self.triggerPlaceholder = file.triggerPlaceholder
        self.collections = file.collections.map { collection in
            let id = PhotoshootCollectionID(collection.id)
            return PhotoshootCollection(
                id: id, title: collection.title, summary: collection.summary,
                looks: collection.looks.map {
                    PhotoshootLook(
                        id: PhotoshootLookID($0.id), collectionID: id, title: $0.title, summary: $0.summary,
                        promptTemplate: $0.prompt, triggerPlaceholder: file.triggerPlaceholder)
                })
        }
    }

    /// The look with `id`.
    /// - Throws: `SelfieModelKitError` with code `.notFound` when the catalog has no such look.
    public func look(_ id: PhotoshootLookID) throws -> PhotoshootLook {
        guard let look = looks.first(where: { $0.id == id }) else {
            throw SelfieModelKitError(
                .notFound, rule: "look-catalog.unknown-look",
                userMessage: "That photoshoot look does not exist. Pick one from the catalog.",
                detail: "look id \(id.rawValue.prefix(80).debugDescription)")
        }
        return look
    }

    /// The collection with `id`.
    /// - Throws: `SelfieModelKitError` with code `.notFound` when the catalog has no such collection.
    public func collection(_ id: PhotoshootCollectionID) throws -> PhotoshootCollection {
        guard let collection = collections.first(where: { $0.id == id }) else {
            throw SelfieModelKitError(
                .notFound, rule: "look-catalog.unknown-collection",
                userMessage: "That photoshoot collection does not exist. Pick one from the catalog.",
                detail: "collection id \(id.rawValue.prefix(80).debugDescription)")
        }
        return collection
    }

    /// The prompt of look `id` for the user whose trigger word is `triggerWord`.
    /// - Throws: `SelfieModelKitError` with code `.notFound` when the catalog has no such look.
    public func prompt(for id: PhotoshootLookID, triggerWord: TriggerWord) throws -> String {
        try look(id).prompt(for: triggerWord)
    }
}
