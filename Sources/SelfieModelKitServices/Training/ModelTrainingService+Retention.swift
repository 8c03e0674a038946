import Foundation
import Logging
import SelfieModelKitReplicate
import SelfieModelKitValidation

extension ModelTrainingService {
    /// Applies the ``RetentionPolicy`` once `attempt` has ended: deletes its uploaded archive from
    /// Replicate's Files API, and after a success deletes the versions beyond those kept.
    ///
    /// Best effort: a failure is logged, never surfaced (the training's outcome stands). What is left is
    /// deleted anyway when the user is erased, and Replicate deletes uploaded files after 24 hours.
    func applyRetention(afterEnding attempt: TrainingAttempt) async {
        guard attempt.status.isTerminal else { return }
        if context.retention.deletesTrainingArchives, let url = attempt.inputImagesURL,
            let fileID = context.client.uploadedFileID(in: url)
        {
            await deleteArchive(fileID, of: attempt.userID)
        }
        if attempt.status == .succeeded, let kept = context.retention.keptVersions,
            let current = attempt.outputVersionID
        {
            await pruneVersions(of: attempt.userID, keeping: kept, current: current)
        }
    }

    /// Deletes an uploaded archive; one already gone is fine.
    func deleteArchive(_ fileID: String, of user: UserID) async {
        do {
            try await context.client.deleteFile(fileID, for: user)
            context.logger.info("training archive deleted", metadata: ["user": "\(user)", "file": "\(fileID)"])
        } catch let error as ReplicateError where error.httpStatus == 404 {
            return
        } catch {
            context.logger.warning(
                "training archive not deleted", metadata: ["user": "\(user)", "file": "\(fileID)", "error": "\(error)"])
        }
    }

    /// Deletes the versions of the user's model beyond the newest `kept` (never `current`).
    private func pruneVersions(of user: UserID, keeping kept: Int, current: ModelVersionID) async {
        let model = ReplicateModelID.selfieModel(for: user, owner: context.owner)
        do {
            let versions = try await context.client.listVersions(of: model, for: user)
            let keep = Set(versions.prefix(kept).map(\.id)).union([current])
            for version in versions where !keep.contains(version.id) {
                do {
                    try await context.client.deleteVersion(version.id, of: model, for: user)
                } catch let error as ReplicateError where error.httpStatus == 404 {
                    continue
                }
                context.logger.info("old version deleted", metadata: ["user": "\(user)", "version": "\(version.id)"])
            }
        } catch {
            context.logger.warning("old versions not deleted", metadata: ["user": "\(user)", "error": "\(error)"])
        }
    }
}
