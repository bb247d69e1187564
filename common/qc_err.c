/* qc_err: chapter 5 and chapter 6 of the note as data (qc_err.h). */
#include "qc_err.h"

static const qc_err_code codes[] = {
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

/* Paired by wording, row for row (chapter 5 table 3, chapter 6 table 4). */
static const qc_err_reply replies[] = {
    {421, "Service not available, closing control connection", 614, true},
    {425, "Open data connection failed", 615, true},
    {426, "Connection closed; transfer aborted", 616, true},
    {450, "Requested file action not taken", 617, true},
    {451, "Requested action aborted: local error in processing", 618, true},
    {452, "Requested action not taken: insufficient system storage", 619,
     true},
    {500, "Syntax error, command unrecognized", 620, true},
    {501, "Syntax error in parameters or arguments", 621, true},
    {502, "Command not implemented", 622, true},
    {503, "Bad sequence of commands", 623, true},
    {504, "Command parameter not implemented", 624, true},
    {530, "Not logged in", 625, true},
    {532, "Need account for storing files", 626, true},
    {550, "Requested action not taken: file unavailable", 627, true},
    {551, "Requested action aborted: page type unknown", 628, true},
    {552, "Requested file action aborted: exceeded storage allocation", 629,
     true},
    /* No err in the note; 550's wording "Requested action not taken" is
     * the part 627 names, and no code 630 exists to take it. */
    {553, "Requested action not taken: file name not allowed", 627, false},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

size_t qc_err_code_count(void)
{
  return COUNT(codes);
}

const qc_err_code *qc_err_code_at(size_t i)
{
  return i < COUNT(codes) ? &codes[i] : NULL;
}

const char *qc_err_name(int code)
{
  for (size_t i = 0; i < COUNT(codes); i++)
    if (codes[i].code == code)
      return codes[i].name;
  return NULL;
}

size_t qc_err_reply_count(void)
{
  return COUNT(replies);
}

const qc_err_reply *qc_err_reply_at(size_t i)
{
  return i < COUNT(replies) ? &replies[i] : NULL;
}

const qc_err_reply *qc_err_reply_find(int reply)
{
  for (size_t i = 0; i < COUNT(replies); i++)
    if (replies[i].reply == reply)
      return &replies[i];
  return NULL;
}
