// SPDX-License-Identifier: LGPL-2.1-or-later
// The robustness check for one element's rows (robustness.h): runs each
// row, and with FASTAUDIO_ROBUSTNESS_MARKDOWN=path writes them as the
// markdown table tools/gen-robustness-doc.py puts in docs/robustness.md.
#include <cstdio>

#include "robustness.h"

using namespace robustness;

namespace {

std::string markdown_escape(const std::string &s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else out += c;
  }
  return out;
}

}  // namespace

GST_START_TEST(test_robustness_row) {
  const RobustnessCase &c = cases()[__i__];
  const Observed o = c.run();
  fail_unless(o.flow == c.flow, "%s, %s: flow %s, table says %s", c.element, c.input, gst_flow_get_name(o.flow),
              gst_flow_get_name(c.flow));
  fail_unless(o.kind == c.kind, "%s, %s: %s message, table says %s", c.element, c.input, o.kind.c_str(), c.kind);
  fail_unless(o.message == c.message, "%s, %s: message '%s', table says '%s'", c.element, c.input, o.message.c_str(),
              c.message);
  fail_unless(o.debug.find(c.debug_contains) != std::string::npos, "%s, %s: debug text '%s' lacks '%s'", c.element,
              c.input, o.debug.c_str(), c.debug_contains);
  fail_unless(o.recovered, "%s, %s: recovery failed (%s)", c.element, c.input, c.recovery);
  fail_unless(g_utf8_validate(o.message.c_str(), -1, nullptr) && g_utf8_validate(o.debug.c_str(), -1, nullptr),
              "%s, %s: message or debug text is not UTF-8", c.element, c.input);
}
GST_END_TEST;

// With FASTAUDIO_ROBUSTNESS_MARKDOWN=path, writes the table (after the rows
// passed) as markdown for tools/gen-robustness-doc.py.
GST_START_TEST(test_write_markdown) {
  const char *path = g_getenv("FASTAUDIO_ROBUSTNESS_MARKDOWN");
  if (!path) return;
  FILE *f = fopen(path, "w");
  fail_unless(f != nullptr, "cannot write %s", path);
  const char *element = nullptr;
  for (const auto &c : cases()) {
    if (g_strcmp0(element, c.element) != 0) {
      fprintf(f, "%s### %s\n\n| bad input or fault | flow | message | recovery |\n|---|---|---|---|\n",
              element ? "\n" : "", c.element);
      element = c.element;
    }
    std::string message = std::string(c.kind) == "none" ? "none" : std::string(c.kind) + ": `" + c.message + "`";
    if (*c.debug_contains) message += " (debug text names `" + std::string(c.debug_contains) + "`)";
    fprintf(f, "| %s | %s | %s | %s |\n", markdown_escape(c.input).c_str(), gst_flow_get_name(c.flow),
            markdown_escape(message).c_str(), markdown_escape(c.recovery).c_str());
  }
  fclose(f);
}
GST_END_TEST;

static Suite *robustness_suite() {
  Suite *s = suite_create("robustness");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_loop_test(tc, test_robustness_row, 0, cases().size());
  tcase_add_test(tc, test_write_markdown);
  return s;
}

GST_CHECK_MAIN(robustness);
