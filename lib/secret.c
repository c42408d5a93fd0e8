#include <sodium.h>
#include <string.h>

#include "err.h"
#include "secret.h"
#include "banned.h"

/* OWASP's floor for argon2id: 19 MiB of memory, two passes. */
#define PWHASH_MEMLIMIT (19U * 1024 * 1024)
#define PWHASH_OPSLIMIT 2U

int
ipp_secret_init(char **errp)
{
	if (sodium_init() < 0)
		return ipp_error(errp, IPP_ESYS, "cannot initialise libsodium");
	return IPP_OK;
}

int
ipp_secret_hash_password(const char *password,
    char hash[IPP_SECRET_HASH_MAX], char **errp)
{
	int rc;

	_Static_assert(IPP_SECRET_HASH_MAX >= crypto_pwhash_STRBYTES,
	    "hash buffer too small");
	if ((rc = ipp_secret_init(errp)) != IPP_OK)
		return rc;
	if (crypto_pwhash_str_alg(hash, password, strlen(password),
	    PWHASH_OPSLIMIT, PWHASH_MEMLIMIT,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		return ipp_error(errp, IPP_ESYS,
		    "out of memory while hashing the password");
	return IPP_OK;
}

int
ipp_secret_check_password(const char *hash, const char *password,
    char **errp)
{
	int rc;

	if ((rc = ipp_secret_init(errp)) != IPP_OK)
		return rc;
	if (crypto_pwhash_str_verify(hash, password, strlen(password)) != 0)
		return ipp_error(errp, IPP_EAUTH, "wrong email or password");
	return IPP_OK;
}

int
ipp_secret_code(char code[IPP_SECRET_CODE], char **errp)
{
	uint32_t n;
	int rc, i;

	if ((rc = ipp_secret_init(errp)) != IPP_OK)
		return rc;
	n = randombytes_uniform(1000000);
	for (i = 5; i >= 0; i--) {
		code[i] = (char)('0' + n % 10);
		n /= 10;
	}
	code[6] = '\0';
	return IPP_OK;
}

static void
to_hex(const unsigned char *bin, size_t len, char *hex)
{
	sodium_bin2hex(hex, len * 2 + 1, bin, len);
}

int
ipp_secret_token(char token[IPP_SECRET_HEX], char **errp)
{
	unsigned char raw[32];
	int rc;

	if ((rc = ipp_secret_init(errp)) != IPP_OK)
		return rc;
	randombytes_buf(raw, sizeof(raw));
	to_hex(raw, sizeof(raw), token);
	sodium_memzero(raw, sizeof(raw));
	return IPP_OK;
}

int
ipp_secret_sha256_hex(const void *data, size_t len,
    char hex[IPP_SECRET_HEX], char **errp)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	int rc;

	if ((rc = ipp_secret_init(errp)) != IPP_OK)
		return rc;
	crypto_hash_sha256(digest, data, len);
	to_hex(digest, sizeof(digest), hex);
	return IPP_OK;
}

int
ipp_secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}
