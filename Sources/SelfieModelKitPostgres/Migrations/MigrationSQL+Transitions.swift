extension MigrationSQL {
    /// Version 7: the compare-and-set transitions, as SECURITY INVOKER functions shared by the per-user and
    /// the system path.
    ///
    /// Called by the per-user path with `p_user`, a function first sets `app.user_id` for the current
    /// transaction, then runs under that user's row-level-security policies as the calling role: one round
    /// trip, one transaction, RLS on. Called by a system function with `p_user` NULL, it runs as the system
    /// role. Each applies its change only when the row is exactly in the state that
    /// `JobUpdate.decision(current:currentProgress:kind:)` says to apply from, and returns
    /// `('applied', row after)`; otherwise it changes nothing and returns `('current', row)`, from which the
    /// caller derives `.alreadyApplied` or the exact error. No row at all means not found (or not
    /// visible, which looks the same).
    var transitionFunctions: [String] {
        [transitionTrainingAttempt, attachTrainingID, transitionGeneration, attachPredictionID]
    }

    /// `UserModelRecord.mirror(_:at:)`, as a statement inside a function holding the attempt in `v_row`: a
    /// record without a completed version follows the attempt's status; every record reflects the
    /// attempt's progress and failure. (Inlined rather than a function of its own: it runs on every
    /// training transition.)
    private static let mirrorAttempt = """
        UPDATE public.user_models AS m
                   SET training_status = CASE
                           WHEN m.training_status = 'completed' THEN m.training_status
                           WHEN v_row.status = 'recorded' THEN 'pending'
                           WHEN v_row.status IN ('starting', 'processing') THEN 'training'
                           WHEN v_row.status IN ('failed', 'canceled') THEN v_row.status
                           ELSE m.training_status END,
                       training_progress = v_row.progress,
                       failure_provider_error = v_row.failure_provider_error,
                       failure_user_message = v_row.failure_user_message,
                       updated_at = p_now
                 WHERE m.user_id = v_row.user_id;
        """

    /// The header shared by the invoker functions. They name every table with its schema instead of pinning
    /// `search_path` (a SECURITY INVOKER function grants nothing, and a pinned path costs a configuration
    /// change on every call); called from a system function, they run under its pinned path anyway.
    private static let invoker = "LANGUAGE plpgsql SECURITY INVOKER"

    /// Applies `p_expected → p_next` when the attempt is in `p_expected` and the move changes something:
    /// a different status, or new progress on a running attempt (`p_expected = p_next`). The caller
    /// passes NULL for `p_expected` when the update is not legal, so nothing applies.
    private var transitionTrainingAttempt: String {
        """
        CREATE OR REPLACE FUNCTION selfie_transition_training_attempt(
            p_user text, p_id uuid, p_expected text, p_next text, p_progress double precision,
            p_failure_provider text, p_failure_user text, p_now timestamptz)
        RETURNS TABLE (outcome text, attempt public.training_attempts)
        \(Self.invoker)
        AS $fn$
        DECLARE
            v_row public.training_attempts;
        BEGIN
            IF p_user IS NOT NULL THEN
                PERFORM pg_catalog.set_config('app.user_id', p_user, true);
            END IF;
            UPDATE public.training_attempts AS t
               SET status = p_next,
                   progress = COALESCE(p_progress, t.progress),
                   failure_provider_error = COALESCE(p_failure_provider, t.failure_provider_error),
                   failure_user_message = COALESCE(p_failure_user, t.failure_user_message),
                   updated_at = p_now,
                   completed_at = CASE WHEN p_next IN (\(Self.terminalJobStatuses))
                                       THEN COALESCE(t.completed_at, p_now) ELSE t.completed_at END
             WHERE t.id = p_id AND (p_user IS NULL OR t.user_id = p_user) AND t.status = p_expected
               AND (p_expected <> p_next
                    OR (p_next NOT IN (\(Self.terminalJobStatuses)) AND p_progress IS NOT NULL
                        AND t.progress IS DISTINCT FROM p_progress))
            RETURNING t.* INTO v_row;
            IF FOUND THEN
                \(Self.mirrorAttempt)
                RETURN QUERY SELECT 'applied'::text, v_row;
                RETURN;
            END IF;
            SELECT * INTO v_row FROM public.training_attempts AS t
             WHERE t.id = p_id AND (p_user IS NULL OR t.user_id = p_user);
            IF FOUND THEN
                RETURN QUERY SELECT 'current'::text, v_row;
            END IF;
        END
        $fn$
        """
    }

    private var attachTrainingID: String {
        """
        CREATE OR REPLACE FUNCTION selfie_attach_training_id(
            p_user text, p_id uuid, p_training_id text, p_input_url text, p_now timestamptz)
        RETURNS TABLE (outcome text, attempt public.training_attempts)
        \(Self.invoker)
        AS $fn$
        DECLARE
            v_row public.training_attempts;
        BEGIN
            IF p_user IS NOT NULL THEN
                PERFORM pg_catalog.set_config('app.user_id', p_user, true);
            END IF;
            UPDATE public.training_attempts AS t
               SET training_id = p_training_id, input_images_url = p_input_url, status = 'starting',
                   updated_at = p_now
             WHERE t.id = p_id AND (p_user IS NULL OR t.user_id = p_user) AND t.status = 'recorded'
               AND t.training_id IS NULL
            RETURNING t.* INTO v_row;
            IF FOUND THEN
                \(Self.mirrorAttempt)
                RETURN QUERY SELECT 'applied'::text, v_row;
                RETURN;
            END IF;
            SELECT * INTO v_row FROM public.training_attempts AS t
             WHERE t.id = p_id AND (p_user IS NULL OR t.user_id = p_user);
            IF FOUND THEN
                RETURN QUERY SELECT 'current'::text, v_row;
            END IF;
        END
        $fn$
        """
    }

    /// As the attempt's transition, without progress: the caller passes `p_expected = p_next` only for a
    /// refresh that carries progress (which the decision applies), and NULL when nothing may apply.
    private var transitionGeneration: String {
        """
        CREATE OR REPLACE FUNCTION selfie_transition_generation(
            p_user text, p_id uuid, p_expected text, p_next text, p_failure_provider text, p_failure_user text,
            p_now timestamptz)
        RETURNS TABLE (outcome text, generation public.generations)
        \(Self.invoker)
        AS $fn$
        DECLARE
            v_row public.generations;
        BEGIN
            IF p_user IS NOT NULL THEN
                PERFORM pg_catalog.set_config('app.user_id', p_user, true);
            END IF;
            UPDATE public.generations AS g
               SET status = p_next,
                   failure_provider_error = COALESCE(p_failure_provider, g.failure_provider_error),
                   failure_user_message = COALESCE(p_failure_user, g.failure_user_message),
                   updated_at = p_now,
                   completed_at = CASE WHEN p_next IN (\(Self.terminalJobStatuses))
                                       THEN COALESCE(g.completed_at, p_now) ELSE g.completed_at END
             WHERE g.id = p_id AND (p_user IS NULL OR g.user_id = p_user) AND g.status = p_expected
               AND (p_expected <> p_next OR p_next NOT IN (\(Self.terminalJobStatuses)))
            RETURNING g.* INTO v_row;
            IF FOUND THEN
                RETURN QUERY SELECT 'applied'::text, v_row;
                RETURN;
            END IF;
            SELECT * INTO v_row FROM public.generations AS g WHERE g.id = p_id AND (p_user IS NULL OR g.user_id = p_user);
            IF FOUND THEN
                RETURN QUERY SELECT 'current'::text, v_row;
            END IF;
        END
        $fn$
        """
    }

    private var attachPredictionID: String {
        """
        CREATE OR REPLACE FUNCTION selfie_attach_prediction_id(
            p_user text, p_id uuid, p_prediction_id text, p_now timestamptz)
        RETURNS TABLE (outcome text, generation public.generations)
        \(Self.invoker)
        AS $fn$
        DECLARE
            v_row public.generations;
        BEGIN
            IF p_user IS NOT NULL THEN
                PERFORM pg_catalog.set_config('app.user_id', p_user, true);
            END IF;
            UPDATE public.generations AS g
               SET prediction_id = p_prediction_id, status = 'starting', updated_at = p_now
             WHERE g.id = p_id AND (p_user IS NULL OR g.user_id = p_user) AND g.status = 'recorded'
               AND g.prediction_id IS NULL
            RETURNING g.* INTO v_row;
            IF FOUND THEN
                RETURN QUERY SELECT 'applied'::text, v_row;
                RETURN;
            END IF;
            SELECT * INTO v_row FROM public.generations AS g WHERE g.id = p_id AND (p_user IS NULL OR g.user_id = p_user);
            IF FOUND THEN
                RETURN QUERY SELECT 'current'::text, v_row;
            END IF;
        END
        $fn$
        """
    }
}
