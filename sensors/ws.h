/* ws.h: WebSocket (RFC 6455) framing for SIP over WebSocket (RFC 7118): spotting
 * the HTTP upgrade handshake at the start of a TCP stream, cutting the stream
 * into frames, and unmasking a frame's payload. */
#ifndef DENWATCH_SENSOR_WS_H
#define DENWATCH_SENSOR_WS_H

#include <stddef.h>
#include <stdint.h>

/* Length of a complete HTTP upgrade request or 101 response for websocket at p,
 * 0 when one has started but is not complete, -1 when p is not one. */
long dw_ws_handshake(const uint8_t *p, size_t len);
/* Length of the complete frame at p, 0 when more bytes are needed, -1 when p
 * cannot be a frame (reserved opcode, absurd length). */
long dw_ws_frame(const uint8_t *p, size_t len);
/* Unmasks the payload of the complete frame p[0..len) into out (room for len
 * bytes). Returns the payload length and sets *opcode; -1 on a bad frame. */
long dw_ws_payload(const uint8_t *p, size_t len, uint8_t *out, uint8_t *opcode);

#endif
