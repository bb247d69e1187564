#include "sim_err.h"

#include <stdio.h>
#include <stdlib.h>

/* Chapter 5, table 3; the reply column pairs by wording with chapter 6. */
static const sim_err_entry table[] = {
    {0, "Operation successful", 0},
    {601, "Unknown error", 0},
    {602, "FTP(S) server blocked", 0},
    {603, "FTP(S) server busy", 0},
    {604, "DNS parse failed", 0},
    {605, "Network error", 0},
    {606, "Control connection closed.", 0},
    {607, "Data connection closed", 0},
    {608, "Socket closed by peer", 0},
    {609, "Timeout error", 0},
    {610, "Invalid parameter", 0},
    {611, "Failed to open file", 0},
    {612, "File position invalid", 0},
    {613, "File error", 0},
    {614, "Service not available, closing control connection", 421},
    {615, "Open data connection failed", 425},
    {616, "Connection closed; transfer aborted", 426},
    {617, "Requested file action not taken", 450},
    {618, "Requested action aborted: local error in processing", 451},
    {619, "Requested action not taken: insufficient system storage", 452},
    {620, "Syntax error, command unrecognized", 500},
    {621, "Syntax error in parameters or arguments", 501},
    {622, "Command not implemented", 502},
    {623, "Bad sequence of commands", 503},
    {624, "Command parameter not implemented", 504},
    {625, "Not logged in", 530},
    {626, "Need account for storing files", 532},
    {627, "Requested action not taken", 550},
    {628, "Requested action aborted: page type unknown", 551},
    {629, "Requested file action aborted", 552},
    {631, "SSL authentication failed", 0},
};

size_t sim_err_count(void)
{
  return sizeof table / sizeof table[0];
}

const sim_err_entry *sim_err_at(size_t i)
{
  return i < sim_err_count() ? &table[i] : NULL;
}

const char *sim_err_name(int code)
{
  for (size_t i = 0; i < sim_err_count(); i++)
    if (table[i].code == code)
      return table[i].name;
  return NULL;
}

int sim_err_for_reply(int reply, sim_err_lookup get, const void *ctx)
{
  if (get) {
    char key[32];
    snprintf(key, sizeof key, "err.%d", reply);
    const char *v = get(ctx, key);
    if (v) {
      char *end;
      long e = strtol(v, &end, 10);
      if (end != v && *end == '\0' && e > 0 && e < 1000 && sim_err_name((int)e))
        return (int)e;
    }
  }
  for (size_t i = 0; i < sim_err_count(); i++)
    if (table[i].reply != 0 && table[i].reply == reply)
      return table[i].code;
  if (reply == 553)
    return 627;
  return SIM_ERR_UNKNOWN;
}
