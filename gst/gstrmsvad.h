// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <gst/base/gstbasetransform.h>

G_BEGIN_DECLS

#define GST_TYPE_RMS_VAD (gst_rms_vad_get_type())
G_DECLARE_FINAL_TYPE(GstRmsVad, gst_rms_vad, GST, RMS_VAD, GstBaseTransform)

GST_ELEMENT_REGISTER_DECLARE(rmsvad);

G_END_DECLS
