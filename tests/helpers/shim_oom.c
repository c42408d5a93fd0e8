/*
 * shim_oom: fails the N-th memory allocation of a real ipp binary, for
 * the out-of-memory item of make torture (tests/torture/oom.sh), after
 * the idea of SQLite's fault.c and malloc_common.tcl: run the operation
 * once for every N, the N-th allocation failing, and check the outcome.
 *
 * A shared object loaded with LD_PRELOAD; it interposes malloc, calloc,
 * realloc, reallocarray, posix_memalign, aligned_alloc and memalign, so
 * that SQLite's allocations (its default memory methods call malloc),
 * the library's, libc's on their behalf (strdup, asprintf, stdio) and
 * those of libcsv and libsodium are all counted; it forwards to the next
 * allocator (libc's, or the sanitizer's in the sanitize build, where it
 * comes first in LD_PRELOAD and ASAN_OPTIONS has verify_asan_link_order=0).
 *
 * Counting starts when the shim's constructor runs, before main, and
 * stops when exit begins.
 * Environment:
 *	IPP_OOM_FAIL=N		fail the N-th allocation (0: count only)
 *	IPP_OOM_PERSIST=1	and every one after it
 *	IPP_OOM_REPORT=FILE	at exit, write "COUNT FAILED\n" to FILE:
 *				allocations seen and failures injected
 * A failed allocation returns NULL with errno ENOMEM, as malloc(3) does.
 * The shim itself never allocates (it writes the report with write(2)).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void	*(*next_malloc)(size_t);
static void	*(*next_calloc)(size_t, size_t);
static void	*(*next_realloc)(void *, size_t);
static void	*(*next_reallocarray)(void *, size_t, size_t);
static int	 (*next_posix_memalign)(void **, size_t, size_t);
static void	*(*next_aligned_alloc)(size_t, size_t);
static void	*(*next_memalign)(size_t, size_t);
static void	 (*next_free)(void *);

static int		 armed;		/* counting: after the constructor */
static int		 persist;	/* every allocation from fail_at on */
static unsigned long	 fail_at;	/* 0: never */
static unsigned long	 count;		/* allocations counted */
static unsigned long	 failed;	/* failures injected */
static const char	*report;	/* where the counts go at exit */
static int		 resolving;	/* inside dlsym */

/*
 * dlsym may allocate (calloc) before the real functions are known: those
 * few early blocks come from here and are never freed.
 */
static unsigned char	 early[8192] __attribute__((aligned(16)));
static size_t		 early_used;

static void *
early_alloc(size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (n > sizeof(early) - early_used)
		return NULL;
	p = early + early_used;
	early_used += n;
	return p;
}

static int
is_early(const void *p)
{
	return (const unsigned char *)p >= early &&
	    (const unsigned char *)p < early + sizeof(early);
}

static void
resolve(void)
{
	if (next_malloc != NULL || resolving)
		return;
	resolving = 1;
	next_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	next_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	next_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	next_reallocarray = (void *(*)(void *, size_t, size_t))dlsym(RTLD_NEXT,
	    "reallocarray");
	next_posix_memalign = (int (*)(void **, size_t, size_t))dlsym(
	    RTLD_NEXT, "posix_memalign");
	next_aligned_alloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT,
	    "aligned_alloc");
	next_memalign = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT,
	    "memalign");
	next_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	resolving = 0;
}

/* Whether this allocation is the one (or one of those) to fail. */
static int
fail_now(void)
{
	if (!armed)
		return 0;
	count++;
	if (fail_at != 0 && (count == fail_at || (persist && count > fail_at))) {
		failed++;
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

void *
malloc(size_t n)
{
	resolve();
	if (next_malloc == NULL)
		return early_alloc(n);
	return fail_now() ? NULL : next_malloc(n);
}

void *
calloc(size_t n, size_t size)
{
	void *p;

	resolve();
	if (next_calloc == NULL) {
		if (size != 0 && n > SIZE_MAX / size)
			return NULL;
		if ((p = early_alloc(n * size)) != NULL)
			memset(p, 0, n * size);
		return p;
	}
	return fail_now() ? NULL : next_calloc(n, size);
}

void *
realloc(void *p, size_t n)
{
	resolve();
	if (is_early(p)) {
		/* Never happens in practice: move it to the real heap. */
		void *q = malloc(n);

		if (q != NULL)
			memcpy(q, p, n < 64 ? n : 64);
		return q;
	}
	if (next_realloc == NULL)
		return early_alloc(n);
	return fail_now() ? NULL : next_realloc(p, n);
}

void *
reallocarray(void *p, size_t n, size_t size)
{
	resolve();
	if (next_reallocarray == NULL || is_early(p)) {
		if (size != 0 && n > SIZE_MAX / size) {
			errno = ENOMEM;
			return NULL;
		}
		return realloc(p, n * size);
	}
	return fail_now() ? NULL : next_reallocarray(p, n, size);
}

int
posix_memalign(void **pp, size_t align, size_t n)
{
	resolve();
	if (fail_now())
		return ENOMEM;
	return next_posix_memalign(pp, align, n);
}

void *
aligned_alloc(size_t align, size_t n)
{
	resolve();
	return fail_now() ? NULL : next_aligned_alloc(align, n);
}

void *
memalign(size_t align, size_t n)
{
	resolve();
	return fail_now() ? NULL : next_memalign(align, n);
}

void
free(void *p)
{
	if (p == NULL || is_early(p))
		return;
	resolve();
	next_free(p);
}

static void
put_ulong(char *buf, size_t *len, unsigned long v)
{
	char digits[24];
	size_t n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		buf[(*len)++] = digits[--n];
}

/*
 * Counting stops when exit begins: atexit handlers run newest first, so
 * this one runs before those registered earlier, LeakSanitizer's check
 * among them, which must not meet a failing allocation.
 */
static void
disarm(void)
{
	armed = 0;
}

__attribute__((constructor)) static void
shim_start(void)
{
	const char *s;

	if (atexit(disarm) != 0)
		return;

	resolve();
	if ((s = getenv("IPP_OOM_FAIL")) != NULL)
		fail_at = strtoul(s, NULL, 10);
	persist = (s = getenv("IPP_OOM_PERSIST")) != NULL && strcmp(s, "1") == 0;
	report = getenv("IPP_OOM_REPORT");
	armed = 1;
}

__attribute__((destructor)) static void
shim_stop(void)
{
	char buf[64];
	size_t len = 0;
	int fd;

	armed = 0;
	if (report == NULL || *report == '\0')
		return;
	put_ulong(buf, &len, count);
	buf[len++] = ' ';
	put_ulong(buf, &len, failed);
	buf[len++] = '\n';
	if ((fd = open(report, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) >= 0) {
		if (write(fd, buf, len) != (ssize_t)len)
			_exit(125);
		close(fd);
	}
}
