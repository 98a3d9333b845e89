/* A program outside the tree that uses the installed libstt: encode an
 * STT frame header, decode it back, and print the library version. */
#include <stdio.h>
#include <string.h>

#include <stt/stt.h>

int main(void)
{
	struct stt_frame_hdr h = { .flags = STT_F_IPV4, .context_id = 42 }, back;
	uint8_t buf[STT_FRAME_HDR_LEN];

	stt_frame_hdr_encode(&h, buf);
	if (stt_frame_hdr_decode(buf, sizeof(buf), &back) != 0 || back.context_id != 42) {
		fprintf(stderr, "consumer: round trip failed\n");
		return 1;
	}
	printf("libstt %s ok\n", STT_VERSION_STRING);
	return 0;
}
