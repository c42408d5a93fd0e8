#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

#include "err.h"
#include "pq_dl.h"
#include "banned.h"

#define LIBPQ "libpq.so.5"

static const struct {
	const char	*name;		/* symbol in libpq */
	size_t		 offset;	/* its member in struct ipp_pq */
} symbols[] = {
	{ "PQconnectdb", offsetof(struct ipp_pq, connectdb) },
	{ "PQstatus", offsetof(struct ipp_pq, status) },
	{ "PQerrorMessage", offsetof(struct ipp_pq, errorMessage) },
	{ "PQfinish", offsetof(struct ipp_pq, finish) },
	{ "PQsetNoticeProcessor", offsetof(struct ipp_pq, setNoticeProcessor) },
	{ "PQtransactionStatus", offsetof(struct ipp_pq, transactionStatus) },
	{ "PQexec", offsetof(struct ipp_pq, exec) },
	{ "PQprepare", offsetof(struct ipp_pq, prepare) },
	{ "PQexecPrepared", offsetof(struct ipp_pq, execPrepared) },
	{ "PQexecParams", offsetof(struct ipp_pq, execParams) },
	{ "PQresultStatus", offsetof(struct ipp_pq, resultStatus) },
	{ "PQresultErrorField", offsetof(struct ipp_pq, resultErrorField) },
	{ "PQresultErrorMessage", offsetof(struct ipp_pq, resultErrorMessage) },
	{ "PQclear", offsetof(struct ipp_pq, clear) },
	{ "PQntuples", offsetof(struct ipp_pq, ntuples) },
	{ "PQnfields", offsetof(struct ipp_pq, nfields) },
	{ "PQfname", offsetof(struct ipp_pq, fname) },
	{ "PQftype", offsetof(struct ipp_pq, ftype) },
	{ "PQgetvalue", offsetof(struct ipp_pq, getvalue) },
	{ "PQgetlength", offsetof(struct ipp_pq, getlength) },
	{ "PQgetisnull", offsetof(struct ipp_pq, getisnull) },
	{ "PQcmdTuples", offsetof(struct ipp_pq, cmdTuples) },
	{ "PQputCopyData", offsetof(struct ipp_pq, putCopyData) },
	{ "PQputCopyEnd", offsetof(struct ipp_pq, putCopyEnd) },
	{ "PQgetResult", offsetof(struct ipp_pq, getResult) },
	{ "PQlibVersion", offsetof(struct ipp_pq, libVersion) },
	{ "PQsendQueryParams", offsetof(struct ipp_pq, sendQueryParams) },
	{ "PQsendQueryPrepared", offsetof(struct ipp_pq, sendQueryPrepared) },
	{ "PQsendPrepare", offsetof(struct ipp_pq, sendPrepare) },
	{ "PQenterPipelineMode", offsetof(struct ipp_pq, enterPipelineMode) },
	{ "PQexitPipelineMode", offsetof(struct ipp_pq, exitPipelineMode) },
	{ "PQpipelineSync", offsetof(struct ipp_pq, pipelineSync) },
};

static void *handle;		/* from dlopen, NULL until loaded */
static struct ipp_pq pq;	/* valid while handle is not NULL */

static int
fail(char **errp, const char *what)
{
	return ipp_error(errp, IPP_ESTORE, "cannot load libpq (Debian "
	    "package libpq5): %s", what != NULL ? what : "unknown error");
}

/* POSIX lets a dlsym result become a function pointer through memcpy. */
static int
resolve(void *h, struct ipp_pq *p, char **errp)
{
	size_t i;
	void *sym;

	for (i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		dlerror();
		if ((sym = dlsym(h, symbols[i].name)) == NULL)
			return fail(errp, dlerror());
		memcpy((char *)p + symbols[i].offset, &sym, sizeof(sym));
	}
	return IPP_OK;
}

int
ipp_pq_load(const struct ipp_pq **pqp, char **errp)
{
	struct ipp_pq p;
	void *h;
	int rc;

	_Static_assert(sizeof(void *) == sizeof(pq.connectdb),
	    "function and data pointers differ in size");
	if (handle != NULL) {
		*pqp = &pq;
		return IPP_OK;
	}
	if ((h = dlopen(LIBPQ, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return fail(errp, dlerror());
	memset(&p, 0, sizeof(p));
	if ((rc = resolve(h, &p, errp)) != IPP_OK) {
		dlclose(h);
		return rc;
	}
	pq = p;
	handle = h;
	*pqp = &pq;
	return IPP_OK;
}
