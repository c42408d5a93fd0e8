/*
 * Time (N1, N3): the moves that happen when a window closes, and the
 * reminders due before an answer is.  A URL pending a counter whose
 * counter window has closed moves to removed; a countered URL whose
 * answer window has closed moves to restored; each move is recorded at
 * its deadline (the window's end), by the system (no actor), whenever
 * the tick that applies it runs.  A countered URL whose answer is due
 * within reminder_hours gets one reminder mail (N3): the store keeps a
 * row per reminder and refuses a second.
 *
 * Moves and reminders are applied under the store's write lock (BEGIN
 * IMMEDIATE), so two ticks at once serialise: the second finds nothing
 * left to do.  Open windows are found through an index on their end:
 * when nothing is due, finding so is one index probe, which is why
 * every command that reports URL states calls ipp_tick_due first.
 */
#ifndef IPP_TICK_H
#define IPP_TICK_H

#include <stdint.h>

#include "store.h"

struct ipp_tsv_writer;

/* The columns tick writes, one row per move. */
extern const char *const ipp_tick_columns[];
extern const size_t ipp_tick_ncolumns;

/*
 * Inside the caller's write transaction: applies every move due at now
 * (clock.h text).  *moved (may be NULL) gets the number applied.
 */
int ipp_tick_apply(struct ipp_store *s, const char *now, long *moved,
    char **errp);

/*
 * For commands that report URL states: applies the moves due now in a
 * transaction of its own, and only opens one when a move is due.
 */
int ipp_tick_due(struct ipp_store *s, char **errp);

/*
 * Membership and the like re-evaluated on every tick (G5): each hook
 * runs after the tick's moves have committed, outside any transaction
 * (it runs its own), with the tick's time.
 */
typedef int ipp_tick_hook_fn(struct ipp_store *s, const char *now,
    char **errp);

/*
 * The tick, for cron: refuses a store whose business_tz is not a zone
 * (IPP_EREFUSED); applies the due moves and queues the due reminders in
 * one transaction; after commit writes one row per move to w (NULL:
 * none) and runs the hooks.  *moves and *reminders get the counts.
 */
int ipp_tick_run(struct ipp_store *s, struct ipp_tsv_writer *w, long *moves,
    long *reminders, char **errp);

#endif
