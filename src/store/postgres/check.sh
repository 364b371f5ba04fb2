#!/usr/bin/env bash
# Proves schema.sql, the migrations after it and roles.sql on a throwaway
# PostgreSQL 15 server.
#
# Run as root: `sudo src/store/postgres/check.sh`. It makes a cluster in a
# temporary folder (initdb runs as the `postgres` system user, which refuses
# root), starts it on a Unix socket only, makes an owner role and the desk's
# role (LOGIN, not superuser), loads schema.sql as the owner and roles.sql
# (its placeholder replaced as the store replaces it) as the owner, and then:
#   (a) the desk's role commits a balanced posting with its lines;
#   (b) an unbalanced posting is refused at COMMIT with the ledger's message;
#   (c) the desk's role gets "permission denied" for UPDATE, DELETE and
#       TRUNCATE on every append-only table (and DELETE, TRUNCATE on the
#       tables whose rows are never deleted);
#   (d) the owner, who has every privilege, is still refused UPDATE, DELETE
#       and TRUNCATE on those tables, by the triggers, with SQLite's message;
#   (e) a few more: every SQLite trigger is here by name with SQLite's
#       message, the head row and roles cannot be changed by the desk, the
#       search table works for it, the grants can be run again.
# Prints PASS or FAIL for each check; exits 1 on any FAIL. The server is
# stopped and its folder removed however the script ends.
#
# PGBIN chooses the server's binaries (default: Debian's PostgreSQL 15).

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
MIGRATIONS="$HERE/../migrations"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PSQL="$PGBIN/psql"
[ -x "$PSQL" ] || PSQL=$(command -v psql)
OWNER=ledger_owner
DESK=desk_app
DB=ledger

if [ "$(id -u)" != 0 ]; then
    echo "check.sh: run as root (it runs the server as the postgres user)" >&2
    exit 2
fi
for f in "$HERE/schema.sql" "$HERE/roles.sql" "$PGBIN/initdb" "$PGBIN/pg_ctl" "$PSQL"; do
    [ -e "$f" ] || { echo "check.sh: $f is missing" >&2; exit 2; }
done
id postgres >/dev/null 2>&1 || { echo "check.sh: there is no postgres system user" >&2; exit 2; }

T=$(mktemp -d /tmp/ledger-pg-check.XXXXXX)
chown postgres:postgres "$T"
chmod 700 "$T"
STARTED=0
cleanup() {
    if [ "$STARTED" = 1 ]; then
        runuser -u postgres -- "$PGBIN/pg_ctl" -D "$T/data" -m fast -w stop >/dev/null 2>&1
    fi
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

FAILS=0
PASSES=0
pass() { PASSES=$((PASSES + 1)); printf 'PASS  %s\n' "$1"; }
fail() {
    FAILS=$((FAILS + 1))
    printf 'FAIL  %s\n' "$1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/      /' | head -n 12
}

# sql ROLE: runs standard input as ROLE in the ledger database, stopping at
# the first error; its output and errors (with SQLSTATE) are left in $OUT.
OUT=
sql() {
    OUT=$("$PSQL" -X -q -At -h "$T" -U "$1" -d "$DB" -v ON_ERROR_STOP=1 --set=VERBOSITY=verbose 2>&1)
}
# value ROLE QUERY: the query's single value.
value() { "$PSQL" -X -q -At -h "$T" -U "$1" -d "$DB" -v ON_ERROR_STOP=1 -c "$2" 2>&1; }

# ---- The server --------------------------------------------------------

if ! runuser -u postgres -- "$PGBIN/initdb" -D "$T/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
        >"$T/initdb.log" 2>&1; then
    fail "server: initdb" "$(cat "$T/initdb.log")"
    exit 1
fi
if ! runuser -u postgres -- "$PGBIN/pg_ctl" -D "$T/data" -l "$T/pg.log" -w \
        -o "-k $T -c listen_addresses='' -c fsync=off" start >/dev/null 2>&1; then
    fail "server: start" "$(cat "$T/pg.log")"
    exit 1
fi
STARTED=1

if ! OUT=$("$PSQL" -X -q -h "$T" -U postgres -d postgres -v ON_ERROR_STOP=1 2>&1 <<EOF
CREATE ROLE $OWNER LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE ROLE $DESK LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
CREATE DATABASE $DB OWNER $OWNER;
EOF
); then
    fail "roles and database made" "$OUT"
    exit 1
fi

# ---- Loading -----------------------------------------------------------

# As the store loads it: one transaction, as the owner (not a superuser:
# citext and pg_trgm are trusted extensions, which a database's owner may
# create), then the version recorded.
if "$PSQL" -X -q -h "$T" -U "$OWNER" -d "$DB" -v ON_ERROR_STOP=1 -1 -f "$HERE/schema.sql" >"$T/load.log" 2>&1 &&
    value "$OWNER" "INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (29, 'baseline', '2026-01-05T09:00:00+00:00')" >>"$T/load.log"; then
    pass "schema.sql loads as the owner, in one transaction"
else
    fail "schema.sql loads as the owner, in one transaction" "$(cat "$T/load.log")"
    exit 1
fi
# Then the migrations after the baseline (NNNN_name.sql), in order.
for migration in "$HERE"/0[0-9][0-9][0-9]_*.sql; do
    [ -e "$migration" ] || continue
    base=$(basename "$migration" .sql)
    if "$PSQL" -X -q -h "$T" -U "$OWNER" -d "$DB" -v ON_ERROR_STOP=1 -1 -f "$migration" >"$T/load.log" 2>&1 &&
        value "$OWNER" "INSERT INTO schema_migrations (version, name, applied_at)
                        VALUES (${base%%_*}, '$base', '2026-01-05T09:00:00+00:00')" >>"$T/load.log"; then
        pass "$base loads as the owner"
    else
        fail "$base loads as the owner" "$(cat "$T/load.log")"
        exit 1
    fi
done
grant() { sed "s/utility_desk_app/$DESK/g" "$HERE/roles.sql" | "$PSQL" -X -q -h "$T" -U "$OWNER" -d "$DB" -v ON_ERROR_STOP=1 -1 2>&1; }
if OUT=$(grant) && OUT=$(grant); then
    pass "roles.sql grants the desk's role (placeholder replaced), and runs again"
else
    fail "roles.sql grants the desk's role (placeholder replaced), and runs again" "$OUT"
    exit 1
fi

# ---- What the desk writes first (every table gets a row) ---------------
# The statements are the store's own (src/store/*.rs, `?N` as `$N`) where
# they are prepared below; the others write what the store writes.

TS="'2026-01-05 09:00:00.123+00:00'"
sql "$DESK" <<EOF
BEGIN;
SELECT 1 FROM audit_head WHERE id = 1 FOR UPDATE;
PREPARE insert_user AS INSERT INTO users (username, full_name, role, created_at) VALUES (\$1, \$2, \$3, \$4) RETURNING id;
EXECUTE insert_user('clerk', 'Pat Clerk', 'car1', $TS);
EXECUTE insert_user('super', 'Sam Super', 'supervisor', $TS);
UPDATE users SET password_hash = '\$argon2id\$v=19\$m=19456,t=2,p=1\$c2FsdA\$aGFzaA', failed_logins = 0, locked = 0,
    must_change_password = 1 WHERE id = 1;
PREPARE ensure_chart AS INSERT INTO ledger_accounts (code, name) VALUES (\$1, \$2) ON CONFLICT DO NOTHING;
EXECUTE ensure_chart('assets:receivable', 'Customer receivables');
EXECUTE ensure_chart('revenue:water', 'Revenue: water');
EXECUTE ensure_chart('revenue:water', 'Revenue: water');
INSERT INTO rate_schedules (id, effective_from, source, loaded_at) VALUES ('2026', '2026-01-01', 'water = 1', $TS)
    ON CONFLICT (id) DO NOTHING;
INSERT INTO customers (name, mail_line1, mail_line2, mail_city, mail_state, mail_zip, phone, phone_digits, email,
        tax_id_last4, created_at)
    VALUES ('Alice Example', '12 Main St', NULL, 'Tulsa', 'OK', '74103', '(918) 555-0142', '9185550142', NULL, '1234', $TS);
INSERT INTO premises (line1, line2, city, state, zip, sewer_cap_gal) VALUES ('12 Main St', NULL, 'Tulsa', 'OK', '74103', 6000);
INSERT INTO accounts (number, customer_id, premise_id, status, opened_on, deposit_cents, legacy_number, cycle)
    VALUES ('100000017', 1, 1, 'active', '2026-01-01', 0, 'OLD-1', 3);
INSERT INTO services (account_id, meter_number, meter_size, meter_dials, sewer, stormwater, refuse_cart, refuse_frequency,
        emsacare)
    VALUES (1, 'M100', '5/8', 6, 1, 0, '64', 'weekly', 0);
DELETE FROM account_search WHERE rowid = 1;
INSERT INTO account_search (rowid, number, name, address, phone, meter)
    VALUES (1, '100000017 10000001', 'Alice Example', '12 Main St  Tulsa 74103', '9185550142 5550142 918 555 0142', 'M100');
INSERT INTO sewer_caps (account_id, effective_from, cap_gal, source) VALUES (1, '2026-01-01', 6000, 'premise')
    ON CONFLICT DO NOTHING;
INSERT INTO meter_reads (account_id, read_on, reading, kind, rollover, corrects_id, entered_by, entered_at)
    VALUES (1, '2026-01-01', 100, 'actual', 0, NULL, 1, $TS), (1, '2026-01-31', 140, 'actual', 0, NULL, 1, $TS);
INSERT INTO bills (account_id, period_start, period_end, bill_date, due_date, schedule_id, previous_read_id, current_read_id,
        consumption_gal, sewer_cap_gal, total_cents)
    VALUES (1, '2026-01-01', '2026-01-31', '2026-02-01', '2026-02-21', '2026', 1, 2, 4000, 6000, 4321);
INSERT INTO bill_lines (bill_id, seq, service, description, quantity, unit, rate, amount_cents)
    VALUES (1, 1, 'water', 'Water', '4000', 'gal', '1.08025', 4321);
INSERT INTO complaints (account_id, category, summary, opened_by, opened_at, source, council_district, reference, channel,
        priority, due_on, queue, assigned_to)
    VALUES (1, 'high-bill', 'Bill too high', 1, $TS, 'council', 4, 'C-7', 'phone', 'normal', '2026-01-19', 'desk', NULL);
INSERT INTO complaint_events (complaint_id, kind, note, link_kind, link_id, user_id, at)
    VALUES (1, 'opened', 'Bill too high', NULL, NULL, 1, $TS);
UPDATE complaints SET queue = 'car3', assigned_to = 2 WHERE id = 1;
INSERT INTO service_orders (account_id, premise_id, kind, fields, service_date, bill_id, complaint_id, created_by, created_at)
    VALUES (1, 1, 'meter-reread', '{"service_date":"2026-02-03","note":"read again"}', '2026-02-03', NULL, 1, 1, $TS);
INSERT INTO order_events (order_id, from_status, to_status, note, user_id, at) VALUES (1, NULL, 'draft', NULL, 1, $TS);
UPDATE service_orders SET status = 'submitted', submitted_by = 1, submitted_at = $TS WHERE id = 1 AND status = 'draft';
INSERT INTO contacts (account_id, channel, summary, complaint_id, dispute_id, order_id, user_id, at, identity)
    VALUES (1, 'phone', 'Called about the bill', 1, NULL, 1, 1, $TS, '{"caller":"holder","verified":["account-number"]}');
INSERT INTO letters (account_id, template, about_kind, about_id, subject, body, sha256, sent_by, sent_at)
    VALUES (1, 'high-bill', 'complaint', 1, 'Your bill', 'Dear customer', repeat('c', 64), 1, $TS);
INSERT INTO converted_winter_use (account_id, bill_date, consumption_gal) VALUES (1, '2025-12-15', 3000);
INSERT INTO cycle_reads (account_id, meter_number, read_on, reading, kind, rollover, reader, consumption_gal, exception,
        exception_detail, loaded_by, loaded_at)
    VALUES (1, 'M100', '2026-02-28', 900, 'actual', 0, 'R1', 760, 'high', 'five times the usual', 1, $TS);
INSERT INTO read_decisions (cycle_read_id, decision, corrected_reading, corrected_gal, note, decided_by, decided_at)
    VALUES (1, 'corrected', 190, 50, 'misread', 2, $TS);
INSERT INTO customer_changes (customer_id, field, before, after, changed_by, changed_at)
    VALUES (1, 'email', NULL, 'alice@example.org', 1, $TS);
UPDATE customers SET email = 'alice@example.org' WHERE id = 1;
INSERT INTO authorized_parties (account_id, name, access, starts_on, ends_on, added_by, added_at)
    VALUES (1, 'Bob Example', 'payments', '2026-01-05', NULL, 1, $TS);
INSERT INTO party_ends (party_id, ended_on, ended_by, ended_at) VALUES (1, '2026-01-20', 1, $TS);
INSERT INTO approval_requests (action, account_id, subject, amount_cents, request, requested_by, requested_at, reason,
        reviewer_role, idempotency_key)
    VALUES ('credit', 1, 'account:1', 2500, '{"Credit":{}}', 1, $TS, 'goodwill', 'supervisor', 'request-1');
INSERT INTO disputes (account_id, bill_id, amount_cents, reason, complaint_id, opened_by, opened_at)
    VALUES (1, 1, 1000, 'estimated read', 1, 1, $TS);
UPDATE disputes SET request_id = 1 WHERE id = 1;
INSERT INTO authority_days (user_id, day_start, day_end, used_cents)
    VALUES (1, '2026-01-05 06:00:00+00:00', '2026-01-06 06:00:00+00:00', 0);
PREPARE add_authority_use AS UPDATE authority_days SET used_cents = used_cents + \$3 WHERE user_id = \$1 AND day_start = \$2;
EXECUTE add_authority_use(1, '2026-01-05 06:00:00+00:00', 2500);
PREPARE save_policy AS INSERT INTO authority_policy (id, body, changed_at, changed_by) VALUES (1, \$1, \$2, \$3)
    ON CONFLICT (id) DO UPDATE SET body = \$1, changed_at = \$2, changed_by = \$3;
EXECUTE save_policy('{}', $TS, 2);
EXECUTE save_policy('{"car1":{}}', $TS, 2);
PREPARE set_setting AS INSERT INTO user_settings (user_id, name, value, updated_at) VALUES (\$1, \$2, \$3, \$4)
    ON CONFLICT (user_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at;
EXECUTE set_setting(1, 'theme', 'light', $TS);
EXECUTE set_setting(1, 'theme', 'dark', $TS);
PREPARE set_meta AS INSERT INTO meta (key, value) VALUES (\$1, \$2) ON CONFLICT (key) DO UPDATE SET value = \$2;
EXECUTE set_meta('demo_state', 'building');
EXECUTE set_meta('demo_state', 'done');
-- The audit trail, appended as the store appends it: the head row read
-- (locked above), the record inserted with the next id, the head moved by
-- the trigger.
SELECT last_id + 1 AS next_id, last_hash AS prev_hash FROM audit_head WHERE id = 1 \gset
PREPARE append_audit AS INSERT INTO audit_log (id, at, user_id, action, subject, account_id, detail, prev_hash, hash)
    VALUES (\$1, \$2, \$3, \$4, \$5, \$6, \$7, \$8, \$9);
EXECUTE append_audit(:next_id, '2026-01-05T09:00:00.123000Z', 1, 'session-start', 'user:1', NULL,
    '{"token_sha256":"$(printf 't%.0s' $(seq 64))"}', :'prev_hash', encode(sha256(convert_to(:'prev_hash' || 'one', 'UTF8')), 'hex'));
INSERT INTO cli_sessions (token_sha256, user_id, started_at, last_used_at, audit_id)
    VALUES ('$(printf 't%.0s' $(seq 64))', 1, $TS, $TS, 1);
UPDATE cli_sessions SET last_used_at = $TS WHERE token_sha256 = '$(printf 't%.0s' $(seq 64))';
COMMIT;
EOF
if [ $? = 0 ]; then
    pass "the desk's role writes a row in every table, with the store's statements"
else
    fail "the desk's role writes a row in every table, with the store's statements" "$OUT"
fi

# ---- (a) A balanced posting commits ------------------------------------

POSTING_SQL="
PREPARE insert_posting AS INSERT INTO postings (idempotency_key, payload_sha256, kind, account_id, effective_on, posted_at,
        user_id, memo, reason, bill_id, reverses_id, waives_id, receivable_cents)
    VALUES (\$1, \$2, \$3, \$4, \$5, \$6, \$7, \$8, \$9, \$10, \$11, \$12, \$13) RETURNING id;
PREPARE insert_entry AS INSERT INTO entries (posting_id, line, ledger, account_id, side, amount_cents)
    VALUES (\$1, \$2, \$3, \$4, \$5, \$6);
PREPARE add_to_balance AS UPDATE accounts SET balance_cents = balance_cents + \$2 WHERE id = \$1;
PREPARE append_audit AS INSERT INTO audit_log (id, at, user_id, action, subject, account_id, detail, prev_hash, hash)
    VALUES (\$1, \$2, \$3, \$4, \$5, \$6, \$7, \$8, \$9);
"
sql "$DESK" <<EOF
$POSTING_SQL
BEGIN;
SELECT 1 FROM audit_head WHERE id = 1 FOR UPDATE;
EXECUTE insert_posting('bill:1', repeat('a', 64), 'bill', 1, '2026-02-01', '2026-02-01 10:00:00.5+00:00', 1,
    'Water, January', NULL, 1, NULL, NULL, 4321) \gset posting_
EXECUTE insert_entry(:posting_id, 1, 'assets:receivable', 1, 'D', 4321);
EXECUTE add_to_balance(1, 4321);
EXECUTE insert_entry(:posting_id, 2, 'revenue:water', NULL, 'C', 4321);
SELECT last_id + 1 AS next_id, last_hash AS prev_hash FROM audit_head WHERE id = 1 \gset
EXECUTE append_audit(:next_id, '2026-02-01T10:00:00.500000Z', 1, 'posting', 'posting:' || :posting_id, 1,
    '{"content_sha256":"' || repeat('d', 64) || '"}', :'prev_hash', encode(sha256(convert_to(:'prev_hash' || 'two', 'UTF8')), 'hex'));
COMMIT;
EOF
RC=$?
STATE=$(value "$OWNER" "SELECT (SELECT count(*) FROM entries e JOIN postings p ON p.id = e.posting_id
                                WHERE p.idempotency_key = 'bill:1')
                               || ' ' || (SELECT balance_cents FROM accounts WHERE id = 1)
                               || ' ' || (SELECT last_id || '/' || records FROM audit_head)")
if [ "$RC" = 0 ] && [ "$STATE" = "2 4321 2/2" ]; then
    pass "(a) a balanced posting and its lines, inserted by the desk's role in one transaction, commit"
else
    fail "(a) a balanced posting and its lines, inserted by the desk's role in one transaction, commit" \
        "$OUT
lines, balance, audit head: $STATE (expected 2 4321 2/2)"
fi

# Rows in the tables that hang off a posting (for (c) and (d)).
sql "$DESK" <<EOF
BEGIN;
INSERT INTO payments (posting_id, method, reference, received_on)
    SELECT id, 'check', '1001', '2026-02-01' FROM postings WHERE idempotency_key = 'bill:1';
INSERT INTO bill_adjustments (posting_id, bill_id, method, corrected_read_id, consumption_gal)
    SELECT id, 1, 'amount', NULL, NULL FROM postings WHERE idempotency_key = 'bill:1';
INSERT INTO bill_adjustment_lines (posting_id, seq, service, description, before_cents, after_cents)
    SELECT id, 1, 'water', 'Water', 4321, 4000 FROM postings WHERE idempotency_key = 'bill:1';
INSERT INTO bill_openings (bill_id, posting_id, read_id) SELECT 1, id, 2 FROM postings WHERE idempotency_key = 'bill:1';
INSERT INTO sewer_cap_corrections (account_id, effective_from, posting_id, cap_gal)
    SELECT 1, '2026-01-01', id, 5000 FROM postings WHERE idempotency_key = 'bill:1';
INSERT INTO opening_balance_due (posting_id, due_on) SELECT id, '2026-02-21' FROM postings WHERE idempotency_key = 'bill:1';
COMMIT;
EOF
[ $? = 0 ] || fail "the desk's role writes the rows that hang off a posting" "$OUT"

# ---- (b) An unbalanced posting is refused at COMMIT --------------------

sql "$DESK" <<EOF
$POSTING_SQL
BEGIN;
SELECT 1 FROM audit_head WHERE id = 1 FOR UPDATE;
EXECUTE insert_posting('credit:unbalanced', repeat('b', 64), 'credit', 1, '2026-02-02', '2026-02-02 10:00:00+00:00', 1,
    'Goodwill credit', 'goodwill', NULL, NULL, NULL, 1000) \gset posting_
EXECUTE insert_entry(:posting_id, 1, 'assets:receivable', 1, 'C', 1000);
EXECUTE insert_entry(:posting_id, 2, 'revenue:water', NULL, 'D', 999);
EXECUTE add_to_balance(1, -1000);
\echo every statement before COMMIT was accepted
COMMIT;
EOF
RC=$?
LEFT=$(value "$OWNER" "SELECT count(*) || ' ' || (SELECT balance_cents FROM accounts WHERE id = 1)
                       FROM postings WHERE idempotency_key = 'credit:unbalanced'")
if [ "$RC" != 0 ] && printf '%s' "$OUT" | grep -q "every statement before COMMIT was accepted" &&
    printf '%s' "$OUT" | grep -Eq "ERROR:  23514: posting [0-9]+ does not balance: its lines debit 999 cents and credit 1000 cents" &&
    [ "$LEFT" = "0 4321" ]; then
    pass "(b) an unbalanced posting is refused at COMMIT: $(printf '%s' "$OUT" | grep -o 'posting [0-9]* does not balance.*' | head -1)"
else
    fail "(b) an unbalanced posting is refused at COMMIT with the ledger's message" "$OUT
postings left, balance: $LEFT (expected 0 4321)"
fi

# And a posting with no lines at all (which no entry's trigger would meet).
sql "$DESK" <<EOF
$POSTING_SQL
BEGIN;
EXECUTE insert_posting('credit:no-lines', repeat('b', 64), 'credit', 1, '2026-02-02', '2026-02-02 10:00:00+00:00', 1,
    'Goodwill credit', 'goodwill', NULL, NULL, NULL, 0) \gset posting_
\echo every statement before COMMIT was accepted
COMMIT;
EOF
if [ $? != 0 ] && printf '%s' "$OUT" | grep -q "every statement before COMMIT was accepted" &&
    printf '%s' "$OUT" | grep -Eq "ERROR:  23514: posting [0-9]+ has 0 line\(s\): a posting needs two or more lines that balance"; then
    pass "(b) a posting without lines is refused at COMMIT too"
else
    fail "(b) a posting without lines is refused at COMMIT too" "$OUT"
fi

# ---- (c) and (d): append-only tables -----------------------------------

APPEND_ONLY="postings entries bills bill_lines meter_reads payments bill_adjustments bill_adjustment_lines rate_schedules
    sewer_caps audit_log contacts complaint_events order_events letters bill_openings sewer_cap_corrections
    opening_balance_due converted_winter_use cycle_reads read_decisions customer_changes authorized_parties party_ends"
NEVER_DELETED="approval_requests complaints disputes service_orders audit_head"

# SQLite's messages, by trigger name, from the migrations (the last
# definition of each name wins).
MESSAGES="$T/messages.tsv"
perl -0777 -ne '
    while (/CREATE TRIGGER (\w+)((?:(?!\bEND;).)*?)\bEND;/gs) {
        my ($name, $body) = ($1, $2);
        my $message = "";
        if ($body =~ /RAISE\(ABORT, \x27((?:[^\x27]|\x27\x27)*)\x27\)/) { $message = $1; $message =~ s/\x27\x27/\x27/g; }
        print "$name\t$message\n";
    }' $(ls "$MIGRATIONS"/*.sql | sort) |
    awk -F'\t' '{ m[$1] = $2; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
                END { for (i = 1; i <= n; i++) print order[i] "\t" m[order[i]] }' >"$MESSAGES"
message_of() { awk -F'\t' -v t="$1" '$1 == t { print $2 }' "$MESSAGES"; }
delete_trigger_of() { [ "$1" = approval_requests ] && echo approval_no_delete || echo "${1}_no_delete"; }
first_column() {
    value "$OWNER" "SELECT column_name FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = '$1' AND ordinal_position = 1"
}

# expect_refused LABEL ROLE SQLSTATE MESSAGE SQL: SQL fails with exactly that.
expect_refused() {
    local label=$1 role=$2 state=$3 message=$4 statement=$5
    sql "$role" <<<"$statement"
    local rc=$?
    if [ "$rc" != 0 ] && printf '%s\n' "$OUT" | grep -qF "ERROR:  $state: $message"; then
        return 0
    fi
    fail "$label" "$statement: expected ERROR $state: $message
got: $OUT"
    return 1
}

C_BAD=0
for t in $APPEND_ONLY; do
    col=$(first_column "$t")
    denied="permission denied for table $t"
    expect_refused "(c) $DESK: UPDATE $t" "$DESK" 42501 "$denied" "UPDATE $t SET $col = $col;" || C_BAD=1
    expect_refused "(c) $DESK: DELETE FROM $t" "$DESK" 42501 "$denied" "DELETE FROM $t;" || C_BAD=1
    expect_refused "(c) $DESK: TRUNCATE $t" "$DESK" 42501 "$denied" "TRUNCATE $t;" || C_BAD=1
done
for t in $NEVER_DELETED; do
    denied="permission denied for table $t"
    expect_refused "(c) $DESK: DELETE FROM $t" "$DESK" 42501 "$denied" "DELETE FROM $t;" || C_BAD=1
    expect_refused "(c) $DESK: TRUNCATE $t" "$DESK" 42501 "$denied" "TRUNCATE $t;" || C_BAD=1
done
[ "$C_BAD" = 0 ] && pass "(c) the desk's role is denied UPDATE, DELETE and TRUNCATE on all $(echo $APPEND_ONLY | wc -w) append-only tables, DELETE and TRUNCATE on the $(echo $NEVER_DELETED | wc -w) never-deleted ones (permission denied)"

D_BAD=0
count_of() { value "$OWNER" "SELECT count(*) FROM $1"; }
for t in $APPEND_ONLY $NEVER_DELETED; do
    rows=$(count_of "$t")
    if [ "$rows" = 0 ] || [ -z "$rows" ]; then
        fail "(d) $t has a row to refuse changing" "it has ${rows:-no count}"
        D_BAD=1
        continue
    fi
    col=$(first_column "$t")
    case " $APPEND_ONLY " in
        *" $t "*)
            expect_refused "(d) owner: UPDATE $t" "$OWNER" 23514 "$(message_of "${t}_no_update")" \
                "UPDATE $t SET $col = $col;" || D_BAD=1 ;;
    esac
    deleted=$(message_of "$(delete_trigger_of "$t")")
    expect_refused "(d) owner: DELETE FROM $t" "$OWNER" 23514 "$deleted" "DELETE FROM $t;" || D_BAD=1
    # CASCADE: else the foreign keys refuse it first, for the tables others point at.
    expect_refused "(d) owner: TRUNCATE $t CASCADE" "$OWNER" 23514 "$deleted" "TRUNCATE $t CASCADE;" || D_BAD=1
    [ "$(count_of "$t")" = "$rows" ] || { fail "(d) $t keeps its rows" "$rows before, $(count_of "$t") after"; D_BAD=1; }
done
[ "$D_BAD" = 0 ] && pass "(d) the owner is refused the same by the triggers (SQLSTATE 23514, SQLite's message for each; TRUNCATE too)"

# ---- (e) More ----------------------------------------------------------

# Every SQLite trigger is here by name, with SQLite's message.
E_BAD=""
while IFS=$'\t' read -r name message; do
    found=$(value "$OWNER" "SELECT count(*) FROM pg_trigger WHERE tgname = '$name' AND NOT tgisinternal")
    if [ "$found" != 1 ]; then
        E_BAD="$E_BAD
trigger $name is missing"
        continue
    fi
    [ -z "$message" ] && continue
    # The message is the trigger's argument (refuse_change) or in its function's body.
    said=$(value "$OWNER" "SELECT count(*) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
        WHERE t.tgname = '$name' AND NOT t.tgisinternal
          AND (encode(t.tgargs, 'escape') = \$m\$$message\$m\$ || '\\000'
               OR strpos(p.prosrc, replace(\$m\$$message\$m\$, '''', '''''')) > 0)")
    [ "$said" = 1 ] || E_BAD="$E_BAD
trigger $name does not say: $message"
done <"$MESSAGES"
if [ -z "$E_BAD" ]; then
    pass "(e) all $(wc -l <"$MESSAGES") SQLite triggers are here by name, each with SQLite's message"
else
    fail "(e) all SQLite triggers are here by name, each with SQLite's message" "$E_BAD"
fi

expect_refused "(e) $DESK cannot move the audit head itself" "$DESK" 42501 "permission denied for table audit_head" \
    "UPDATE audit_head SET last_hash = repeat('0', 64) WHERE id = 1;" &&
    expect_refused "(e) $DESK cannot change a role" "$DESK" 42501 "permission denied for table users" \
        "UPDATE users SET role = 'admin' WHERE id = 1;" &&
    expect_refused "(e) $DESK cannot change a pending request's amount" "$DESK" 42501 \
        "permission denied for table approval_requests" "UPDATE approval_requests SET amount_cents = 1 WHERE id = 1;" &&
    expect_refused "(e) $DESK cannot record a migration" "$DESK" 42501 "permission denied for table schema_migrations" \
        "INSERT INTO schema_migrations VALUES (30, 'x', 'now');" &&
    pass "(e) the desk's role cannot change the audit head, a role, a request's amount, or the migrations"

sql "$DESK" <<'EOF'
BEGIN;
DELETE FROM account_search WHERE rowid = 1;
INSERT INTO account_search (rowid, number, name, address, phone, meter)
    VALUES (1, '100000017 10000001', 'Alice Exampel', '12 Main St  Tulsa 74103', '9185550142 5550142 918 555 0142', 'M100');
DELETE FROM account_words WHERE account_id = 1;
INSERT INTO account_words (word, account_id) VALUES ('alice', 1), ('exampel', 1), ('5550142', 1);
COMMIT;
SELECT string_agg(rowid::text, ',') FROM account_search
 WHERE name ILIKE '%' || 'EXAMP' || '%' AND phone ILIKE '%' || '5550142' || '%';
SELECT string_agg(rowid::text, ',') FROM account_search WHERE name % 'Alice Example';
SELECT string_agg(rowid::text, ',') FROM account_search WHERE words @@ CAST('Exampel & 555:*' AS tsquery);
SELECT string_agg(account_id::text, ',') FROM account_words WHERE word >= 'exa' AND word < 'exb';
SELECT (SELECT min(version) FROM schema_migrations) || ' ' || (SELECT last_id FROM audit_head WHERE id = 1);
EOF
if [ $? = 0 ] && [ "$(printf '%s' "$OUT" | tr '\n' ' ')" = "1 1 1 1 29 2" ]; then
    pass "(e) the desk's role rewrites an account's search row and its words, and finds it by substring, a misspelt name, its words and a word's prefix"
else
    fail "(e) the desk's role rewrites an account's search row and its words, and finds it by substring, a misspelt name, its words and a word's prefix" "$OUT"
fi

# ---- The end -----------------------------------------------------------

echo "$PASSES passed, $FAILS failed"
[ "$FAILS" = 0 ]
