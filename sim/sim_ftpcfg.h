/* sim_ftpcfg: the AT+QFTPCFG settings (2.1): effective at once, not saved. */
#ifndef SIM_FTPCFG_H
#define SIM_FTPCFG_H

#define SIM_FTPCFG_STR_MAX 255 /* <username>, <password> (2.1) */

typedef struct {
  char user[SIM_FTPCFG_STR_MAX + 1];
  char pass[SIM_FTPCFG_STR_MAX + 1];
  int filetype;     /* 0 binary, 1 ASCII */
  int transmode;    /* 0 active, 1 passive */
  int contextid;    /* 1-15 */
  int rsptimeout;   /* 20-180 s */
  int ssltype;      /* 0 FTP, 1 implicit, 2 explicit FTPS */
  int sslctxid;     /* 0-5 */
  int data_type;    /* data_address <type> 0-2 */
  int data_timeout; /* 15-50 s, type 2 only */
  int restenable;   /* 0 FIN, 1 RST */
  int cache;        /* 0-2 */
} sim_ftpcfg;

/* The note's defaults; account and restenable have none there (README). */
void sim_ftpcfg_defaults(sim_ftpcfg *c);

#endif
