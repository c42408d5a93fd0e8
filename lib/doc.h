/*
 * Documents (D1, D2): identity papers, IPR certificates, evidence.
 *
 * A document is kept by content: docs/<first two hex>/<sha256> in the
 * store's directory, written to a temporary file, fsynced and renamed
 * into place, so the same file given twice is kept once.  Its type comes
 * from the content through libmagic (PDF, JPEG or PNG), never from the
 * name; the size limit is the doc_max_bytes setting (10 MiB).  The user's
 * file name is metadata only and never becomes a path.
 */
#ifndef IPP_DOC_H
#define IPP_DOC_H

#include <stdint.h>

#include "secret.h"
#include "store.h"

struct ipp_doc {
	char	 sha256[IPP_SECRET_HEX];	/* content address, hex */
	char	 mime[32];		/* application/pdf, image/jpeg, image/png */
	int64_t	 size;			/* bytes */
};

/*
 * Reads the file at path, checks type and size (D2), and stores its
 * content under docs/ (D1).  Call before the transaction that records
 * it; a file stored by a transaction that then fails is harmless, and
 * stays until ipp_doc_gc, which never takes it while this process has
 * the store open.
 * A file name (its last part, kept as metadata) with a control character
 * is refused.  Refusals name the file, the rule and the limit, e.g.
 * "'scan.txt' is text/plain: accepted types are PDF, JPEG and PNG (rule D2)".
 */
int ipp_doc_store(struct ipp_store *s, const char *path, struct ipp_doc *doc,
    char **errp);

/* Inserts the documents row (once per content); inside a transaction. */
int ipp_doc_record(struct ipp_store *s, const struct ipp_doc *doc,
    const char *now, char **errp);

/*
 * The path of a stored document's content, malloc'd; NULL when sha256 is
 * not 64 lowercase hex digits (nothing else becomes a path) or memory ran
 * out.
 */
char *ipp_doc_path(struct ipp_store *s, const char *sha256);

/*
 * The name a document is kept under as metadata (D1): the last part of
 * the path the user gave, never used as a path itself.
 */
const char *ipp_doc_name(const char *path);

/*
 * The clean-up of docs/ (ipp-register gc): nothing in the request path
 * ever removes a document file, since another account may have stored
 * the same content and be about to reference it.  Files no documents
 * row names (left by a refused or killed import) and temporary files of
 * killed writers are removed here, under the store's write lock and the
 * documents' lock taken exclusive (ipp_store_lock_docs: every process
 * that stored a document holds it shared until it closes the store, so
 * none is in flight); it waits up to 15 s for those processes to end.  fn (may be NULL) is told of each file, in
 * path order; with dry_run nothing is removed.
 */
struct ipp_doc_garbage {
	const char	*path;		/* the file */
	const char	*kind;		/* "unreferenced" or "temporary" */
	const char	*sha256;	/* its name, for unreferenced; or NULL */
	int64_t		 size;		/* bytes */
};
typedef int ipp_doc_gc_fn(void *arg, const struct ipp_doc_garbage *g,
    char **errp);
int ipp_doc_gc(struct ipp_store *s, int dry_run, ipp_doc_gc_fn *fn,
    void *arg, char **errp);

/* Releases libmagic; safe to call when it was never loaded. */
void ipp_doc_cleanup(void);

#endif
