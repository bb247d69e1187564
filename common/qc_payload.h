/* qc_payload: deterministic test payloads, identical wherever generated.
 *
 * A payload is named by (seed, size); byte i depends only on seed and i, so
 * the server seeding, the runner's data steps and a later checksum agree
 * without storing the file. Every 4 KiB block starts with text a naive
 * host would mistake for module output ("\r\nOK\r\n", "+QFTPGET: 0,",
 * "+++"), so payload tests prove byte-exact passthrough. */
#ifndef QC_PAYLOAD_H
#define QC_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

/* Fills buf with bytes [offset, offset+n) of payload `seed`. */
void qc_payload_fill(uint32_t seed, uint64_t offset, void *buf, size_t n);

/* Writes the whole payload (size bytes) to fd. 0 or -1 (errno). */
int qc_payload_write_fd(int fd, uint32_t seed, uint64_t size);

#endif
