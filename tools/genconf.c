/* genconf.c: prints the annotated default configuration generated from the key
 * tables; `make config` writes it to config/denwatch.conf. */
#include <stdio.h>

#include "denwatch/config.h"

int main(void)
{
	dw_config_write(stdout, NULL);
	return 0;
}
