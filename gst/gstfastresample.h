// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <gst/base/gstbasetransform.h>

G_BEGIN_DECLS

#define GST_TYPE_FAST_RESAMPLE (gst_fast_resample_get_type())
G_DECLARE_FINAL_TYPE(GstFastResample, gst_fast_resample, GST, FAST_RESAMPLE, GstBaseTransform)

GST_ELEMENT_REGISTER_DECLARE(fastresample);

G_END_DECLS
