// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_JSON_BRIDGE (gst_json_bridge_get_type())
G_DECLARE_FINAL_TYPE(GstJsonBridge, gst_json_bridge, GST, JSON_BRIDGE, GstElement)

GST_ELEMENT_REGISTER_DECLARE(jsonbridge);

G_END_DECLS
