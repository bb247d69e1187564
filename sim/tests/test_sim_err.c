/* The chapter 5 err table and the reply -> err map (profile, fallback). */
#include "sim_err.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  int code;
  const char *name;
} chapter5[] = {
    {0, "Operation successful"},
    {601, "Unknown error"},
    {602, "FTP(S) server blocked"},
    {603, "FTP(S) server busy"},
    {604, "DNS parse failed"},
    {605, "Network error"},
    {606, "Control connection closed."},
    {607, "Data connection closed"},
    {608, "Socket closed by peer"},
    {609, "Timeout error"},
    {610, "Invalid parameter"},
    {611, "Failed to open file"},
    {612, "File position invalid"},
    {613, "File error"},
    {614, "Service not available, closing control connection"},
    {615, "Open data connection failed"},
    {616, "Connection closed; transfer aborted"},
    {617, "Requested file action not taken"},
    {618, "Requested action aborted: local error in processing"},
    {619, "Requested action not taken: insufficient system storage"},
    {620, "Syntax error, command unrecognized"},
    {621, "Syntax error in parameters or arguments"},
    {622, "Command not implemented"},
    {623, "Bad sequence of commands"},
    {624, "Command parameter not implemented"},
    {625, "Not logged in"},
    {626, "Need account for storing files"},
    {627, "Requested action not taken"},
    {628, "Requested action aborted: page type unknown"},
    {629, "Requested file action aborted"},
    {631, "SSL authentication failed"},
};

START_TEST(test_err_names)
{
  ck_assert_str_eq(sim_err_name(chapter5[_i].code), chapter5[_i].name);
}
END_TEST

START_TEST(test_err_table_size)
{
  ck_assert_uint_eq(sim_err_count(), sizeof chapter5 / sizeof chapter5[0]);
  ck_assert_ptr_null(sim_err_name(630)); /* the note has no 630 */
  ck_assert_ptr_null(sim_err_name(600));
  ck_assert_ptr_null(sim_err_at(sim_err_count()));
}
END_TEST

/* A fake profile: the "note" profile's err keys, and a variant. */
static const char *const note_err[][2] = {
    {"err.421", "614"}, {"err.425", "615"}, {"err.426", "616"},
    {"err.450", "617"}, {"err.451", "618"}, {"err.452", "619"},
    {"err.500", "620"}, {"err.501", "621"}, {"err.502", "622"},
    {"err.503", "623"}, {"err.504", "624"}, {"err.530", "625"},
    {"err.532", "626"}, {"err.550", "627"}, {"err.551", "628"},
    {"err.552", "629"}, {"err.553", "627"}, {NULL, NULL},
};
static const char *const odd_err[][2] = {
    {"err.550", "613"},
    {"err.530", "999"},
    {"err.421", "x"},
    {NULL, NULL},
};

static const char *lookup(const void *ctx, const char *key)
{
  const char *const(*t)[2] = ctx;
  for (size_t i = 0; t[i][0]; i++)
    if (strcmp(t[i][0], key) == 0)
      return t[i][1];
  return NULL;
}

static const struct {
  int reply, with_note, without, with_odd;
} maps[] = {
    {421, 614, 614, 614}, {425, 615, 615, 615}, {426, 616, 616, 616},
    {450, 617, 617, 617}, {451, 618, 618, 618}, {452, 619, 619, 619},
    {500, 620, 620, 620}, {501, 621, 621, 621}, {502, 622, 622, 622},
    {503, 623, 623, 623}, {504, 624, 624, 624}, {530, 625, 625, 625},
    {532, 626, 626, 626}, {550, 627, 627, 613}, {551, 628, 628, 628},
    {552, 629, 629, 629}, {553, 627, 627, 627}, {999, 601, 601, 601},
    {200, 601, 601, 601},
};

START_TEST(test_err_for_reply)
{
  int r = maps[_i].reply;
  ck_assert_int_eq(sim_err_for_reply(r, lookup, note_err), maps[_i].with_note);
  ck_assert_int_eq(sim_err_for_reply(r, NULL, NULL), maps[_i].without);
  ck_assert_int_eq(sim_err_for_reply(r, lookup, odd_err), maps[_i].with_odd);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("sim_err");
  TCase *tc = tcase_create("core");
  tcase_add_loop_test(tc, test_err_names, 0,
                      sizeof chapter5 / sizeof chapter5[0]);
  tcase_add_test(tc, test_err_table_size);
  tcase_add_loop_test(tc, test_err_for_reply, 0, sizeof maps / sizeof maps[0]);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
