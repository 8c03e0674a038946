import Foundation
import SelfieModelKit

extension StoreConformance {
    /// Photo rows and listings: selfies oldest first and by kind, favourites, deletion, idempotent re-adds,
    /// refused duplicates, outputs that must be the generation owner's generated photos, and generations
    /// newest first within a limit.
    public func checkPhotosAndListings() async throws {
        let subject = try await makeSubject()
        let store = subject.store
        let user = try await makeUser(subject)
        let other = try await makeUser(subject)
        let base = photoDate(subject)

        var selfies: [PhotoRecord] = []
        for offset in [3, 1, 2] {
            let selfie = makePhoto(for: user, at: base.addingTimeInterval(Double(offset)))
            try await store.addPhoto(selfie, for: user)
            selfies.append(selfie)
        }
        let listed = try await store.photos(of: .selfie, for: user)
        try expect(
            listed.map(\.id) == [selfies[1].id, selfies[2].id, selfies[0].id],
            "selfies are not listed oldest first")
        try expect(listed.allSatisfy { $0.kind == .selfie && !$0.isFavourite }, "selfies read back wrong: \(listed)")
        try expect(try await store.photos(of: .generated, for: user).isEmpty, "selfies listed as generated photos")
        try await store.addPhoto(selfies[0], for: user)
        try expect(try await store.photos(of: .selfie, for: user).count == 3, "re-adding the same photo duplicated it")
        var changed = selfies[0]
        changed.sha256 = String(repeating: "ef", count: 32)
        try await expectError(.storage, rule: "store.photo.duplicate-id", "adding another photo under a used id") {
            try await store.addPhoto(changed, for: user)
        }

        let marked = try await store.setFavourite(selfies[1].id, true, for: user)
        try expect(marked?.isFavourite == true, "setFavourite(true) returned \(String(describing: marked))")
        let read = try await store.photo(selfies[1].id, for: user)
        try expect(read?.isFavourite == true, "the favourite mark was not stored")
        let unmarked = try await store.setFavourite(selfies[1].id, false, for: user)
        try expect(unmarked?.isFavourite == false, "setFavourite(false) returned \(String(describing: unmarked))")
        let deleted = try await store.deletePhoto(selfies[2].id, for: user)
        try expect(deleted?.id == selfies[2].id, "deletePhoto did not return the deleted row")
        try expect(try await store.deletePhoto(selfies[2].id, for: user) == nil, "deleting twice returned a row")
        try expect(try await store.setFavourite(selfies[2].id, true, for: user) == nil, "marked a deleted photo")

        let generation = try await generation(in: .processing, for: user, store: store)
        let selfieAsOutput = makePhoto(for: user, kind: .selfie, generation: generation.id, index: 0, at: base)
        let othersOutput = makePhoto(for: other, kind: .generated, generation: generation.id, index: 0, at: base)
        let elsewhere = makePhoto(for: user, kind: .generated, generation: GenerationID(), index: 0, at: base)
        for wrong in [selfieAsOutput, othersOutput, elsewhere] {
            try await expectError(.modelOwnershipMismatch, "completing with a wrong output photo") {
                try await store.systemCompleteGeneration(generation.id, expected: .processing, photos: [wrong])
            }
        }
        let unchanged = try await store.generation(generation.id, for: user)
        try expect(unchanged?.status == .processing, "a refused completion changed the generation")
        try expect(try await store.photos(of: .generated, for: user).isEmpty, "a refused completion stored photos")
        let outputs = (0..<3).map {
            makePhoto(for: user, kind: .generated, generation: generation.id, index: $0, at: base.addingTimeInterval(9))
        }
        _ = try await store.systemCompleteGeneration(generation.id, expected: .processing, photos: outputs)
        let stored = try await store.photos(of: .generated, for: user)
        try expect(Set(stored.map(\.id)) == Set(outputs.map(\.id)), "outputs stored: \(stored.map(\.id))")
        try expect(
            Set(stored.compactMap(\.outputIndex)) == [0, 1, 2]
                && stored.allSatisfy { $0.generationID == generation.id },
            "outputs lost their generation or index")

        var made: [GenerationID] = []
        for _ in 0..<4 {
            subject.clock?.advance(by: .seconds(1))
            made.append(try await store.recordGenerationIntent(generationIntent(), monthlyLimit: nil, for: user).id)
        }
        let newest = try await store.generations(for: user, limit: 3)
        try expect(newest.map(\.id) == made.reversed().prefix(3).map { $0 }, "generations are not newest first")
        try expect(try await store.generations(for: user, limit: 0).isEmpty, "a limit of 0 listed generations")
    }
}
