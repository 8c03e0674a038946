import PostgresNIO
import SelfieModelKit

/// Turns PostgreSQL failures into ``SelfieModelKitError``s, the module's one error type.
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
            return storage("postgres.transaction", detail: "\(transaction)")
        }
        if error is SelfieModelKitError || error is CancellationError { return error }
        guard let psql = error as? PSQLError else {
            return storage("postgres.unexpected", detail: "\(error)")
        }
        let state = psql.serverInfo?[.sqlState] ?? ""
        let constraint = psql.serverInfo?[.constraintName] ?? ""
        let message = psql.serverInfo?[.message] ?? "\(psql.code)"
        let detail = "SQLSTATE \(state) \(constraint.isEmpty ? "" : "[\(constraint)] ")\(message)"
        switch (state, constraint) {
        case ("23505", "training_attempts_one_active"):
            return SelfieModelKitError(
                .trainingAlreadyActive, rule: "training.one-active",
                userMessage: "A training of your model is already running. Wait for it to finish.", detail: detail)
        case ("23503", "user_models_user_id_fkey"), ("23503", "generations_user_id_fkey"),
            ("23503", "photos_user_id_fkey"):
            return SelfieModelKitError(
                .notFound, rule: "postgres.user-missing",
                userMessage: "This account is not known to the database.", detail: detail)
        case ("23503", "photos_generation_fkey"):
            return SelfieModelKitError(
                .notFound, rule: "photo.generation-missing", userMessage: "That generation does not exist.",
                detail: detail)
        case (MigrationSQL.photoOwnerMismatchState, _):
            return SelfieModelKitError(
                .modelOwnershipMismatch, rule: "photo.owner",
                userMessage: "A photo can only be stored for its own user.", detail: detail)
        default:
            return storage("postgres.query", detail: detail)
        }
    }

    static func storage(_ rule: String, detail: String) -> SelfieModelKitError {
        SelfieModelKitError(
            .storage, rule: rule, userMessage: "The database could not complete the request. Try again later.",
            detail: detail)
    }
}
