// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <gst/base/gstbasetransform.h>
#include <gst/gst.h>

// The instance struct, GType and element registration of a fastaudio element
// built on GstBaseTransform whose state lives in TypeName##Private:
// FASTAUDIO_DEFINE_TRANSFORM_ELEMENT(GstFastConvert, gst_fast_convert, fastconvert, GST_TYPE_FAST_CONVERT)
// registers the factory "fastconvert".
#define FASTAUDIO_DEFINE_TRANSFORM_ELEMENT(TypeName, type_name, factory, TYPE) \
  struct _##TypeName {                                                         \
    GstBaseTransform parent;                                                   \
    TypeName##Private *priv;                                                   \
  };                                                                           \
  G_DEFINE_TYPE(TypeName, type_name, GST_TYPE_BASE_TRANSFORM)                  \
  GST_ELEMENT_REGISTER_DEFINE(factory, #factory, GST_RANK_NONE, TYPE)

namespace fastaudio {

// What gst-inspect-1.0 shows of an element: its long name, classification
// and description (the author is the project's).
struct ElementMetadata {
  const char *long_name;
  const char *classification;
  const char *description;
};

// What every fastaudio element's class_init sets alike: its GObject property
// and finalize functions, its two always-present pads and its metadata.
struct ElementClassInfo {
  GObjectSetPropertyFunc set_property;
  GObjectGetPropertyFunc get_property;
  GObjectFinalizeFunc finalize;
  // Both default to all_raw_audio_template() (audio_formats.h).
  GstStaticPadTemplate *sink_template = nullptr;
  GstStaticPadTemplate *src_template = nullptr;
  const ElementMetadata &metadata;
};

void init_element_class(gpointer klass, const ElementClassInfo &info);

}  // namespace fastaudio
