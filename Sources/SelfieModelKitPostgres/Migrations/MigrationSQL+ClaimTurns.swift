extension MigrationSQL {
    /// The sequence every claim draws its turns from (one for both job tables).
    static let claimTurnSequence = "selfie_claim_turns"

    /// Version 11: claims give every in-flight job its turn. Each job records the turn it was last claimed
    /// at (`last_claim_turn`, drawn from one sequence); claims take never-claimed jobs first (`NULLS FIRST`),
    /// then those claimed longest ago, oldest first among equals. So jobs whose refresh keeps failing go to
    /// the back of the line after each claim instead of filling every batch. The claim functions are
    /// replaced under the system role that owns them (their grants stay); that role may draw from the
    /// sequence, nobody else needs to.
    var claimTurns: [String] {
        var statements = [
            "CREATE SEQUENCE IF NOT EXISTS \(Self.claimTurnSequence) AS bigint",
            "GRANT USAGE ON SEQUENCE \(Self.claimTurnSequence) TO \(system)",
        ]
        for table in ["training_attempts", "generations"] {
            statements += [
                "ALTER TABLE \(table) ADD COLUMN IF NOT EXISTS last_claim_turn bigint",
                """
                CREATE INDEX IF NOT EXISTS \(table)_claim_order
                    ON \(table) (last_claim_turn NULLS FIRST, created_at, seq)
                    WHERE status IN (\(Self.activeJobStatuses))
                """,
            ]
        }
        statements += [
            "SET LOCAL ROLE \(system)",
            claimInTurn(table: "training_attempts", function: "selfie_system_claim_training_attempts"),
            claimInTurn(table: "generations", function: "selfie_system_claim_generations"),
            "RESET ROLE",
        ]
        return statements
    }

    /// Claims up to `p_limit` in-flight rows whose lease is free, expired, or already the holder's own, in
    /// turn (never claimed first, then claimed longest ago, then oldest), and gives each the next turn.
    /// `SKIP LOCKED` lets concurrent claimers pass each other instead of queueing, and the lease test is
    /// re-checked on the locked row, so two holders never get the same row.
    private func claimInTurn(table: String, function: String) -> String {
        """
        CREATE OR REPLACE FUNCTION \(function)(
            p_holder text, p_now timestamptz, p_until timestamptz, p_limit integer)
        RETURNS SETOF \(table) LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
        AS $fn$
            UPDATE \(table) AS t
               SET lease_holder = p_holder, lease_expires_at = p_until,
                   last_claim_turn = nextval('\(Self.claimTurnSequence)')
             WHERE t.id IN (
                   SELECT c.id FROM \(table) AS c
                    WHERE c.status IN (\(Self.activeJobStatuses))
                      AND (c.lease_expires_at IS NULL OR c.lease_expires_at <= p_now OR c.lease_holder = p_holder)
                    ORDER BY c.last_claim_turn NULLS FIRST, c.created_at, c.seq
                    LIMIT p_limit
                      FOR UPDATE SKIP LOCKED)
            RETURNING t.*
        $fn$
        """
    }
}
