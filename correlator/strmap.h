/* strmap.h: a small open-addressing hash map from strings to ints, used by
 * scoring to index subscribers, sites, cells and lists. Owns copies of its keys. */
#ifndef DENWATCH_CORRELATOR_STRMAP_H
#define DENWATCH_CORRELATOR_STRMAP_H

#include <stddef.h>

struct strmap {
	char **keys;
	int *vals;
	size_t cap, n;
};

void strmap_init(struct strmap *m);
void strmap_free(struct strmap *m);
/* Value for key, or -1. */
int strmap_get(const struct strmap *m, const char *key);
/* Sets key to val (replacing). Returns 0, or -1 when out of memory. */
int strmap_put(struct strmap *m, const char *key, int val);

#endif
