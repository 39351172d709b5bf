// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <gst/base/gstbasetransform.h>

G_BEGIN_DECLS

#define GST_TYPE_FAST_CONVERT (gst_fast_convert_get_type())
G_DECLARE_FINAL_TYPE(GstFastConvert, gst_fast_convert, GST, FAST_CONVERT, GstBaseTransform)

GST_ELEMENT_REGISTER_DECLARE(fastconvert);

G_END_DECLS
