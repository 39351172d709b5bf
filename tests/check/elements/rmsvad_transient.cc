// SPDX-License-Identifier: LGPL-2.1-or-later
// rmsvad transient-threshold: keyboard typing (tests/files, made by
// tools/make_transient_fixtures.py) is not speech with the default, and is
// with the check off; the property reaches the detector while playing.
// Standard headers first: check.h defines a fail() macro that breaks <ios>.
#include <string>
#include <vector>

#include "../speech_fixture.h"

namespace {

// Seconds of speech rmsvad reports on the typing fixture.
double speech_seconds(const char *props) {
  gchar *launch = g_strdup_printf("filesrc location=\"%s\" ! wavparse ! rmsvad %s ! fakesink",
                                  speech_fixture::path("transients-typing-16k.wav").c_str(), props);
  double total = 0;
  for (GstMessage *m : speech_fixture::run_to_eos(launch)) {
    const GstStructure *s = gst_message_get_structure(m);
    guint64 d;
    if (gst_structure_has_name(s, "speech-stop") && gst_structure_get_uint64(s, "duration", &d))
      total += double(d) / GST_SECOND;
    gst_message_unref(m);
  }
  g_free(launch);
  return total;
}

}  // namespace

GST_START_TEST(test_typing_is_not_speech) {
  const double on = speech_seconds(""), off = speech_seconds("transient-threshold=0");
  std::printf("8 s of typing: %.2f s speech, %.2f s with transient-threshold=0\n", on, off);
  fail_unless(on <= 0.25, "typing reported as %.2f s of speech", on);
  fail_unless(off >= 4.0, "without the check only %.2f s", off);
}
GST_END_TEST;

static Suite *rmsvad_transient_suite() {
  Suite *s = suite_create("rmsvad_transient");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_typing_is_not_speech);
  return s;
}

GST_CHECK_MAIN(rmsvad_transient);
