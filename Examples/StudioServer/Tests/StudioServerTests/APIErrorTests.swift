import HTTPTypes
import SelfieModelKit
import Testing

@testable import StudioServer

/// How the library's errors reach the API's clients: the library's sentence, a status that says whether
/// trying again helps.
@Suite("API errors")
struct APIErrorTests {
    @Test("a job that could not start answers 502 with the library's sentence; a busy Replicate answers 503")
    func jobFailures() {
        let unreachable = SelfieModelKitError(
            .jobFailed, rule: "generation.create.unreachable", userMessage: "We couldn't reach Replicate.",
            detail: "ReplicateError(serverError, 503)")
        let mapped = APIError.from(unreachable)
        #expect(mapped.status == .badGateway)
        #expect(mapped.code == SelfieModelKitError.Code.jobFailed.rawValue)
        #expect(mapped.message == "We couldn't reach Replicate.")
        #expect(!mapped.message.contains("503"), "the developer detail stays out of the answer")

        let busy = SelfieModelKitError(
            .jobFailed, rule: "training.create.busy", userMessage: "Replicate is very busy right now.")
        #expect(APIError.from(busy).status == .serviceUnavailable)
        #expect(APIError.from(busy).message == "Replicate is very busy right now.")
    }

    @Test("library errors keep their code; other errors never leak their text")
    func otherErrors() {
        let untrained = SelfieModelKitError(
            .modelNotTrained, rule: "generation.untrained", userMessage: "Train your model first.")
        #expect(APIError.from(untrained).code == SelfieModelKitError.Code.modelNotTrained.rawValue)
        #expect(APIError.from(untrained).message == "Train your model first.")

        struct Secretive: Error {}
        let internalError = APIError.from(Secretive())
        #expect(internalError.status == .internalServerError)
        #expect(!internalError.message.contains("Secretive"))
    }
}
