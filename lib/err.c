#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "err.h"
#include "banned.h"

static char *
vformat(const char *fmt, va_list ap)
{
	va_list copy;
	char *buf;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0 || (buf = malloc((size_t)n + 1)) == NULL)
		return NULL;
	vsnprintf(buf, (size_t)n + 1, fmt, ap);
	return buf;
}

char *
ipp_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	return s;
}

int
ipp_error(char **errp, int status, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (errp == NULL)
		return status;
	/* Format first: the new message may quote the old one. */
	va_start(ap, fmt);
	msg = vformat(fmt, ap);
	va_end(ap);
	free(*errp);
	*errp = msg;
	return status;
}

int
ipp_error_prefix(char **errp, int status, const char *fmt, ...)
{
	va_list ap;
	char *prefix, *joined;

	if (errp == NULL)
		return status;
	va_start(ap, fmt);
	prefix = vformat(fmt, ap);
	va_end(ap);
	if (prefix == NULL)
		return status;
	joined = ipp_strdup_printf("%s: %s", prefix,
	    *errp != NULL ? *errp : "unknown error");
	free(prefix);
	if (joined != NULL) {
		free(*errp);
		*errp = joined;
	}
	return status;
}

int
ipp_exit_status(int status)
{
	switch (status) {
	case IPP_OK:
		return IPP_EXIT_OK;
	case IPP_EREFUSED:
	case IPP_ENOTFOUND:
		return IPP_EXIT_FAIL;
	case IPP_EUSAGE:
		return IPP_EXIT_USAGE;
	case IPP_ESTORE:
		return IPP_EXIT_STORE;
	case IPP_EINPUT:
		return IPP_EXIT_INPUT;
	case IPP_EAUTH:
		return IPP_EXIT_AUTH;
	case IPP_ENET:
		return IPP_EXIT_NET;
	default:
		return IPP_EXIT_SYS;
	}
}
