/* fuzz_sms.c: libFuzzer harness for the SMS over IP decoder (RP layer of
 * TS 24.011 and the TPDUs of TS 23.040): the input as an RP message, and as a
 * TPDU in both directions. */
#include <stdint.h>
#include <string.h>

#include "../../sensors/proto/sms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sms_rp rp;
	if (sms_rp_decode(data, size, &rp) == SMS_OK && rp.tp != SMS_TP_NONE &&
	    strlen(rp.tp_addr.text) > DW_NUMBER_MAX)
		__builtin_trap();
	sms_tpdu_decode(data, size, true, &rp);
	sms_tpdu_decode(data, size, false, &rp);
	return 0;
}
