/*
 * libcurl, loaded with dlopen on first use.  Any binary linked against
 * Debian's libcurl pays 4-5 ms at every start loading its 32 shared
 * libraries; commands that never touch the network must not (issue 2's
 * start-up benchmark).  So nothing in ipp links -lcurl: the modules that
 * need libcurl (mail, the HTTP checker) call it through the function
 * pointers below, loaded from "libcurl.so.4" by ipp_curl_load.
 *
 * The pointer types come from <curl/curl.h> itself, so a mismatch with the
 * real prototypes fails to compile.  To use another libcurl function, add
 * a member here and its name to the table in curl_dl.c.
 *
 * Not thread-safe: load before starting threads.
 */
#ifndef IPP_CURL_DL_H
#define IPP_CURL_DL_H

#include <curl/curl.h>

/* The type of a pointer to libcurl function f (the parentheses keep
 * curl.h's type-checking macros from expanding). */
#define IPP_CURL_FN(f) __typeof__(&(f))

struct ipp_curl {
	IPP_CURL_FN(curl_global_init)	global_init;
	IPP_CURL_FN(curl_global_cleanup) global_cleanup;
	IPP_CURL_FN(curl_easy_init)	easy_init;
	IPP_CURL_FN(curl_easy_setopt)	easy_setopt;
	IPP_CURL_FN(curl_easy_perform)	easy_perform;
	IPP_CURL_FN(curl_easy_getinfo)	easy_getinfo;
	IPP_CURL_FN(curl_easy_reset)	easy_reset;
	IPP_CURL_FN(curl_easy_cleanup)	easy_cleanup;
	IPP_CURL_FN(curl_easy_strerror)	easy_strerror;
	IPP_CURL_FN(curl_slist_append)	slist_append;
	IPP_CURL_FN(curl_slist_free_all) slist_free_all;
	IPP_CURL_FN(curl_url)		url;
	IPP_CURL_FN(curl_url_set)	url_set;
	IPP_CURL_FN(curl_url_get)	url_get;
	IPP_CURL_FN(curl_url_cleanup)	url_cleanup;
	IPP_CURL_FN(curl_url_strerror)	url_strerror;
	IPP_CURL_FN(curl_free)		free;
	IPP_CURL_FN(curl_version)	version;
	/* The multi interface (lib/http.c). */
	IPP_CURL_FN(curl_multi_init)	multi_init;
	IPP_CURL_FN(curl_multi_add_handle) multi_add_handle;
	IPP_CURL_FN(curl_multi_remove_handle) multi_remove_handle;
	IPP_CURL_FN(curl_multi_perform)	multi_perform;
	IPP_CURL_FN(curl_multi_poll)	multi_poll;
	IPP_CURL_FN(curl_multi_info_read) multi_info_read;
	IPP_CURL_FN(curl_multi_setopt)	multi_setopt;
	IPP_CURL_FN(curl_multi_cleanup)	multi_cleanup;
	IPP_CURL_FN(curl_multi_strerror) multi_strerror;
};

/*
 * Loads libcurl.so.4 and runs curl_global_init on the first call; later
 * calls hand back the same table.  IPP_ENET "cannot load libcurl: ..."
 * when the library or one of its functions is missing.
 */
int ipp_curl_load(const struct ipp_curl **cp, char **errp);

/*
 * A URL handle kept for the whole process, so that parsing a URL reuses
 * it instead of allocating one each time (lib/url.c).  Loads libcurl
 * when needed; IPP_ENET when it cannot, IPP_ESYS when out of memory.
 * ipp_curl_unload frees it.  Not thread-safe, like the rest of this file.
 */
int ipp_curl_url_handle(CURLU **hp, char **errp);

/* 1 when ipp_curl_load has succeeded and ipp_curl_unload not yet run. */
int ipp_curl_loaded(void);

/* Frees the shared URL handle, then curl_global_cleanup and dlclose,
 * when loaded; safe to call twice. */
void ipp_curl_unload(void);

#endif
