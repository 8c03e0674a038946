extension MigrationSQL {
    /// The start-lease functions with their argument types, for `REVOKE`/`GRANT`.
    static let startLeaseFunctionSignatures = [
        "selfie_system_hold_training_lease(uuid, text, timestamptz, timestamptz)",
        "selfie_system_hold_generation_lease(uuid, text, timestamptz, timestamptz)",
    ]

    /// Version 10: whoever starts a job holds it by a lease in the store while its create path runs, so
    /// another instance's reconciler never takes it for an orphan. The intent is inserted already leased
    /// (by the per-user insert, under the owner policies); these two SECURITY DEFINER functions, owned by the
    /// system role like the rest of the system path, take or renew such a lease on one in-flight row.
    var startLeases: [String] {
        var statements = [
            "SET LOCAL ROLE \(system)",
            hold(table: "training_attempts", function: "selfie_system_hold_training_lease"),
            hold(table: "generations", function: "selfie_system_hold_generation_lease"),
        ]
        for signature in Self.startLeaseFunctionSignatures {
            statements.append("REVOKE ALL ON FUNCTION \(signature) FROM PUBLIC")
            statements.append("GRANT EXECUTE ON FUNCTION \(signature) TO SESSION_USER")
        }
        statements.append("RESET ROLE")
        return statements
    }

    /// Takes or renews the lease on one in-flight row for `p_holder` until `p_until` when it is free,
    /// expired or already the holder's; answers whether it did. Under READ COMMITTED the `UPDATE` re-checks
    /// its condition on the row it locked, so two holders never both get it.
    private func hold(table: String, function: String) -> String {
        """
        CREATE OR REPLACE FUNCTION \(function)(
            p_id uuid, p_holder text, p_now timestamptz, p_until timestamptz)
        RETURNS boolean LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
        AS $fn$
            WITH held AS (
                UPDATE \(table) AS t
                   SET lease_holder = p_holder, lease_expires_at = p_until
                 WHERE t.id = p_id AND t.status IN (\(Self.activeJobStatuses))
                   AND (t.lease_expires_at IS NULL OR t.lease_expires_at <= p_now OR t.lease_holder = p_holder)
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM held)
        $fn$
        """
    }
}
