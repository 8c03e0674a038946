import Foundation
import SelfieModelKit
import SelfieModelKitServices
import Testing

@Suite("Photoshoot look catalog")
struct LookCatalogTests {
    @Test("the built-in catalog has at least 6 collections of at least 4 looks, all valid")
    func builtInShape() throws {
        let catalog = try LookCatalog.builtIn()
        #expect(catalog.schemaVersion == 1)
        #expect(!catalog.catalogVersion.isEmpty)
        #expect(catalog.triggerPlaceholder == "{trigger}")
        #expect(catalog.collections.count >= 6)
        for collection in catalog.collections {
            #expect(collection.looks.count >= 4, "\(collection.id) has too few looks")
            #expect(collection.looks.allSatisfy { $0.collectionID == collection.id })
        }
        let ids = catalog.looks.map(\.id)
        #expect(Set(ids).count == ids.count)
        let required = [
            "business-portrait", "editorial", "lifestyle-cafe", "golden-hour", "studio-black-and-white", "travel",
        ]
        for id in required {
            #expect(throws: Never.self) { try catalog.collection(PhotoshootCollectionID(id)) }
        }
    }

    @Test("every built-in prompt is a rich editorial prompt with the trigger word exactly once")
    func builtInPrompts() throws {
        let catalog = try LookCatalog.builtIn()
        let trigger = TriggerWord(for: try UserID("42"))
        for look in catalog.looks {
            let prompt = look.prompt(for: trigger)
            #expect(prompt.components(separatedBy: "user42").count == 2, "\(look.id)")
            #expect(!prompt.contains("{") && !prompt.contains("}"), "\(look.id)")
            #expect(prompt.contains("natural skin texture"), "\(look.id)")
            #expect(prompt.contains("grain"), "\(look.id)")
            #expect(prompt.contains("shot on"), "\(look.id) names a camera")
            #expect(prompt.range(of: #"\d+mm|f/\d"#, options: .regularExpression) != nil, "\(look.id) names a lens")
            #expect(prompt.split(separator: " ").count >= 40, "\(look.id) is too thin")
        }
    }

    @Test("rendering puts each user's own trigger word in the prompt")
    func rendering() throws {
        let catalog = try LookCatalog.builtIn()
        let id = PhotoshootLookID("golden-rooftop")
        let first = try catalog.prompt(for: id, triggerWord: TriggerWord(for: try UserID("7")))
        let second = try catalog.prompt(for: id, triggerWord: TriggerWord(for: try UserID("8")))
        #expect(first.hasPrefix("Sunset rooftop portrait of user7 "))
        #expect(second.hasPrefix("Sunset rooftop portrait of user8 "))
        #expect(!first.contains("user8"))
    }

    @Test("unknown looks and collections are not found")
    func unknown() throws {
        let catalog = try LookCatalog.builtIn()
        let error = try #require(throws: SelfieModelKitError.self) { try catalog.look(PhotoshootLookID("nope")) }
        #expect(error.code == .notFound)
        #expect(throws: SelfieModelKitError.self) { try catalog.collection(PhotoshootCollectionID("nope")) }
    }

    @Test("a valid custom catalog loads")
    func customCatalog() throws {
        let catalog = try LookCatalog(jsonData: Self.catalogJSON(prompt: "Portrait of {trigger} in a garden"))
        #expect(catalog.looks.map(\.id.rawValue) == ["garden-look"])
        #expect(catalog.looks[0].prompt(for: TriggerWord(for: try UserID("5"))) == "Portrait of user5 in a garden")
    }

    @Test(
        "invalid catalogs are refused with the broken rule named",
        arguments: [
            (catalogJSON(prompt: "Portrait in a garden"), "exactly once (found 0)"),
            (catalogJSON(prompt: "{trigger} and {trigger}"), "exactly once (found 2)"),
            (catalogJSON(prompt: "   "), "empty prompt"),
            (catalogJSON(prompt: "Portrait of {triger}"), "exactly once (found 0)"),
            (catalogJSON(prompt: "Portrait of {trigger} {mood}"), "stray"),
            (catalogJSON(prompt: "Portrait of {trigger}", lookID: "garden"), "used more than once"),
            (catalogJSON(prompt: "Portrait of {trigger}", lookID: "Garden Look"), "lowercase letters"),
            (catalogJSON(prompt: "Portrait of {trigger}", schemaVersion: 2), "schema version 2"),
            (catalogJSON(prompt: "Portrait of {trigger}", placeholder: "TRIGGER"), "placeholder must look like"),
            (catalogJSON(prompt: "Portrait of {trigger} " + String(repeating: "x", count: 2000)), "longer than"),
        ])
    func invalid(json: Data, expected: String) throws {
        let error = try #require(throws: SelfieModelKitError.self) { try LookCatalog(jsonData: json) }
        #expect(error.code == .configuration)
        #expect(error.rule == "look-catalog.invalid")
        #expect(error.userMessage.contains(expected), "\(error.userMessage)")
    }

    @Test("every problem of a catalog is listed at once")
    func allProblems() throws {
        let json = Self.catalogJSON(prompt: "no placeholder {x}", lookID: "garden", schemaVersion: 9)
        let error = try #require(throws: SelfieModelKitError.self) { try LookCatalog(jsonData: json) }
        #expect(error.userMessage.contains("has 4 problem(s)"))
    }

    @Test("malformed JSON is a format error")
    func malformed() throws {
        let error = try #require(throws: SelfieModelKitError.self) {
            try LookCatalog(jsonData: Data(#"{"schemaVersion": 1}"#.utf8))
        }
        #expect(error.rule == "look-catalog.format")
    }

    static func catalogJSON(
        prompt: String, lookID: String = "garden-look", schemaVersion: Int = 1, placeholder: String = "{trigger}"
    ) -> Data {
        let object: [String: Any] = [
            "schemaVersion": schemaVersion, "catalogVersion": "test.1", "triggerPlaceholder": placeholder,
            "collections": [
                [
                    "id": "garden", "title": "Garden", "summary": "Outdoors.",
                    "looks": [["id": lookID, "title": "Garden", "summary": "A garden.", "prompt": prompt]],
                ]
            ],
        ]
        return try! JSONSerialization.data(withJSONObject: object)
    }
}
