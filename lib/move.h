/*
 * The moves of a listing URL through the states of DOMAIN.md's diagram:
 * the one place that changes complaint_urls.state.  Each move changes
 * the state only from the one expected and records itself (from, to,
 * time, actor, reason) in url_moves, in the caller's transaction.
 * Filing is the first move (from no state to submitted).
 *
 * The store refuses a move applied twice on its own: a URL leaves each
 * state at most once (a unique index on url_id and from_state), and
 * only the moves of the diagram are accepted (a CHECK).  A move into a
 * final state (rejected, removed, restored, withdrawn) stamps final_at,
 * which the score counts by (G1); a move into countered stamps
 * countered_at, by which the score counts counters received (G2).
 */
#ifndef IPP_MOVE_H
#define IPP_MOVE_H

#include <stdint.h>

#include "store.h"

/* 1 when state is final: rejected, removed, restored or withdrawn. */
int ipp_move_final(const char *state);

/* 1 when state is one of the eight of the diagram. */
int ipp_move_state_valid(const char *state);

struct ipp_move {
	int64_t		 url_id;
	const char	*from;		/* the state expected now */
	const char	*to;		/* the state after */
	int64_t		 actor_id;	/* who, 0: the system (a deadline) */
	const char	*reason;	/* why, or NULL */
	const char	*at;		/* when (clock.h text) */
	const char	*window_ends_at;	/* N1: end of the new state's
						 * window, or NULL */
};

/*
 * Applies one move inside the caller's transaction.  A URL that does not
 * exist is IPP_ENOTFOUND ("no URL N"); one in another state than m->from
 * is IPP_EREFUSED naming the state it is in and when it got there; a
 * move the diagram lacks, or one the store already holds, is IPP_EREFUSED
 * too.  On any error the caller rolls back (its transaction, or the
 * savepoint around the move).
 */
int ipp_move_apply(struct ipp_store *s, const struct ipp_move *m,
    char **errp);

/* Records filing, the first move of url_id (to submitted). */
int ipp_move_filed(struct ipp_store *s, int64_t url_id, int64_t actor_id,
    const char *at, char **errp);

/*
 * Records the filing of every URL of complaint_id, a complaint filed in
 * the caller's transaction: ipp_move_filed for each of its URLs, in one
 * statement.
 */
int ipp_move_filed_complaint(struct ipp_store *s, int64_t complaint_id,
    int64_t actor_id, const char *at, char **errp);

#endif
