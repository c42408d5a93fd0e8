/* Unit tests for lib/secret.c: password hashes, codes, tokens, digests. */
#include <stdlib.h>
#include <string.h>

#include "secret.h"
#include "fixtures.h"
#include "banned.h"

static int
all_in(const char *s, const char *set)
{
	return s[strspn(s, set)] == '\0';
}

/* A4: argon2id at OWASP's minimum, m = 19 MiB (19456 KiB), t = 2. */
static void
test_password_hash(void **state)
{
	char hash[IPP_SECRET_HASH_MAX], *err = NULL;

	fx_assert_ok(ipp_secret_hash_password("correct horse", hash, &err),
	    err);
	assert_int_equal(strncmp(hash, "$argon2id$", 10), 0);
	fx_assert_contains(hash, "$m=19456,t=2,");
	fx_assert_ok(ipp_secret_check_password(hash, "correct horse", &err),
	    err);
}

static void
test_wrong_password(void **state)
{
	char hash[IPP_SECRET_HASH_MAX], *err = NULL;

	fx_assert_ok(ipp_secret_hash_password("correct horse", hash, &err),
	    err);
	assert_int_equal(ipp_secret_check_password(hash, "correct horse ",
	    &err), IPP_EAUTH);
	assert_non_null(err);
	assert_int_equal(ipp_secret_check_password(hash, "", &err),
	    IPP_EAUTH);
	/* A damaged hash verifies nothing. */
	assert_int_equal(ipp_secret_check_password("$argon2id$garbage",
	    "correct horse", &err), IPP_EAUTH);
	free(err);
}

/* Salted: the same password hashes differently each time. */
static void
test_hash_salted(void **state)
{
	char a[IPP_SECRET_HASH_MAX], b[IPP_SECRET_HASH_MAX], *err = NULL;

	fx_assert_ok(ipp_secret_hash_password("same", a, &err), err);
	fx_assert_ok(ipp_secret_hash_password("same", b, &err), err);
	assert_string_not_equal(a, b);
	fx_assert_ok(ipp_secret_check_password(a, "same", &err), err);
	fx_assert_ok(ipp_secret_check_password(b, "same", &err), err);
}

/* A3: six digits, leading zeros kept, and not one fixed value. */
static void
test_codes(void **state)
{
	char code[IPP_SECRET_CODE], first[IPP_SECRET_CODE], *err = NULL;
	int i, differs = 0, leading_zero = 0;

	fx_assert_ok(ipp_secret_code(first, &err), err);
	for (i = 0; i < 2000; i++) {
		fx_assert_ok(ipp_secret_code(code, &err), err);
		assert_int_equal(strlen(code), 6);
		if (!all_in(code, "0123456789"))
			fail_msg("code '%s' is not six digits", code);
		differs |= strcmp(code, first) != 0;
		leading_zero |= code[0] == '0';
	}
	assert_true(differs);
	/* 10% of uniform codes start with 0: 2000 draws all miss by 1e-91. */
	assert_true(leading_zero);
}

static void
test_tokens(void **state)
{
	char a[IPP_SECRET_HEX], b[IPP_SECRET_HEX], *err = NULL;

	fx_assert_ok(ipp_secret_token(a, &err), err);
	fx_assert_ok(ipp_secret_token(b, &err), err);
	assert_int_equal(strlen(a), 64);
	assert_int_equal(strlen(b), 64);
	assert_true(all_in(a, "0123456789abcdef"));
	assert_true(all_in(b, "0123456789abcdef"));
	assert_string_not_equal(a, b);
}

/* FIPS 180-2 test vectors. */
static void
test_sha256(void **state)
{
	char hex[IPP_SECRET_HEX], *err = NULL;

	fx_assert_ok(ipp_secret_sha256_hex("abc", 3, hex, &err), err);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	fx_assert_ok(ipp_secret_sha256_hex("", 0, hex, &err), err);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	fx_assert_ok(ipp_secret_sha256_hex("abcdbcdecdefdefgefghfghighijhijk"
	    "ijkljklmklmnlmnomnopnopq", 56, hex, &err), err);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1");
}

/* Binary data with NUL bytes is hashed by length, not as a string. */
static void
test_sha256_binary(void **state)
{
	static const unsigned char data[] = { 'a', 0, 'b' };
	char a[IPP_SECRET_HEX], b[IPP_SECRET_HEX], *err = NULL;

	fx_assert_ok(ipp_secret_sha256_hex(data, sizeof(data), a, &err), err);
	fx_assert_ok(ipp_secret_sha256_hex(data, 1, b, &err), err);
	assert_string_not_equal(a, b);
}

static void
test_equal(void **state)
{
	assert_true(ipp_secret_equal("123456", "123456"));
	assert_true(ipp_secret_equal("", ""));
	assert_false(ipp_secret_equal("123456", "123457"));
	assert_false(ipp_secret_equal("123456", "12345"));
	assert_false(ipp_secret_equal("12345", "123456"));
	assert_false(ipp_secret_equal("", "0"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_hash),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_hash_salted),
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_sha256_binary),
		cmocka_unit_test(test_equal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
