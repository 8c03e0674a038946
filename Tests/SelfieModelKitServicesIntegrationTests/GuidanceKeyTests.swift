import Foundation
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import SelfieModelKitValidation
import Testing

@Suite("The guidance key (issue point 6)")
struct GuidanceKeyTests {
    @Test(
        "the audit of a completed record reports locked-key-not-in-schema for guidance, as an advisory",
        arguments: StoreFactory.all)
    func auditReportsGuidanceAdvisory(_ factory: StoreFactory) async throws {
        let studio = try await StudioHarness.make(factory)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("guide1")
        let record = try #require(try await studio.store.userModel(for: user))
        let findings = studio.context.auditor.audit(record: record)
        let guidance = findings.filter { $0.code == .lockedKeyNotInSchema }
        #expect(guidance.count == 1)
        #expect(guidance.first?.severity == .advisory)
        #expect(guidance.first?.message.contains("guidance") == true)
        #expect(guidance.first?.user == user.id)
        #expect(findings.allSatisfy { $0.severity == .advisory })
        let report = studio.context.auditor.audit(records: [record], requests: [])
        #expect(report.isCompliant)
        #expect(report.findings.contains { $0.code == .lockedKeyNotInSchema })

        // By default the body stays exactly the spec's: no guidance_scale.
        _ = try await studio.generation.generate(user: user, look: studio.firstLook)
        let sentByDefault = try #require(await studio.predictionCreates().last)
        let input = try #require(try RequestInspection.json(sentByDefault)["input"]?.objectValue)
        #expect(input["guidance_scale"] == nil)
        #expect(input["guidance"] == .double(2.8))
    }

    @Test("with alsoSendGuidanceScale the body also carries guidance_scale 2.8", arguments: StoreFactory.all)
    func alsoSendGuidanceScale(_ factory: StoreFactory) async throws {
        var options = HarnessOptions()
        options.guidanceKeyCompatibility = .alsoSendGuidanceScale
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("guide2")
        let started = try await studio.generation.generate(user: user, look: studio.firstLook)
        let sent = try #require(await studio.predictionCreates().last)
        #expect(sent.status == 201)
        let input = try #require(try RequestInspection.json(sent)["input"]?.objectValue)
        #expect(input["guidance_scale"] == .double(2.8))
        #expect(input["guidance"] == .double(2.8))
        #expect(input.count == 11)
        #expect(try await studio.finish(started, for: user).status == .succeeded)
        let record = try #require(try await studio.store.userModel(for: user))
        let body = try #require(sent.body)
        let report = studio.context.auditor.audit(
            records: [record], requests: [RecordedPredictionRequest(user: user.id, body: body)])
        #expect(report.isCompliant, "\(report)")
    }
}
