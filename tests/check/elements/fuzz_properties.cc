// SPDX-License-Identifier: LGPL-2.1-or-later
// Fuzzing of property values, caps strings and launch lines, table-driven over
// elements. Inputs: the seed corpus in tests/files/fuzz/ as is, then random
// and mutated strings from a fixed seed (FASTAUDIO_FUZZ_SEED and
// FASTAUDIO_FUZZ_ITERATIONS change them). Checks: no crash, no hang, no
// GLib critical; a refused value leaves the property at a valid value; a
// refused caps or buffer comes with an error or warning message.
//
// Add an element by adding a row to kElements.
#include <fstream>

#include "harness_util.h"

// GCC 12 warns about std::string concatenation in inlined libstdc++ code
// (a false positive, GCC bug 105329).
#pragma GCC diagnostic ignored "-Wrestrict"

using namespace harness_util;

namespace {

struct FuzzElement {
  const char *factory;
  const char *in_caps;   // valid input caps, mutated for the caps fuzzing
  const char *out_caps;  // what the harness sink accepts
  int bytes_per_frame;   // of in_caps: valid buffers for the pipeline runs
  // Properties whose value type allows NaN but the element must refuse it.
  bool rejects_nan = true;
  // Frames pushed to check that streaming still works: more than the
  // element holds back (a resampler's filter delay).
  int push_frames = 64;
  // Whether output may be held or dropped under some property values
  // (rmsvad silence-action=gap/drop holds silent buffers until decided):
  // then only the flow is checked until the property is back to its default.
  bool may_hold_output = false;
};

const FuzzElement kElements[] = {
    {"fastconvert", "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=2", "audio/x-raw", 4},
    {"fastresample", "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=2",
     "audio/x-raw,format=S16LE,rate=16000,channels=2", 4, true, 4800},
    {"rmsvad", "audio/x-raw,format=S16LE,layout=interleaved,rate=16000,channels=1", "audio/x-raw", 2, true, 64,
     true},
    {"jsonbridge", "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=2", "audio/x-raw", 4},
};

guint iterations(guint normal) {
  const double scale = env_double("FASTAUDIO_FUZZ_ITERATIONS", 1.0);
  return std::max(1u, guint(normal * scale / (under_valgrind() ? 10 : 1)));
}

uint32_t base_seed() { return uint32_t(env_double("FASTAUDIO_FUZZ_SEED", 20261127)); }

std::vector<std::string> load_corpus(const char *name) {
  const char *dir = g_getenv("FASTAUDIO_TEST_FILES");
  fail_unless(dir != nullptr, "FASTAUDIO_TEST_FILES is not set");
  gchar *path = g_build_filename(dir, "fuzz", name, nullptr);
  std::ifstream in(path);
  fail_unless(in.good(), "cannot read %s", path);
  g_free(path);
  std::vector<std::string> entries;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    gchar *s = g_strcompress(line.c_str());
    entries.emplace_back(s);
    g_free(s);
  }
  fail_unless(!entries.empty());
  return entries;
}

std::string random_string(std::mt19937 &rng, size_t max_len) {
  static const char alphabet[] = "abcdefxyz0123456789 ,;:=!+-._()[]{}<>\"'\\/%$@#*~|";
  const size_t len = std::uniform_int_distribution<size_t>(0, max_len)(rng);
  std::string s;
  for (size_t i = 0; i < len; i++) {
    const uint32_t r = rng();
    s += (r & 7) == 0 ? char(1 + (r >> 8) % 255) : alphabet[(r >> 8) % (sizeof alphabet - 1)];
  }
  return s;
}

std::string random_number(std::mt19937 &rng) {
  char buf[64];
  switch (rng() % 6) {
    case 0: g_snprintf(buf, sizeof buf, "%d", int32_t(rng())); break;
    case 1: g_snprintf(buf, sizeof buf, "%" G_GUINT64_FORMAT, (uint64_t(rng()) << 32) | rng()); break;
    case 2: g_snprintf(buf, sizeof buf, "-%" G_GUINT64_FORMAT, (uint64_t(rng()) << 32) | rng()); break;
    case 3: g_ascii_formatd(buf, sizeof buf, "%g", std::ldexp(double(int32_t(rng())), int(rng() % 2100) - 1050)); break;
    case 4: g_snprintf(buf, sizeof buf, "%u", guint(rng() % 16)); break;
    default: g_ascii_formatd(buf, sizeof buf, "%.17g", std::uniform_real_distribution<double>(-2, 2)(rng)); break;
  }
  return buf;
}

// Deletes, duplicates, replaces or splices a piece of `s`.
std::string mutate(std::string s, std::mt19937 &rng, const std::vector<std::string> &corpus) {
  const int edits = 1 + rng() % 3;
  for (int e = 0; e < edits; e++) {
    const size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 5) {
      case 0: if (!s.empty()) s.erase(std::min(pos, s.size() - 1), 1 + rng() % 8); break;
      case 1: s.insert(pos, random_string(rng, 6)); break;
      case 2: s.insert(pos, random_number(rng)); break;
      case 3: s.insert(pos, corpus[rng() % corpus.size()]); break;
      default: if (!s.empty()) s.insert(pos, s.substr(rng() % s.size(), 1 + rng() % 16)); break;
    }
  }
  return s;
}

// GObject warns (a GLib warning, fatal under gst-check) when a value of the
// right type is out of the param spec's range, and then ignores it: that is
// GObject refusing the value, which is what we want, so those warnings are
// counted rather than fatal.
gint g_refused = 0;
gboolean count_refusal(const gchar *, GLogLevelFlags, const gchar *, gpointer) {
  g_atomic_int_inc(&g_refused);
  return TRUE;
}

// An element that refuses a value its param spec allows (rmsvad: a start
// threshold below the stop threshold) warns as GLib does for a value out of
// range, and keeps the previous value.
gint g_element_refused = 0;

gboolean count_element_refusal(const gchar *, GLogLevelFlags, const gchar *, gpointer) {
  g_atomic_int_inc(&g_element_refused);
  return TRUE;
}

GstCheckLogFilter *element_refusal_filter() {
  return gst_check_add_log_filter(nullptr, G_LOG_LEVEL_WARNING,
                                  g_regex_new("the value was refused and the previous one kept$", G_REGEX_RAW,
                                              GRegexMatchFlags(0), nullptr),
                                  count_element_refusal, nullptr, nullptr);
}

// GStreamer's caps and launch-line parsers themselves warn or assert on some
// garbage (media type or caps feature names, links out of a bin) before they
// return NULL: that is the parser, not the element under test, so those
// messages are let through while parsing.
struct ParserFilters {
  GstCheckLogFilter *filters[3];
  ParserFilters() {
    filters[2] = element_refusal_filter();
    filters[0] = gst_check_add_log_filter(
        "GStreamer", G_LOG_LEVEL_CRITICAL,
        g_regex_new("^gst_structure_new_empty: assertion|^gst_element_link_pads_filtered: assertion 'GST_IS_BIN", G_REGEX_RAW, GRegexMatchFlags(0), nullptr),
        count_refusal, nullptr, nullptr);
    filters[1] = gst_check_add_log_filter(
        "GStreamer", G_LOG_LEVEL_WARNING,
        g_regex_new("^0.10-style raw|^Invalid caps feature name|^Failed deserialize caps features|"
                    "^Received a structure string that contains|^gst_structure_from_string did not consume whole string", G_REGEX_RAW, GRegexMatchFlags(0),
                    nullptr),
        count_refusal, nullptr, nullptr);
  }
  ~ParserFilters() {
    for (auto *f : filters) gst_check_remove_log_filter(f);
  }
};

bool is_fuzzable(GParamSpec *pspec) {
  if (!(pspec->flags & G_PARAM_WRITABLE) || (pspec->flags & G_PARAM_CONSTRUCT_ONLY)) return false;
  const GType t = pspec->value_type;
  const GType fundamental = G_TYPE_FUNDAMENTAL(t);
  if (t == GST_TYPE_CAPS || t == GST_TYPE_STRUCTURE) return true;
  return fundamental != G_TYPE_OBJECT && fundamental != G_TYPE_POINTER && fundamental != G_TYPE_BOXED &&
         fundamental != G_TYPE_INTERFACE && fundamental != G_TYPE_PARAM;
}

bool holds_nan(const GValue *v) {
  if (G_VALUE_HOLDS_DOUBLE(v)) return std::isnan(g_value_get_double(v));
  if (G_VALUE_HOLDS_FLOAT(v)) return std::isnan(g_value_get_float(v));
  return false;
}

// Sets `text` on the property, then checks the read-back value: valid for
// the param spec, not NaN, and equal to `text` when `text` was a valid value.
void try_value(GstElement *element, GParamSpec *pspec, const std::string &text, const FuzzElement &fe) {
  GValue parsed = G_VALUE_INIT;
  g_value_init(&parsed, pspec->value_type);
  const bool parses = gst_value_deserialize_with_pspec(&parsed, text.c_str(), pspec);
  const bool in_range = parses && !g_param_value_validate(pspec, &parsed);
  const gint element_refusals = g_atomic_int_get(&g_element_refused);

  gst_util_set_object_arg(G_OBJECT(element), pspec->name, text.c_str());

  if (pspec->flags & G_PARAM_READABLE) {
    GValue now = G_VALUE_INIT;
    g_value_init(&now, pspec->value_type);
    g_object_get_property(G_OBJECT(element), pspec->name, &now);
    GValue copy = G_VALUE_INIT;
    g_value_init(&copy, pspec->value_type);
    g_value_copy(&now, &copy);
    fail_if(g_param_value_validate(pspec, &copy), "%s::%s holds an invalid value after setting '%s'",
            fe.factory, pspec->name, text.c_str());
    fail_if(fe.rejects_nan && holds_nan(&now), "%s::%s accepted NaN from '%s'", fe.factory, pspec->name,
            text.c_str());
    const bool refused_by_element = g_atomic_int_get(&g_element_refused) != element_refusals;
    if (in_range && !refused_by_element && !holds_nan(&parsed) && g_strcmp0(pspec->name, "name") != 0) {
      fail_unless(gst_value_compare(&now, &parsed) == GST_VALUE_EQUAL,
                  "%s::%s: valid value '%s' did not stick", fe.factory, pspec->name, text.c_str());
    }
    g_value_unset(&copy);
    g_value_unset(&now);
  }
  g_value_unset(&parsed);
}

// One short buffer through the element: a property change must never
// break streaming.
void push_one(GstHarness *h, const FuzzElement &fe, const char *context) {
  const gsize size = gsize(fe.push_frames) * fe.bytes_per_frame;
  GstBuffer *buf = gst_buffer_new_allocate(nullptr, size, nullptr);
  gst_buffer_memset(buf, 0, 0, size);
  GST_BUFFER_PTS(buf) = 0;
  const GstFlowReturn ret = gst_harness_push(h, buf);
  fail_unless_equals_int(ret, GST_FLOW_OK);
  GstBuffer *out = gst_harness_try_pull(h);  // the element outputs from its chain function
  const bool defaults = g_str_equal(context, "restoring the default");
  fail_unless(out != nullptr || (fe.may_hold_output && !defaults), "%s: no output after %s", fe.factory, context);
  while (out) {
    gst_buffer_unref(out);
    out = gst_harness_try_pull(h);
  }
}

GstMessage *pop_problem(GstElement *element) {
  GstBus *bus = gst_element_get_bus(element);
  GstMessage *msg = gst_bus_pop_filtered(bus, GstMessageType(GST_MESSAGE_ERROR | GST_MESSAGE_WARNING));
  gst_object_unref(bus);
  return msg;
}

std::string message_text(GstMessage *msg) {
  GError *err = nullptr;
  if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) gst_message_parse_error(msg, &err, nullptr);
  else gst_message_parse_warning(msg, &err, nullptr);
  std::string text = err && err->message ? err->message : "";
  g_clear_error(&err);
  return text;
}

}  // namespace

GST_START_TEST(test_fuzz_property_values) {
  const FuzzElement &fe = kElements[__i__];
  const auto corpus = load_corpus("property-values.txt");
  GRegex *refusal = g_regex_new("invalid or out of range for property|can't set property", G_REGEX_RAW,
                                GRegexMatchFlags(0), nullptr);
  GstCheckLogFilter *filter =  // takes the regex
      gst_check_add_log_filter("GLib-GObject", G_LOG_LEVEL_WARNING, refusal, count_refusal, nullptr, nullptr);
  GstCheckLogFilter *element_filter = element_refusal_filter();

  GstHarness *h = gst_harness_new(fe.factory);
  gst_harness_set_sink_caps_str(h, fe.out_caps);
  gst_harness_set_src_caps_str(h, fe.in_caps);
  guint n_props = 0;
  GParamSpec **props = g_object_class_list_properties(G_OBJECT_GET_CLASS(h->element), &n_props);
  std::mt19937 rng(base_seed());
  guint tried = 0;
  for (guint p = 0; p < n_props; p++) {
    GParamSpec *pspec = props[p];
    if (!is_fuzzable(pspec)) continue;
    std::vector<std::string> values = corpus;
    // Every valid nick of an enum or flags type, and the type's range edges.
    if (G_IS_PARAM_SPEC_ENUM(pspec)) {
      GEnumClass *e = G_PARAM_SPEC_ENUM(pspec)->enum_class;
      for (guint i = 0; i < e->n_values; i++) values.push_back(e->values[i].value_nick);
    }
    const guint random = iterations(6000);
    for (guint i = 0; i < random; i++) {
      switch (rng() % 3) {
        case 0: values.push_back(random_number(rng)); break;
        case 1: values.push_back(random_string(rng, rng() % 20 == 0 ? 70000 : 24)); break;
        default: values.push_back(mutate(corpus[rng() % corpus.size()], rng, corpus)); break;
      }
    }
    for (const auto &v : values) {
      try_value(h->element, pspec, v, fe);
      tried++;
      if (pspec->flags & GST_PARAM_MUTABLE_PLAYING && tried % 16 == 0) push_one(h, fe, pspec->name);
    }
    g_object_set_property(G_OBJECT(h->element), pspec->name, g_param_spec_get_default_value(pspec));
    push_one(h, fe, "restoring the default");
  }
  g_free(props);
  gst_harness_teardown(h);
  gst_check_remove_log_filter(filter);
  gst_check_remove_log_filter(element_filter);
  GST_INFO("%s: %u property values tried, %d refused by GObject", fe.factory, tried, g_refused);
  fail_unless(tried > 0);
}
GST_END_TEST;

// Caps from the corpus, mutations of the element's valid caps and garbage,
// set on the harness source (fixated when they parse but are not fixed),
// then one buffer of random size: either it is converted, or the element
// refuses with an error or warning message. Never a crash or a hang.
GST_START_TEST(test_fuzz_caps_strings) {
  const FuzzElement &fe = kElements[__i__];
  auto inputs = load_corpus("caps.txt");
  // Downstream caps: the element's own, or now and then a corpus entry.
  std::vector<std::string> downstream{fe.out_caps};
  for (const auto &text : inputs) {
    ParserFilters parser_filters;
    if (GstCaps *caps = gst_caps_from_string(text.c_str())) {
      if (!gst_caps_is_empty(caps)) downstream.push_back(text);
      gst_caps_unref(caps);
    }
  }
  std::mt19937 rng(base_seed() + 1);
  const guint random = iterations(20000);
  for (guint i = 0; i < random; i++) {
    inputs.push_back(rng() % 4 == 0 ? random_string(rng, 80) : mutate(fe.in_caps, rng, inputs));
  }
  guint parsed = 0, flowed = 0, refused = 0;
  for (const auto &text : inputs) {
    ParserFilters parser_filters;
    GstCaps *caps = gst_caps_from_string(text.c_str());
    if (!caps) continue;
    if (gst_caps_is_empty(caps) || gst_caps_is_any(caps)) {
      gst_caps_unref(caps);
      continue;
    }
    caps = gst_caps_fixate(caps);
    parsed++;
    GstHarness *h = harness_with_bus(fe.factory);
    const std::string &out_caps = rng() % 4 == 0 ? downstream[rng() % downstream.size()] : downstream[0];
    if (g_getenv("FUZZ_TRACE")) g_printerr("caps: %s -> %s\n", text.c_str(), out_caps.c_str());
    gst_harness_set_sink_caps_str(h, out_caps.c_str());
    gst_pad_push_event(h->srcpad, gst_event_new_stream_start("fuzz"));
    const bool caps_ok = gst_pad_push_event(h->srcpad, gst_event_new_caps(caps));
    GstSegment segment;
    gst_segment_init(&segment, GST_FORMAT_TIME);
    gst_pad_push_event(h->srcpad, gst_event_new_segment(&segment));
    const gsize size = rng() % 3 == 0 ? rng() % 97 : 4096;
    GstBuffer *buf = gst_buffer_new_allocate(nullptr, size, nullptr);
    if (size) gst_buffer_memset(buf, 0, uint8_t(rng()), size);
    const GstFlowReturn ret = gst_harness_push(h, buf);
    if (ret == GST_FLOW_OK) {
      flowed++;
      GstBuffer *out = gst_harness_try_pull(h);
      // An element that holds back frames (fastresample's filter delay) may
      // keep a short buffer: EOS drains it, and a buffer below a few
      // output frames may still give none.
      if (!out && fe.push_frames > 64) {
        gst_harness_push_event(h, gst_event_new_eos());
        out = gst_harness_try_pull(h);
        fail_unless(out != nullptr || size < 4096, "caps '%s' -> '%s': flow OK, drained at EOS, but no output",
                    text.c_str(), out_caps.c_str());
      } else {
        fail_unless(out != nullptr, "caps '%s' -> '%s': flow OK but no output", text.c_str(), out_caps.c_str());
      }
      if (out) gst_buffer_unref(out);
    } else {
      refused++;
      GstMessage *msg = pop_problem(h->element);
      fail_unless(msg != nullptr, "caps '%s' -> '%s' (%s): flow %s without an error or warning message",
                  text.c_str(), out_caps.c_str(), caps_ok ? "caps event accepted" : "caps event refused",
                  gst_flow_get_name(ret));
      fail_if(message_text(msg).empty(), "caps '%s': empty message", text.c_str());
      gst_message_unref(msg);
    }
    gst_caps_unref(caps);
    teardown_with_bus(h);
  }
  GST_INFO("%s: %u caps parsed, %u flowed, %u refused", fe.factory, parsed, flowed, refused);
  fail_unless(parsed > 10 && flowed > 0 && refused > 0, "fuzzing reached too few cases: %u / %u / %u", parsed,
              flowed, refused);
}
GST_END_TEST;

std::string replace_all(std::string s, const std::string &from, const std::string &to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
  return s;
}

// Runs `pipeline` to EOS or error within a bounded time.
void run_bounded(GstElement *pipeline, const std::string &desc) {
  GstStateChangeReturn r = gst_element_set_state(pipeline, GST_STATE_PLAYING);
  if (r != GST_STATE_CHANGE_FAILURE) {
    GstBus *bus = gst_element_get_bus(pipeline);
    GstMessage *msg = gst_bus_timed_pop_filtered(bus, 20 * GST_SECOND,
                                                 GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
    fail_unless(msg != nullptr, "'%s' hung: neither EOS nor an error within 20 s", desc.c_str());
    if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) fail_if(message_text(msg).empty(), "'%s': empty error", desc.c_str());
    gst_message_unref(msg);
    gst_object_unref(bus);
  }
  fail_unless_equals_int(gst_element_set_state(pipeline, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
}

// The element's properties the launch-line fuzzer assigns (not "name").
static std::vector<std::string> fuzzable_property_names(const char *factory) {
  GstElement *probe = gst_element_factory_make(factory, nullptr);
  fail_unless(probe != nullptr);
  guint n_props = 0;
  GParamSpec **props = g_object_class_list_properties(G_OBJECT_GET_CLASS(probe), &n_props);
  std::vector<std::string> names;
  for (guint p = 0; p < n_props; p++)
    if (is_fuzzable(props[p]) && g_strcmp0(props[p]->name, "name") != 0) names.push_back(props[p]->name);
  g_free(props);
  gst_object_unref(probe);
  return names;
}

// Appends the random launch lines: to `runnable`, whole pipelines with random
// property assignments and caps around the element; to `parse_only`, the
// element alone with one mutated property value.
static void add_random_launch_lines(const FuzzElement &fe, const std::vector<std::string> &names,
                                    const std::vector<std::string> &values, const std::vector<std::string> &caps,
                                    std::vector<std::string> &parse_only, std::vector<std::string> &runnable) {
  std::mt19937 rng(base_seed() + 2);
  const guint random = iterations(800);
  for (guint i = 0; i < random; i++) {
    std::string element = fe.factory;
    for (int a = rng() % 4; a > 0; a--) {
      std::string value = rng() % 2 ? values[rng() % values.size()] : random_number(rng);
      if (rng() % 3 == 0) value = "\"" + value + "\"";
      element += " " + (names.empty() || rng() % 8 == 0 ? std::string("nosuchproperty") : names[rng() % names.size()]) +
                 "=" + value;
    }
    std::string in_caps = rng() % 3 ? std::string(fe.in_caps) : mutate(fe.in_caps, rng, caps);
    std::string out_caps = rng() % 2 ? caps[rng() % caps.size()] : std::string("audio/x-raw");
    runnable.push_back("audiotestsrc num-buffers=" + std::to_string(1 + rng() % 5) +
                       " samplesperbuffer=" + std::to_string(1 + rng() % 2048) + " ! " + in_caps + " ! " + element +
                       " ! " + out_caps + " ! fakesink");
    // Mutated property values, not mutated pipeline structure: random
    // structure finds GStreamer's own parser bugs (1.22 segfaults on
    // "nosuch ! a.b name=a a. ! a.c", with no plugin of ours loaded).
    std::string mutated = std::string(fe.factory) + " " +
                          (names.empty() ? std::string("nosuchproperty") : names[rng() % names.size()]) + "=";
    std::string value = mutate(values[rng() % values.size()], rng, values);
    mutated += rng() % 2 ? "\"" + value + "\"" : value;
    parse_only.push_back(mutated);
  }
}

// Parses one launch line; what parses is taken to READY and back to NULL.
static void parse_to_ready_and_back(const std::string &desc) {
  GError *err = nullptr;
  GstElement *e;
  if (g_getenv("FUZZ_TRACE")) {
    gchar *escaped = g_strescape(desc.c_str(), nullptr);
    g_printerr("parse: %s\n", escaped);
    g_free(escaped);
  }
  {
    ParserFilters parser_filters;
    e = gst_parse_launch(desc.c_str(), &err);
  }
  if (e) {
    gst_element_set_state(e, GST_STATE_READY);
    fail_unless_equals_int(gst_element_set_state(e, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
    gst_object_unref(e);
  }
  g_clear_error(&err);
}

// Parses one launch line strictly and runs it if it makes a pipeline; a
// refused line must come with an error message. True when it ran.
static bool parse_and_run(const std::string &desc) {
  if (g_getenv("FUZZ_TRACE")) g_printerr("run: %s\n", desc.c_str());
  GError *err = nullptr;
  GstElement *pipeline;
  {
    ParserFilters parser_filters;
    pipeline = gst_parse_launch_full(desc.c_str(), nullptr, GST_PARSE_FLAG_FATAL_ERRORS, &err);
  }
  if (!pipeline) {
    fail_unless(err != nullptr && err->message[0], "'%s': no pipeline and no error", desc.c_str());
    g_clear_error(&err);
    return false;
  }
  run_bounded(pipeline, desc);
  gst_object_unref(pipeline);
  return true;
}

// Launch lines with the element, random property assignments and random
// caps around it. Those that parse into a complete pipeline are run.
GST_START_TEST(test_fuzz_parse_launch) {
  const FuzzElement &fe = kElements[__i__];
  const auto fragments = load_corpus("launch.txt");
  const auto values = load_corpus("property-values.txt");
  const auto caps = load_corpus("caps.txt");
  GRegex *refusal = g_regex_new("invalid or out of range for property", G_REGEX_RAW, GRegexMatchFlags(0),
                                nullptr);
  GstCheckLogFilter *filter =  // takes the regex
      gst_check_add_log_filter("GLib-GObject", G_LOG_LEVEL_WARNING, refusal, count_refusal, nullptr, nullptr);
  const std::vector<std::string> names = fuzzable_property_names(fe.factory);

  std::vector<std::string> parse_only;
  for (const auto &f : fragments) parse_only.push_back(replace_all(f, "@ELEMENT@", fe.factory));
  std::vector<std::string> runnable;
  add_random_launch_lines(fe, names, values, caps, parse_only, runnable);

  for (const auto &desc : parse_only) parse_to_ready_and_back(desc);
  guint ran = 0;
  for (const auto &desc : runnable)
    if (parse_and_run(desc)) ran++;
  gst_check_remove_log_filter(filter);
  GST_INFO("%s: %zu launch lines parsed, %u pipelines run", fe.factory, parse_only.size(), ran);
  fail_unless(ran > 0);
}
GST_END_TEST;

// What the caps and launch-line fuzzers found once they covered all four
// elements, each case as found (the fuzzer's seed reaches them too):
// refusals without a message and channel-masks proposed upstream or
// fixated downstream that GStreamer warns about ("Invalid channel
// positions", fatal here).
GST_START_TEST(test_regression_fuzzer_findings) {
  struct CapsFinding {
    const char *element, *in, *downstream;
  };
  const CapsFinding caps_findings[] = {
      // fastresample asked to change the format: not-negotiated, no message.
      {"fastresample", "audio/x-raw,format=F32LE,rate=48000,channels=2",
       "audio/x-raw,format=S16LE,rate=16000,channels=2"},
      // rmsvad, caps without format and channels, downstream in other memory.
      {"rmsvad", "audio/x-raw,at=S16LE,layout=interleaved,rate=16000,channeS16ls=1",
       "audio/x-raw(memory:DMABuf),format=F32LE,layout=interleaved,rate=48000,channels=2"},
      // jsonbridge, channels=0 facing non-audio downstream.
      {"jsonbridge", "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=0",
       "video/x-raw,format=I420,width=16,height=16"},
      // fastresample fixated downstream's bad channel-mask and handed it to
      // gst_audio_info_from_caps() in set_caps.
      {"fastresample", "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=2",
       "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=2,channel-mask=(bitmask)0xc000000000000000"},
  };
  for (const auto &f : caps_findings) {
    GstHarness *h = harness_with_bus(f.element);
    gst_harness_set_sink_caps_str(h, f.downstream);
    gst_harness_set_src_caps_str(h, f.in);
    GstBuffer *buf = gst_buffer_new_allocate(nullptr, 4096, nullptr);
    gst_buffer_memset(buf, 0, 0, 4096);
    const GstFlowReturn ret = gst_harness_push(h, buf);
    fail_unless_equals_int(ret, GST_FLOW_NOT_NEGOTIATED);
    GstMessage *msg = pop_problem(h->element);
    fail_unless(msg != nullptr, "%s: '%s' -> '%s' refused without a message", f.element, f.in, f.downstream);
    fail_if(message_text(msg).empty());
    gst_message_unref(msg);
    teardown_with_bus(h);
  }
  // Downstream's bad channel-mask offered to audiotestsrc, which warned
  // when fixating it; now nothing is offered and the source fails to
  // negotiate with an error.
  for (const char *element : {"fastresample", "rmsvad", "jsonbridge"}) {
    for (const char *mask : {"channels=2,channel-mask=(bitmask)0x1", "channels=1,channel-mask=(bitmask)0x8000000000000000"}) {
      const std::string desc = std::string("audiotestsrc num-buffers=1 ! ") + element +
                               " ! audio/x-raw,format=S16LE,layout=interleaved,rate=48000," + mask + " ! fakesink";
      GstElement *pipeline = gst_parse_launch(desc.c_str(), nullptr);
      fail_unless(pipeline != nullptr);
      gst_element_set_state(pipeline, GST_STATE_PLAYING);
      GstBus *bus = gst_element_get_bus(pipeline);
      GstMessage *msg =
          gst_bus_timed_pop_filtered(bus, 10 * GST_SECOND, GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
      fail_unless(msg != nullptr && GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR, "'%s' negotiated", desc.c_str());
      gst_message_unref(msg);
      gst_object_unref(bus);
      gst_element_set_state(pipeline, GST_STATE_NULL);
      gst_object_unref(pipeline);
    }
  }
}
GST_END_TEST;

namespace {

struct DecodeOutcome {
  std::vector<uint8_t> bytes;  // every decoded sample, in order
  std::vector<std::string> caps;  // the caps events sent downstream, in order (repeats folded)
  std::vector<std::string> problems;  // error and warning texts, in order
  GstFlowReturn flow = GST_FLOW_OK;  // the first non-OK flow
};

// Feeds `stream` to jsonbridge mode=decode in chunks (sizes from `rng`, or
// one buffer without it), then EOS.
DecodeOutcome decode_stream(const std::string &stream, const char *on_error, std::mt19937 *rng) {
  DecodeOutcome r;
  const std::string desc = std::string("jsonbridge mode=decode on-error=") + on_error;
  GstHarness *h = harness_with_bus(desc.c_str());
  gst_harness_set_src_caps_str(h, "application/x-json");
  gst_harness_set_sink_caps_str(h, "audio/x-raw");
  auto drain = [&] {
    while (GstBuffer *o = gst_harness_try_pull(h)) {
      auto b = bytes_of(o);
      r.bytes.insert(r.bytes.end(), b.begin(), b.end());
      gst_buffer_unref(o);
    }
    while (GstEvent *e = gst_harness_try_pull_event(h)) {
      if (GST_EVENT_TYPE(e) == GST_EVENT_CAPS) {
        GstCaps *caps;
        gst_event_parse_caps(e, &caps);
        gchar *text = gst_caps_to_string(caps);
        if (r.caps.empty() || r.caps.back() != text) r.caps.emplace_back(text);
        g_free(text);
      }
      gst_event_unref(e);
    }
  };
  size_t at = 0;
  while (at < stream.size() && r.flow == GST_FLOW_OK) {
    const size_t n = rng ? std::min<size_t>(stream.size() - at, 1 + (*rng)() % ((*rng)() % 4 == 0 ? 400 : 24))
                         : stream.size();
    GstBuffer *buf = gst_buffer_new_memdup(stream.data() + at, n);
    r.flow = gst_harness_push(h, buf);
    drain();
    at += n;
  }
  if (r.flow == GST_FLOW_OK) gst_harness_push_event(h, gst_event_new_eos());
  drain();
  while (GstMessage *msg = pop_problem(h->element)) {
    r.problems.push_back(message_text(msg));
    gst_message_unref(msg);
  }
  teardown_with_bus(h);
  return r;
}

}  // namespace

// The jsonbridge decoder through the element: mutated NDJSON (the committed
// example plus random edits, newlines included) fed in random chunks must
// give exactly what the same bytes give in one buffer: the same samples,
// caps, error and warning texts (line and byte offsets) and flow; every
// refusal comes with a message. Both on-error modes.
GST_START_TEST(test_fuzz_jsonbridge_decode_chunking) {
  const char *dir = g_getenv("FASTAUDIO_TEST_FILES");
  fail_unless(dir != nullptr);
  gchar *path = g_build_filename(dir, "json", "worked-example.ndjson", nullptr);
  gchar *contents = nullptr;
  gsize length = 0;
  fail_unless(g_file_get_contents(path, &contents, &length, nullptr), "cannot read %s", path);
  const std::string example(contents, length);
  g_free(contents);
  g_free(path);
  std::mt19937 rng(base_seed() + 3);
  const std::vector<std::string> pieces = {"\n", "}", "{", "\"samples\":", "1e999", "-0", "\"NaN\"", ",", "]",
                                           "\"channels\":0", "\"rate\":-1", "\"format\":\"S8\"", "\\u0000"};
  const guint rounds = iterations(300);
  guint refused = 0;
  for (guint round = 0; round < rounds; round++) {
    std::string stream;
    const int objects = 1 + rng() % 4;
    for (int k = 0; k < objects; k++) stream += example;
    const int edits = rng() % 6;
    for (int e = 0; e < edits; e++) {
      const size_t pos = rng() % (stream.size() + 1);
      switch (rng() % 4) {
        case 0: stream.insert(pos, pieces[rng() % pieces.size()]); break;
        case 1: if (pos < stream.size()) stream.erase(pos, 1 + rng() % 8); break;
        case 2: if (pos < stream.size()) stream[pos] = char(rng()); break;
        default: stream.resize(pos); break;  // truncated
      }
    }
    for (const char *on_error : {"skip", "fail"}) {
      const DecodeOutcome whole = decode_stream(stream, on_error, nullptr);
      const DecodeOutcome chunked = decode_stream(stream, on_error, &rng);
      const std::string what = std::string("round ") + std::to_string(round) + ", on-error=" + on_error;
      fail_unless(chunked.problems == whole.problems, "%s: chunked run reports %zu problems (%s), one buffer %zu (%s)",
                  what.c_str(), chunked.problems.size(),
                  chunked.problems.empty() ? "-" : chunked.problems[0].c_str(), whole.problems.size(),
                  whole.problems.empty() ? "-" : whole.problems[0].c_str());
      fail_unless(chunked.bytes == whole.bytes, "%s: chunked run decodes %zu bytes, one buffer %zu", what.c_str(),
                  chunked.bytes.size(), whole.bytes.size());
      fail_unless(chunked.caps == whole.caps, "%s: %zu caps events chunked, %zu in one buffer", what.c_str(),
                  chunked.caps.size(), whole.caps.size());
      fail_unless(chunked.flow == whole.flow, "%s: flow %s chunked, %s in one buffer", what.c_str(),
                  gst_flow_get_name(chunked.flow), gst_flow_get_name(whole.flow));
      fail_unless(whole.flow == GST_FLOW_OK || !whole.problems.empty(), "%s: flow %s without a message",
                  what.c_str(), gst_flow_get_name(whole.flow));
      if (!whole.problems.empty()) refused++;
    }
  }
  fail_unless(refused > 0, "no mutation was refused: the fuzzer is not mutating");
  GST_INFO("jsonbridge decode: %u streams, %u with problems", rounds, refused);
}
GST_END_TEST;

static Suite *fuzz_properties_suite() {
  Suite *s = suite_create("fuzz_properties");
  TCase *tc = tcase_create("general");
  tcase_set_timeout(tc, 300);
  suite_add_tcase(s, tc);
  const int n = std::size(kElements);
  tcase_add_loop_test(tc, test_fuzz_property_values, 0, n);
  // Caps strings and launch lines for every element (gst/negotiation.h
  // explains each refusal; what the fuzzer found is a regression test).
  tcase_add_loop_test(tc, test_fuzz_caps_strings, 0, n);
  tcase_add_loop_test(tc, test_fuzz_parse_launch, 0, n);
  tcase_add_test(tc, test_regression_fuzzer_findings);
  tcase_add_test(tc, test_fuzz_jsonbridge_decode_chunking);
  return s;
}

GST_CHECK_MAIN(fuzz_properties);
