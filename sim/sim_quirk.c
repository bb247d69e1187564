#include "sim_quirk.h"

#include <string.h>

/* One line each for --list-quirks: the name and what deviates. */
static const sim_quirk_entry table[] = {
    {"stat-before-ok", SIM_QUIRK_STAT_BEFORE_OK,
     "AT+QFTPSTAT answers +QFTPSTAT before OK (as 3.6 shows)"},
    {"cfg-key-case", SIM_QUIRK_CFG_KEY_CASE,
     "AT+QFTPCFG takes 2.1's key spellings only (3.2's \"sslctxid\" "
     "refused)"},
    {"wrong-type", SIM_QUIRK_WRONG_TYPE,
     "TYPE A on the wire although filetype is 0 (binary)"},
    {"ignore-transmode", SIM_QUIRK_IGNORE_TRANSMODE,
     "always PASV, whatever transmode says (PORT never sent)"},
    {"ignore-startpos", SIM_QUIRK_IGNORE_STARTPOS,
     "<startpos> accepted but no REST sent: the transfer starts at 0"},
    {"fin-not-rst", SIM_QUIRK_FIN_NOT_RST,
     "data connection closed with FIN although restenable is 1"},
    {"transferlen-off-by-one", SIM_QUIRK_LEN_OFF_BY_ONE,
     "transfer URCs and AT+QFTPLEN report one byte more than moved"},
    {"wrong-err-for-reply", SIM_QUIRK_WRONG_ERR,
     "every FTP error reply is reported as <err> 601 (550 -> 601,550)"},
    {"urc-before-ok", SIM_QUIRK_URC_BEFORE_OK,
     "immediate URCs (+QFTPLEN, +QFTPCLOSE without session) precede OK"},
    {"no-quit-on-close", SIM_QUIRK_NO_QUIT,
     "AT+QFTPCLOSE drops the control connection without QUIT"},
    {"accept-bad-rsptimeout", SIM_QUIRK_BAD_RSPTIMEOUT,
     "AT+QFTPCFG=\"rsptimeout\" accepts 1-1000, not only 20-180 (10, 500)"},
    {"extra-bytes-after-downloadlen", SIM_QUIRK_EXTRA_BYTES,
     "a COM: GET with <downloadlen> sends one byte more than asked"},
    {"prot-c", SIM_QUIRK_PROT_C,
     "FTPS sends PROT C: data connections in clear"},
    {"late-urc", SIM_QUIRK_LATE_URC,
     "result URCs of single commands come after rsptimeout has passed"},
    {"ignore-guard-times", SIM_QUIRK_IGNORE_GUARD,
     "\"+++\" without the 1 s guard silences leaves data mode"},
    {"wrong-stat-during-transfer", SIM_QUIRK_WRONG_STAT,
     "AT+QFTPSTAT shows 1 (idle) while a transfer runs, not 2"},
    {"pwd-unquoted", SIM_QUIRK_PWD_UNQUOTED,
     "+QFTPPWD path bare even where the profile quotes it"},
    {"pwd-quoted", SIM_QUIRK_PWD_QUOTED,
     "+QFTPPWD path in quotes even where the profile has it bare"},
    {"no-echo", SIM_QUIRK_NO_ECHO, "ATE1 has no effect: commands never echo"},
    {"no-resume", SIM_QUIRK_NO_RESUME,
     "cache 2 behaves like 0: a broken download is not resumed with REST"},
    {"ignore-pdp-deact", SIM_QUIRK_IGNORE_PDP_DEACT,
     "the FTP session outlives its PDP context (AT+QIDEACT, pdpdeact)"},
    {"qfupl-no-escape", SIM_QUIRK_QFUPL_NO_ESCAPE,
     "\"+++\" with its guard times is file data during AT+QFUPL"},
    {"lenient-cfg-keys", SIM_QUIRK_LENIENT_CFG_KEYS,
     "AT+QFTPCFG keys match with case and '_' ignored "
     "(\"rsp_time_out\" taken)"},
    {"at-prefix-any-case", SIM_QUIRK_AT_PREFIX_ANY_CASE,
     "\"At\" and \"aT\" are taken as the command prefix"},
    {"uploadlen-alone", SIM_QUIRK_UPLOADLEN_ALONE,
     "AT+QFTPPUT takes <uploadlen> without <beof>"},
    {"keep-partial-file", SIM_QUIRK_KEEP_PARTIAL_FILE,
     "a failed download to UFS:/SD: leaves its partial local file"},
    {"ignore-dtr", SIM_QUIRK_IGNORE_DTR,
     "DTR drops are ignored whatever AT&D says (data mode goes on)"},
};

size_t sim_quirk_count(void)
{
  return sizeof table / sizeof table[0];
}

const sim_quirk_entry *sim_quirk_at(size_t i)
{
  return i < sim_quirk_count() ? &table[i] : NULL;
}

unsigned sim_quirk_lookup(const char *name)
{
  for (size_t i = 0; i < sim_quirk_count(); i++)
    if (strcmp(table[i].name, name) == 0)
      return table[i].bit;
  return 0;
}
