/* gtpv2_ie.c: the GTPv2-C IE table (TS 29.274 8.1, Table 8.1-1): type, name,
 * minimum value length and whether the IE is grouped. The walker in gtpv2.c checks
 * every IE against it before a value is read; types not listed are walked over. */
#include "gtpv2.h"

static const struct gtpv2_ie_def ie_defs[] = {
    {1, "IMSI", 1, false},
    {2, "Cause", 2, false},
    {3, "Recovery", 1, false},
    {71, "APN", 1, false},
    {72, "AMBR", 8, false},
    {73, "EPS Bearer ID", 1, false},
    {75, "MEI", 1, false},
    {76, "MSISDN", 1, false},
    {77, "Indication", 1, false},
    {79, "PAA", 1, false},
    {80, "Bearer QoS", 22, false},
    {82, "RAT Type", 1, false},
    {83, "Serving Network", 3, false},
    {86, "ULI", 1, false},
    {87, "F-TEID", 5, false},
    {93, "Bearer Context", 0, true},
    {94, "Charging ID", 4, false},
    {99, "PDN Type", 1, false},
    {109, "PDN Connection", 0, true},
    {114, "UE Time Zone", 2, false},
    {127, "APN Restriction", 1, false},
    {128, "Selection Mode", 1, false},
    {180, "Overload Control Information", 0, true},
    {181, "Load Control Information", 0, true},
    {191, "Remote UE Context", 0, true},
    {195, "SCEF PDN Connection", 0, true},
};

/* Type -> index + 1 in ie_defs (0: not listed); a test walks every type. */
static const uint8_t by_type[256] = {
	[1] = 1, [2] = 2, [3] = 3, [71] = 4, [72] = 5, [73] = 6, [75] = 7, [76] = 8, [77] = 9,
	[79] = 10, [80] = 11, [82] = 12, [83] = 13, [86] = 14, [87] = 15, [93] = 16,
	[94] = 17, [99] = 18, [109] = 19, [114] = 20, [127] = 21, [128] = 22, [180] = 23,
	[181] = 24, [191] = 25, [195] = 26,
};
_Static_assert(sizeof ie_defs / sizeof ie_defs[0] < 255, "indexes fit a byte");

const struct gtpv2_ie_def *gtpv2_ie_def(uint8_t type)
{
	return by_type[type] ? &ie_defs[by_type[type] - 1] : NULL;
}
