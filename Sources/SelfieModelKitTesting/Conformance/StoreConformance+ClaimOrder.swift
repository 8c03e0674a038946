import Foundation
import SelfieModelKit

extension StoreConformance {
    /// Claims go in turn: jobs never claimed first, then those claimed longest ago, so a claim limited to
    /// fewer jobs than are in flight still reaches every job, whichever holder claims. Jobs are returned
    /// oldest first.
    public func checkClaimOrder() async throws {
        let subject = try await makeSubject()
        let store = subject.store
        let user = try await makeUser(subject)
        var generations: [GenerationID] = []
        for _ in 0..<3 {
            generations.append(
                try await store.recordGenerationIntent(generationIntent(), monthlyLimit: nil, for: user).id)
            subject.clock?.advance(by: .seconds(1))
        }
        let holders = ["conformance-a-\(UUID())", "conformance-b-\(UUID())"]
        var order: [GenerationID] = []
        for round in 0..<4 {
            let holder = holders[round % 2]
            let claimed = try await store.systemClaimInFlightGenerations(
                lease: Lease(holder: holder, duration: .seconds(60)), limit: 1)
            try expect(claimed.count == 1, "a claim of one generation returned \(claimed.count)")
            order.append(claimed[0].id)
            try await store.systemReleaseGenerationLease(claimed[0].id, holder: holder)
        }
        try expect(
            order == generations + [generations[0]],
            "claims of one generation at a time served \(order), not each of \(generations) in turn")
        let pair = try await store.systemClaimInFlightGenerations(
            lease: Lease(holder: holders[0], duration: .seconds(60)), limit: 2)
        try expect(
            pair.map(\.id) == [generations[1], generations[2]],
            "a claim of two served \(pair.map(\.id)), not the two whose turn came longest ago, oldest first")

        var attempts: [TrainingAttemptID] = []
        for _ in 0..<2 {
            attempts.append(try await trainingAttempt(in: .processing, subject: subject).attempt.id)
            subject.clock?.advance(by: .seconds(1))
        }
        var trainingOrder: [TrainingAttemptID] = []
        for round in 0..<3 {
            let holder = holders[round % 2]
            let claimed = try await store.systemClaimInFlightTrainings(
                lease: Lease(holder: holder, duration: .seconds(60)), limit: 1)
            try expect(claimed.count == 1, "a claim of one training returned \(claimed.count)")
            trainingOrder.append(claimed[0].id)
            try await store.systemReleaseTrainingLease(claimed[0].id, holder: holder)
        }
        try expect(
            trainingOrder == attempts + [attempts[0]],
            "claims of one training at a time served \(trainingOrder), not each of \(attempts) in turn")
    }
}
