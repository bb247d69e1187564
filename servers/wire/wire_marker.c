/* wire_marker: the end-of-window marker frame (see wire_marker.h). */
#include "wire_marker.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Payload: magic, id, seq (big-endian), then zeros. */
static const uint8_t MAGIC[8] = {'Q', 'F', 'T', 'P', 'C', 'E', 'N', 'D'};
enum { OFF_MAGIC = 14, OFF_ID = 22, OFF_SEQ = 26 };

static void put32(uint8_t *b, uint32_t v)
{
  b[0] = (uint8_t)(v >> 24), b[1] = (uint8_t)(v >> 16);
  b[2] = (uint8_t)(v >> 8), b[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *b)
{
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
         b[3];
}

int wire_marker_expr(uint32_t id, char *buf, size_t len)
{
  int k = snprintf(buf, len, "ether proto 0x%04x and ether[%d:4] = 0x%08x",
                   WIRE_MARKER_ETHERTYPE, OFF_ID, id);
  return k < 0 || (size_t)k >= len ? -1 : 0;
}

int wire_marker_compose(const char *filter, const char *whole, uint32_t id,
                        char *f, size_t flen, char *w, size_t wlen)
{
  char m[WIRE_MARKER_EXPR_MAX];
  if (wire_marker_expr(id, m, sizeof m) < 0)
    return -1;
  int k = snprintf(f, flen, "(%s) or (%s)", filter, m);
  if (k < 0 || (size_t)k >= flen)
    return -1;
  k = whole && *whole ? snprintf(w, wlen, "(%s) or (%s)", whole, m)
                      : snprintf(w, wlen, "%s", m);
  return k < 0 || (size_t)k >= wlen ? -1 : 0;
}

void wire_marker_frame(const uint8_t mac[6], uint32_t id, uint32_t seq,
                       uint8_t out[WIRE_MARKER_LEN])
{
  memset(out, 0, WIRE_MARKER_LEN);
  memcpy(out, mac, 6);
  memcpy(out + 6, mac, 6);
  out[12] = (uint8_t)(WIRE_MARKER_ETHERTYPE >> 8);
  out[13] = (uint8_t)WIRE_MARKER_ETHERTYPE;
  memcpy(out + OFF_MAGIC, MAGIC, sizeof MAGIC);
  put32(out + OFF_ID, id);
  put32(out + OFF_SEQ, seq);
}

int wire_marker_parse(int dlt, const uint8_t *bytes, size_t caplen,
                      uint32_t id, uint32_t *seq)
{
  if (dlt != DLT_EN10MB || caplen < OFF_SEQ + 4 ||
      get32(bytes + 12) >> 16 != WIRE_MARKER_ETHERTYPE ||
      memcmp(bytes + OFF_MAGIC, MAGIC, sizeof MAGIC) != 0 ||
      get32(bytes + OFF_ID) != id)
    return 0;
  *seq = get32(bytes + OFF_SEQ);
  return 1;
}

int wire_marker_open(wire_marker_tx *tx, const char *iface, int dlt,
                     char *why, size_t whylen)
{
  tx->fd = -1;
  if (dlt != DLT_EN10MB) {
    snprintf(why, whylen, "link type %s is not Ethernet",
             pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt)
                                            : "?");
    return -1;
  }
  /* Protocol 0: the socket sends and receives nothing. */
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    snprintf(why, whylen, "packet socket: %s", strerror(errno));
    return -1;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", iface);
  if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0 ||
      (tx->ifindex = ifr.ifr_ifindex, ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)) {
    snprintf(why, whylen, "%s: %s", iface, strerror(errno));
    close(fd);
    return -1;
  }
  memcpy(tx->mac, ifr.ifr_hwaddr.sa_data, 6);
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
    snprintf(why, whylen, "%s: %s", iface, strerror(errno));
    close(fd);
    return -1;
  }
  tx->copies = ifr.ifr_flags & IFF_LOOPBACK ? 2 : 1;
  /* No PACKET_QDISC_BYPASS: a frame sent past the queue is not shown to
   * the taps as it leaves, and on a NIC that is where the capture sees
   * it. */
  tx->fd = fd;
  return 0;
}

int wire_marker_send(const wire_marker_tx *tx, uint32_t id, uint32_t seq,
                     char *why, size_t whylen)
{
  uint8_t frame[WIRE_MARKER_LEN];
  wire_marker_frame(tx->mac, id, seq, frame);
  struct sockaddr_ll to;
  memset(&to, 0, sizeof to);
  to.sll_family = AF_PACKET;
  to.sll_ifindex = tx->ifindex;
  to.sll_halen = 6;
  memcpy(to.sll_addr, tx->mac, 6);
  ssize_t n = sendto(tx->fd, frame, sizeof frame, 0, (struct sockaddr *)&to,
                     sizeof to);
  if (n != (ssize_t)sizeof frame) {
    snprintf(why, whylen, "sending the end marker: %s",
             n < 0 ? strerror(errno) : "short write");
    return -1;
  }
  return 0;
}

void wire_marker_close(wire_marker_tx *tx)
{
  if (tx->fd >= 0)
    close(tx->fd);
  tx->fd = -1;
}
