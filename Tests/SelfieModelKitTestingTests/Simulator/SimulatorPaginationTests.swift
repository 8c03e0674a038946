import Foundation
import HTTPTypes
import Testing

@testable import SelfieModelKitTesting

@Suite("Simulator list pagination")
struct SimulatorPaginationTests {
    /// Follows `next` from the first page of `path`, returning every page.
    private static func pages(_ caller: SimCaller, _ path: String) async throws -> [SimResult] {
        var pages = [try await caller.get(path)]
        while let next = pages.last?.json["next"]?.stringValue {
            #expect(next.hasPrefix("https://api.replicate.com/v1\(path)?cursor="), "next is \(next)")
            pages.append(try await caller.get(next))
            if pages.count > 10 { break }
        }
        return pages
    }

    @Test("GET /v1/predictions pages 100 at a time, newest first, with absolute next and previous URLs")
    func predictionPages() async throws {
        let simulator = SimFixtures.simulator(configure: { $0.rateLimits = .disabled })
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let version = try await SimFixtures.trainedVersion(simulator, caller, owner: "alice", name: "7-selfie-lora")
        var created: [String] = []
        for seed in 0..<250 {
            let result = try await caller.json(
                .post, "/predictions", SimFixtures.predictionBody(version: version, seed: seed))
            created.append(try #require(result.json["id"]?.stringValue))
            await simulator.advance(by: 1)
        }

        let pages = try await Self.pages(caller, "/predictions")
        #expect(pages.map { $0.json["results"]?.arrayValue?.count ?? -1 } == [100, 100, 50])
        #expect(pages.allSatisfy { $0.status == 200 })
        #expect(pages.first?.json["previous"] == .null)
        #expect(pages.last?.json["next"] == .null)
        let ids = pages.flatMap { $0.json["results"]?.arrayValue ?? [] }.compactMap { $0["id"]?.stringValue }
        #expect(ids == created.reversed())

        // A prediction created meanwhile does not shift the pages after the first.
        _ = try await caller.json(.post, "/predictions", SimFixtures.predictionBody(version: version, seed: 999))
        let second = try await caller.get(try #require(pages[0].json["next"]?.stringValue))
        #expect(second.json["results"] == pages[1].json["results"])
        // `previous` leads back to the page before.
        let back = try await caller.get(try #require(pages[2].json["previous"]?.stringValue))
        #expect(back.json["results"] == pages[1].json["results"])

        // Another account sees none of it; a cursor that is not one is refused.
        let bob = SimCaller(simulator: simulator, token: SimFixtures.bob.token)
        #expect(try await bob.get("/predictions").json["results"]?.arrayValue?.isEmpty == true)
        #expect(try await caller.get("/predictions?cursor=not-a-cursor").status == 400)
    }

    @Test("on the system clock (times finer than a microsecond) pages neither overlap nor skip")
    func systemClockPages() async throws {
        let simulator = SimFixtures.simulator(configure: { $0.rateLimits = .disabled })
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        let version = try await SimFixtures.trainedVersion(simulator, caller, owner: "alice", name: "7-selfie-lora")
        let realTime = ReplicateSimulator(
            configuration: ReplicateSimulator.Configuration(
                accounts: [SimFixtures.alice], rateLimits: .disabled),
            clock: .system())
        try await realTime.restore(from: try await simulator.snapshot())
        let real = SimCaller(simulator: realTime, token: SimFixtures.alice.token)
        var created: Set<String> = []
        for seed in 0..<450 {
            let result = try await real.json(
                .post, "/predictions", SimFixtures.predictionBody(version: version, seed: seed))
            created.insert(try #require(result.json["id"]?.stringValue))
        }
        let pages = try await Self.pages(real, "/predictions")
        let ids = pages.flatMap { $0.json["results"]?.arrayValue ?? [] }.compactMap { $0["id"]?.stringValue }
        #expect(pages.count == 5)
        #expect(ids.count == Set(ids).count, "a prediction was listed twice")
        #expect(Set(ids).isSuperset(of: created), "\(created.subtracting(ids).count) predictions were skipped")
    }

    @Test("GET /v1/trainings pages like predictions, and one page has neither link")
    func trainingPages() async throws {
        let simulator = SimFixtures.simulator(configure: { $0.rateLimits = .disabled })
        let caller = SimCaller(simulator: simulator, token: SimFixtures.alice.token)
        _ = try await SimFixtures.trainedVersion(simulator, caller, owner: "alice", name: "7-selfie-lora")
        let page = try await caller.get("/trainings")
        #expect(page.json["results"]?.arrayValue?.count == 1)
        #expect(page.json["next"] == .null)
        #expect(page.json["previous"] == .null)
    }
}
