/*
 * libpq, loaded with dlopen on first use, as libcurl is (curl_dl.h): a
 * store on SQLite, the default, must not pay for loading the PostgreSQL
 * client library and its dependencies at every start.  Only the
 * PostgreSQL side of the store (db.c) calls these pointers.
 *
 * The pointer types come from <libpq-fe.h>, so a mismatch with the real
 * prototypes fails to compile.  To use another libpq function, add a
 * member here and its name to the table in pq_dl.c.
 *
 * Not thread-safe: load before starting threads.
 */
#ifndef IPP_PQ_DL_H
#define IPP_PQ_DL_H

#include <libpq-fe.h>

#define IPP_PQ_FN(f) __typeof__(&(f))

struct ipp_pq {
	IPP_PQ_FN(PQconnectdb)		connectdb;
	IPP_PQ_FN(PQstatus)		status;
	IPP_PQ_FN(PQerrorMessage)	errorMessage;
	IPP_PQ_FN(PQfinish)		finish;
	IPP_PQ_FN(PQsetNoticeProcessor)	setNoticeProcessor;
	IPP_PQ_FN(PQtransactionStatus)	transactionStatus;
	IPP_PQ_FN(PQexec)		exec;
	IPP_PQ_FN(PQprepare)		prepare;
	IPP_PQ_FN(PQexecPrepared)	execPrepared;
	IPP_PQ_FN(PQexecParams)		execParams;
	IPP_PQ_FN(PQresultStatus)	resultStatus;
	IPP_PQ_FN(PQresultErrorField)	resultErrorField;
	IPP_PQ_FN(PQresultErrorMessage)	resultErrorMessage;
	IPP_PQ_FN(PQclear)		clear;
	IPP_PQ_FN(PQntuples)		ntuples;
	IPP_PQ_FN(PQnfields)		nfields;
	IPP_PQ_FN(PQfname)		fname;
	IPP_PQ_FN(PQftype)		ftype;
	IPP_PQ_FN(PQgetvalue)		getvalue;
	IPP_PQ_FN(PQgetlength)		getlength;
	IPP_PQ_FN(PQgetisnull)		getisnull;
	IPP_PQ_FN(PQcmdTuples)		cmdTuples;
	IPP_PQ_FN(PQputCopyData)	putCopyData;
	IPP_PQ_FN(PQputCopyEnd)		putCopyEnd;
	IPP_PQ_FN(PQgetResult)		getResult;
	IPP_PQ_FN(PQlibVersion)		libVersion;
	IPP_PQ_FN(PQsendQueryParams)	sendQueryParams;
	IPP_PQ_FN(PQsendQueryPrepared)	sendQueryPrepared;
	IPP_PQ_FN(PQsendPrepare)	sendPrepare;
	IPP_PQ_FN(PQenterPipelineMode)	enterPipelineMode;
	IPP_PQ_FN(PQexitPipelineMode)	exitPipelineMode;
	IPP_PQ_FN(PQpipelineSync)	pipelineSync;
};

/*
 * Loads libpq.so.5 once; later calls return the same table.  Failure is
 * IPP_ESTORE naming what is missing (Debian package libpq5).
 */
int ipp_pq_load(const struct ipp_pq **pqp, char **errp);

#endif
