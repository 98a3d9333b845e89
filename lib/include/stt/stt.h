/* libstt: the STT (Stateless Transport Tunneling) toolkit library.
 * One include for everything a tool needs. */
#ifndef STT_STT_H
#define STT_STT_H

#include "stt/version.h"
#include "stt/cursor.h"
#include "stt/wire.h"
#include "stt/csum.h"
#include "stt/outer.h"
#include "stt/segment.h"
#include "stt/reasm.h"
#include "stt/inner.h"
#include "stt/qos.h"
#include "stt/checks.h"
#include "stt/tcpconn.h"

#endif
