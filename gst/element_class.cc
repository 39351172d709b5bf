// SPDX-License-Identifier: LGPL-2.1-or-later
#include "element_class.h"

#include "audio_formats.h"

namespace fastaudio {

void init_element_class(gpointer klass, const ElementClassInfo &info) {
  auto gobject_class = G_OBJECT_CLASS(klass);
  gobject_class->set_property = info.set_property;
  gobject_class->get_property = info.get_property;
  gobject_class->finalize = info.finalize;

  auto element_class = GST_ELEMENT_CLASS(klass);
  gst_element_class_add_static_pad_template(
      element_class, info.sink_template ? info.sink_template : all_raw_audio_template(GST_PAD_SINK));
  gst_element_class_add_static_pad_template(
      element_class, info.src_template ? info.src_template : all_raw_audio_template(GST_PAD_SRC));
  const ElementMetadata &m = info.metadata;
  gst_element_class_set_static_metadata(element_class, m.long_name, m.classification, m.description,
                                        "fastaudio developers");
}

}  // namespace fastaudio
