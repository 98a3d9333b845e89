#include "stt/version.h"

/* The version of the library actually linked (the header may differ). */
const char *stt_version(void);
const char *stt_version(void)
{
	return STT_VERSION_STRING;
}
