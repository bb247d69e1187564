/* sim_sslcfg: one SSL context's settings (AT+QSSLCFG, Quectel's SSL note),
 * selected for FTPS by AT+QFTPCFG="SSL_ctxID" (2.1). Plain data: no
 * OpenSSL here, so sim_ctx.h stays light. */
#ifndef SIM_SSLCFG_H
#define SIM_SSLCFG_H

#define SIM_SSL_CTX_COUNT 6      /* <SSL_ctxID> 0-5 (2.1) */
#define SIM_SSL_CIPHERS_MAX 255  /* "0xFFFF" or "0x0035;0xC02F;..." */
#define SIM_SSL_PATH_MAX 4096    /* resolved UFS:/SD: path under --root */
#define SIM_SSL_NAME_MAX 255     /* the name as the host gave it */

typedef struct {
  int sslversion; /* 0 SSL3, 1 TLS1.0, 2 TLS1.1, 3 TLS1.2, 4 all */
  char ciphers[SIM_SSL_CIPHERS_MAX + 1]; /* as given; "0xFFFF" all */
  int seclevel; /* 0 no verification, 1 verify server, 2 mutual */
  char cacert_name[SIM_SSL_NAME_MAX + 1];     /* "UFS:ca.pem" or "" */
  char cacert[SIM_SSL_PATH_MAX];              /* its path, or "" */
  char clientcert_name[SIM_SSL_NAME_MAX + 1]; /* seclevel 2 */
  char clientcert[SIM_SSL_PATH_MAX];
  char clientkey_name[SIM_SSL_NAME_MAX + 1];
  char clientkey[SIM_SSL_PATH_MAX];
} sim_sslcfg;

/* Quectel's defaults: all versions, all ciphers, no verification. */
void sim_sslcfg_defaults(sim_sslcfg *s);

#endif
