// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <gst/gst.h>

namespace fastaudio {

// What every fastaudio element's class_init sets alike: its GObject property
// and finalize functions, its two always-present pads and its metadata.
struct ElementClassInfo {
  GObjectSetPropertyFunc set_property;
  GObjectGetPropertyFunc get_property;
  GObjectFinalizeFunc finalize;
  GstStaticPadTemplate *sink_template;
  GstStaticPadTemplate *src_template;
  const char *long_name;
  const char *classification;
  const char *description;
};

void init_element_class(gpointer klass, const ElementClassInfo &info);

} // namespace fastaudio
