import Foundation
import SelfieModelKit

extension LookCatalog {
    /// The catalog file as written.
    struct CatalogFile: Decodable {
        var schemaVersion: Int
        var catalogVersion: String
        var triggerPlaceholder: String
        var collections: [CollectionFile]
    }

    /// One collection as written.
    struct CollectionFile: Decodable {
        var id: String
        var title: String
        var summary: String
        var looks: [LookFile]
    }

    /// One look as written.
    struct LookFile: Decodable {
        var id: String
        var title: String
        var summary: String
        var prompt: String
    }

    /// Every broken rule of `file`, in file order.
    static func problems(in file: CatalogFile) -> [String] {
        var problems: [String] = []
        if !supportedSchemaVersions.contains(file.schemaVersion) {
            problems.append(
                "schema version \(file.schemaVersion) is not supported (expected \(supportedSchemaVersions))")
        }
        if isBlank(file.catalogVersion) { problems.append("the catalog version is empty") }
        let placeholder = file.triggerPlaceholder
        let placeholderIsUsable = placeholder.hasPrefix("{") && placeholder.hasSuffix("}") && placeholder.count > 2
        if !placeholderIsUsable {
            problems.append("the trigger placeholder must look like {name}, not \(placeholder.debugDescription)")
        }
        if file.collections.isEmpty { problems.append("the catalog has no collections") }

        var seenIDs: Set<String> = []
        func checkID(_ id: String, _ kind: String) {
            if !isValidID(id) {
                problems.append("\(kind) id \(id.debugDescription) must be lowercase letters and digits joined by '-'")
            }
            if !seenIDs.insert(id).inserted { problems.append("id \(id.debugDescription) is used more than once") }
        }
        for collection in file.collections {
            checkID(collection.id, "collection")
            if isBlank(collection.title) { problems.append("collection \(collection.id) has no title") }
            if collection.looks.isEmpty { problems.append("collection \(collection.id) has no looks") }
            for look in collection.looks {
                checkID(look.id, "look")
                if isBlank(look.title) { problems.append("look \(look.id) has no title") }
                if placeholderIsUsable {
                    problems += promptProblems(look.prompt, lookID: look.id, placeholder: placeholder)
                }
            }
        }
        return problems
    }

    private static func promptProblems(_ prompt: String, lookID: String, placeholder: String) -> [String] {
        guard !isBlank(prompt) else { return ["look \(lookID) has an empty prompt"] }
        var problems: [String] = []
        let occurrences = prompt.components(separatedBy: placeholder).count - 1
        if occurrences != 1 {
            problems.append("look \(lookID) must hold \(placeholder) exactly once (found \(occurrences))")
        }
        let rest = prompt.replacingOccurrences(of: placeholder, with: "")
        if rest.contains("{") || rest.contains("}") {
            problems.append("look \(lookID) has a stray '{' or '}' (a misspelt placeholder?)")
        }
        if prompt.count > maximumPromptLength {
            problems.append("look \(lookID)'s prompt is longer than \(maximumPromptLength) characters")
        }
        return problems
    }

    private static func isBlank(_ text: String) -> Bool {
        text.allSatisfy(\.isWhitespace)
    }

    /// Lowercase ASCII letters and digits, in words joined by single `-`.
    private static func isValidID(_ id: String) -> Bool {
        let words = id.split(separator: "-", omittingEmptySubsequences: false)
        return !id.isEmpty && id.count <= 80
            && words.allSatisfy { word in
                !word.isEmpty && word.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
            }
    }
}
