/* config_keys.c: the one table of config keys, expanded from the X-macro lists in
 * include/denwatch/keys/ in the order of their ids, so dw_keys[DWX_x] is key x. */
#include "denwatch/config.h"

#define KEY_INT(s, n, d, lo, hi, h) [DWX_##s##_##n] = { #s, #n, DW_KEY_INT, d, lo, hi, NULL, h },
#define KEY_DBL(s, n, d, lo, hi, h) \
	[DWX_##s##_##n] = { #s, #n, DW_KEY_DOUBLE, d, lo, hi, NULL, h },
#define KEY_BOOL(s, n, d, h) [DWX_##s##_##n] = { #s, #n, DW_KEY_BOOL, d, 0, 0, NULL, h },
#define KEY_STR(s, n, d, h) [DWX_##s##_##n] = { #s, #n, DW_KEY_STRING, d, 0, 0, NULL, h },
#define KEY_ENUM(s, n, d, c, h) [DWX_##s##_##n] = { #s, #n, DW_KEY_ENUM, d, 0, 0, c, h },

const struct dw_key_def dw_keys[DW_KEY_COUNT] = {
#include "denwatch/keys/all.def"
};
