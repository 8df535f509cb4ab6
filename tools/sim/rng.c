/* rng.c: the simulator's own deterministic random numbers (xoshiro256** seeded
 * through splitmix64) and the distributions the scenario draws from. */
#include "sim.h"

#include <math.h>

void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++) {
		seed += 0x9e3779b97f4a7c15ULL;
		r->s[i] = dw_mix64(seed);
	}
}

double rng_exp(struct rng *r, double mean)
{
	return -mean * log(1.0 - rng_unit(r));
}

double rng_lognormal(struct rng *r, double median, double sigma)
{
	/* Box-Muller; one normal per call keeps the stream simple to reason about. */
	double u1 = 1.0 - rng_unit(r), u2 = rng_unit(r);
	double z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
	return median * exp(sigma * z);
}
