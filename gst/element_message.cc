// SPDX-License-Identifier: LGPL-2.1-or-later
#include "element_message.h"

#include "utf8_text.h"

namespace fastaudio {

namespace {

gchar *escaped(gchar *text) {
  if (!text) return nullptr;
  gchar *out = g_strdup(escape_bytes(text).c_str());
  g_free(text);
  return out;
}

}  // namespace

gchar *message_printf(const gchar *format, ...) {
  if (!format) return nullptr;
  va_list args;
  va_start(args, format);
  gchar *text = gst_info_strdup_vprintf(format, args);
  va_end(args);
  return text;
}

void post_element_message(GstElement *element, GstMessageType type, GQuark domain, gint code, gchar *text,
                          gchar *debug, const gchar *file, const gchar *function, gint line) {
  gst_element_message_full(element, type, domain, code, escaped(text), escaped(debug), file, function, line);
}

}  // namespace fastaudio
