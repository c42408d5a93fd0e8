#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

#include "curl_dl.h"
#include "err.h"
#include "banned.h"

#define LIBCURL "libcurl.so.4"

/*
 * Under AddressSanitizer libcurl stays mapped after dlclose: once its
 * TLS (and OpenSSL's) is unloaded, LeakSanitizer's scan at exit may read
 * the freed thread-local blocks and die ("Tracer caught signal 11"),
 * depending on the layout of the binary.
 */
#if defined(__SANITIZE_ADDRESS__)
#define DLOPEN_FLAGS (RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE)
#else
#define DLOPEN_FLAGS (RTLD_NOW | RTLD_LOCAL)
#endif

static const struct {
	const char	*name;		/* symbol in libcurl */
	size_t		 offset;	/* its member in struct ipp_curl */
} symbols[] = {
	{ "curl_global_init", offsetof(struct ipp_curl, global_init) },
	{ "curl_global_cleanup", offsetof(struct ipp_curl, global_cleanup) },
	{ "curl_easy_init", offsetof(struct ipp_curl, easy_init) },
	{ "curl_easy_setopt", offsetof(struct ipp_curl, easy_setopt) },
	{ "curl_easy_perform", offsetof(struct ipp_curl, easy_perform) },
	{ "curl_easy_getinfo", offsetof(struct ipp_curl, easy_getinfo) },
	{ "curl_easy_reset", offsetof(struct ipp_curl, easy_reset) },
	{ "curl_easy_cleanup", offsetof(struct ipp_curl, easy_cleanup) },
	{ "curl_easy_strerror", offsetof(struct ipp_curl, easy_strerror) },
	{ "curl_slist_append", offsetof(struct ipp_curl, slist_append) },
	{ "curl_slist_free_all", offsetof(struct ipp_curl, slist_free_all) },
	{ "curl_url", offsetof(struct ipp_curl, url) },
	{ "curl_url_set", offsetof(struct ipp_curl, url_set) },
	{ "curl_url_get", offsetof(struct ipp_curl, url_get) },
	{ "curl_url_cleanup", offsetof(struct ipp_curl, url_cleanup) },
	{ "curl_url_strerror", offsetof(struct ipp_curl, url_strerror) },
	{ "curl_free", offsetof(struct ipp_curl, free) },
	{ "curl_version", offsetof(struct ipp_curl, version) },
	{ "curl_multi_init", offsetof(struct ipp_curl, multi_init) },
	{ "curl_multi_add_handle", offsetof(struct ipp_curl, multi_add_handle) },
	{ "curl_multi_remove_handle",
	    offsetof(struct ipp_curl, multi_remove_handle) },
	{ "curl_multi_perform", offsetof(struct ipp_curl, multi_perform) },
	{ "curl_multi_poll", offsetof(struct ipp_curl, multi_poll) },
	{ "curl_multi_info_read", offsetof(struct ipp_curl, multi_info_read) },
	{ "curl_multi_setopt", offsetof(struct ipp_curl, multi_setopt) },
	{ "curl_multi_cleanup", offsetof(struct ipp_curl, multi_cleanup) },
	{ "curl_multi_strerror", offsetof(struct ipp_curl, multi_strerror) },
};

static void *handle;		/* from dlopen, NULL until loaded */
static struct ipp_curl curl;	/* valid while handle is not NULL */
static CURLU *urlh;		/* ipp_curl_url_handle's, or NULL */

static int
fail(char **errp, const char *what)
{
	return ipp_error(errp, IPP_ENET, "cannot load libcurl: %s",
	    what != NULL ? what : "unknown error");
}

/* POSIX lets a dlsym result become a function pointer through memcpy. */
static int
resolve(void *h, struct ipp_curl *c, char **errp)
{
	size_t i;
	void *sym;

	for (i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		dlerror();
		if ((sym = dlsym(h, symbols[i].name)) == NULL)
			return fail(errp, dlerror());
		memcpy((char *)c + symbols[i].offset, &sym, sizeof(sym));
	}
	return IPP_OK;
}

int
ipp_curl_load(const struct ipp_curl **cp, char **errp)
{
	struct ipp_curl c;
	CURLcode cc;
	void *h;
	int rc;

	_Static_assert(sizeof(void *) == sizeof(curl.easy_init),
	    "function and data pointers differ in size");
	if (handle != NULL) {
		*cp = &curl;
		return IPP_OK;
	}
	if ((h = dlopen(LIBCURL, DLOPEN_FLAGS)) == NULL)
		return fail(errp, dlerror());
	memset(&c, 0, sizeof(c));
	if ((rc = resolve(h, &c, errp)) != IPP_OK) {
		dlclose(h);
		return rc;
	}
	if ((cc = c.global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK) {
		rc = fail(errp, c.easy_strerror(cc));
		dlclose(h);
		return rc;
	}
	curl = c;
	handle = h;
	*cp = &curl;
	return IPP_OK;
}

int
ipp_curl_url_handle(CURLU **hp, char **errp)
{
	const struct ipp_curl *c;
	int rc;

	if (urlh == NULL) {
		if ((rc = ipp_curl_load(&c, errp)) != IPP_OK)
			return rc;
		if ((urlh = c->url()) == NULL)
			return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	*hp = urlh;
	return IPP_OK;
}

int
ipp_curl_loaded(void)
{
	return handle != NULL;
}

void
ipp_curl_unload(void)
{
	if (handle == NULL)
		return;
	if (urlh != NULL) {
		curl.url_cleanup(urlh);
		urlh = NULL;
	}
	curl.global_cleanup();
	dlclose(handle);
	handle = NULL;
	memset(&curl, 0, sizeof(curl));
}
