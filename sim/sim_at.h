/* sim_at: AT line framing, command splitting and parameter parsing (1.2).
 *
 * Pure code, no I/O: the loop feeds bytes one at a time, so a line split
 * across any number of reads frames the same. Bounded: a line holds at most
 * SIM_AT_LINE_MAX bytes; a longer one is discarded up to its CR and
 * reported once as SIM_AT_EV_ERROR. Any byte value (NUL included) is safe:
 * lines carry an explicit length. */
#ifndef SIM_AT_H
#define SIM_AT_H

#include <stdbool.h>
#include <stddef.h>

/* Longest AT line, CR excluded. Real modules accept ~1 KB; so do we. */
#define SIM_AT_LINE_MAX 1024
/* Most parameters one command takes (AT+QICSGP has 6). */
#define SIM_AT_MAX_PARAMS 16
/* Longest command name after "AT", e.g. "+QFTPRENAME". */
#define SIM_AT_NAME_MAX 31

typedef enum {
  SIM_AT_EV_NONE,  /* need more bytes */
  SIM_AT_EV_LINE,  /* a line starting with AT is ready */
  SIM_AT_EV_ERROR, /* a line ended that must be answered ERROR */
} sim_at_event;

typedef struct {
  char buf[SIM_AT_LINE_MAX + 1]; /* NUL-terminated copy, may hold NULs */
  size_t len;
  bool overlong; /* discarding until CR */
  bool ready;    /* buf holds a delivered line; cleared on the next byte */
  bool after_cr; /* the last byte was a CR (kept across lines) */
} sim_at_framer;

void sim_at_framer_init(sim_at_framer *f);

/* Feeds one byte. On SIM_AT_EV_LINE the line (with its "AT" prefix) is
 * available through sim_at_framer_line() until the next call. An empty
 * line (CR alone) is ignored; LF is ignored everywhere. */
sim_at_event sim_at_framer_byte(sim_at_framer *f, unsigned char c);

const char *sim_at_framer_line(const sim_at_framer *f, size_t *len);

/* Whether byte c, about to be fed, is echoed under ATE1 (V.250 5.2.3).
 * A command line ends at its CR (S3, 5.2.1); the LF a host sends after
 * it (CR LF line ends) belongs to no command line and is not echoed, so
 * the echo of "AT\r\n" is "AT\r" and the response follows as the next
 * line. Every other byte is echoed as received. */
bool sim_at_framer_echoes(const sim_at_framer *f, unsigned char c);

/* Command forms (1.2); a table row ORs the ones it accepts. */
typedef enum {
  SIM_AT_FORM_TEST = 1,  /* AT+X=? */
  SIM_AT_FORM_QUERY = 2, /* AT+X? */
  SIM_AT_FORM_SET = 4,   /* AT+X=<p>... (and basic ATE1) */
  SIM_AT_FORM_EXEC = 8,  /* AT+X, ATI */
} sim_at_form;

typedef struct {
  char name[SIM_AT_NAME_MAX + 1]; /* upper case: "+QFTPCFG", "E", "" */
  sim_at_form form;
  const char *args; /* points into the line; not NUL-terminated */
  size_t args_len;
} sim_at_cmd;

/* Splits "AT<name><form><args>". Extended names start with '+' or '&'
 * followed by letters/digits/'_'; basic names are one letter whose
 * remaining bytes are its argument (ATE1). Returns 0, or -1 when the line
 * has junk after the name or a name too long. */
int sim_at_split(const char *line, size_t len, sim_at_cmd *out);

typedef enum {
  SIM_AT_P_EMPTY, /* a,,b and a trailing comma */
  SIM_AT_P_INT,   /* unquoted decimal digits, fits in long */
  SIM_AT_P_STR,   /* "quoted": may hold commas */
  SIM_AT_P_RAW,   /* anything else unquoted */
} sim_at_pkind;

typedef struct {
  sim_at_pkind kind;
  long num;        /* SIM_AT_P_INT only */
  const char *str; /* STR/RAW: NUL-terminated in the params' store */
  size_t len;      /* may be < strlen() never, > strlen() with NULs */
} sim_at_param;

typedef struct {
  size_t n;
  sim_at_param p[SIM_AT_MAX_PARAMS];
  char store[SIM_AT_LINE_MAX + SIM_AT_MAX_PARAMS + 1];
} sim_at_params;

/* Parses a comma-separated parameter list. Spaces around parameters are
 * skipped. Errors (-1): a missing closing quote, junk after a closing
 * quote, a quote inside an unquoted parameter, more than
 * SIM_AT_MAX_PARAMS parameters or input longer than SIM_AT_LINE_MAX. */
int sim_at_params_parse(const char *s, size_t n, sim_at_params *out);

/* The parameter as a C string when it is a quoted string without NULs,
 * else NULL. Index out of range gives NULL. */
const char *sim_at_param_cstr(const sim_at_params *ps, size_t i);

/* true when parameter i is absent or empty. */
bool sim_at_param_omitted(const sim_at_params *ps, size_t i);

/* true when parameter i is an integer in [lo, hi], stored in *out;
 * false (out untouched) when it is absent, not an integer or out of
 * range. */
bool sim_at_param_int(const sim_at_params *ps, size_t i, long long lo,
                      long long hi, long long *out);

/* The same for an optional parameter: omitted is true, out untouched
 * (it keeps the caller's default). */
bool sim_at_param_opt_int(const sim_at_params *ps, size_t i, long long lo,
                          long long hi, long long *out);

#endif
