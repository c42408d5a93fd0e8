/*
 * Good Faith membership (G3, G5): the declaration, enrolment, leaving,
 * and the re-evaluation that ends a membership whose requirements no
 * longer hold, recording the reason and mailing the account in the same
 * transaction (N3).
 *
 * The requirements, over the overall figures of the rolling window
 * ending now (score.h): G1 the takedown success rate, G2 the
 * counter-notice success rate, G3 no unrevoked abusive mark on any of
 * the account's complaints (G3-abusive) and the current version of the
 * declaration signed (G3-declaration), the minimum volume of decided
 * URLs (volume), and, to enrol, score_rejoin_days after the last
 * membership ended (wait).
 */
#ifndef IPP_MEMBER_H
#define IPP_MEMBER_H

#include <stdint.h>

#include "auth.h"
#include "clock.h"
#include "score.h"
#include "store.h"
#include "tsv.h"

/* lib/declaration.txt: "Version: V", a blank line, the text. */
extern const char ipp_declaration_txt[];

/*
 * The declaration's version (into version, of len bytes) and its text
 * (a pointer into ipp_declaration_txt).
 */
void ipp_member_declaration(char *version, size_t len, const char **text);

/* The requirements, as bits of ipp_member_state.failing. */
enum ipp_member_requirement {
	IPP_MEMBER_G1 = 1 << 0,
	IPP_MEMBER_G2 = 1 << 1,
	IPP_MEMBER_ABUSIVE = 1 << 2,
	IPP_MEMBER_DECLARATION = 1 << 3,
	IPP_MEMBER_VOLUME = 1 << 4,
	IPP_MEMBER_WAIT = 1 << 5,
};

struct ipp_member_state {
	int64_t			 account_id;
	int			 member;	/* enrolled now */
	unsigned		 failing;	/* requirements that fail */
	struct ipp_score_figures window;	/* overall, the window */
	long			 abusive;	/* complaints marked */
	char			 declared_version[32];	/* "" none */
	char			 declared_at[IPP_TIME_LEN + 1];
	char			 enrolled_at[IPP_TIME_LEN + 1];	/* "" none */
	char			 ended_at[IPP_TIME_LEN + 1];	/* "" */
	char			 end_reason[512];		/* "" */
	char			 rejoin_after[IPP_TIME_LEN + 1];	/* "" */
};

/*
 * The state of account_id at now: membership, and the requirements
 * that fail (a member is not held to the wait).
 */
int ipp_member_state(struct ipp_store *s, int64_t account_id,
    const char *now, struct ipp_member_state *m, char **errp);

/*
 * The failing requirements, comma-separated names (G1, G2, G3-abusive,
 * G3-declaration, volume, wait) into buf, "" when none.
 */
void ipp_member_failing_names(unsigned failing, char *buf, size_t len);

/* Each failing requirement explained with its figures, malloc'd. */
char *ipp_member_failing_text(const struct ipp_member_state *m,
    const struct ipp_score_settings *c);

/* *member gets 1 when account_id is a member now (for C7, C10). */
int ipp_member_is(struct ipp_store *s, int64_t account_id, int *member,
    char **errp);

/* G3: the caller signs the current declaration.  Its own transaction. */
int ipp_member_accept(struct ipp_store *s, const struct ipp_auth *who,
    char **errp);

/*
 * G5: the caller enrols when every requirement holds, else IPP_EREFUSED
 * naming each that fails; a member already is IPP_EREFUSED too.
 */
int ipp_member_enrol(struct ipp_store *s, const struct ipp_auth *who,
    char **errp);

/* G5: the caller's membership ends ("left"); not a member: refused. */
int ipp_member_leave(struct ipp_store *s, const struct ipp_auth *who,
    char **errp);

/*
 * G5: ends, with its reason, the membership of every member (account_id
 * 0) or of account_id whose requirements no longer hold at the clock's
 * now, mailing each account in the transaction that ends it.  Runs its
 * own transactions: call it outside one (the score's commands, and the
 * tick).  *ended (may be NULL) gets the number ended.
 */
int ipp_member_reevaluate(struct ipp_store *s, int64_t account_id,
    long *ended, char **errp);

/* The columns of status. */
extern const char *const ipp_member_columns[];
extern const size_t ipp_member_ncolumns;

/* Writes the status row of account_id (0: every account) at now. */
int ipp_member_status(struct ipp_store *s, int64_t account_id,
    const char *now, struct ipp_tsv_writer *w, char **errp);

#endif
