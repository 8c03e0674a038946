import Foundation
import SelfieModelKit
import SelfieModelKitReplicate
import SelfieModelKitServices
import SelfieModelKitTesting
import SelfieModelKitValidation
import Testing

@Suite("A burst under the rate budget")
struct BurstTests {
    @Test(
        "200 generations from 20 users at 60 per minute: no 429 reaches a user and turns are fair",
        .timeLimit(.minutes(3)), arguments: StoreFactory.all)
    func burstOfTwoHundred(_ factory: StoreFactory) async throws {
        let gate = SleepGate()
        var options = HarnessOptions()
        options.webhooks = false
        options.sleepGate = gate
        options.budgetLimits = RateBudget.Limits(predictionCreate: RateLimit(requestsPerMinute: 60, burst: 1))
        options.simulatorRateLimits = SimulatorRateLimits(predictionCreatesPerMinute: 60)
        let counting = LockedValue<CountingTransport?>(nil)
        options.wrapTransport = { base in
            let transport = CountingTransport(wrapping: base, when: CrashingTransport.predictionCreate)
            counting.set(transport)
            return transport
        }
        let studio = try await StudioHarness.make(factory, options)
        defer { Task { await studio.close() } }
        let creates = try #require(counting.current)

        // Twenty trained users (the same synthetic selfies each; every user's model is still their own).
        let selfies = SyntheticSelfies.make(count: 10, seed: 3).map {
            SelfieUpload(data: $0.png, fileName: $0.filename)
        }
        var users: [AuthenticatedUser] = []
        for index in 1...20 {
            let user = try studio.user("burst\(index)")
            _ = try await studio.training.addSelfies(selfies, for: user)
            _ = try await studio.training.startTraining(for: user)
            users.append(user)
        }
        for user in users {
            #expect(try await studio.finishTraining(for: user, reconcile: true).status == .succeeded)
        }
        await studio.simulator.clearRecordedRequests()
        let startedAt = studio.now

        // Every request joins the queue before the budget lets the second one go: user by user, ten each,
        // so first-come-first-served would serve all of burst1's before anyone else's.
        // Virtual time moves only once every request granted so far has been answered.
        let sentBefore = await creates.count
        await gate.waitUntilSettled {
            let granted = 200 - (await studio.budget.waitingCount(in: .predictionCreate))
            return await creates.count - sentBefore >= granted
        }
        await gate.close()
        let looks = studio.generation.catalog.looks
        let outcomes = try await withThrowingTaskGroup(of: (UserID, String?).self) { group in
            for user in users {
                for index in 0..<10 {
                    group.addTask {
                        do {
                            _ = try await studio.generation.generate(user: user, look: looks[index].id)
                            return (user.id, nil)
                        } catch {
                            return (user.id, "\(error)")
                        }
                    }
                }
            }
            #expect(try await waitingCreates(in: studio, reaching: 199) == 199)
            await gate.open()
            var outcomes: [(UserID, String?)] = []
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }

        #expect(outcomes.count == 200)
        let failures = outcomes.compactMap(\.1)
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        let received = await studio.predictionCreates()
        #expect(received.count == 200)
        #expect(received.allSatisfy { $0.status == 201 })
        #expect(await studio.simulator.recordedRequests().allSatisfy { $0.status != 429 })

        // Fair turns: every user's first generation was created before any user's fifth, and once the
        // queue had formed (after the one create that went before anyone else had asked), the next twenty
        // creates came from twenty different users.
        let order = try received.map { try RequestInspection.user(ofPrediction: $0) }
        var positions: [String: [Int]] = [:]
        for (position, user) in order.enumerated() { positions[user, default: []].append(position) }
        #expect(positions.count == 20)
        #expect(positions.values.allSatisfy { $0.count == 10 })
        let latestFirst = positions.values.map { $0[0] }.max() ?? .max
        let earliestFifth = positions.values.map { $0[4] }.min() ?? .min
        #expect(latestFirst < earliestFifth)
        #expect(Set(order.dropFirst().prefix(20)).count == 20)

        // The budget paced the creates on virtual time: one a second, so never more than 61 in a calendar
        // minute (the simulator refuses the 67th), and 200 take over three minutes.
        #expect(studio.now.timeIntervalSince(startedAt) >= 190)
        let byMinute = Dictionary(grouping: received) { Int($0.receivedAt.timeIntervalSince1970 / 60) }
        #expect(byMinute.values.allSatisfy { $0.count <= 61 })
    }

    @Test(
        "a generation waiting its turn in the budget past the orphan grace period is not failed as an orphan",
        .timeLimit(.minutes(3)), arguments: StoreFactory.all)
    func queuedGenerationIsNoOrphan(_ factory: StoreFactory) async throws {
        let (studio, gate, options) = try await Self.oneCreatePerSecond(factory)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("queue1", reconcile: true)

        let (first, queued) = try await Self.generateTwice(user, in: studio, holding: gate)
        #expect(await studio.budget.waitingCount(in: .predictionCreate) == 1)

        // Time passes (other users' turns, say) while it waits; the reconciler runs meanwhile.
        try await studio.advance(by: options.orphanGracePeriod + 60, reconcile: true)
        let waiting = try #require(try await studio.store.generations(for: user, limit: 10).first { $0.id != first.id })
        #expect(waiting.status == .recorded)
        #expect(waiting.failure == nil)

        await gate.open()
        let second = try await queued.value
        #expect(second.id == waiting.id)
        #expect(second.predictionID != nil)
        #expect(try await studio.finish(second, for: user, reconcile: true).status == .succeeded)
        #expect(try await studio.finish(first, for: user, reconcile: true).status == .succeeded)
        #expect(await studio.predictionCreates().count == 2)
    }

    @Test(
        "when another instance's reconciler gives up a queued generation whose start lease lapsed, its prediction is canceled, not left untracked",
        .timeLimit(.minutes(3)), arguments: StoreFactory.all)
    func givenUpGenerationIsCanceled(_ factory: StoreFactory) async throws {
        let (studio, gate, options) = try await Self.oneCreatePerSecond(factory)
        defer { Task { await studio.close() } }
        let user = try await studio.trainedUser("queue2", reconcile: true)
        // A second host instance: same store and Replicate account, its own process state.
        let other = StudioContext(
            client: studio.context.client, store: studio.store, images: studio.images, owner: StudioHarness.owner,
            publicURL: StudioHarness.publicURL, logger: studio.context.logger, now: studio.context.now)
        let otherReconciler = Reconciler(
            training: ModelTrainingService(context: other),
            generation: ImageGenerationService(context: other, catalog: studio.generation.catalog, monthlyQuota: nil),
            holder: "other-instance", orphanGracePeriod: options.orphanGracePeriod)

        let (first, queued) = try await Self.generateTwice(user, in: studio, holding: gate)
        // The starter stalls past its start lease (virtual time jumps; no renewal runs meanwhile), so the
        // other instance's reconciler may take the generation for an orphan.
        try await studio.advance(
            by: max(options.orphanGracePeriod, TimeInterval(options.startLease.duration.components.seconds)) + 60)
        try await otherReconciler.reconcileOnce()
        let givenUp = try #require(try await studio.store.generations(for: user, limit: 10).first { $0.id != first.id })
        #expect(givenUp.status == .failed)

        await gate.open()
        let error = await #expect(throws: SelfieModelKitError.self) { try await queued.value }
        #expect(error?.code == .transitionConflict)
        let creates = await studio.predictionCreates()
        #expect(creates.count == 2)
        let predictions = try await studio.context.client.listPredictions()
        let orphan = try #require(predictions.first { $0.id != first.predictionID })
        #expect(await studio.requests("POST", "/predictions/\(orphan.id)/cancel").count == 1)
        #expect(orphan.status == .canceled)
        #expect(try await studio.store.systemGeneration(predictionID: orphan.id) == nil)
    }

    /// A studio whose budget lets one prediction create through a second, its sleeps held by the gate.
    private static func oneCreatePerSecond(
        _ factory: StoreFactory
    ) async throws
        -> (StudioHarness, SleepGate, HarnessOptions)
    {
        let gate = SleepGate()
        var options = HarnessOptions()
        options.sleepGate = gate
        options.budgetLimits = RateBudget.Limits(predictionCreate: RateLimit(requestsPerMinute: 60, burst: 1))
        return (try await StudioHarness.make(factory, options), gate, options)
    }

    /// With the gate closed, starts one generation (its create goes through at once) and a second that
    /// waits its turn in the budget; returns once the second is waiting.
    private static func generateTwice(
        _ user: AuthenticatedUser, in studio: StudioHarness, holding gate: SleepGate
    ) async throws
        -> (first: GenerationRecord, queued: Task<GenerationRecord, any Error>)
    {
        await gate.close()
        let first = try await studio.generation.generate(user: user, look: studio.firstLook)
        let queued = Task { try await studio.generation.generate(user: user, look: studio.firstLook) }
        _ = try await waitingCreates(in: studio, reaching: 1)
        return (first, queued)
    }
}

/// Polls (in real time, briefly) until `count` prediction creates wait in the budget; returns how many
/// wait when it stops.
private func waitingCreates(in studio: StudioHarness, reaching count: Int) async throws -> Int {
    var waiting = 0
    for _ in 0..<100_000 {
        waiting = await studio.budget.waitingCount(in: .predictionCreate)
        if waiting >= count { break }
        try await Task.sleep(for: .milliseconds(1))
    }
    return waiting
}
