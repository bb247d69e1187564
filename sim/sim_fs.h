/* sim_fs: the module's local storage (UFS/ and SD/ under --root) and the
 * +QFUPL checksum. Names arrive already jailed (sim_jail.h). */
#ifndef SIM_FS_H
#define SIM_FS_H

#include <stddef.h>
#include <stdint.h>

/* The FILE note's <checksum>: XOR of the data taken as 16-bit big-endian
 * words; an odd last byte is the high half of a word whose low half is 0.
 * Streaming: feed any split, read the value with sim_fs_cksum_value(). */
typedef struct {
  uint16_t x;
  int odd; /* a high byte is pending */
  unsigned char hi;
} sim_fs_cksum;

void sim_fs_cksum_init(sim_fs_cksum *k);
void sim_fs_cksum_feed(sim_fs_cksum *k, const void *buf, size_t n);
uint16_t sim_fs_cksum_value(const sim_fs_cksum *k);

/* "<root>/<rel>" into out; 0, or -1 when it does not fit. */
int sim_fs_path(const char *root, const char *rel, char *out, size_t len);

/* Calls fn(name, size) for each regular file directly in root/rel ("UFS"),
 * sorted by name. Returns the count, or -1 when the folder cannot be read. */
int sim_fs_list(const char *root, const char *rel,
                void (*fn)(void *arg, const char *name, long long size),
                void *arg);

/* Removes every regular file in root/rel; the count removed, or -1. */
int sim_fs_delete_all(const char *root, const char *rel);

#endif
