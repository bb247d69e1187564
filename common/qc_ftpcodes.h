/* qc_ftpcodes: FTP reply codes by name (RFC 959 §4.2.1, RFC 2228 for
 * security, RFC 2428 and RFC 3659 for the extensions a module meets).
 *
 * Code that decides on a reply compares with these names, not with bare
 * numbers, so a reader sees what each branch is about. Cases and profiles
 * keep the numbers: that is how the note and the logs write them. */
#ifndef QC_FTPCODES_H
#define QC_FTPCODES_H

enum {
  /* 1yz: preliminary */
  QC_FTP_DATA_OPENING = 150, /* file status okay; opening data connection */

  /* 2yz: completion */
  QC_FTP_CMD_OK = 200,        /* TYPE, PORT, PBSZ, PROT, ... */
  QC_FTP_SUPERFLUOUS = 202,   /* command not implemented, superfluous */
  QC_FTP_STATUS = 211,        /* system status, FEAT */
  QC_FTP_FILE_STATUS = 213,   /* SIZE, MDTM */
  QC_FTP_SYSTEM = 215,        /* SYST */
  QC_FTP_READY = 220,         /* greeting */
  QC_FTP_GOODBYE = 221,       /* QUIT */
  QC_FTP_TRANSFER_DONE = 226, /* closing data connection, action done */
  QC_FTP_PASSIVE = 227,       /* entering passive mode (h1,h2,h3,h4,p1,p2) */
  QC_FTP_EXT_PASSIVE = 229,   /* entering extended passive mode (|||port|) */
  QC_FTP_LOGGED_IN = 230,
  QC_FTP_AUTH_OK = 234,       /* AUTH TLS accepted (RFC 2228) */
  QC_FTP_FILE_OK = 250,       /* CWD, DELE, RMD, RNTO */
  QC_FTP_PATH_CREATED = 257,  /* PWD, MKD: "quoted path" */

  /* 3yz: intermediate */
  QC_FTP_NEED_PASSWORD = 331,
  QC_FTP_NEED_ACCOUNT = 332,
  QC_FTP_PENDING = 350,       /* REST, RNFR */

  /* 4yz: transient failure */
  QC_FTP_UNAVAILABLE = 421,   /* service not available, closing control */
  QC_FTP_CANT_OPEN_DATA = 425,
  QC_FTP_TRANSFER_ABORTED = 426,
  QC_FTP_FILE_BUSY = 450,
  QC_FTP_LOCAL_ERROR = 451,
  QC_FTP_NO_STORAGE = 452,

  /* 5yz: permanent failure */
  QC_FTP_SYNTAX = 500,
  QC_FTP_BAD_ARGS = 501,
  QC_FTP_NOT_IMPLEMENTED = 502,
  QC_FTP_BAD_SEQUENCE = 503,
  QC_FTP_PARAM_NOT_IMPLEMENTED = 504,
  QC_FTP_NOT_LOGGED_IN = 530,
  QC_FTP_NEED_ACCOUNT_TO_STORE = 532,
  QC_FTP_PROT_REFUSED = 534,  /* RFC 2228: request denied for policy */
  QC_FTP_FILE_UNAVAILABLE = 550,
  QC_FTP_PAGE_UNKNOWN = 551,
  QC_FTP_STORAGE_EXCEEDED = 552,
  QC_FTP_BAD_FILE_NAME = 553,
};

/* The class of a reply (RFC 959 §4.2: the first digit). */
#define QC_FTP_PRELIM(c) ((c) >= 100 && (c) < 200)
#define QC_FTP_DONE(c) ((c) >= 200 && (c) < 300)
#define QC_FTP_INTERMEDIATE(c) ((c) >= 300 && (c) < 400)
#define QC_FTP_TRANSIENT(c) ((c) >= 400 && (c) < 500)
#define QC_FTP_PERMANENT(c) ((c) >= 500 && (c) < 600)

#endif
