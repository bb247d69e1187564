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
  /* Byte by byte this is byte_at(); a whole 8-byte word costs one mix,
   * which is most of a 64 MiB transfer's generation and comparison. */
  enum { TRAP = sizeof trap - 1 };
  uint8_t *p = buf;
  uint64_t key = (uint64_t)seed << 40;
  while (n > 0) {
    uint64_t i = offset, in_block = i % BLOCK;
    size_t run;
    if (in_block < TRAP) {
      run = TRAP - (size_t)in_block < n ? TRAP - (size_t)in_block : n;
      memcpy(p, trap + in_block, run);
    } else {
      run = BLOCK - (size_t)in_block < n ? BLOCK - (size_t)in_block : n;
      size_t k = 0;
      for (; k < run && ((i + k) & 7) != 0; k++)
        p[k] = byte_at(seed, i + k);
      for (; run - k >= 8; k += 8) {
        uint64_t w = mix(key ^ ((i + k) >> 3));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        memcpy(p + k, &w, 8); /* byte b of the word is (w >> 8b) */
#else
        for (unsigned b = 0; b < 8; b++)
          p[k + b] = (uint8_t)(w >> (b * 8));
#endif
      }
      for (; k < run; k++)
        p[k] = byte_at(seed, i + k);
    }
    p += run;
    offset += run;
    n -= run;
  }
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
