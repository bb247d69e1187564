/* srv_conf: renders a vsftpd config template
 * (servers/vsftpd/<profile>.conf.in).
 *
 * A template is plain vsftpd config text with placeholders @NAME@ (NAME is
 * [A-Z_][A-Z0-9_]*, at most SRV_CONF_NAME_MAX bytes). Rendering is pure:
 * text and a key/value table in, text out; nothing touches the disk. A
 * placeholder the table does not name, a NULL value, a value holding a
 * line break (it would inject a config line) or an unterminated
 * placeholder is an error naming the placeholder and its line. "@@" is a
 * literal '@' (vsftpd's ssl_ciphers=DEFAULT:@@SECLEVEL=0); a lone '@' not
 * followed by a name is kept as is; unused keys are fine. Derived
 * placeholder: @DATA_PORT@, when the table has no DATA_PORT, is
 * LISTEN_PORT - 1 (the active-mode source port; "no value" if
 * LISTEN_PORT is not a port above 1). */
#ifndef SRV_CONF_H
#define SRV_CONF_H

#include <stddef.h>

enum {
  SRV_CONF_NAME_MAX = 64,        /* bytes of a placeholder name */
  SRV_CONF_OUT_MAX = 256 * 1024, /* bytes of rendered text */
};

typedef struct srv_conf_kv {
  const char *key;   /* "LISTEN_PORT" (no '@') */
  const char *value; /* NULL = "known but missing", an error if used */
} srv_conf_kv;

/* Renders `tmpl` with the n entries of kv into a new string (*out, free
 * it). Returns 0, or -1 with a message in err and *out NULL. */
int srv_conf_render(const char *tmpl, const srv_conf_kv *kv, size_t n,
                    char **out, char *err, size_t errlen);

/* Reads a whole template file (at most SRV_CONF_OUT_MAX bytes) into a new
 * string. Returns 0, or -1 with a message in err. */
int srv_conf_read_file(const char *path, char **out, char *err, size_t errlen);

#endif
