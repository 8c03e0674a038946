import Foundation
import SelfieModelKit

/// The id of a photoshoot collection, such as `golden-hour`.
public struct PhotoshootCollectionID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The id as written in the catalog.
    public let rawValue: String
    /// Wraps an id; whether a collection with it exists is for ``LookCatalog/collection(_:)`` to say.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// The id of a photoshoot look, such as `golden-rooftop`. Look ids are unique across the whole catalog.
public struct PhotoshootLookID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The id as written in the catalog.
    public let rawValue: String
    /// Wraps an id; whether a look with it exists is for ``LookCatalog/look(_:)`` to say.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// One curated look of the AI Photoshoot: a titled, ready-made FLUX prompt with a trigger-word placeholder.
///
/// Looks come only from a validated ``LookCatalog``; their prompt is rendered for one user with
/// ``prompt(for:)``, which puts that user's trigger word where the placeholder was.
public struct PhotoshootLook: Sendable, Hashable, Identifiable {
    /// The look's id, unique in its catalog.
    public let id: PhotoshootLookID
    /// The collection the look belongs to.
    public let collectionID: PhotoshootCollectionID
    /// A short title for the look, such as "Rooftop Sunset".
    public let title: String
    /// One sentence describing the look for the user.
    public let summary: String
    /// The prompt with the placeholder (exactly once) where the trigger word goes.
    public let promptTemplate: String
    /// The placeholder in ``promptTemplate``, such as `{trigger}`.
    public let triggerPlaceholder: String

    init(
        id: PhotoshootLookID, collectionID: PhotoshootCollectionID, title: String, summary: String,
        promptTemplate: String, triggerPlaceholder: String
    ) {
        self.id = id
        self.collectionID = collectionID
        self.title = title
        self.summary = summary
        self.promptTemplate = promptTemplate
        self.triggerPlaceholder = triggerPlaceholder
    }

    /// The prompt for the user whose trigger word is `triggerWord`: the template with the placeholder
    /// replaced by `triggerWord.rawValue`, which therefore appears exactly once.
    public func prompt(for triggerWord: TriggerWord) -> String {
        promptTemplate.replacingOccurrences(of: triggerPlaceholder, with: triggerWord.rawValue)
    }
}

/// A curated collection of looks, such as "Golden Hour".
public struct PhotoshootCollection: Sendable, Hashable, Identifiable {
    /// The collection's id, unique in its catalog.
    public let id: PhotoshootCollectionID
    /// The collection's title, such as "Golden Hour".
    public let title: String
    /// One sentence describing the collection for the user.
    public let summary: String
    /// The collection's looks, in the catalog's order.
    public let looks: [PhotoshootLook]

    init(id: PhotoshootCollectionID, title: String, summary: String, looks: [PhotoshootLook]) {
        self.id = id
        self.title = title
        self.summary = summary
        self.looks = looks
    }
}
