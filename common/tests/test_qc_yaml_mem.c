/* qc_yaml_mem: files served from memory reach the YAML loader as files on
 * disk would; the message check takes exactly the loaders' one-line
 * shapes. */
#include "qc_yaml_mem.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const char text[] = "a: 1\nb: [2, 3]\n";
static const qc_yaml_mem_file files[] = {
    {"/m/one.yaml", text, sizeof text - 1, true},
    {"/m/gone.yaml", "x: 1\n", 5, false},
};
static const qc_yaml_mem mem = {files, 2};
static const qc_yaml_opts opts = {1 << 20, "file", NULL};

START_TEST(test_served)
{
  qc_yaml_src src = qc_yaml_mem_src(&mem);
  yaml_document_t doc;
  yaml_node_t *root = NULL;
  char err[256] = "";
  ck_assert_int_eq(qc_yaml_load_map_src(&src, "/m/one.yaml", &opts, 0, &doc,
                                        &root, err, sizeof err),
                   0);
  ck_assert_ptr_nonnull(root);
  ck_assert_int_eq(root->type, YAML_MAPPING_NODE);
  yaml_document_delete(&doc);
  ck_assert_int_eq(src.exists(src.ctx, "/m/one.yaml"), 0);
  ck_assert_int_ne(src.exists(src.ctx, "/m/gone.yaml"), 0); /* not present */
  ck_assert_int_eq(qc_yaml_load_map_src(&src, "/m/gone.yaml", &opts, 0, &doc,
                                        &root, err, sizeof err),
                   -1);
  ck_assert_msg(strstr(err, "/m/gone.yaml: ") == err, "%s", err);
  ck_assert(qc_yaml_msg_ok(&mem, err));
}
END_TEST

START_TEST(test_msg_shapes)
{
  ck_assert(qc_yaml_msg_ok(&mem, "/m/one.yaml:3:7: unknown key"));
  ck_assert(qc_yaml_msg_ok(&mem, "/m/one.yaml: No such file or directory"));
  ck_assert(qc_yaml_msg_ok(&mem, "/m/gone.yaml:1:1: bad"));
  ck_assert(!qc_yaml_msg_ok(&mem, ""));
  ck_assert(!qc_yaml_msg_ok(&mem, "/m/other.yaml:1:1: bad"));
  ck_assert(!qc_yaml_msg_ok(&mem, "/m/one.yaml:3: half a place"));
  ck_assert(!qc_yaml_msg_ok(&mem, "/m/one.yaml:3:7:"));
  ck_assert(!qc_yaml_msg_ok(&mem, "/m/one.yaml:3:7: two\nlines"));
  ck_assert(!qc_yaml_msg_ok(&mem, "/m/one.yamlx: what"));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("qc_yaml_mem");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_served);
  tcase_add_test(tc, test_msg_shapes);
  suite_add_tcase(s, tc);
  SRunner *r = srunner_create(s);
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
