/* hash.h: the 64-bit mixing function shared by the sensor's hash tables and the
 * simulator's generator: the splitmix64 finalizer (Steele, Lea, Flood 2014), a
 * cheap bijection whose output bits all depend on every input bit. */
#ifndef DENWATCH_HASH_H
#define DENWATCH_HASH_H

#include <stdint.h>

static inline uint64_t dw_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

#endif
