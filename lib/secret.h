/*
 * Secrets through libsodium (A3, A4): argon2id password hashes, one-time
 * codes from the CSPRNG, random tokens, SHA-256 digests, and comparisons
 * in constant time.  libsodium is initialised on first use only, so
 * commands that need no secret do not pay for it.
 */
#ifndef IPP_SECRET_H
#define IPP_SECRET_H

#include <stddef.h>

#define IPP_SECRET_HASH_MAX 128	/* crypto_pwhash_STRBYTES */
#define IPP_SECRET_HEX 65	/* a SHA-256 digest or token in hex, NUL'd */
#define IPP_SECRET_CODE 7	/* six digits and a NUL */

int ipp_secret_init(char **errp);

/* argon2id at no less than OWASP's minimum (m = 19 MiB, t = 2). */
int ipp_secret_hash_password(const char *password,
    char hash[IPP_SECRET_HASH_MAX], char **errp);
/* IPP_OK when password matches hash, IPP_EAUTH when not. */
int ipp_secret_check_password(const char *hash, const char *password,
    char **errp);

/* Six decimal digits, uniform, from the CSPRNG. */
int ipp_secret_code(char code[IPP_SECRET_CODE], char **errp);
/* 32 random bytes in hex. */
int ipp_secret_token(char token[IPP_SECRET_HEX], char **errp);

/* SHA-256 of data in lowercase hex. */
int ipp_secret_sha256_hex(const void *data, size_t len,
    char hex[IPP_SECRET_HEX], char **errp);

/* 1 when the two NUL-terminated strings are equal, in constant time. */
int ipp_secret_equal(const char *a, const char *b);

#endif
