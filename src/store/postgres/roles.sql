-- What the desk's role may do in the ledger, and nothing more. Run by the
-- owner of the schema (the role that ran schema.sql), in the schema that
-- holds the ledger, after schema.sql. The desk's role is not the owner and
-- not a superuser; "utility_desk_app" stands for its name and is replaced
-- by the store (store::postgres, grant_desk_role) with the real one, a
-- validated lower-case identifier, quoted here so that any such name works.
-- Running it again first takes back everything it gave, so it can be run
-- after each migration.
--
-- Two layers keep history as it was written: the grants below (the role has
-- no UPDATE, DELETE or TRUNCATE on any append-only table: "permission
-- denied"), and under them the schema's triggers, which refuse UPDATE,
-- DELETE and TRUNCATE even to the owner (who can still disable them; the
-- audit chain and `verify` catch what the owner or a superuser does).
--
-- Every table may be read (SELECT): the desk reads all of them. Beyond
-- that, from the statements in src/store/*.rs (INSERT, UPDATE, DELETE,
-- INSERT ... ON CONFLICT DO UPDATE) and what the triggers do:
--
--   table                  may                        why
--   meta                   INSERT, UPDATE (value)     set_meta: INSERT ... ON CONFLICT (key) DO UPDATE SET value
--   users                  INSERT, UPDATE (active,    insert_user; set_password_hash, record_login,
--                            password_hash,           set_user_flags. Not username, full_name, role,
--                            failed_logins, locked,   created_at: the desk never changes them (a role
--                            must_change_password)    is given once, with the audited user-add)
--   rate_schedules         INSERT                     append-only: load a new schedule
--   ledger_accounts        INSERT                     ensure_chart (ON CONFLICT DO NOTHING needs no UPDATE)
--   customers              INSERT, UPDATE (name,      insert_customer; set_customer_name, _mailing,
--                            mail_line1, mail_line2,  _phone, _email, _paperless (each change also
--                            mail_city, mail_state,   kept in customer_changes)
--                            mail_zip, phone,
--                            phone_digits, email,
--                            paperless)
--   premises               INSERT                     insert_premise; never changed
--   accounts               INSERT, UPDATE (status,    insert_account; close_account, make_final,
--                            closed_on, balance_cents) add_to_balance (the cached balance)
--   services               INSERT                     insert_account; never changed
--   sewer_caps             INSERT                     append-only (ON CONFLICT DO NOTHING needs no UPDATE)
--   meter_reads            INSERT                     append-only: a correction is a new read
--   bills, bill_lines      INSERT                     append-only: a bill is adjusted, never edited
--   postings, entries      INSERT                     the ledger: append-only, a reversal undoes
--   payments               INSERT                     append-only
--   bill_adjustments,      INSERT                     append-only
--     bill_adjustment_lines
--   account_search         INSERT, DELETE             index_account rewrites an account's row:
--                                                     DELETE ... WHERE rowid = ?1, then INSERT
--   account_words          INSERT, DELETE             and the row's words (0031), the same way
--   search_words,          INSERT                     index_account adds an account's new words (ON
--     search_word_variants                            CONFLICT DO NOTHING): only ever added to
--   audit_log              INSERT                     append-only, hash-chained
--   audit_head             UPDATE (id) only           no change of its own: the head is moved by the
--                                                     trigger audit_log_moves_its_head (SECURITY
--                                                     DEFINER, as the owner). UPDATE on one column is
--                                                     what PostgreSQL asks of SELECT ... FOR UPDATE,
--                                                     the lock every write transaction takes first;
--                                                     `id` is CHECK (id = 1), so no value can change
--   authority_policy       INSERT, UPDATE (body,      save_policy_json: INSERT ... ON CONFLICT (id)
--                            changed_at, changed_by)  DO UPDATE
--   approval_requests      INSERT, UPDATE (status,    insert_request; decide_request. Not the amount,
--                            decided_by, decided_at,  requester or subject of a pending request; no
--                            approved_cents,          DELETE (never deleted)
--                            decision_note, posting_id)
--   complaints             INSERT, UPDATE (queue,     insert_complaint; set_complaint_place,
--                            assigned_to, status,     close_complaint, reopen_complaint; no DELETE
--                            resolution,
--                            resolution_note,
--                            closed_by, closed_at)
--   complaint_events       INSERT                     append-only
--   disputes               INSERT, UPDATE (status,    insert_dispute; resolve_dispute,
--                            resolved_by, resolved_at, set_dispute_request; no DELETE
--                            resolution_note,
--                            posting_id, request_id)
--   service_orders         INSERT, UPDATE (fields,    insert_order; set_order_fields, step_order
--                            service_date, bill_id,   (every step's columns); no DELETE
--                            status, submitted_by,
--                            submitted_at, reviewed_by,
--                            reviewed_at, review_flags,
--                            sent_by, sent_at,
--                            completed_by, completed_at,
--                            outcome_note, reread_value,
--                            cancelled_by, cancelled_at)
--   order_events           INSERT                     append-only
--   contacts               INSERT                     append-only
--   letters                INSERT                     a letter is kept as sent
--   authority_days         INSERT, UPDATE (used_cents) insert_authority_day; add_authority_use (the
--                                                     guarded per-person, per-day counter)
--   bill_openings          INSERT                     append-only
--   sewer_cap_corrections  INSERT                     append-only
--   user_settings          INSERT, UPDATE (value,     set_user_setting: INSERT ... ON CONFLICT
--                            updated_at)              (user_id, name) DO UPDATE
--   cli_sessions           INSERT, UPDATE (ended_at,  insert_cli_session; end_cli_session(s_of),
--                            last_used_at)            touch_cli_session (no DELETE: a sitting ends)
--   opening_balance_due    INSERT                     append-only
--   converted_winter_use   INSERT                     append-only
--   cycle_reads            INSERT                     append-only: a held read is decided
--   read_decisions         INSERT                     append-only
--   customer_changes       INSERT                     append-only
--   authorized_parties,    INSERT                     append-only: a party is ended by a party_ends row
--     party_ends
--   schema_migrations      SELECT only                migrations run as the owner
--
-- No table gets TRUNCATE, REFERENCES or TRIGGER. The identity sequences get
-- USAGE (nextval/currval; not UPDATE, so no setval). json_kind, which the
-- CHECKs of service_orders and contacts call, gets EXECUTE (PUBLIC has it
-- by default, but not where a DBA's default privileges take it away; a
-- CHECK's function needs it, a trigger's function does not). Trigger
-- functions run as the role whose statement fired them; only
-- audit_log_moves_its_head writes another table, and it is SECURITY DEFINER
-- with a fixed search_path (schema.sql). The others only read (the balance
-- checks read entries, which the role may read) or raise.

-- Everything given before is taken back first (table-level REVOKE takes the
-- column grants too).
DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM "utility_desk_app"', current_schema());
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM "utility_desk_app"', current_schema());
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO "utility_desk_app"', current_schema());
END
$$;

GRANT SELECT ON TABLE
    meta, users, rate_schedules, ledger_accounts, customers, premises, accounts, services, sewer_caps,
    meter_reads, bills, bill_lines, postings, entries, payments, bill_adjustments, bill_adjustment_lines,
    account_search, audit_log, audit_head, authority_policy, approval_requests, complaints,
    complaint_events, disputes, service_orders, order_events, contacts, letters, authority_days,
    bill_openings, sewer_cap_corrections, user_settings, cli_sessions, opening_balance_due,
    converted_winter_use, cycle_reads, read_decisions, customer_changes, authorized_parties, party_ends,
    schema_migrations, search_words, search_word_variants, account_words
TO "utility_desk_app";

GRANT INSERT ON TABLE
    meta, users, rate_schedules, ledger_accounts, customers, premises, accounts, services, sewer_caps,
    meter_reads, bills, bill_lines, postings, entries, payments, bill_adjustments, bill_adjustment_lines,
    account_search, audit_log, authority_policy, approval_requests, complaints, complaint_events,
    disputes, service_orders, order_events, contacts, letters, authority_days, bill_openings,
    sewer_cap_corrections, user_settings, cli_sessions, opening_balance_due, converted_winter_use,
    cycle_reads, read_decisions, customer_changes, authorized_parties, party_ends, search_words,
    search_word_variants, account_words
TO "utility_desk_app";

GRANT UPDATE (value) ON TABLE meta TO "utility_desk_app";
GRANT UPDATE (active, password_hash, failed_logins, locked, must_change_password) ON TABLE users TO "utility_desk_app";
GRANT UPDATE (name, mail_line1, mail_line2, mail_city, mail_state, mail_zip, phone, phone_digits, email, paperless)
    ON TABLE customers TO "utility_desk_app";
GRANT UPDATE (status, closed_on, balance_cents) ON TABLE accounts TO "utility_desk_app";
GRANT UPDATE (id) ON TABLE audit_head TO "utility_desk_app";
GRANT UPDATE (body, changed_at, changed_by) ON TABLE authority_policy TO "utility_desk_app";
GRANT UPDATE (status, decided_by, decided_at, approved_cents, decision_note, posting_id)
    ON TABLE approval_requests TO "utility_desk_app";
GRANT UPDATE (queue, assigned_to, status, resolution, resolution_note, closed_by, closed_at)
    ON TABLE complaints TO "utility_desk_app";
GRANT UPDATE (status, resolved_by, resolved_at, resolution_note, posting_id, request_id)
    ON TABLE disputes TO "utility_desk_app";
GRANT UPDATE (fields, service_date, bill_id, status, submitted_by, submitted_at, reviewed_by, reviewed_at,
              review_flags, sent_by, sent_at, completed_by, completed_at, outcome_note, reread_value,
              cancelled_by, cancelled_at)
    ON TABLE service_orders TO "utility_desk_app";
GRANT UPDATE (used_cents) ON TABLE authority_days TO "utility_desk_app";
GRANT UPDATE (value, updated_at) ON TABLE user_settings TO "utility_desk_app";
GRANT UPDATE (ended_at, last_used_at) ON TABLE cli_sessions TO "utility_desk_app";

GRANT DELETE ON TABLE account_search, account_words TO "utility_desk_app";

GRANT USAGE ON SEQUENCE
    users_id_seq, customers_id_seq, premises_id_seq, accounts_id_seq, meter_reads_id_seq, bills_id_seq,
    postings_id_seq, audit_log_id_seq, approval_requests_id_seq, complaints_id_seq, complaint_events_id_seq,
    disputes_id_seq, service_orders_id_seq, order_events_id_seq, contacts_id_seq, letters_id_seq,
    cycle_reads_id_seq, customer_changes_id_seq, authorized_parties_id_seq
TO "utility_desk_app";

GRANT EXECUTE ON FUNCTION json_kind(text) TO "utility_desk_app";
