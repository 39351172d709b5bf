// SPDX-License-Identifier: LGPL-2.1-or-later
// The fastaudio plugin: registers every element.
#include <gst/gst.h>

#include "gstfastconvert.h"
#include "gstjsonbridge.h"
#include "gstrmsvad.h"
#include "gstfastresample.h"

static gboolean plugin_init(GstPlugin *plugin) {
  gboolean ok = FALSE;
  ok |= GST_ELEMENT_REGISTER(fastconvert, plugin);
  ok |= GST_ELEMENT_REGISTER(jsonbridge, plugin);
  ok |= GST_ELEMENT_REGISTER(rmsvad, plugin);
  ok |= GST_ELEMENT_REGISTER(fastresample, plugin);
  return ok;
}

#define PACKAGE "fastaudio"
GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, fastaudio,
                  "Fast audio conversion, resampling, voice activity detection and JSON bridging",
                  plugin_init, FASTAUDIO_VERSION, "LGPL", "fastaudio", "Unknown package origin")
