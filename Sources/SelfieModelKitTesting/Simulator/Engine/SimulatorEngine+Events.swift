import Foundation

/// A binary min-heap.
package struct MinHeap<Element: Comparable & Sendable>: Sendable {
    private var items: [Element] = []

    package init() {}

    package var first: Element? { items.first }
    package var isEmpty: Bool { items.isEmpty }

    package mutating func insert(_ element: Element) {
        items.append(element)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    package mutating func popFirst() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count, items[left] < items[smallest] { smallest = left }
            if right < items.count, items[right] < items[smallest] { smallest = right }
            guard smallest != parent else { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}

/// A job's next milestone in the queue; stale when the job's pending token moved on.
package struct ScheduledMilestone: Comparable, Sendable {
    enum Job: Sendable {
        case training(String)
        case prediction(String)
    }

    var at: Date
    var sequence: UInt64
    var job: Job
    var token: UInt64

    package static func < (lhs: Self, rhs: Self) -> Bool { (lhs.at, lhs.sequence) < (rhs.at, rhs.sequence) }
    package static func == (lhs: Self, rhs: Self) -> Bool { lhs.sequence == rhs.sequence }
}

/// One delivery attempt waiting for its time.
package struct ScheduledDelivery: Comparable, Sendable {
    var at: Date
    var sequence: UInt64
    var owner: String
    var url: String
    var webhookID: String
    var event: String
    var jobID: String
    var body: Data
    var attempt: Int
    var isTerminal: Bool

    package static func < (lhs: Self, rhs: Self) -> Bool { (lhs.at, lhs.sequence) < (rhs.at, rhs.sequence) }
    package static func == (lhs: Self, rhs: Self) -> Bool { lhs.sequence == rhs.sequence }
}

extension SimulatorEngine {
    /// Delays between attempts of a terminal webhook, before scaling: the last retry comes about a
    /// minute after completion, as Replicate documents.
    static let retryDelays: [Double] = [2, 4, 8, 16, 30]

    /// Schedules `step` as the job's next milestone, replacing any pending one.
    func schedule(_ job: ScheduledMilestone.Job, _ step: JobStep, after seconds: TimeInterval) -> PendingStep {
        let token = nextSequence()
        let at = clock.now.addingTimeInterval(max(0, seconds))
        milestones.insert(ScheduledMilestone(at: at, sequence: token, job: job, token: token))
        return PendingStep(token: token, at: at, step: step)
    }

    /// Applies every job milestone due at or before `date`, in time order. Deliveries they cause are
    /// queued, not sent: sending is the driver's job (``advance(to:)``).
    func applyMilestones(until date: Date) {
        while let next = milestones.first, next.at <= date {
            _ = milestones.popFirst()
            applyMilestone(next)
        }
    }

    private func applyMilestone(_ milestone: ScheduledMilestone) {
        switch milestone.job {
        case .training(let id):
            guard let pending = trainings[id]?.pending, pending.token == milestone.token else { return }
            trainings[id]?.pending = nil
            runTrainingStep(id, pending.step, at: milestone.at)
        case .prediction(let id):
            guard let pending = predictions[id]?.pending, pending.token == milestone.token else { return }
            predictions[id]?.pending = nil
            runPredictionStep(id, pending.step, at: milestone.at)
        }
    }

    /// The time of the next milestone or delivery, if any.
    func nextEventTime() -> Date? {
        switch (milestones.first?.at, deliveries.first?.at) {
        case (let a?, let b?): min(a, b)
        case (let a?, nil): a
        case (nil, let b?): b
        case (nil, nil): nil
        }
    }

    /// Runs the simulated world up to `target`: milestones and deliveries in time order, moving a virtual
    /// clock to each event's time so webhook timestamps are right.
    package func advance(to target: Date) async {
        while let next = nextEventTime(), next <= target {
            clock.moveForward(to: next)
            if let milestone = milestones.first, milestone.at <= next {
                _ = milestones.popFirst()
                applyMilestone(milestone)
            } else if let delivery = deliveries.popFirst() {
                await deliver(delivery)
            }
        }
        clock.moveForward(to: target)
    }

    /// Queues the webhook for `event` of a job if its filter asks for it. `output` and `logs` events come
    /// at most every 500 ms per job; `completed` deliveries are retried on failure.
    func emit(
        event: String, jobID: String, owner: String, target: inout WebhookTarget?, body: JSONValue, at date: Date
    ) {
        guard var webhook = target, webhook.events.contains(event) else { return }
        if event == "output" || event == "logs" {
            if let last = webhook.lastSent[event], date.timeIntervalSince(last) < 0.5 { return }
            webhook.lastSent[event] = date
            target = webhook
        }
        let faults = configuration.faults
        let webhookID = "msg_" + random.replicateID(length: 27)
        let encoded = body.encoded()
        var at = date
        if random.chance(faults.webhookDelayRate) {
            faultCounts.webhooksDelayed += 1
            at += random.value(in: 0...max(0, faults.webhookMaxDelay))
        }
        if random.chance(faults.webhookReorderRate) {
            faultCounts.webhooksReordered += 1
            at += scaled(random.value(in: 1...5))
        }
        var delivery = ScheduledDelivery(
            at: at, sequence: nextSequence(), owner: owner, url: webhook.url, webhookID: webhookID, event: event,
            jobID: jobID, body: encoded, attempt: 1, isTerminal: event == "completed")
        if random.chance(faults.webhookDropRate) {
            faultCounts.webhooksDropped += 1
            webhookLog.append(SimulatorWebhookAttempt(delivery: signed(delivery, at: at), outcome: .dropped, at: at))
            return
        }
        deliveries.insert(delivery)
        if random.chance(faults.webhookDuplicateRate) {
            faultCounts.webhooksDuplicated += 1
            delivery.sequence = nextSequence()
            delivery.at = at.addingTimeInterval(scaled(0.2))
            deliveries.insert(delivery)
        }
    }

    /// Sends one attempt and schedules a retry of a failed terminal delivery.
    func deliver(_ delivery: ScheduledDelivery) async {
        let now = clock.now
        let wire = signed(delivery, at: now)
        guard let receiver else {
            webhookLog.append(SimulatorWebhookAttempt(delivery: wire, outcome: .noReceiver, at: now))
            return
        }
        let outcome: SimulatorWebhookAttempt.Outcome
        do {
            let status = try await receiver(wire)
            outcome = (200..<300).contains(status) ? .delivered(status: status) : .rejected(status: status)
        } catch {
            outcome = .failed(reason: String(describing: type(of: error)))
        }
        webhookLog.append(SimulatorWebhookAttempt(delivery: wire, outcome: outcome, at: now))
        if case .delivered = outcome { return }
        guard delivery.isTerminal, delivery.attempt <= Self.retryDelays.count else { return }
        var retry = delivery
        retry.attempt += 1
        retry.sequence = nextSequence()
        retry.at = now.addingTimeInterval(scaled(Self.retryDelays[delivery.attempt - 1]))
        deliveries.insert(retry)
    }

    /// The delivery with Standard Webhooks headers for an attempt at `date`.
    func signed(_ delivery: ScheduledDelivery, at date: Date) -> SimulatorWebhookDelivery {
        let timestamp = String(Int(date.timeIntervalSince1970.rounded(.down)))
        let secret = secrets[delivery.owner] ?? ""
        let keyPart = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        let key = Data(base64Encoded: keyPart).map { [UInt8]($0) } ?? Array(keyPart.utf8)
        var content = Data("\(delivery.webhookID).\(timestamp).".utf8)
        content.append(delivery.body)
        let signature = Data(SimulatorHash.hmacSHA256(key: key, message: content)).base64EncodedString()
        return SimulatorWebhookDelivery(
            url: delivery.url,
            headers: [
                RecordedHeader(name: "content-type", value: "application/json"),
                RecordedHeader(name: "user-agent", value: "Replicate-Webhooks/1.0 (selfie-sim)"),
                RecordedHeader(name: "webhook-id", value: delivery.webhookID),
                RecordedHeader(name: "webhook-timestamp", value: timestamp),
                RecordedHeader(name: "webhook-signature", value: "v1,\(signature)"),
            ], body: delivery.body, webhookID: delivery.webhookID, event: delivery.event, jobID: delivery.jobID,
            attempt: delivery.attempt)
    }
}
