extension MigrationSQL {
    /// The SQLSTATE a system function raises when photos handed to a generation's completion belong to
    /// another user.
    static let photoOwnerMismatchState = "SK001"

    /// The system path's functions with their argument types, for `REVOKE`/`GRANT`.
    static let systemFunctionSignatures = [
        "selfie_system_find_training_attempt(text)",
        "selfie_system_transition_training_attempt(uuid, text, text, double precision, text, text, timestamptz)",
        "selfie_system_complete_training(uuid, text, text, json, timestamptz)",
        "selfie_system_claim_training_attempts(text, timestamptz, timestamptz, integer)",
        "selfie_system_release_training_lease(uuid, text)",
        "selfie_system_find_generation(text)",
        "selfie_system_transition_generation(uuid, text, text, text, text, timestamptz)",
        "selfie_system_complete_generation(uuid, text, json, timestamptz)",
        "selfie_system_claim_generations(text, timestamptz, timestamptz, integer)",
        "selfie_system_release_generation_lease(uuid, text)",
        "selfie_system_record_webhook_receipt(text, timestamptz)",
    ]

    /// Version 8: the system path. Each function is SECURITY DEFINER, owned by the NOLOGIN system role (whose
    /// policies see every row), pins its `search_path`, and does exactly one thing. EXECUTE is revoked from
    /// PUBLIC and granted to the migrating role; other runtime roles get it from
    /// ``PostgresMigrator/grantRuntimeAccess(to:)``.
    var systemFunctions: [String] {
        var statements = ["SET LOCAL ROLE \(system)"]
        statements += trainingSystemFunctions
        statements += generationSystemFunctions
        statements.append(recordWebhookReceipt)
        for signature in Self.systemFunctionSignatures {
            statements.append("REVOKE ALL ON FUNCTION \(signature) FROM PUBLIC")
            statements.append("GRANT EXECUTE ON FUNCTION \(signature) TO SESSION_USER")
        }
        statements.append("RESET ROLE")
        return statements
    }

    private static let definer = "SECURITY DEFINER SET search_path = public, pg_temp"

    private var trainingSystemFunctions: [String] {
        [
            """
            CREATE OR REPLACE FUNCTION selfie_system_find_training_attempt(p_training_id text)
            RETURNS SETOF training_attempts LANGUAGE sql STABLE \(Self.definer)
            AS $fn$ SELECT * FROM training_attempts WHERE training_id = p_training_id $fn$
            """,
            """
            CREATE OR REPLACE FUNCTION selfie_system_transition_training_attempt(
                p_id uuid, p_expected text, p_next text, p_progress double precision, p_failure_provider text,
                p_failure_user text, p_now timestamptz)
            RETURNS TABLE (outcome text, attempt training_attempts) LANGUAGE sql \(Self.definer)
            AS $fn$
                SELECT * FROM selfie_transition_training_attempt(
                    NULL, p_id, p_expected, p_next, p_progress, p_failure_provider, p_failure_user, p_now)
            $fn$
            """,
            """
            CREATE OR REPLACE FUNCTION selfie_system_complete_training(
                p_id uuid, p_expected text, p_version text, p_schema json, p_now timestamptz)
            RETURNS TABLE (outcome text, attempt training_attempts) LANGUAGE plpgsql \(Self.definer)
            AS $fn$
            DECLARE
                v_row training_attempts;
            BEGIN
                UPDATE training_attempts AS t
                   SET status = 'succeeded', output_version_id = p_version, progress = 1, updated_at = p_now,
                       completed_at = p_now
                 WHERE t.id = p_id AND t.status = p_expected AND p_expected <> 'succeeded'
                RETURNING t.* INTO v_row;
                IF FOUND THEN
                    UPDATE user_models AS m
                       SET training_status = 'completed', replicate_version_id = p_version,
                           version_schema_json = p_schema, training_progress = 1,
                           failure_provider_error = NULL, failure_user_message = NULL,
                           updated_at = p_now, completed_at = p_now
                     WHERE m.user_id = v_row.user_id;
                    RETURN QUERY SELECT 'applied'::text, v_row;
                    RETURN;
                END IF;
                SELECT * INTO v_row FROM training_attempts AS t WHERE t.id = p_id;
                IF FOUND THEN
                    RETURN QUERY SELECT 'current'::text, v_row;
                END IF;
            END
            $fn$
            """,
            claim(table: "training_attempts", function: "selfie_system_claim_training_attempts"),
            release(table: "training_attempts", function: "selfie_system_release_training_lease"),
        ]
    }

    private var generationSystemFunctions: [String] {
        [
            """
            CREATE OR REPLACE FUNCTION selfie_system_find_generation(p_prediction_id text)
            RETURNS SETOF generations LANGUAGE sql STABLE \(Self.definer)
            AS $fn$ SELECT * FROM generations WHERE prediction_id = p_prediction_id $fn$
            """,
            """
            CREATE OR REPLACE FUNCTION selfie_system_transition_generation(
                p_id uuid, p_expected text, p_next text, p_failure_provider text, p_failure_user text,
                p_now timestamptz)
            RETURNS TABLE (outcome text, generation generations) LANGUAGE sql \(Self.definer)
            AS $fn$
                SELECT * FROM selfie_transition_generation(
                    NULL, p_id, p_expected, p_next, p_failure_provider, p_failure_user, p_now)
            $fn$
            """,
            """
            CREATE OR REPLACE FUNCTION selfie_system_complete_generation(
                p_id uuid, p_expected text, p_photos json, p_now timestamptz)
            RETURNS TABLE (outcome text, generation generations) LANGUAGE plpgsql \(Self.definer)
            AS $fn$
            DECLARE
                v_row generations;
            BEGIN
                UPDATE generations AS g
                   SET status = 'succeeded', updated_at = p_now, completed_at = COALESCE(g.completed_at, p_now)
                 WHERE g.id = p_id AND g.status = p_expected AND p_expected <> 'succeeded'
                RETURNING g.* INTO v_row;
                IF FOUND THEN
                    IF EXISTS (SELECT 1 FROM json_to_recordset(p_photos) AS x(user_id text, kind text, generation_id uuid)
                                WHERE x.user_id IS DISTINCT FROM v_row.user_id OR x.kind IS DISTINCT FROM 'generated'
                                   OR x.generation_id IS DISTINCT FROM v_row.id) THEN
                        RAISE EXCEPTION 'the outputs of generation % must be generated photos of its user', p_id
                            USING ERRCODE = '\(Self.photoOwnerMismatchState)';
                    END IF;
                    INSERT INTO photos (id, user_id, kind, generation_id, output_index, sha256, byte_count, width,
                                        height, content_type, is_favourite, created_at)
                    SELECT x.id, v_row.user_id, x.kind, v_row.id, x.output_index, x.sha256, x.byte_count, x.width,
                           x.height, x.content_type, x.is_favourite,
                           timestamptz 'epoch' + x.created_us * interval '1 microsecond'
                      FROM ROWS FROM (json_to_recordset(p_photos) AS (
                           id uuid, kind text, output_index integer, sha256 text, byte_count bigint, width integer,
                           height integer, content_type text, is_favourite boolean, created_us bigint))
                           WITH ORDINALITY AS x
                     ORDER BY x.ordinality;
                    RETURN QUERY SELECT 'applied'::text, v_row;
                    RETURN;
                END IF;
                SELECT * INTO v_row FROM generations AS g WHERE g.id = p_id;
                IF FOUND THEN
                    RETURN QUERY SELECT 'current'::text, v_row;
                END IF;
            END
            $fn$
            """,
            claim(table: "generations", function: "selfie_system_claim_generations"),
            release(table: "generations", function: "selfie_system_release_generation_lease"),
        ]
    }

    /// Claims up to `p_limit` in-flight rows whose lease is free, expired, or already the holder's own,
    /// oldest first (version 11 replaces it with claims in turn). `SKIP LOCKED` lets concurrent claimers pass each other instead of queueing, and the
    /// lease test is re-checked on the locked row, so two holders never get the same row.
    private func claim(table: String, function: String) -> String {
        """
        CREATE OR REPLACE FUNCTION \(function)(
            p_holder text, p_now timestamptz, p_until timestamptz, p_limit integer)
        RETURNS SETOF \(table) LANGUAGE sql \(Self.definer)
        AS $fn$
            UPDATE \(table) AS t
               SET lease_holder = p_holder, lease_expires_at = p_until
             WHERE t.id IN (
                   SELECT c.id FROM \(table) AS c
                    WHERE c.status IN (\(Self.activeJobStatuses))
                      AND (c.lease_expires_at IS NULL OR c.lease_expires_at <= p_now OR c.lease_holder = p_holder)
                    ORDER BY c.created_at, c.seq
                    LIMIT p_limit
                      FOR UPDATE SKIP LOCKED)
            RETURNING t.*
        $fn$
        """
    }

    private func release(table: String, function: String) -> String {
        """
        CREATE OR REPLACE FUNCTION \(function)(p_id uuid, p_holder text)
        RETURNS void LANGUAGE sql \(Self.definer)
        AS $fn$
            UPDATE \(table) SET lease_holder = NULL, lease_expires_at = NULL
             WHERE id = p_id AND lease_holder = p_holder
        $fn$
        """
    }

    private var recordWebhookReceipt: String {
        """
        CREATE OR REPLACE FUNCTION selfie_system_record_webhook_receipt(p_webhook_id text, p_received_at timestamptz)
        RETURNS boolean LANGUAGE sql \(Self.definer)
        AS $fn$
            WITH inserted AS (
                INSERT INTO webhook_receipts (webhook_id, received_at) VALUES (p_webhook_id, p_received_at)
                ON CONFLICT (webhook_id) DO NOTHING
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM inserted)
        $fn$
        """
    }
}
