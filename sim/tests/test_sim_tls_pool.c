/* Unit tests: the TLS session pool (sim_tls_pool.c) - what the server's
 * new-session callback hands in, each data connection takes once. */
#include "sim_tls.h"

#include <check.h>
#include <stdlib.h>

/* A resumable session with a one-byte id, as the callback would get. */
static SSL_SESSION *session(unsigned char id)
{
  SSL_SESSION *s = SSL_SESSION_new();
  ck_assert_ptr_nonnull(s);
  ck_assert_int_eq(SSL_SESSION_set1_id(s, &id, 1), 1);
  return s;
}

static unsigned char id_of(SSL_SESSION *s)
{
  unsigned int n = 0;
  const unsigned char *id = SSL_SESSION_get_id(s, &n);
  ck_assert_uint_eq(n, 1);
  return id[0];
}

/* Hands sess to ctx's new-session callback as OpenSSL would. */
static int deliver(SSL_CTX *ctx, SSL *ssl, SSL_SESSION *sess)
{
  int (*cb)(SSL *, SSL_SESSION *) = SSL_CTX_sess_get_new_cb(ctx);
  ck_assert_ptr_nonnull(cb);
  int kept = cb(ssl, sess);
  if (!kept)
    SSL_SESSION_free(sess);
  return kept;
}

START_TEST(test_pool_newest_first_each_once)
{
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  ck_assert_int_eq(sim_tls_pool_attach(ctx), 0);
  SSL *ssl = SSL_new(ctx);
  ck_assert_ptr_null(sim_tls_pool_take(ctx));
  ck_assert_int_eq(deliver(ctx, ssl, session(1)), 1);
  ck_assert_int_eq(deliver(ctx, ssl, session(2)), 1);
  SSL_SESSION *s = sim_tls_pool_take(ctx);
  ck_assert_uint_eq(id_of(s), 2);
  SSL_SESSION_free(s);
  s = sim_tls_pool_take(ctx);
  ck_assert_uint_eq(id_of(s), 1);
  SSL_SESSION_free(s);
  ck_assert_ptr_null(sim_tls_pool_take(ctx));
  SSL_free(ssl);
  SSL_CTX_free(ctx);
}
END_TEST

START_TEST(test_pool_refuses_unresumable)
{
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  ck_assert_int_eq(sim_tls_pool_attach(ctx), 0);
  SSL *ssl = SSL_new(ctx);
  ck_assert_int_eq(deliver(ctx, ssl, SSL_SESSION_new()), 0); /* no id */
  ck_assert_ptr_null(sim_tls_pool_take(ctx));
  SSL_free(ssl);
  SSL_CTX_free(ctx);
}
END_TEST

/* Past its bound the pool drops the oldest; what is left is freed with
 * the ctx (the sanitizer build sees a leak otherwise). */
START_TEST(test_pool_bounded_and_freed)
{
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  ck_assert_int_eq(sim_tls_pool_attach(ctx), 0);
  SSL *ssl = SSL_new(ctx);
  for (unsigned char i = 1; i <= 10; i++)
    ck_assert_int_eq(deliver(ctx, ssl, session(i)), 1);
  SSL_SESSION *s = sim_tls_pool_take(ctx);
  ck_assert_uint_eq(id_of(s), 10);
  SSL_SESSION_free(s);
  int left = 0;
  unsigned char last = 0;
  while ((s = sim_tls_pool_take(ctx)) != NULL) {
    last = id_of(s);
    SSL_SESSION_free(s);
    left++;
  }
  ck_assert_int_eq(left, 7); /* 8 kept, 1 taken above */
  ck_assert_uint_eq(last, 3); /* 1 and 2 were dropped */
  for (unsigned char i = 1; i <= 3; i++)
    deliver(ctx, ssl, session(i));
  SSL_free(ssl);
  SSL_CTX_free(ctx);
}
END_TEST

START_TEST(test_pool_without_attach)
{
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  ck_assert_ptr_null(sim_tls_pool_take(ctx));
  SSL_CTX_free(ctx);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("sim_tls_pool");
  TCase *tc = tcase_create("pool");
  tcase_add_test(tc, test_pool_newest_first_each_once);
  tcase_add_test(tc, test_pool_refuses_unresumable);
  tcase_add_test(tc, test_pool_bounded_and_freed);
  tcase_add_test(tc, test_pool_without_attach);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
