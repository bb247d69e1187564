/* Unit tests of the loader's newer sections: data-mode steps (send_data,
 * expect_data, read_listing, escape, dtr), faults, wire and server_expect.
 * One case uses every key; one table row per error (exact file:line:col).
 * The older keys are covered by test_case_load.c. */
#include "case.h"
#include "px_rules.h"

#include "qc_test_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DATA QFTP_SOURCE_DIR "/harness/tests/data"
#define FRAGS DATA "/fragments"

static qc_test_scratch tmp; /* tmp.path: the case file */

static void setup(void)
{
  qc_test_scratch_make(&tmp, "case_schema", "case.yaml");
}

static void teardown(void)
{
  qc_test_scratch_remove(&tmp);
}

static void write_case(const char *text)
{
  qc_test_write(tmp.path, text, strlen(text));
}

START_TEST(test_full_schema)
{
  char err[1024] = "";
  qh_case *c = NULL;
  ck_assert_msg(
      qh_case_load(DATA "/case_schema.yaml", FRAGS, &c, err, sizeof err) == 0,
      "%s", err);
  ck_assert_str_eq(c->server, "mlsd");

  /* Steps. */
  ck_assert_uint_eq(c->nsteps, 9);
  const qh_step *s = c->steps;
  ck_assert_int_eq(s[0].kind, QH_STEP_SEND_DATA);
  ck_assert(s[0].has_payload);
  ck_assert_uint_eq(s[0].size, 1048576);
  ck_assert_uint_eq(s[0].seed, 7);
  ck_assert_ptr_null(s[0].text);
  ck_assert_int_eq(s[0].where.line, 9);
  ck_assert_int_eq(s[0].where.col, 5);
  ck_assert_int_eq(s[1].kind, QH_STEP_SEND_DATA);
  ck_assert(!s[1].has_payload);
  ck_assert_str_eq(s[1].text, "abc\\r\\n${x}"); /* decoded at run time */
  ck_assert_int_eq(s[2].kind, QH_STEP_EXPECT_DATA);
  ck_assert_uint_eq(s[2].size, 1000);
  ck_assert_uint_eq(s[2].seed, 1); /* the default */
  ck_assert_double_eq(s[2].timeout_s, 20);
  ck_assert_str_eq(s[3].text, "hi");
  ck_assert_int_eq(s[4].kind, QH_STEP_READ_LISTING);
  ck_assert_uint_eq(s[4].ncontains, 2);
  ck_assert_str_eq(s[4].contains[0], "a.txt");
  ck_assert_str_eq(s[4].contains[1], "sub");
  ck_assert_uint_eq(s[4].nabsent, 1);
  ck_assert_str_eq(s[4].absent[0], "gone.txt");
  ck_assert_double_eq(s[4].timeout_s, 5);
  ck_assert_int_eq(s[5].kind, QH_STEP_READ_LISTING);
  ck_assert_uint_eq(s[5].ncontains + s[5].nabsent, 0);
  ck_assert_int_eq(s[6].kind, QH_STEP_ESCAPE);
  ck_assert_double_eq(s[6].seconds, 1.0);
  ck_assert_int_eq(s[7].kind, QH_STEP_DTR);
  ck_assert(!s[7].up);
  ck_assert(s[8].up);

  /* Faults. */
  static const struct {
    px_kind kind;
    const char *on;
    int nth;
    const char *reply;
    int delay_ms;
    uint64_t bytes;
    const char *address;
  } wf[] = {
      {PX_KIND_REPLY, "STOR", 1, "452 Insufficient storage space", 0, 0, NULL},
      {PX_KIND_REPLY, "STOR", 0, "452-first\nmiddle\n452 last", 0, 0, NULL},
      {PX_KIND_DELAY, "PASS", 1, NULL, 2000, 0, NULL},
      {PX_KIND_CLOSE, "CWD", 1, NULL, 0, 0, NULL},
      {PX_KIND_RESET, "RETR", 3, NULL, 0, 0, NULL},
      {PX_KIND_DATA_CLOSE, NULL, 2, NULL, 0, 500, NULL},
      {PX_KIND_DATA_RESET, NULL, 1, NULL, 0, 0, NULL},
      {PX_KIND_DATA_STALL, NULL, 1, NULL, 0, 0, NULL},
      {PX_KIND_DATA_REFUSE, NULL, 0, NULL, 0, 0, NULL},
      {PX_KIND_REWRITE_PASV, NULL, 1, NULL, 0, 0, "10.255.255.1"},
  };
  ck_assert_uint_eq(c->nfaults, sizeof wf / sizeof wf[0]);
  for (size_t i = 0; i < c->nfaults; i++) {
    const qh_fault *f = &c->faults[i];
    ck_assert_msg(f->kind == wf[i].kind, "fault %zu kind", i + 1);
    if (wf[i].on)
      ck_assert_str_eq(f->on, wf[i].on);
    else
      ck_assert_ptr_null(f->on);
    ck_assert_int_eq(f->nth, wf[i].nth);
    if (wf[i].reply)
      ck_assert_str_eq(f->reply, wf[i].reply);
    else
      ck_assert_ptr_null(f->reply);
    ck_assert_int_eq(f->delay_ms, wf[i].delay_ms);
    ck_assert_uint_eq(f->bytes, wf[i].bytes);
    if (wf[i].address)
      ck_assert_str_eq(f->address, wf[i].address);
    else
      ck_assert_ptr_null(f->address);
    ck_assert_int_eq(f->where.line, 21 + (int)i);
  }

  /* Wire. */
  const wire_expect *w = &c->wire;
  ck_assert(w->present);
  ck_assert_uint_eq(w->ncommands, 3);
  ck_assert_str_eq(w->commands[2], "RETR ${file}*");
  ck_assert_uint_eq(w->nforbidden, 1);
  ck_assert_str_eq(w->forbidden[0], "PORT *");
  ck_assert_int_eq(w->mode, WIRE_WANT_ACTIVE);
  ck_assert(w->data_given);
  ck_assert_uint_eq(w->ndata, 3);
  ck_assert_int_eq(w->data[0].direction, WIRE_WANT_DOWNLOAD);
  ck_assert_int_eq(w->data[0].bytes, 1000);
  ck_assert_int_eq(w->data[0].close, WIRE_WANT_CLOSE_RST);
  ck_assert_int_eq(w->data[0].opened_by, WIRE_WANT_OPENER_CLIENT);
  ck_assert_int_eq(w->data[1].direction, WIRE_WANT_UPLOAD);
  ck_assert_int_eq(w->data[1].bytes, -1);
  ck_assert_int_eq(w->data[1].close, WIRE_WANT_CLOSE_FIN);
  ck_assert_int_eq(w->data[1].opened_by, WIRE_WANT_OPENER_SERVER);
  ck_assert_int_eq(w->data[2].direction, WIRE_WANT_DIR_ANY);
  ck_assert_int_eq(w->data[2].close, WIRE_WANT_CLOSE_ANY);
  ck_assert_int_eq(w->data[2].opened_by, WIRE_WANT_OPENER_ANY);
  ck_assert_int_eq(w->data[2].where.line, 38);
  ck_assert_int_eq(w->tls_control, 1);
  ck_assert_int_eq(w->tls_data, 0);
  ck_assert(w->no_plaintext);
  ck_assert_int_eq(w->where.line, 32); /* the mapping */

  /* server_expect. */
  const srv_expect *e = &c->expect;
  ck_assert_uint_eq(e->nfiles, 4);
  ck_assert_str_eq(e->files[0].path, "up.bin");
  ck_assert(e->files[0].has_payload);
  ck_assert_uint_eq(e->files[0].size, 1000);
  ck_assert_uint_eq(e->files[0].seed, 7);
  ck_assert_uint_eq(e->files[1].seed, 1);
  ck_assert(!e->files[2].has_payload);
  ck_assert_str_eq(e->files[2].text, "hello\n");
  ck_assert(e->files[3].absent);
  ck_assert(!e->files[3].has_payload);
  ck_assert_ptr_null(e->files[3].text);
  ck_assert_uint_eq(e->nlog, 2);
  ck_assert_str_eq(e->log_contains[0], "\"DELE gone.txt\"");
  qh_case_free(c);
}
END_TEST

/* `wire: {}` asserts nothing but is present; `data: []` means "no data
 * connection at all"; empty fault list and the FTPS legacy profile. */
START_TEST(test_schema_defaults)
{
  char err[1024] = "";
  qh_case *c = NULL;
  write_case("id: t\ntitle: T\nspec: \"1\"\nserver: {profile: ftps-legacy}\n"
             "steps: [{send: AT}]\nwire: {}\nserver_expect: {}\n");
  ck_assert_msg(qh_case_load(tmp.path, FRAGS, &c, err, sizeof err) == 0, "%s",
                err);
  ck_assert(c->wire.present);
  ck_assert(!c->wire.data_given);
  ck_assert_int_eq(c->wire.mode, WIRE_WANT_MODE_ANY);
  ck_assert_int_eq(c->wire.tls_control, -1);
  ck_assert_int_eq(c->wire.tls_data, -1);
  ck_assert(!c->wire.no_plaintext);
  qh_case_free(c);
  write_case("id: t\ntitle: T\nspec: \"1\"\nsteps: [{send: AT}]\n"
             "faults: []\nwire: {data: [], tls: {data: true}}\n");
  ck_assert_msg(qh_case_load(tmp.path, FRAGS, &c, err, sizeof err) == 0, "%s",
                err);
  ck_assert_uint_eq(c->nfaults, 0);
  ck_assert(c->wire.data_given);
  ck_assert_uint_eq(c->wire.ndata, 0);
  ck_assert_int_eq(c->wire.tls_control, -1);
  ck_assert_int_eq(c->wire.tls_data, 1);
  qh_case_free(c);
}
END_TEST

#define H "id: t\ntitle: T\nspec: \"1\"\n"
#define S "steps:\n  - send: AT\n"
#define ST H "steps:\n  - "
#define F H S "faults:\n  - "
#define W H S "wire:\n  "
#define E H S "server_expect:\n  "
#define KINDS                                                                  \
  " (expected one of reply, delay, close, reset, data, rewrite_pasv)"
#define NOTREPLY "must start with a reply code 100..599 (\"NNN text\")"
#define REL                                                                    \
  " must be relative, without \"..\" or empty parts (at most 255 bytes)"

/* {case text, error after "<case path>:"} */
static const struct {
  const char *yaml;
  const char *want;
} errors[] = {
    /* send_data, expect_data */
    {ST "send_data: 5\n", "5:16: step 1: send_data: expected a mapping "
                          "{size, seed} or {text}, got a scalar"},
    {ST "send_data: {}\n", "5:16: step 1: send_data: needs size or text"},
    {ST "send_data: {size: 1, text: a}\n",
     "5:26: step 1: send_data: \"size\" and \"text\" exclude each other"},
    {ST "expect_data: {text: a, seed: 2}\n",
     "5:28: step 1: expect_data: \"seed\" only goes with \"size\""},
    {ST "expect_data: {size: 1099511627777}\n",
     "5:25: step 1: expect_data: size: bad number \"1099511627777\" (bytes, 0 "
     "to 1099511627776)"},
    {ST "expect_data: {size: 1, seed: -1}\n",
     "5:34: step 1: expect_data: seed: bad number \"-1\" (0 to 4294967295)"},
    {ST "send_raw: 'AT\\q'\n",
     "5:15: step 1: send_raw: bad escape \"\\q\" at byte 3 (use \\r \\n "
     "\\t \\\\ \\xNN)"},
    {ST "expect_data: {text: 'ok\\xg1'}\n",
     "5:25: step 1: expect_data: text: bad escape \"\\xg1\" at byte 3 (use "
     "\\r \\n \\t \\\\ \\xNN)"},
    {ST "send_data: {text: ''}\n",
     "5:23: step 1: send_data: text: must not be empty"},
    {ST "send_data: {text: '${a'}\n",
     "5:23: step 1: send_data: text: unclosed \"${\" at byte 1"},
    {ST "send_data: {bytes: 3}\n",
     "5:17: step 1: send_data: unknown key \"bytes\" (expected one of size, "
     "seed, offset, text)"},
    {ST "send_data: {text: 'a', offset: 3}\n",
     "5:28: step 1: send_data: \"offset\" only goes with \"size\""},
    {ST "send_data: {size: 1}\n    timeout: 3\n",
     "6:5: step 1: \"timeout\" does not apply to send_data (only to expect, "
     "expect_match, wait_for, wait_match, expect_data, read_listing)"},
    /* read_listing */
    {ST "read_listing: [a]\n", "5:19: step 1: read_listing: expected a "
                               "mapping {contains, absent}, got a sequence"},
    {ST "read_listing: {contains: a}\n",
     "5:30: step 1: read_listing: contains: expected a sequence, got a "
     "scalar"},
    {ST "read_listing: {contains: [a, '']}\n",
     "5:34: step 1: read_listing: contains item 2: must not be empty"},
    {ST "read_listing: {absent: [[x]]}\n",
     "5:29: step 1: read_listing: absent item 1: expected a scalar, got a "
     "sequence"},
    {ST "read_listing: {contains: [\"a\\nb\"]}\n",
     "5:31: step 1: read_listing: contains item 1: must be one line"},
    {ST "read_listing: {contains: [a, b], absent: [b]}\n",
     "5:46: step 1: read_listing: \"b\" is both in contains and absent"},
    {ST "read_listing: {names: [a]}\n",
     "5:20: step 1: read_listing: unknown key \"names\" (expected one of "
     "contains, absent)"},
    /* escape, dtr */
    {ST "escape: 0\n", "5:13: step 1: escape: 0 must be > 0 and <= 600 "
                       "seconds"},
    {ST "escape: 10.5\n", "5:13: step 1: escape: 10.5 must be > 0 and <= 10 "
                          "seconds"},
    {ST "escape: x\n",
     "5:13: step 1: escape: bad number \"x\" (seconds, e.g. 0.5)"},
    {ST "dtr: off\n", "5:10: step 1: dtr: \"off\" is not one of down | up"},
    {ST "dtr: {}\n", "5:10: step 1: dtr: expected a scalar, got a mapping"},
    /* profile:KEY:VALUE tags name a profile key and a value of its type */
    {H "tags: [profile:plus_aborts_uplaod:true]\n" S,
     "4:8: tags: \"profile:plus_aborts_uplaod:true\": no profile key "
     "\"plus_aborts_uplaod\" (did you mean plus_aborts_upload?)"},
    {H "tags: [profile:plus_aborts_upload:ture]\n" S,
     "4:8: tags: \"profile:plus_aborts_upload:ture\": expected a boolean "
     "(true or false), got \"ture\""},
    {H "tags: [profile:x]\n" S,
     "4:8: tags: \"profile:x\": expected profile:KEY:VALUE or profile-not:KEY:VALUE"},
    /* faults */
    {H S "faults: x\n", "6:9: faults: expected a sequence, got a scalar"},
    {H "server: {profile: ftps-explicit}\n" S "faults: []\n",
     "7:1: faults apply to plain FTP only (server profile is "
     "ftps-explicit)"},
    {H "server: {profile: ftps-implicit}\n" S "faults: []\n",
     "7:1: faults apply to plain FTP only (server profile is "
     "ftps-implicit)"},
    {H "server: {profile: ftps-legacy}\n" S "faults: []\n",
     "7:1: faults apply to plain FTP only (server profile is ftps-legacy)"},
    {H "server: {profile: none}\n" S "faults: []\n",
     "7:1: faults apply to plain FTP only (server profile is none)"},
    {F "reply\n", "7:5: fault 1: expected a mapping with one fault kind, got "
                  "a scalar"},
    {F "{on: STOR}\n", "7:5: fault 1: no fault kind" KINDS},
    {F "{reply: '500 x', delay: 5, on: STOR}\n",
     "7:22: fault 1: two fault kinds \"reply\" and \"delay\" (one per "
     "fault)"},
    {F "{reply: '500 x', on: STOR, when: 1}\n",
     "7:32: fault 1: unknown key \"when\" (expected one of reply, delay, "
     "close, reset, data, rewrite_pasv, on, nth, bytes, after)"},
    {F "{reply: '500 x'}\n",
     "7:5: fault 1: reply needs \"on\" (the command it fires on)"},
    {F "{delay: 5}\n", "7:5: fault 1: delay needs \"on\" (the command it "
                       "fires on)"},
    {F "{delay: 5, on: greeting}\n",
     "7:20: fault 1: on: \"greeting\" goes with reply only"},
    {F "{reply: \"150 a\\n226-b\\n226 c\\n150 d\", on: RETR}\n",
     "7:13: fault 1: reply: \"150 a\\n226-b\\n226 c\\n150 d\": only a 1xx "
     "reply may come before another"},
    {F "{reply: '600 x', on: STOR}\n",
     "7:13: fault 1: reply: \"600 x\": " NOTREPLY},
    {F "{reply: '099 x', on: STOR}\n",
     "7:13: fault 1: reply: \"099 x\": " NOTREPLY},
    {F "{reply: '45 x', on: STOR}\n",
     "7:13: fault 1: reply: \"45 x\": " NOTREPLY},
    {F "{reply: '452x', on: STOR}\n",
     "7:13: fault 1: reply: \"452x\": " NOTREPLY},
    {F "{reply: \"452 a\\r\\n452 b\", on: STOR}\n",
     "7:13: fault 1: reply: \"452 a\\r\\n452 b\": lines are separated by \\n "
     "alone"},
    {F "{reply: \"452 a\\n452 b\", on: STOR}\n",
     "7:13: fault 1: reply: \"452 a\\n452 b\": the first line of a multi-line "
     "reply must be \"NNN-text\""},
    {F "{reply: \"452-a\", on: STOR}\n",
     "7:13: fault 1: reply: \"452-a\": \"NNN-\" starts a multi-line reply; "
     "its last line is missing"},
    {F "{reply: \"452-a\\n451 b\", on: STOR}\n",
     "7:13: fault 1: reply: \"452-a\\n451 b\": the last line must start with "
     "\"452 \""},
    {F "{reply: \"452-a\\n\\n452 b\", on: STOR}\n",
     "7:13: fault 1: reply: \"452-a\\n\\n452 b\": empty line"},
    {F "{reply: \"452-a\\n452 b\\n\", on: STOR}\n",
     "7:13: fault 1: reply: \"452-a\\n452 b\\n\": the last line must start "
     "with \"452 \""},
    {F "{reply: '500 x', on: ST}\n",
     "7:26: fault 1: on: \"ST\" is not a command verb (3 or 4 letters)"},
    {F "{reply: '500 x', on: STORE}\n",
     "7:26: fault 1: on: \"STORE\" is not a command verb (3 or 4 letters)"},
    {F "{reply: '500 x', on: 'ST R'}\n",
     "7:26: fault 1: on: \"ST R\" is not a command verb (3 or 4 letters)"},
    {F "{reply: '500 x', on: STOR, nth: -1}\n",
     "7:37: fault 1: nth: bad number \"-1\" (0 = every, 0 to 1000000)"},
    {F "{delay: 0, on: PASS}\n",
     "7:13: fault 1: delay: bad number \"0\" (ms, 1 to 600000)"},
    {F "{delay: 600001, on: PASS}\n",
     "7:13: fault 1: delay: bad number \"600001\" (ms, 1 to 600000)"},
    {F "{close: data, on: CWD}\n",
     "7:13: fault 1: close: \"data\" is not one of control"},
    {F "{reset: x, on: CWD}\n",
     "7:13: fault 1: reset: \"x\" is not one of control"},
    {F "{data: close_after}\n",
     "7:5: fault 1: data: close_after needs \"bytes\""},
    {F "{delay: 5, on: PWD, after: 100}\n",
     "7:25: fault 1: \"after\" goes with close or reset only"},
    {F "{data: refuse, bytes: 5}\n",
     "7:20: fault 1: \"bytes\" only goes with data: close_after, stall or "
     "reset"},
    {F "{data: close, bytes: 5}\n",
     "7:12: fault 1: data: \"close\" is not one of close_after | reset | "
     "stall | refuse"},
    {F "{data: stall, on: RETR}\n",
     "7:19: fault 1: \"on\" does not apply to data"},
    {F "{rewrite_pasv: 1.2.3.4, on: PASV}\n",
     "7:29: fault 1: \"on\" does not apply to rewrite_pasv"},
    {F "{rewrite_pasv: 1.2.3}\n",
     "7:20: fault 1: rewrite_pasv: \"1.2.3\" is not a dotted IPv4 address"},
    {F "{rewrite_pasv: host.example}\n", "7:20: fault 1: rewrite_pasv: "
                                         "\"host.example\" is not a dotted "
                                         "IPv4 address"},
    {F "{data: close_after, bytes: x}\n",
     "7:32: fault 1: bytes: bad number \"x\" (bytes, 0 to 1099511627776)"},
    {F "{data: refuse}\n  - {data: stall, on: RETR}\n",
     "8:19: fault 2: \"on\" does not apply to data"},
    /* wire */
    {W "commands: PASV\n",
     "7:13: wire: commands: expected a sequence, got a scalar"},
    {W "commands: [PASV, '']\n",
     "7:20: wire: commands item 2: must not be empty"},
    {W "forbidden: ['RETR ${x']\n",
     "7:15: wire: forbidden item 1: unclosed \"${\" at byte 6"},
    {W "mode: epsv\n",
     "7:9: wire: mode: \"epsv\" is not one of passive | active"},
    {W "data: {}\n", "7:9: wire: data: expected a sequence, got a mapping"},
    {W "data: [x]\n",
     "7:10: wire: data item 1: expected a mapping, got a scalar"},
    {W "data: [{direction: sideways}]\n",
     "7:22: wire: data item 1: direction: \"sideways\" is not one of "
     "download | upload"},
    {W "data: [{}, {close: abort}]\n",
     "7:22: wire: data item 2: close: \"abort\" is not one of fin | rst"},
    {W "data: [{opened_by: proxy}]\n",
     "7:22: wire: data item 1: opened_by: \"proxy\" is not one of client | "
     "server"},
    {W "data: [{bytes: -5}]\n",
     "7:18: wire: data item 1: bytes: bad number \"-5\" (bytes, 0 to "
     "1099511627776)"},
    {W "data: [{size: 5}]\n",
     "7:11: wire: data item 1: unknown key \"size\" (expected one of "
     "direction, bytes, close, opened_by)"},
    {W "tls: true\n", "7:8: wire: tls: expected a mapping, got a scalar"},
    {W "tls: {control: maybe}\n",
     "7:18: wire: tls: control: expected true or false, got \"maybe\""},
    {W "tls: {both: true}\n", "7:9: wire: tls: unknown key \"both\" (expected "
                              "one of control, data, version)"},
    {W "no_plaintext: 1\n",
     "7:17: wire: no_plaintext: expected true or false, got \"1\""},
    {W "protocol: x\n",
     "7:3: wire: unknown key \"protocol\" (expected one of commands, "
     "forbidden, mode, data, tls, no_plaintext)"},
    /* server_expect */
    {H "server: {profile: none}\n" S "server_expect: {}\n",
     "7:1: server_expect needs a server (profile is none)"},
    {E "files: x\n",
     "7:10: server_expect: files: expected a sequence, got a scalar"},
    {E "files: [{path: a}]\n",
     "7:11: server_expect: files item 1: needs one of size, text, absent"},
    {E "files: [{size: 1}]\n",
     "7:11: server_expect: files item 1: missing required key \"path\""},
    {E "files: [{path: a, size: 1, absent: true}]\n",
     "7:30: server_expect: files item 1: \"size\" and \"absent\" exclude each "
     "other (one of size, text, absent)"},
    {E "files: [{path: a, absent: false}]\n",
     "7:29: server_expect: files item 1: absent: must be true"},
    {E "files: [{path: a, text: x, seed: 1}]\n",
     "7:30: server_expect: files item 1: \"seed\" only goes with \"size\""},
    {E "files: [{path: ../a, absent: true}]\n",
     "7:18: server_expect: files item 1: path \"../a\"" REL},
    {E "files: [{path: a, absent: true}, {path: a, text: x}]\n",
     "7:36: server_expect: files item 2: path \"a\" already listed (line 7)"},
    {E "files: [{path: a, size: 2e3}]\n",
     "7:27: server_expect: files item 1: size: bad number \"2e3\" (bytes, 0 "
     "to 1099511627776)"},
    {E "log_contains: [ok, [x]]\n",
     "7:22: server_expect: log_contains item 2: expected a scalar, got a "
     "sequence"},
    {E "logs: []\n", "7:3: server_expect: unknown key \"logs\" (expected one "
                     "of files, log_contains)"},
};

START_TEST(test_errors)
{
  static char err[2048];
  char want[2048];
  snprintf(want, sizeof want, "%s:%s", tmp.path, errors[_i].want);
  write_case(errors[_i].yaml);
  qh_case *c = (qh_case *)1;
  err[0] = '\0';
  ck_assert_int_eq(qh_case_load(tmp.path, FRAGS, &c, err, sizeof err), -1);
  ck_assert_ptr_null(c);
  ck_assert_str_eq(err, want);
}
END_TEST

/* The proxy refuses an injected reply over PX_REPLY_TEXT_MAX bytes at run
 * time; the loader says so first, where the case wrote it. */
START_TEST(test_reply_too_long)
{
  enum { N = PX_REPLY_TEXT_MAX + 1 };
  static char text[N + 512], err[2048];
  int at = snprintf(text, sizeof text, F "{on: STOR, reply: \"452 ");
  memset(text + at, 'x', N - 4);
  snprintf(text + at + N - 4, sizeof text - (size_t)(at + N - 4), "\"}\n");
  write_case(text);
  qh_case *c = (qh_case *)1;
  ck_assert_int_eq(qh_case_load(tmp.path, FRAGS, &c, err, sizeof err), -1);
  ck_assert_ptr_null(c);
  ck_assert_msg(strstr(err, ":7:23: fault 1: reply: ") &&
                    strstr(err, ": longer than 4096 bytes"),
                "%s", err);
  /* One byte less loads. */
  memmove(text + at + N - 5, text + at + N - 4, strlen(text + at + N - 4) + 1);
  write_case(text);
  ck_assert_int_eq(qh_case_load(tmp.path, FRAGS, &c, err, sizeof err), 0);
  qh_case_free(c);
}
END_TEST

/* An alias repeated in a list copies its text each time: the loader's
 * total text budget (32 MiB) stops a small file from expanding. */
START_TEST(test_alias_budget)
{
  size_t n = 64 * 1024 - 1;
  char *text = malloc(n + 4096);
  ck_assert_ptr_nonnull(text);
  int w = snprintf(text, 128,
                   "id: t\ntitle: T\nspec: \"1\"\nsteps:\n"
                   "  - send: &a ");
  memset(text + w, 'A', n);
  size_t o = (size_t)w + n;
  o += (size_t)snprintf(text + o, 128, "\n  - read_listing: {contains: [");
  for (int i = 0; i < 600; i++)
    o += (size_t)snprintf(text + o, 8, "%s*a", i ? "," : "");
  ck_assert_uint_lt(o, n + 4096 - 8);
  memcpy(text + o, "]}\n", 4);
  write_case(text);
  free(text);
  char err[1024];
  qh_case *c = NULL;
  ck_assert_int_eq(qh_case_load(tmp.path, FRAGS, &c, err, sizeof err), -1);
  /* An alias is the anchored node itself: the error points there. */
  ck_assert_msg(strstr(err, "case.yaml:5:11: ") != NULL, "%s", err);
  ck_assert_ptr_nonnull(strstr(err, "more than 33554432 bytes of text"));
}
END_TEST

/* Flow nesting is bounded before libyaml sees it (its scanner slows down
 * with the square of the depth); brackets inside quotes and comments do
 * not count, and 64 levels are still accepted. */
START_TEST(test_flow_depth)
{
  char text[1024];
  int w = snprintf(text, sizeof text,
                   "id: t  # [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                   "[[[[[[[[[[[[[[[[[[[\ntitle: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                   "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['\nspec: \"1\"\n"
                   "steps:\n  - send: AT\n  - expect: OK\nx: ");
  for (int i = 0; i < 64; i++)
    text[w++] = '[';
  for (int i = 0; i < 64; i++)
    text[w++] = ']';
  memcpy(text + w, "\n", 2);
  write_case(text);
  char err[1024] = "";
  qh_case *c = NULL;
  ck_assert_int_eq(qh_case_load(tmp.path, FRAGS, &c, err, sizeof err), -1);
  /* Past the depth check: the loader's own complaint about "x". */
  ck_assert_msg(strstr(err, "unknown key \"x\"") != NULL, "%s", err);

  memcpy(text + w - 64, "[]", 2); /* 65 deep now */
  write_case(text);
  ck_assert_int_eq(qh_case_load(tmp.path, FRAGS, &c, err, sizeof err), -1);
  ck_assert_ptr_null(c);
  ck_assert_msg(strstr(err, "case.yaml:7:68: flow collections nested deeper "
                            "than 64") != NULL,
                "%s", err);

  /* Brackets in a block scalar, or after a lone quote in a plain one, are
   * text: they neither count nor hide what follows. */
  w = snprintf(text, sizeof text,
               "id: t\ntitle: T\nspec: \"1\"\nsteps:\n  - send: a 'b\n"
               "  - send_raw: |\n      ");
  for (int i = 0; i < 70; i++)
    text[w++] = '[';
  memcpy(text + w, "\n", 2);
  write_case(text);
  ck_assert_msg(qh_case_load(tmp.path, FRAGS, &c, err, sizeof err) == 0, "%s",
                err);
  qh_case_free(c);
  c = NULL;
  w = snprintf(text, sizeof text,
               "id: t\ntitle: T\nspec: \"1\"\nsteps:\n  - send: a 'b\nx: ");
  for (int i = 0; i < 65; i++)
    text[w++] = '[';
  memcpy(text + w, "\n", 2);
  write_case(text);
  ck_assert_int_eq(qh_case_load(tmp.path, FRAGS, &c, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "case.yaml:6:68: flow collections nested deeper "
                            "than 64") != NULL,
                "%s", err);
}
END_TEST

/* Values quoted in a message keep it on one line; a title is one line. */
START_TEST(test_one_line_messages)
{
  char err[1024] = "";
  qh_case *c = NULL;
  write_case("id: t\ntitle: \"a\\nb\"\nspec: \"1\"\nsteps:\n  - send: AT\n");
  ck_assert_int_eq(qh_case_load(tmp.path, FRAGS, &c, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "case.yaml:2:8: title: must be one line of text "
                            "(control byte at 2)") != NULL,
                "%s", err);
  write_case("id: t\ntitle: T\nspec: \"1\"\nsteps:\n  - send: AT\n"
             "faults:\n  - {reply: \"452-first\\n\\n452 last\", on: STOR}\n");
  ck_assert_int_eq(qh_case_load(tmp.path, FRAGS, &c, err, sizeof err), -1);
  ck_assert_ptr_null(strchr(err, '\n'));
  ck_assert_msg(strstr(err, "452-first\\n") != NULL, "%s", err);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("case_schema");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_full_schema);
  tcase_add_test(tc, test_schema_defaults);
  tcase_add_test(tc, test_alias_budget);
  tcase_add_test(tc, test_reply_too_long);
  tcase_add_test(tc, test_flow_depth);
  tcase_add_test(tc, test_one_line_messages);
  tcase_add_loop_test(tc, test_errors, 0, sizeof errors / sizeof errors[0]);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  return qc_test_run(suite());
}
