/* srv_profile: profile name -> server implementation (see srv_profile.h). */
#include "srv_profile.h"

#include <stdio.h>
#include <string.h>

typedef struct profile_row {
  const char *profile;
  srv_kind kind;
} profile_row;

/* Profiles that are not vsftpd templates. */
static const profile_row rows[] = {
    {"mlsd", SRV_KIND_PROFTPD}, /* RFC 3659 MLSD/MLST (mod_facts) */
};

static const char *const kind_names[] = {
    [SRV_KIND_VSFTPD] = "vsftpd",
    [SRV_KIND_PROFTPD] = "proftpd",
};

srv_kind srv_profile_kind(const char *profile)
{
  for (size_t i = 0; profile && i < sizeof rows / sizeof rows[0]; i++)
    if (strcmp(rows[i].profile, profile) == 0)
      return rows[i].kind;
  return SRV_KIND_VSFTPD;
}

const char *srv_kind_name(srv_kind k)
{
  return kind_names[k];
}

void srv_profile_argv(srv_kind k, const char *conf,
                      char *argv[SRV_PROFILE_ARGV_MAX])
{
  size_t n = 0;
  switch (k) {
  case SRV_KIND_VSFTPD:
    argv[n++] = "vsftpd";
    break;
  case SRV_KIND_PROFTPD:
    /* Foreground, our config only (never /etc/proftpd). */
    argv[n++] = "proftpd";
    argv[n++] = "--nodaemon";
    argv[n++] = "--config";
    break;
  }
  argv[n++] = (char *)conf;
  argv[n] = NULL;
}

int srv_profile_template(const char *template_dir, const char *profile,
                         char *buf, size_t len)
{
  srv_kind k = srv_profile_kind(profile);
  int n = 0;
  switch (k) {
  case SRV_KIND_VSFTPD:
    n = snprintf(buf, len, "%s/%s.conf.in", template_dir, profile);
    break;
  case SRV_KIND_PROFTPD:
    n = snprintf(buf, len, "%s/../%s/%s.conf.in", template_dir,
                 srv_kind_name(k), profile);
    break;
  }
  return n < 0 || (size_t)n >= len ? -1 : 0;
}
