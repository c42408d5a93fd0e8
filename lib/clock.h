/*
 * The one clock.  Nothing else in ipp calls time(): tests move time by
 * setting IPP_NOW to an ISO 8601 UTC instant (2026-01-31T09:00:00Z).
 * Times are stored as the same text form, which sorts chronologically.
 */
#ifndef IPP_CLOCK_H
#define IPP_CLOCK_H

#include <stdint.h>

#define IPP_TIME_LEN 20		/* strlen("2026-01-31T09:00:00Z") */

/* Seconds since the epoch: IPP_NOW when set, else the system clock. */
int ipp_clock_now(int64_t *now, char **errp);

/* The current instant as text (buf holds IPP_TIME_LEN + 1 bytes). */
int ipp_clock_now_text(char *buf, char **errp);

/* Formats t as YYYY-MM-DDTHH:MM:SSZ into buf (IPP_TIME_LEN + 1 bytes). */
void ipp_clock_format(int64_t t, char *buf);

/*
 * Parses YYYY-MM-DDTHH:MM:SSZ, or a plain date YYYY-MM-DD (midnight UTC).
 * Returns 0, or -1 when s is not such a time or names no real day.
 */
int ipp_clock_parse(const char *s, int64_t *t);

#endif
