#include "qc_payload.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define BLOCK 4096u

static const char trap[] = "\r\nOK\r\n+QFTPGET: 0,12\r\n+++AT\r\nERROR\r\n";

/* splitmix64: a good mix of (seed, index) with no state to carry. */
static uint64_t mix(uint64_t x)
{
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

static uint8_t byte_at(uint32_t seed, uint64_t i)
{
  uint64_t in_block = i % BLOCK;
  if (in_block < sizeof trap - 1)
    return (uint8_t)trap[in_block];
  uint64_t word = mix(((uint64_t)seed << 40) ^ (i >> 3));
  return (uint8_t)(word >> ((i & 7) * 8));
}

void qc_payload_fill(uint32_t seed, uint64_t offset, void *buf, size_t n)
{
  uint8_t *p = buf;
  for (size_t k = 0; k < n; k++)
    p[k] = byte_at(seed, offset + k);
}

int qc_payload_write_fd(int fd, uint32_t seed, uint64_t size)
{
  static uint8_t buf[64 * 1024];
  uint64_t off = 0;
  while (off < size) {
    size_t n = size - off < sizeof buf ? (size_t)(size - off) : sizeof buf;
    qc_payload_fill(seed, off, buf, n);
    size_t done = 0;
    while (done < n) {
      ssize_t w = write(fd, buf + done, n - done);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return -1;
      done += (size_t)w;
    }
    off += n;
  }
  return 0;
}
