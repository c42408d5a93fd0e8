/*
 * Numbered migrations.  Migration N brings a store from user_version N-1
 * to N; a released migration is never edited, only followed by another.
 * The SQL keeps to what PostgreSQL also accepts (text times in ISO 8601,
 * CHECK constraints instead of enums), so that a second store may follow.
 */
#include <stdio.h>

#include "err.h"
#include "store.h"
#include "banned.h"

static const char *const migrations[] = {
	/* 1: settings, documents, accounts, codes, tokens, history (A1-A6, D1). */
	"CREATE TABLE settings ("
	"  name TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('integer', 'text')),"
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
	"  mime TEXT NOT NULL CHECK (mime IN"
	"    ('application/pdf', 'image/jpeg', 'image/png')),"
	"  size INTEGER NOT NULL,"
	"  created_at TEXT NOT NULL);"
	"CREATE TABLE accounts ("
	"  account_id INTEGER PRIMARY KEY,"
	"  email TEXT NOT NULL UNIQUE,"
	"  contact_email TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role IN ('account', 'handler')),"
	"  base TEXT CHECK (base IN"
	"    ('mainland-china', 'hong-kong', 'taiwan', 'other')),"
	"  identity TEXT CHECK (identity IN ('individual', 'enterprise')),"
	"  category TEXT CHECK (category IN ('right-holder', 'agent')),"
	"  rights_org INTEGER NOT NULL DEFAULT 0,"
	"  state TEXT NOT NULL CHECK (state IN ('unverified', 'active',"
	"    'identity-pending', 'identity-verified', 'identity-rejected')),"
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
	"  kind TEXT NOT NULL CHECK (kind IN ('session', 'api')),"
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
	"CREATE INDEX account_events_account ON account_events (account_id);",

	/* 2: IPRs, their documents and history (I1-I8). */
	"CREATE TABLE iprs ("
	"  ipr_id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts (account_id),"
	"  label TEXT NOT NULL,"
	"  type TEXT NOT NULL CHECK (type IN"
	"    ('trademark', 'copyright', 'patent', 'other')),"
	"  state TEXT NOT NULL CHECK (state IN ('pending', 'verified', 'failed')),"
	"  registered INTEGER NOT NULL DEFAULT 1,"
	"  name TEXT,"
	"  number TEXT,"
	"  registrant TEXT,"
	"  jurisdiction TEXT,"
	"  expires TEXT,"
	"  classes TEXT,"
	"  brand TEXT,"
	"  kind TEXT CHECK (kind IN ('invention', 'utility-model', 'design')),"
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
	"  role TEXT NOT NULL CHECK (role IN ('certificate', 'statement',"
	"    'evaluation_report', 'basis', 'renewed', 'assigned', 'altered',"
	"    'authorization')),"
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
	"CREATE INDEX ipr_events_ipr ON ipr_events (ipr_id);",
};

int
ipp_schema_latest(void)
{
	return (int)(sizeof(migrations) / sizeof(migrations[0]));
}

int
ipp_schema_migrate(struct ipp_store *s, int from, char **errp)
{
	char pragma[64];
	int v, rc;

	for (v = from; v < ipp_schema_latest(); v++) {
		if ((rc = ipp_store_exec(s, migrations[v], errp)) != IPP_OK)
			return ipp_error_prefix(errp, rc, "migration %d", v + 1);
	}
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d",
	    ipp_schema_latest());
	return ipp_store_exec(s, pragma, errp);
}
