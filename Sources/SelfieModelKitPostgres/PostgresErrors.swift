import PostgresNIO
import SelfieModelKit

/// Turns PostgreSQL failures into `SelfieModelKitError`s, the module's one error type.
///
/// Constraint violations that mean something to a caller get their own codes; every other database
/// failure becomes `.storage` with the SQLSTATE and server message in the detail (never a bound value).
enum PostgresErrors {
    /// Runs `body`, unwrapping postgres-nio's transaction wrapper and mapping database errors.
    static func mapping<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch {
            throw map(error)
        }
    }

    static func map(_ error: any Error) -> any Error {
        if let transaction = error as? PostgresTransactionError {
            if let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError {
                return map(inner)
            }
            return SelfieModelKitError.storageFailure("transaction failed: \(transaction)")
        }
        if error is SelfieModelKitError || error is CancellationError { return error }
        guard let psql = error as? PSQLError else {
            return SelfieModelKitError.storageFailure("\(error)")
        }
        let state = psql.serverInfo?[.sqlState] ?? ""
        let constraint = psql.serverInfo?[.constraintName] ?? ""
        let message = psql.serverInfo?[.message] ?? "\(psql.code)"
        let detail = "SQLSTATE \(state) \(constraint.isEmpty ? "" : "[\(constraint)] ")\(message)"
        switch (state, constraint) {
        case ("23505", "training_attempts_one_active"): return SelfieModelKitError.trainingAlreadyActive
        case ("23505", "training_attempts_pkey"): return SelfieModelKitError.duplicateStoreID("training-attempt")
        case ("23505", "generations_pkey"): return SelfieModelKitError.duplicateStoreID("generation")
        case ("23505", "photos_pkey"): return SelfieModelKitError.duplicateStoreID("photo")
        case ("23505", "training_attempts_training_id_key"):
            return SelfieModelKitError.replicateIDConflict(kind: "training-attempt")
        case ("23505", "generations_prediction_id_key"):
            return SelfieModelKitError.replicateIDConflict(kind: "generation")
        case ("23503", "photos_generation_fkey"): return SelfieModelKitError.storeItemNotFound("generation")
        case ("23503", "user_models_user_id_fkey"), ("23503", "generations_user_id_fkey"),
            ("23503", "photos_user_id_fkey"):
            return SelfieModelKitError(
                .notFound, rule: "postgres.user-missing",
                userMessage: "This account is not known to the database.", detail: detail)
        case (MigrationSQL.photoOwnerMismatchState, _): return SelfieModelKitError.storeOwnershipMismatch("photo")
        case (MigrationSQL.clockSkewState, _):
            return SelfieModelKitError(
                .configuration, rule: "postgres.clock-skew",
                userMessage:
                    "This instance's clock is too far from the database's to share the rate budget; synchronize "
                    + "the clocks (NTP).",
                detail: detail)
        default: return SelfieModelKitError.storageFailure(detail)
        }
    }
}
