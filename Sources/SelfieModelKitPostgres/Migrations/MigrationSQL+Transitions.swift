extension MigrationSQL {
    /// Version 7: the compare-and-set transitions, as SECURITY INVOKER functions shared by the per-user and
    /// the system path.
    ///
    /// Called by the per-user path with `p_user`, a function first sets `app.user_id` for the current
    /// transaction, then runs under that user's row-level-security policies as the calling role: one round
    /// trip, one transaction, RLS on. Called by a system function with `p_user` NULL, it runs as the system
    /// role. Each returns `(outcome, row)`: `applied`, `already` (the row was in the target state already),
    /// or `conflict`; no row at all means not found (or not visible, which looks the same).
    var transitionFunctions: [String] {
        [transitionTrainingAttempt, attachTrainingID, transitionGeneration, attachPredictionID]
    }

    private var transitionTrainingAttempt: String {
        """
        CREATE OR REPLACE FUNCTION selfie_transition_training_attempt(
            p_user text, p_id uuid, p_expected text, p_next text, p_progress double precision,
            p_failure_provider text, p_failure_user text, p_now timestamptz)
        RETURNS TABLE (outcome text, attempt training_attempts)
        LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp
        AS $fn$
        DECLARE
            v_row training_attempts;
        BEGIN
            IF p_user IS NOT NULL THEN
                PERFORM set_config('app.user_id', p_user, true);
            END IF;
            UPDATE training_attempts AS t
               SET status = p_next,
                   progress = COALESCE(p_progress, t.progress),
                   failure_provider_error = COALESCE(p_failure_provider, t.failure_provider_error),
                   failure_user_message = COALESCE(p_failure_user, t.failure_user_message),
                   updated_at = p_now,
                   completed_at = CASE WHEN p_next IN (\(Self.terminalJobStatuses)) THEN p_now ELSE t.completed_at END
             WHERE t.id = p_id AND t.status = p_expected AND (p_user IS NULL OR t.user_id = p_user)
            RETURNING t.* INTO v_row;
            IF FOUND THEN
                UPDATE user_models AS m
                   SET training_status = CASE
                           WHEN m.training_status = 'completed' THEN m.training_status
                           WHEN p_next IN ('starting', 'processing') THEN 'training'
                           WHEN p_next IN ('failed', 'canceled') THEN p_next
                           ELSE m.training_status END,
                       training_progress = CASE
                           WHEN m.training_status = 'completed' THEN m.training_progress
                           ELSE COALESCE(p_progress, m.training_progress) END,
                       failure_provider_error = CASE
                           WHEN m.training_status <> 'completed' AND p_next IN ('failed', 'canceled')
                           THEN p_failure_provider ELSE m.failure_provider_error END,
                       failure_user_message = CASE
                           WHEN m.training_status <> 'completed' AND p_next IN ('failed', 'canceled')
                           THEN p_failure_user ELSE m.failure_user_message END,
                       updated_at = p_now
                 WHERE m.user_id = v_row.user_id;
                RETURN QUERY SELECT 'applied'::text, v_row;
                RETURN;
            END IF;
            SELECT * INTO v_row FROM training_attempts AS t
             WHERE t.id = p_id AND (p_user IS NULL OR t.user_id = p_user);
            IF FOUND THEN
                RETURN QUERY SELECT CASE WHEN v_row.status = p_next THEN 'already' ELSE 'conflict' END, v_row;
            END IF;
        END
        $fn$
        """
    }

    private var attachTrainingID: String {
        """
        CREATE OR REPLACE FUNCTION selfie_attach_training_id(
            p_user text, p_id uuid, p_training_id text, p_input_url text, p_now timestamptz)
        RETURNS TABLE (outcome text, attempt training_attempts)
        LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp
        AS $fn$
        DECLARE
            v_row training_attempts;
        BEGIN
            IF p_user IS NOT NULL THEN
                PERFORM set_config('app.user_id', p_user, true);
            END IF;
            UPDATE training_attempts AS t
               SET training_id = p_training_id, input_images_url = p_input_url, status = 'starting',
                   updated_at = p_now
             WHERE t.id = p_id AND t.status = 'recorded' AND (p_user IS NULL OR t.user_id = p_user)
            RETURNING t.* INTO v_row;
            IF FOUND THEN
                UPDATE user_models AS m
                   SET training_status = CASE WHEN m.training_status = 'completed' THEN m.training_status
                                              ELSE 'training' END,
                       updated_at = p_now
                 WHERE m.user_id = v_row.user_id;
                RETURN QUERY SELECT 'applied'::text, v_row;
                RETURN;
            END IF;
            SELECT * INTO v_row FROM training_attempts AS t
             WHERE t.id = p_id AND (p_user IS NULL OR t.user_id = p_user);
            IF FOUND THEN
                RETURN QUERY SELECT CASE WHEN v_row.training_id IS NOT DISTINCT FROM p_training_id
                                         AND v_row.status <> 'recorded' THEN 'already' ELSE 'conflict' END, v_row;
            END IF;
        END
        $fn$
        """
    }

    private var transitionGeneration: String {
        """
        CREATE OR REPLACE FUNCTION selfie_transition_generation(
            p_user text, p_id uuid, p_expected text, p_next text, p_failure_provider text, p_failure_user text,
            p_now timestamptz)
        RETURNS TABLE (outcome text, generation generations)
        LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp
        AS $fn$
        DECLARE
            v_row generations;
        BEGIN
            IF p_user IS NOT NULL THEN
                PERFORM set_config('app.user_id', p_user, true);
            END IF;
            UPDATE generations AS g
               SET status = p_next,
                   failure_provider_error = COALESCE(p_failure_provider, g.failure_provider_error),
                   failure_user_message = COALESCE(p_failure_user, g.failure_user_message),
                   updated_at = p_now,
                   completed_at = CASE WHEN p_next IN (\(Self.terminalJobStatuses)) THEN p_now ELSE g.completed_at END
             WHERE g.id = p_id AND g.status = p_expected AND (p_user IS NULL OR g.user_id = p_user)
            RETURNING g.* INTO v_row;
            IF FOUND THEN
                RETURN QUERY SELECT 'applied'::text, v_row;
                RETURN;
            END IF;
            SELECT * INTO v_row FROM generations AS g WHERE g.id = p_id AND (p_user IS NULL OR g.user_id = p_user);
            IF FOUND THEN
                RETURN QUERY SELECT CASE WHEN v_row.status = p_next THEN 'already' ELSE 'conflict' END, v_row;
            END IF;
        END
        $fn$
        """
    }

    private var attachPredictionID: String {
        """
        CREATE OR REPLACE FUNCTION selfie_attach_prediction_id(
            p_user text, p_id uuid, p_prediction_id text, p_now timestamptz)
        RETURNS TABLE (outcome text, generation generations)
        LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp
        AS $fn$
        DECLARE
            v_row generations;
        BEGIN
            IF p_user IS NOT NULL THEN
                PERFORM set_config('app.user_id', p_user, true);
            END IF;
            UPDATE generations AS g
               SET prediction_id = p_prediction_id, status = 'starting', updated_at = p_now
             WHERE g.id = p_id AND g.status = 'recorded' AND (p_user IS NULL OR g.user_id = p_user)
            RETURNING g.* INTO v_row;
            IF FOUND THEN
                RETURN QUERY SELECT 'applied'::text, v_row;
                RETURN;
            END IF;
            SELECT * INTO v_row FROM generations AS g WHERE g.id = p_id AND (p_user IS NULL OR g.user_id = p_user);
            IF FOUND THEN
                RETURN QUERY SELECT CASE WHEN v_row.prediction_id IS NOT DISTINCT FROM p_prediction_id
                                         AND v_row.status <> 'recorded' THEN 'already' ELSE 'conflict' END, v_row;
            END IF;
        END
        $fn$
        """
    }
}
