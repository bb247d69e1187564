#include "sim_fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void sim_fs_cksum_init(sim_fs_cksum *k)
{
  k->x = 0;
  k->odd = 0;
  k->hi = 0;
}

void sim_fs_cksum_feed(sim_fs_cksum *k, const void *buf, size_t n)
{
  const unsigned char *p = buf;
  for (size_t i = 0; i < n; i++) {
    if (k->odd) {
      k->x ^= (uint16_t)((k->hi << 8) | p[i]);
      k->odd = 0;
    } else {
      k->hi = p[i];
      k->odd = 1;
    }
  }
}

uint16_t sim_fs_cksum_value(const sim_fs_cksum *k)
{
  return k->odd ? (uint16_t)(k->x ^ (k->hi << 8)) : k->x;
}

int sim_fs_path(const char *root, const char *rel, char *out, size_t len)
{
  int n = snprintf(out, len, "%s/%s", root, rel);
  return n > 0 && (size_t)n < len ? 0 : -1;
}

static int only_files(const struct dirent *d)
{
  return d->d_name[0] != '.';
}

int sim_fs_list(const char *root, const char *rel,
                void (*fn)(void *arg, const char *name, long long size),
                void *arg)
{
  char dir[4096];
  if (sim_fs_path(root, rel, dir, sizeof dir) != 0)
    return -1;
  struct dirent **names;
  int n = scandir(dir, &names, only_files, alphasort);
  if (n < 0)
    return -1;
  int count = 0;
  for (int i = 0; i < n; i++) {
    char p[4096 + 256];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, names[i]->d_name);
    if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
      fn(arg, names[i]->d_name, (long long)st.st_size);
      count++;
    }
    free(names[i]);
  }
  free(names);
  return count;
}

static void unlink_one(void *arg, const char *name, long long size)
{
  (void)size;
  const char *dir = arg;
  char p[4096 + 256];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  unlink(p);
}

int sim_fs_delete_all(const char *root, const char *rel)
{
  char dir[4096];
  if (sim_fs_path(root, rel, dir, sizeof dir) != 0)
    return -1;
  return sim_fs_list(root, rel, unlink_one, dir);
}
