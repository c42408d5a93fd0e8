/*
 * Status codes and error text.  Library functions never print and never
 * exit (STYLE.md rule 1): they return IPP_OK or one of the negative codes
 * below and hand a message back through a `char **errp` OUT parameter.
 * The message is malloc'd; the caller frees it.  A NULL errp is allowed.
 */
#ifndef IPP_ERR_H
#define IPP_ERR_H

enum ipp_status {
	IPP_OK = 0,
	IPP_EREFUSED = -1,	/* a rule refused the request: exit 1 */
	IPP_ENOTFOUND = -2,	/* nothing matched: exit 1 */
	IPP_EUSAGE = -3,	/* malformed arguments: exit 2 */
	IPP_ESTORE = -4,	/* the store could not be opened or written: exit 3 */
	IPP_EINPUT = -5,	/* malformed input file or stream: exit 4 */
	IPP_EAUTH = -6,		/* not signed in, or not permitted: exit 5 */
	IPP_ENET = -7,		/* network or mail delivery failed: exit 6 */
	IPP_ESYS = -8,		/* out of memory, or the file system failed: exit 7 */
};

/* Exit statuses, listed in every man page under EXIT STATUS. */
enum ipp_exit {
	IPP_EXIT_OK = 0,
	IPP_EXIT_FAIL = 1,
	IPP_EXIT_USAGE = 2,
	IPP_EXIT_STORE = 3,
	IPP_EXIT_INPUT = 4,
	IPP_EXIT_AUTH = 5,
	IPP_EXIT_NET = 6,
	IPP_EXIT_SYS = 7,
};

/*
 * Replaces *errp with the formatted message (when errp is not NULL) and
 * returns status, so that `return ipp_error(errp, IPP_EREFUSED, ...)` reads
 * as one statement.
 */
int ipp_error(char **errp, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes an existing *errp with "prefix: " and returns status. */
int ipp_error_prefix(char **errp, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Maps a status to the exit status documented in the man pages. */
int ipp_exit_status(int status);

/* Allocation helpers that return NULL on failure like their libc kin. */
char *ipp_strdup_printf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif
