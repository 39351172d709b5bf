// SPDX-License-Identifier: LGPL-2.1-or-later
// GST_ELEMENT_ERROR and GST_ELEMENT_WARNING for our elements: the same
// arguments, but text and debug text always reach the bus as valid UTF-8.
// They may quote input (an excerpt of a bad JSON line, caps an application
// built with any bytes in a field name), and PyGObject's parse_error()
// raises UnicodeDecodeError on anything else.
#pragma once

#include <gst/gst.h>

namespace fastaudio {

// printf with GStreamer's extensions (GST_PTR_FORMAT); nullptr for nullptr.
gchar *message_printf(const gchar *format, ...) G_GNUC_PRINTF(1, 2);

// gst_element_message_full() with `text` and `debug` (both taken) escaped
// by escape_bytes().
void post_element_message(GstElement *element, GstMessageType type, GQuark domain, gint code, gchar *text,
                          gchar *debug, const gchar *file, const gchar *function, gint line);

}  // namespace fastaudio

#define FASTAUDIO_ELEMENT_MESSAGE(type, el, domain, code, text, debug)                                        \
  fastaudio::post_element_message(GST_ELEMENT(el), GST_MESSAGE_##type, GST_##domain##_ERROR,                   \
                                  GST_##domain##_ERROR_##code, fastaudio::message_printf text,                 \
                                  fastaudio::message_printf debug, __FILE__, GST_FUNCTION, __LINE__)
#define FASTAUDIO_ELEMENT_ERROR(el, domain, code, text, debug) \
  FASTAUDIO_ELEMENT_MESSAGE(ERROR, el, domain, code, text, debug)
#define FASTAUDIO_ELEMENT_WARNING(el, domain, code, text, debug) \
  FASTAUDIO_ELEMENT_MESSAGE(WARNING, el, domain, code, text, debug)
