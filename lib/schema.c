/*
 * Numbered migrations.  Migration N brings a store from user_version N-1
 * to N; a released migration is never edited, only followed by another.
 * The SQL keeps to what PostgreSQL also accepts (text times in ISO 8601,
 * CHECK constraints instead of enums), so that a second store may follow.
 * The checks compare with OR, not IN: SQLite builds a temporary table
 * for an IN list at every insert, which halved the speed of imports.
 */
#include <stdio.h>

#include "complaint.h"
#include "err.h"
#include "reason.h"
#include "store.h"
#include "banned.h"

/* A migration: SQL, then an optional step in C in the same transaction. */
struct migration {
	const char	*sql;
	int		(*step)(struct ipp_store *, char **);
};

static const struct migration migrations[] = {
	/* 1: settings, documents, accounts, codes, tokens, history (A1-A6, D1). */
	{ "CREATE TABLE settings ("
	"  name TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind = 'integer' OR kind = 'text'),"
	"  minimum INTEGER,"
	"  maximum INTEGER,"
	"  description TEXT NOT NULL);"
	"INSERT INTO settings VALUES"
	" ('code_ttl_minutes', '15', 'integer', 1, 1440,"
	"  'A3: minutes a verification code stays valid'),"
	" ('code_max_tries', '5', 'integer', 1, 100,"
	"  'A3: wrong tries that invalidate a verification code'),"
	" ('code_resend_seconds', '60', 'integer', 0, 86400,"
	"  'A3: seconds between two sends of a verification code'),"
	" ('password_min_length', '8', 'integer', 8, 1024,"
	"  'A4: shortest password accepted'),"
	" ('session_hours', '24', 'integer', 1, 8760,"
	"  'A4: hours a sign-in session lasts'),"
	" ('doc_max_bytes', '10485760', 'integer', 1, 1073741824,"
	"  'D2: largest document accepted, in bytes'),"
	" ('agreement_version', '2024-01', 'text', NULL, NULL,"
	"  'A1: version of the IPP User Agreement accepted at registration'),"
	" ('privacy_version', '2024-01', 'text', NULL, NULL,"
	"  'A1: version of the IPP Privacy Policy accepted at registration'),"
	" ('mail_from', 'ipp@localhost', 'text', NULL, NULL,"
	"  'sender address of every message ipp mails');"
	"CREATE TABLE documents ("
	"  sha256 TEXT PRIMARY KEY,"
	"  mime TEXT NOT NULL CHECK (mime = 'application/pdf' OR mime = 'image/jpeg'"
	"    OR mime = 'image/png'),"
	"  size INTEGER NOT NULL,"
	"  created_at TEXT NOT NULL);"
	"CREATE TABLE accounts ("
	"  account_id INTEGER PRIMARY KEY,"
	"  email TEXT NOT NULL UNIQUE,"
	"  contact_email TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role = 'account' OR role = 'handler'),"
	"  base TEXT CHECK (base = 'mainland-china' OR base = 'hong-kong'"
	"    OR base = 'taiwan' OR base = 'other'),"
	"  identity TEXT CHECK (identity = 'individual'"
	"    OR identity = 'enterprise'),"
	"  category TEXT CHECK (category = 'right-holder' OR category = 'agent'),"
	"  rights_org INTEGER NOT NULL DEFAULT 0,"
	"  state TEXT NOT NULL CHECK (state = 'unverified' OR state = 'active'"
	"    OR state = 'identity-pending'"
	"    OR state = 'identity-verified'"
	"    OR state = 'identity-rejected'),"
	"  password_hash TEXT NOT NULL,"
	"  agreement_version TEXT,"
	"  privacy_version TEXT,"
	"  agreed_at TEXT,"
	"  owner_name TEXT,"
	"  identity_doc TEXT REFERENCES documents (sha256),"
	"  identity_doc_name TEXT,"
	"  identity_reason TEXT,"
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL);"
	"CREATE TABLE verification_codes ("
	"  account_id INTEGER PRIMARY KEY REFERENCES accounts (account_id),"
	"  code_hash TEXT NOT NULL,"
	"  sent_at TEXT NOT NULL,"
	"  expires_at TEXT NOT NULL,"
	"  wrong_tries INTEGER NOT NULL DEFAULT 0,"
	"  used INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE tokens ("
	"  token_hash TEXT PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts (account_id),"
	"  kind TEXT NOT NULL CHECK (kind = 'session' OR kind = 'api'),"
	"  created_at TEXT NOT NULL,"
	"  expires_at TEXT);"
	"CREATE INDEX tokens_account ON tokens (account_id);"
	"CREATE TABLE account_events ("
	"  event_id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts (account_id),"
	"  actor_id INTEGER REFERENCES accounts (account_id),"
	"  action TEXT NOT NULL,"
	"  detail TEXT,"
	"  at TEXT NOT NULL);"
	"CREATE INDEX account_events_account ON account_events (account_id);", NULL },

	/* 2: IPRs, their documents and history (I1-I8). */
	{ "CREATE TABLE iprs ("
	"  ipr_id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts (account_id),"
	"  label TEXT NOT NULL,"
	"  type TEXT NOT NULL CHECK (type = 'trademark' OR type = 'copyright'"
	"    OR type = 'patent' OR type = 'other'),"
	"  state TEXT NOT NULL CHECK (state = 'pending' OR state = 'verified'"
	"    OR state = 'failed'),"
	"  registered INTEGER NOT NULL DEFAULT 1,"
	"  name TEXT,"
	"  number TEXT,"
	"  registrant TEXT,"
	"  jurisdiction TEXT,"
	"  expires TEXT,"
	"  classes TEXT,"
	"  brand TEXT,"
	"  kind TEXT CHECK (kind = 'invention' OR kind = 'utility-model'"
	"    OR kind = 'design'),"
	"  description TEXT,"
	"  fail_reason TEXT,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL,"
	"  UNIQUE (account_id, label));"
	"CREATE UNIQUE INDEX iprs_number ON iprs (account_id, jurisdiction, number)"
	"  WHERE number IS NOT NULL;"
	"CREATE INDEX iprs_state ON iprs (state, ipr_id);"
	"CREATE TABLE ipr_documents ("
	"  ipr_id INTEGER NOT NULL REFERENCES iprs (ipr_id),"
	"  role TEXT NOT NULL CHECK (role = 'certificate' OR role = 'statement'"
	"    OR role = 'evaluation_report' OR role = 'basis'"
	"    OR role = 'renewed' OR role = 'assigned'"
	"    OR role = 'altered' OR role = 'authorization'),"
	"  sha256 TEXT NOT NULL REFERENCES documents (sha256),"
	"  name TEXT NOT NULL,"
	"  PRIMARY KEY (ipr_id, role));"
	"CREATE TABLE ipr_events ("
	"  event_id INTEGER PRIMARY KEY,"
	"  ipr_id INTEGER NOT NULL REFERENCES iprs (ipr_id),"
	"  actor_id INTEGER NOT NULL REFERENCES accounts (account_id),"
	"  action TEXT NOT NULL,"
	"  detail TEXT,"
	"  at TEXT NOT NULL);"
	"CREATE INDEX ipr_events_ipr ON ipr_events (ipr_id);", NULL },

	/* 3: live checks of listing URLs (C6). */
	{ "INSERT INTO settings VALUES"
	" ('http_concurrency', '32', 'integer', 1, 1024,"
	"  'C6: live checks running at once'),"
	" ('http_per_host', '8', 'integer', 1, 1024,"
	"  'C6: live checks running at once against one host'),"
	" ('http_connect_timeout_ms', '5000', 'integer', 100, 600000,"
	"  'C6: milliseconds to connect before a check is an error'),"
	" ('http_timeout_ms', '15000', 'integer', 100, 3600000,"
	"  'C6: milliseconds a whole check may take'),"
	" ('http_max_body', '1048576', 'integer', 0, 1073741824,"
	"  'C6: bytes of a page read at most'),"
	" ('http_max_redirects', '5', 'integer', 0, 50,"
	"  'C6: redirects followed'),"
	" ('gone_page_taobao', '', 'text', NULL, NULL,"
	"  'C6: URL prefix of the not-found page (empty: built in)'),"
	" ('gone_page_tmall', '', 'text', NULL, NULL,"
	"  'C6: URL prefix of the not-found page (empty: built in)'),"
	" ('gone_page_tmall-global', '', 'text', NULL, NULL,"
	"  'C6: URL prefix of the not-found page (empty: built in)'),"
	" ('gone_page_1688', '', 'text', NULL, NULL,"
	"  'C6: URL prefix of the not-found page (empty: built in)'),"
	" ('gone_page_alibaba', '', 'text', NULL, NULL,"
	"  'C6: URL prefix of the not-found page (empty: built in)'),"
	" ('gone_page_aliexpress', '', 'text', NULL, NULL,"
	"  'C6: URL prefix of the not-found page (empty: built in)'),"
	" ('gone_page_lazada', '', 'text', NULL, NULL,"
	"  'C6: URL prefix of the not-found page (empty: built in)');", NULL },

	/* 4: complaints, their URLs and moves, the catalog, notices (C1-C12). */
	{ "CREATE TABLE reasons ("
	"  code TEXT PRIMARY KEY,"
	"  ipr_type TEXT NOT NULL CHECK (ipr_type = 'trademark' OR ipr_type = 'copyright'"
	"    OR ipr_type = 'patent' OR ipr_type = 'other'),"
	"  target TEXT NOT NULL CHECK (target = 'listing' OR target = 'storefront'),"
	"  label TEXT NOT NULL,"
	"  description TEXT NOT NULL,"
	"  priority TEXT NOT NULL CHECK (priority = 'high' OR priority = 'normal'));"
	"CREATE TABLE complaints ("
	"  complaint_id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts (account_id),"
	"  platform TEXT NOT NULL CHECK (platform = 'taobao' OR platform = 'tmall'"
	"    OR platform = 'tmall-global' OR platform = '1688'"
	"    OR platform = 'alibaba' OR platform = 'aliexpress'"
	"    OR platform = 'lazada'),"
	"  region TEXT CHECK (region = 'sg' OR region = 'id' OR region = 'my'"
	"    OR region = 'th' OR region = 'ph' OR region = 'vn'),"
	"  ipr_id INTEGER NOT NULL REFERENCES iprs (ipr_id),"
	"  target TEXT NOT NULL CHECK (target = 'listing' OR target = 'storefront'),"
	"  reason TEXT NOT NULL REFERENCES reasons (code),"
	"  priority TEXT NOT NULL CHECK (priority = 'high' OR priority = 'normal'),"
	"  supplement TEXT,"
	"  due_at TEXT NOT NULL,"
	"  abusive_reason TEXT,"
	"  created_at TEXT NOT NULL);"
	"CREATE INDEX complaints_account ON complaints (account_id);"
	"CREATE TABLE complaint_urls ("
	"  url_id INTEGER PRIMARY KEY,"
	"  complaint_id INTEGER NOT NULL REFERENCES complaints (complaint_id),"
	"  account_id INTEGER NOT NULL REFERENCES accounts (account_id),"
	"  url TEXT NOT NULL,"
	"  canonical_url TEXT NOT NULL,"
	"  listing_id TEXT NOT NULL,"
	"  state TEXT NOT NULL CHECK (state = 'submitted' OR state = 'rejected'"
	"    OR state = 'pending-counter' OR state = 'countered'"
	"    OR state = 'counter-rejected' OR state = 'removed'"
	"    OR state = 'restored' OR state = 'withdrawn'),"
	"  updated_at TEXT NOT NULL);"
	/* C5: a listing is in at most one open complaint of an account.
	 * The condition is complaint.h's IPP_URL_OPEN, letter for letter,
	 * so that queries using it can use this index. */
	"CREATE UNIQUE INDEX complaint_urls_open ON complaint_urls"
	"  (account_id, canonical_url) WHERE " IPP_URL_OPEN ";"
	"CREATE INDEX complaint_urls_complaint ON complaint_urls (complaint_id);"
	"CREATE TABLE url_moves ("
	"  move_id INTEGER PRIMARY KEY,"
	"  url_id INTEGER NOT NULL REFERENCES complaint_urls (url_id),"
	"  from_state TEXT NOT NULL,"
	"  to_state TEXT NOT NULL,"
	"  actor_id INTEGER REFERENCES accounts (account_id),"
	"  reason TEXT,"
	"  at TEXT NOT NULL);"
	"CREATE INDEX url_moves_url ON url_moves (url_id);"
	"CREATE TABLE complaint_evidence ("
	"  complaint_id INTEGER NOT NULL REFERENCES complaints (complaint_id),"
	"  sha256 TEXT NOT NULL REFERENCES documents (sha256),"
	"  name TEXT NOT NULL,"
	"  PRIMARY KEY (complaint_id, sha256));"
	"CREATE TABLE notices ("
	"  notice_id INTEGER PRIMARY KEY,"
	"  email TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  platform TEXT NOT NULL,"
	"  region TEXT,"
	"  right_description TEXT NOT NULL,"
	"  reason TEXT NOT NULL REFERENCES reasons (code),"
	"  created_at TEXT NOT NULL);"
	"CREATE TABLE notice_urls ("
	"  notice_id INTEGER NOT NULL REFERENCES notices (notice_id),"
	"  canonical_url TEXT NOT NULL,"
	"  url TEXT NOT NULL,"
	"  PRIMARY KEY (notice_id, canonical_url));"
	"INSERT INTO settings VALUES"
	" ('complaint_max_urls', '300', 'integer', 1, 300,"
	"  'C5: URLs in one complaint at most'),"
	" ('supplement_min_chars', '20', 'integer', 0, 10000,"
	"  'C7: characters of supplementary reasons at least'),"
	" ('ramp_max_urls', '20', 'integer', 1, 300,"
	"  'C9: URLs a complaint may have before a new or weak account must confirm'),"
	" ('ramp_min_decided', '50', 'integer', 0, 1000000,"
	"  'C9: decided URLs an account needs to file large complaints unconfirmed'),"
	" ('ramp_min_success_pct', '90', 'integer', 0, 100,"
	"  'C9: success rate an account needs to file large complaints unconfirmed'),"
	" ('target_hours_high', '24', 'integer', 1, 720,"
	"  'C10: hours to decide a high-priority (counterfeit) complaint'),"
	" ('target_hours_normal', '72', 'integer', 1, 720,"
	"  'C10: hours to decide any other complaint'),"
	" ('form_max_urls', '10', 'integer', 1, 10,"
	"  'C12: URLs in one standalone takedown notice at most');",
	    ipp_reason_seed },
	/*
	 * 5: the mail queue (N3).  A message is queued in the transaction of
	 * the change that causes it and delivered after commit.  message_id
	 * names its outbox file and its Message-ID; message (the whole text,
	 * CRLF) is emptied once delivered, so a verification code does not
	 * stay in the store (A3).
	 */
	{ "CREATE TABLE mail ("
	"  mail_id INTEGER PRIMARY KEY,"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  recipient TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  message TEXT,"
	"  queued_at TEXT NOT NULL,"
	"  tries INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  delivered_at TEXT);"
	"CREATE INDEX mail_queued ON mail (mail_id) WHERE delivered_at IS NULL;",
	    NULL },
	/*
	 * 6: the catalog's patent kinds (C4, I5), the codes' uses found
	 * fast (C4, C8), and the answers of I3 (renewed? assigned?
	 * altered?), yes where the IPR has the document already.
	 */
	{ "ALTER TABLE reasons ADD COLUMN kind TEXT CHECK (kind = 'invention'"
	"  OR kind = 'utility-model' OR kind = 'design');"
	"CREATE INDEX complaints_reason ON complaints (reason);"
	"CREATE INDEX notices_reason ON notices (reason);"
	"ALTER TABLE iprs ADD COLUMN was_renewed TEXT NOT NULL DEFAULT 'no'"
	"  CHECK (was_renewed = 'yes' OR was_renewed = 'no');"
	"ALTER TABLE iprs ADD COLUMN was_assigned TEXT NOT NULL DEFAULT 'no'"
	"  CHECK (was_assigned = 'yes' OR was_assigned = 'no');"
	"ALTER TABLE iprs ADD COLUMN was_altered TEXT NOT NULL DEFAULT 'no'"
	"  CHECK (was_altered = 'yes' OR was_altered = 'no');"
	"UPDATE iprs SET was_renewed = 'yes' WHERE EXISTS (SELECT 1"
	"  FROM ipr_documents d WHERE d.ipr_id = iprs.ipr_id"
	"  AND d.role = 'renewed');"
	"UPDATE iprs SET was_assigned = 'yes' WHERE EXISTS (SELECT 1"
	"  FROM ipr_documents d WHERE d.ipr_id = iprs.ipr_id"
	"  AND d.role = 'assigned');"
	"UPDATE iprs SET was_altered = 'yes' WHERE EXISTS (SELECT 1"
	"  FROM ipr_documents d WHERE d.ipr_id = iprs.ipr_id"
	"  AND d.role = 'altered');",
	    ipp_reason_seed_kinds },

	/*
	 * 7: the moves of URLs (H1-H5, N1): filing recorded as the first
	 * move, the store refusing a move applied twice (a URL leaves a
	 * state at most once: DOMAIN.md's diagram has no cycle) or one the
	 * diagram does not have; the time a URL became final, for the
	 * score (G1); the end of its current window (N1); the holiday
	 * list; abusive marks (H3) and relisting findings (H5).  url_moves
	 * is rebuilt because filing has no from_state.
	 */
	{ "CREATE TABLE url_moves_5 ("
	"  move_id INTEGER PRIMARY KEY,"
	"  url_id INTEGER NOT NULL REFERENCES complaint_urls (url_id),"
	"  from_state TEXT,"
	"  to_state TEXT NOT NULL,"
	"  actor_id INTEGER REFERENCES accounts (account_id),"
	"  reason TEXT,"
	"  at TEXT NOT NULL,"
	"  CHECK ((from_state IS NULL AND to_state = 'submitted')"
	"    OR (from_state = 'submitted' AND (to_state = 'pending-counter'"
	"      OR to_state = 'rejected' OR to_state = 'withdrawn'))"
	"    OR (from_state = 'pending-counter' AND (to_state = 'countered'"
	"      OR to_state = 'removed' OR to_state = 'withdrawn'))"
	"    OR (from_state = 'countered' AND (to_state = 'counter-rejected'"
	"      OR to_state = 'restored' OR to_state = 'withdrawn'))"
	"    OR (from_state = 'counter-rejected' AND (to_state = 'removed'"
	"      OR to_state = 'restored' OR to_state = 'withdrawn'))));"
	"INSERT INTO url_moves_5 (move_id, url_id, from_state, to_state,"
	"  actor_id, reason, at)"
	"  SELECT move_id, url_id, from_state, to_state, actor_id, reason, at"
	"  FROM url_moves;"
	"DROP TABLE url_moves;"
	"ALTER TABLE url_moves_5 RENAME TO url_moves;"
	"INSERT INTO url_moves (url_id, from_state, to_state, actor_id, at)"
	"  SELECT u.url_id, NULL, 'submitted', c.account_id, c.created_at"
	"  FROM complaint_urls u JOIN complaints c"
	"  ON c.complaint_id = u.complaint_id ORDER BY u.url_id;"
	"CREATE UNIQUE INDEX url_moves_once ON url_moves"
	"  (url_id, COALESCE(from_state, ''));"
	"ALTER TABLE complaint_urls ADD COLUMN final_at TEXT;"
	"ALTER TABLE complaint_urls ADD COLUMN window_ends_at TEXT;"
	"UPDATE complaint_urls SET final_at = COALESCE((SELECT max(m.at)"
	"  FROM url_moves m WHERE m.url_id = complaint_urls.url_id"
	"  AND m.to_state = complaint_urls.state), updated_at)"
	"  WHERE NOT " IPP_URL_OPEN ";"
	"CREATE INDEX complaint_urls_final ON complaint_urls"
	"  (account_id, final_at) WHERE final_at IS NOT NULL;"
	"CREATE INDEX complaint_urls_submitted ON complaint_urls"
	"  (complaint_id, url_id) WHERE state = 'submitted';"
	"CREATE TABLE holidays ("
	"  day TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL DEFAULT '',"
	"  created_at TEXT NOT NULL);"
	"CREATE TABLE complaint_marks ("
	"  mark_id INTEGER PRIMARY KEY,"
	"  complaint_id INTEGER NOT NULL REFERENCES complaints (complaint_id),"
	"  action TEXT NOT NULL CHECK (action = 'mark' OR action = 'revoke'),"
	"  reason TEXT NOT NULL CHECK (reason <> ''),"
	"  actor_id INTEGER NOT NULL REFERENCES accounts (account_id),"
	"  at TEXT NOT NULL);"
	"CREATE INDEX complaint_marks_complaint ON complaint_marks"
	"  (complaint_id, mark_id);"
	"CREATE TABLE relistings ("
	"  relisting_id INTEGER PRIMARY KEY,"
	"  url_id INTEGER NOT NULL REFERENCES complaint_urls (url_id),"
	"  found_at TEXT NOT NULL,"
	"  status INTEGER,"
	"  note TEXT);"
	"CREATE INDEX relistings_url ON relistings (url_id);"
	"INSERT INTO settings VALUES"
	" ('business_tz', 'Asia/Shanghai', 'text', NULL, NULL,"
	"  'N1: time zone of business days (a tz database name)'),"
	" ('counter_window_days', '3', 'integer', 1, 60,"
	"  'N1: business days a merchant has to counter after acceptance'),"
	" ('answer_window_days', '3', 'integer', 1, 60,"
	"  'N1: business days an account has to answer a counter'),"
	" ('reminder_hours', '24', 'integer', 1, 720,"
	"  'N3: hours before an answer is due that the account is reminded'),"
	" ('digest_max_urls', '1000', 'integer', 1, 100000,"
	"  'H1: decided URLs listed one by one in a batch digest mail');",
	    NULL },

	/* 8: an upper limit for the supplementary reasons (C7). */
	{ "INSERT INTO settings VALUES"
	" ('supplement_max_chars', '2000', 'integer', 1, 100000,"
	"  'C7: characters of supplementary reasons at most');", NULL },
	/*
	 * 9: the Good Faith Program (G1-G6): its settings; the time a URL was
	 * countered (the at of its move into countered, stamped by the move
	 * function beside final_at) so that G2 counts counters by the
	 * account's index as G1 counts outcomes; the declarations signed
	 * (G3) and the memberships, each ended with its reason (G5); and
	 * whether a complaint was filed by a member, with the benefits
	 * (C7, C10).
	 */
	{ "ALTER TABLE complaint_urls ADD COLUMN countered_at TEXT;"
	"UPDATE complaint_urls SET countered_at = (SELECT min(m.at)"
	"  FROM url_moves m WHERE m.url_id = complaint_urls.url_id"
	"  AND m.to_state = 'countered')"
	"  WHERE url_id IN (SELECT url_id FROM url_moves"
	"  WHERE to_state = 'countered');"
	"CREATE INDEX complaint_urls_countered ON complaint_urls"
	"  (account_id, countered_at) WHERE countered_at IS NOT NULL;"
	"ALTER TABLE complaints ADD COLUMN good_faith INTEGER NOT NULL"
	"  DEFAULT 0 CHECK (good_faith = 0 OR good_faith = 1);"
	"CREATE TABLE declarations ("
	"  declaration_id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts (account_id),"
	"  version TEXT NOT NULL,"
	"  signed_at TEXT NOT NULL,"
	"  UNIQUE (account_id, version));"
	"CREATE TABLE memberships ("
	"  membership_id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts (account_id),"
	"  enrolled_at TEXT NOT NULL,"
	"  ended_at TEXT,"
	"  end_reason TEXT,"
	"  CHECK ((ended_at IS NULL AND end_reason IS NULL)"
	"    OR (ended_at IS NOT NULL AND end_reason IS NOT NULL)));"
	"CREATE INDEX memberships_account ON memberships"
	"  (account_id, membership_id);"
	"CREATE UNIQUE INDEX memberships_open ON memberships (account_id)"
	"  WHERE ended_at IS NULL;"
	"INSERT INTO settings VALUES"
	" ('score_success_min_pct', '90', 'integer', 1, 99,"
	"  'G1: takedown success rate, in percent, a member keeps at least'),"
	" ('score_counter_max_pct', '5', 'integer', 1, 100,"
	"  'G2: counter-notice success rate, in percent, a member stays below'),"
	" ('score_window_days', '90', 'integer', 1, 3650,"
	"  'G1: days of the rolling window the figures are assessed over'),"
	" ('score_rejoin_days', '90', 'integer', 0, 3650,"
	"  'G5: days after leaving or removal before an account may enrol again'),"
	" ('score_min_volume', '0', 'integer', 0, 100000000,"
	"  'G5: decided URLs in the window an account needs to enrol');",
	    NULL },

	/*
	 * 10: merchants and their counter-notices (N0), the reminders sent
	 * (N3: a row per URL, so the store refuses a second one), and the
	 * open windows found by their end (N1) for the tick and for every
	 * report, which applies the due moves first.
	 */
	{ "CREATE TABLE merchants ("
	"  merchant_id INTEGER PRIMARY KEY,"
	"  platform TEXT NOT NULL,"
	"  region TEXT,"
	"  seller_id TEXT NOT NULL CHECK (seller_id <> ''),"
	"  name TEXT NOT NULL CHECK (name <> ''),"
	"  email TEXT,"
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL);"
	"CREATE UNIQUE INDEX merchants_seller ON merchants"
	"  (platform, COALESCE(region, ''), seller_id);"
	"CREATE TABLE counters ("
	"  counter_id INTEGER PRIMARY KEY,"
	"  url_id INTEGER NOT NULL UNIQUE REFERENCES complaint_urls (url_id),"
	"  merchant_id INTEGER NOT NULL REFERENCES merchants (merchant_id),"
	"  grounds TEXT NOT NULL CHECK (grounds <> ''),"
	"  filed_at TEXT NOT NULL,"
	"  answer_due_at TEXT NOT NULL,"
	"  recorded_by INTEGER NOT NULL REFERENCES accounts (account_id),"
	"  recorded_at TEXT NOT NULL);"
	"CREATE INDEX counters_merchant ON counters (merchant_id);"
	"CREATE TABLE counter_evidence ("
	"  counter_id INTEGER NOT NULL REFERENCES counters (counter_id),"
	"  sha256 TEXT NOT NULL REFERENCES documents (sha256),"
	"  name TEXT NOT NULL,"
	"  PRIMARY KEY (counter_id, sha256));"
	"CREATE TABLE counter_reminders ("
	"  url_id INTEGER PRIMARY KEY REFERENCES complaint_urls (url_id),"
	"  sent_at TEXT NOT NULL);"
	"CREATE INDEX complaint_urls_window ON complaint_urls (window_ends_at)"
	"  WHERE window_ends_at IS NOT NULL;",
	    NULL },

	/*
	 * 11: a team store on PostgreSQL keeps the documents' content in
	 * the database (D1), by the same address, so that every machine of
	 * the team sees it; a SQLite store keeps it in docs/ and leaves
	 * this table empty.
	 */
	{ "CREATE TABLE document_contents ("
	"  sha256 TEXT PRIMARY KEY,"
	"  content BYTEA NOT NULL);", NULL },
};

int
ipp_schema_latest(void)
{
	return (int)(sizeof(migrations) / sizeof(migrations[0]));
}

int
ipp_schema_migrate(struct ipp_store *s, int from, char **errp)
{
	int v, rc;

	for (v = from; v < ipp_schema_latest(); v++) {
		if ((rc = ipp_store_exec_ddl(s, migrations[v].sql, errp)) !=
		    IPP_OK ||
		    (migrations[v].step != NULL &&
		    (rc = migrations[v].step(s, errp)) != IPP_OK))
			return ipp_error_prefix(errp, rc, "migration %d", v + 1);
	}
	return ipp_store_set_version(s, ipp_schema_latest(), errp);
}
