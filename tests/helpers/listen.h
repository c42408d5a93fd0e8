/*
 * The test servers' listening socket (smtpsink, testhttpd): 127.0.0.1
 * only, never the network, on a port the kernel picks, which is written
 * to PORTFILE once the socket accepts, so that a test waits for the file
 * and then connects.  Static functions: include in the server's .c,
 * before banned.h.  Each returns -1 with errno set on failure; the
 * server says what failed and exits.
 */
#ifndef IPP_TEST_LISTEN_H
#define IPP_TEST_LISTEN_H

#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A socket listening on 127.0.0.1 with backlog; its port in *port. */
static int
listen_loopback(int backlog, int *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd, on = 1, saved;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(fd, backlog) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

/*
 * Writes port to portfile, whole: into a file beside it, then renamed,
 * so that a reader never sees it half written.
 */
static int
listen_write_port(const char *portfile, int port)
{
	char *tmp;
	FILE *f;
	int rc = 0, saved;

	if (asprintf(&tmp, "%s.%ld.tmp", portfile, (long)getpid()) < 0)
		return -1;
	if ((f = fopen(tmp, "w")) == NULL) {
		saved = errno;
		free(tmp);
		errno = saved;
		return -1;
	}
	fprintf(f, "%d\n", port);
	if (fclose(f) != 0 || rename(tmp, portfile) != 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		rc = -1;
	}
	free(tmp);
	return rc;
}

#endif
