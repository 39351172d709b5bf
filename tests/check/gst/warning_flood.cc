// SPDX-License-Identifier: LGPL-2.1-or-later
// WarningFlood (gst/warning_flood.h) on a synthetic clock: the first 5 in
// full, then at most one summary per second counting what it stands for.
#include "warning_flood.h"

#include <gst/check/gstcheck.h>

using fastaudio::WarningFlood;

GST_START_TEST(test_first_in_full_then_one_summary_a_second) {
  WarningFlood flood;
  uint64_t count = 0;
  for (int i = 0; i < 5; i++) {
    fail_unless(flood.note(i, count) == WarningFlood::Post::Full);
    fail_unless_equals_uint64(count, 1);
  }
  fail_if(flood.needs_final_count());
  // 1000 more within the second after the last full one: quiet.
  for (int i = 0; i < 1000; i++) fail_unless(flood.note(10 + i, count) == WarningFlood::Post::Nothing);
  fail_unless(flood.needs_final_count());
  // The next one a second after the last message is a summary of all since.
  fail_unless(flood.note(4 + WarningFlood::kSummaryInterval, count) == WarningFlood::Post::Summary);
  fail_unless_equals_uint64(count, 1001);
  fail_unless(flood.note(5 + WarningFlood::kSummaryInterval, count) == WarningFlood::Post::Nothing);
  fail_unless(flood.note(4 + 3 * WarningFlood::kSummaryInterval, count) == WarningFlood::Post::Summary);
  fail_unless_equals_uint64(count, 2);
  fail_unless_equals_uint64(flood.total(), 1008);
  flood.reset();
  fail_unless(flood.note(0, count) == WarningFlood::Post::Full && flood.total() == 1);
}
GST_END_TEST;

static Suite *warning_flood_suite() {
  Suite *s = suite_create("warning_flood");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_first_in_full_then_one_summary_a_second);
  return s;
}

GST_CHECK_MAIN(warning_flood);
