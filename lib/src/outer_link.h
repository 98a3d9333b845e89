/* Private to outer*.c: the link-layer half of stt_outer_parse(). */
#ifndef STT_OUTER_LINK_H
#define STT_OUTER_LINK_H

#include "stt/cursor.h"
#include "stt/outer.h"

/* Status for a header of which only part was captured: the bytes up to
 * need_end existed on the wire (TRUNCATED: snaplen cut them) or did not
 * (MALFORMED: the packet itself is too short). */
enum stt_parse_status stt_outer_short(size_t need_end, size_t wirelen, const char **why,
				      const char *cut_msg, const char *short_msg);

/* Decode the link layer of linktype from c (at offset 0), leaving c at the
 * IP header with o->ethertype, o->l3_off and the link fields set. Returns
 * STT_PARSE_OK or the reason to stop. */
enum stt_parse_status stt_outer_link(int linktype, struct stt_cur *c, size_t wirelen,
				     struct stt_outer *o, const char **why);

#endif
