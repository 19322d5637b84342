#include "operator_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iterator>

#include <imgui.h>

#include "bar_charts.hpp"
#include "bloatmeter/grade.hpp"
#include "results_view.hpp"

namespace bloatmeter::web {
namespace {

using Kind = OperatorAction::Kind;

OperatorAction act(Kind kind, int value = 0, std::string text = {}) { return OperatorAction(kind, value, std::move(text)); }

std::string fmt(const char* f, double v) {
  char out[64];
  std::snprintf(out, sizeof out, f, v);
  return out;
}

void caps(const Theme& t, const char* text) {
  ImGui::PushFont(t.fonts.small);
  ImGui::TextColored(t.palette.text_muted, "%s", text);
  ImGui::PopFont();
}

// A caption, wrapped at `width` from here.
void muted_small(const Theme& t, const std::string& text, float width) {
  ImGui::PushFont(t.fonts.small);
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextColored(t.palette.text_muted, "%s", text.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopFont();
}

// Text wrapped at `width` from here, in one colour.
void wrapped(const ImVec4& color, float width, const std::string& text) {
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextColored(color, "%s", text.c_str());
  ImGui::PopTextWrapPos();
}

// A grade's colour; A+ a deeper green than A, so the two part in a stack.
ImVec4 grade_colour(const Palette& p, const std::string& grade) {
  if (grade == "A+") return ImVec4(0.16f, 0.64f, 0.36f, 1);
  const auto g = grade_from_string(grade);
  return g ? grade_color(p, *g) : p.text_muted;
}

// "5 Dec" from "2026-12-05".
std::string day_label(const std::string& day) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (day.size() != 10) return day;
  const int month = std::atoi(day.substr(5, 2).c_str());
  const int d = std::atoi(day.substr(8, 2).c_str());
  if (month < 1 || month > 12) return day;
  return std::to_string(d) + " " + kMonths[month - 1];
}

// The grade as a tinted pill, on the current line.
void grade_pill(const Theme& t, const std::string& grade, bool aborted) {
  const std::string text = aborted ? "aborted" : (grade.empty() ? "\xE2\x80\x93" : grade);
  const ImVec4 color = aborted ? t.palette.warn : grade_colour(t.palette, grade);
  const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
  const ImVec2 a = ImGui::GetCursorScreenPos();
  const ImVec2 pad(t.pt(8), t.pt(2));
  ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(a.x - pad.x, a.y - pad.y), ImVec2(a.x + ts.x + pad.x, a.y + ts.y + pad.y),
                                            to_u32(color, 0.16f), t.pt(6));
  ImGui::TextColored(color, "%s", text.c_str());
}

// ---- the key prompt --------------------------------------------------------

OperatorAction draw_key_prompt(const OperatorState& s, const Theme& t, float width, OperatorFields& fields) {
  OperatorAction action;
  const auto& p = t.palette;
  const float card_w = std::min(width, t.pt(560));
  const float x0 = ImGui::GetCursorPosX() + std::floor((width - card_w) * 0.5f);
  ImGui::Dummy(ImVec2(0, t.pt(width > t.pt(600) ? 28 : 6)));
  ImGui::SetCursorPosX(x0);
  CardRow card(t, card_w, 1);
  const float inner = card.begin(0);
  caps(t, "OPERATOR VIEW");
  ImGui::PushFont(t.fonts.heading);
  ImGui::TextUnformatted("Sign in with the API key");
  ImGui::PopFont();
  ImGui::TextColored(p.text_muted,
                     "The tests this server has stored, its grades over time and its webhooks. The key is "
                     "telemetry_api_key in the server's config file.");
  ImGui::Dummy(ImVec2(0, t.pt(2)));
  text_field_frame(t, inner, fields.key);
  if (!s.key_message.empty()) {
    status_dot(t, p.bad);
    ImGui::TextColored(p.bad, "%s", s.key_message.c_str());
  }
  const bool checking = s.stage == OperatorState::Stage::Checking;
  ImGui::BeginDisabled(checking);
  if (primary_button(checking ? "Checking the key\xE2\x80\xA6" : "Sign in", t, inner)) action = act(Kind::SignIn);
  ImGui::EndDisabled();
  ImGui::PushFont(t.fonts.small);
  ImGui::TextColored(p.text_muted,
                     "The key stays in this tab only and is forgotten when the tab closes; it is never saved in "
                     "cookies or the address bar.");
  ImGui::PopFont();
  card.end();
  card.finish();
  ImGui::Dummy(ImVec2(0, t.pt(4)));
  ImGui::SetCursorPosX(x0);
  if (small_button("\xE2\x86\x90 Back to the test", t)) action = act(Kind::Leave);
  return action;
}

// ---- the dashboard ---------------------------------------------------------

// A table of tests; a row pressed opens its result. Sortable by its headers
// when `sort` is given.
void rows_table(const char* id, const std::vector<TelemetryRow>& rows, std::size_t count, const SortOrder* sort,
                const Theme& t, float width, OperatorAction& action) {
  const auto& p = t.palette;
  const bool narrow = width < t.pt(620);
  std::vector<ColumnOption> columns;
  for (const auto& c : kColumns)
    if (!narrow || c.on_phones) columns.push_back(c);
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp |
                                ImGuiTableFlags_PadOuterX;
  ImGui::PushStyleVar(ImGuiStyleVar_CellPadding, ImVec2(t.pt(narrow ? 4 : 8), 0));
  if (!ImGui::BeginTable(id, static_cast<int>(columns.size()), flags, ImVec2(width, 0))) {
    ImGui::PopStyleVar();
    return;
  }
  for (const auto& c : columns) {
    const float weight = c.column == SortColumn::Time ? 1.5f : c.column == SortColumn::Address ? 1.4f
                       : c.column == SortColumn::Client                                   ? 1.2f
                                                                                          : 0.9f;
    ImGui::TableSetupColumn(c.title, ImGuiTableColumnFlags_WidthStretch, weight);
  }
  const float header_h = t.pt(38), row_h = t.pt(narrow ? 44 : 42);
  ImGui::PushFont(t.fonts.small);
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers, header_h);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    ImGui::TableNextColumn();
    const auto& c = columns[i];
    std::string label = c.title;
    const bool sorted = sort && sort->column == c.column;
    if (sorted) label += sort->descending ? " \xE2\x86\x93" : " \xE2\x86\x91";
    ImGui::PushID(static_cast<int>(i));
    ImGui::PushStyleColor(ImGuiCol_Text, sorted ? p.text : p.text_muted);
    ImGui::PushStyleVar(ImGuiStyleVar_SelectableTextAlign, ImVec2(0, 0.5f));
    if (ImGui::Selectable(label.c_str(), false, sort ? 0 : ImGuiSelectableFlags_Disabled, ImVec2(0, header_h)) && sort)
      action = act(Kind::Sort, static_cast<int>(c.column));
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
    ImGui::PopID();
  }
  ImGui::PopFont();
  const std::size_t n = std::min(count, rows.size());
  const bool fleet = from_several_servers(rows);  // then each row names its server
  for (std::size_t r = 0; r < n; ++r) {
    const auto& row = rows[r];
    ImGui::TableNextRow(0, row_h);
    ImGui::PushID(static_cast<int>(r));
    for (std::size_t i = 0; i < columns.size(); ++i) {
      ImGui::TableNextColumn();
      const float y = ImGui::GetCursorPosY();
      if (i == 0) {
        const float x = ImGui::GetCursorPosX();
        if (ImGui::Selectable("##open", false, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap,
                              ImVec2(0, row_h)))
          action = act(Kind::OpenResult, 0, row.result_id);
        if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
        ImGui::SetCursorPosX(x);
      }
      ImGui::SetCursorPosY(y + (row_h - ImGui::GetTextLineHeight()) * 0.5f);
      switch (columns[i].column) {
        case SortColumn::Time: {
          const std::string when = short_time(row.created_at);
          ImGui::TextUnformatted(narrow && when.size() > 5 ? when.substr(5).c_str() : when.c_str());
          break;
        }
        case SortColumn::Grade: grade_pill(t, row.grade, row.aborted); break;
        case SortColumn::Increase:
          if (row.increase_ms) ImGui::TextUnformatted(fmt("%+.0f ms", *row.increase_ms).c_str());
          else ImGui::TextColored(p.text_muted, "\xE2\x80\x93");
          break;
        case SortColumn::Download:
        case SortColumn::Upload: {
          const auto& v = columns[i].column == SortColumn::Download ? row.download_mbps : row.upload_mbps;
          if (v) ImGui::TextColored(columns[i].column == SortColumn::Download ? p.accent : p.upload, "%s",
                                    fmt(*v >= 100 ? "%.0f" : "%.1f", *v).c_str());
          else ImGui::TextColored(p.text_muted, "\xE2\x80\x93");
          break;
        }
        case SortColumn::Client:
          ImGui::TextColored(p.text_muted, "%s%s%s%s", row.client_kind == "native" ? "CLI" : "Browser",
                             row.mode == "household" ? " \xE2\x80\xA2 household" : "", fleet ? " \xE2\x80\xA2 " : "",
                             fleet ? row.server_id.c_str() : "");
          break;
        case SortColumn::Address:
          ImGui::TextColored(p.text_muted, "%s", row.client_ip.empty() ? "\xE2\x80\x93" : row.client_ip.c_str());
          break;
      }
    }
    ImGui::PopID();
  }
  ImGui::EndTable();
  ImGui::PopStyleVar();
}

void draw_toolbar(const OperatorState& s, const Theme& t, float width, OperatorAction& action) {
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float left = ImGui::GetCursorPosX();
  const float buttons = small_button_width("Refresh", t) + gap + small_button_width("Sign out", t);
  const float y = ImGui::GetCursorPosY();
  ImGui::SetCursorPosY(y + (t.pt(40) - ImGui::GetTextLineHeight()) * 0.5f);
  const bool busy = s.loads_pending > 0;
  status_dot(t, busy ? t.palette.warn : (s.load_error.empty() ? t.palette.good : t.palette.bad));
  ImGui::PushFont(t.fonts.small);
  if (busy) ImGui::TextColored(t.palette.text_muted, "Updating\xE2\x80\xA6");
  else if (width > buttons + t.pt(250))
    ImGui::TextColored(t.palette.text_muted, "Updated %s UTC, again each minute", utc_clock(s.loaded_unix).c_str());
  else ImGui::TextColored(t.palette.text_muted, "Updated %s UTC", utc_clock(s.loaded_unix).c_str());
  ImGui::PopFont();
  ImGui::SetCursorPos(ImVec2(left + width - buttons, y));
  if (small_button("Refresh", t)) action = act(Kind::Refresh);
  ImGui::SameLine(0, gap);
  if (small_button("Sign out", t)) action = act(Kind::SignOut);
}

void draw_customer_search(const OperatorState& s, const Theme& t, float inner, OperatorFields& fields,
                          OperatorAction& action) {
  const auto& p = t.palette;
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  caps(t, "FIND A CUSTOMER");
  ImGui::TextColored(p.text_muted, "Their tests by address or prefix: 192.0.2.7, 2001:db8::1 or 198.51.100.0/24.");
  const float button_w = std::max(t.pt(96), ImGui::CalcTextSize("Search").x + t.pt(36));
  text_field_frame(t, inner - button_w - gap, fields.search);
  ImGui::SameLine(0, gap);
  if (primary_button("Search", t, button_w)) action = act(Kind::Search);
  if (s.searching) ImGui::TextColored(p.text_muted, "Searching\xE2\x80\xA6");
  if (!s.search_error.empty()) ImGui::TextColored(p.bad, "%s", s.search_error.c_str());
  if (!s.search) return;
  const auto& rows = s.search->rows;
  if (rows.empty()) {
    ImGui::TextColored(p.text, "No stored tests from %s.", s.search_query.c_str());
  } else {
    const std::size_t shown = std::min<std::size_t>(rows.size(), 8);
    ImGui::TextColored(p.text, "%s from %s%s", rows.size() == 1 ? "1 test" : (std::to_string(rows.size()) + (s.search->more ? "+" : "") + " tests").c_str(),
                       s.search_query.c_str(), shown < rows.size() ? (", the newest " + std::to_string(shown) + " here").c_str() : "");
    muted_small(t, "Tap a test to open its result.", inner);
    rows_table("customer", rows, shown, nullptr, t, inner, action);
  }
  if (!s.search->note.empty()) {
    ImGui::PushFont(t.fonts.small);
    ImGui::TextColored(p.text_muted, "%s.", s.search->note.c_str());
    ImGui::PopFont();
  }
}

// The outbox's counts side by side: a figure over its caption each.
void webhook_figures(const Theme& t, float inner, const WebhookHealth& h) {
  const auto& p = t.palette;
  const struct {
    const char* title;
    std::int64_t value;
    ImVec4 color;
  } cells[] = {{"delivered", h.delivered, p.text},
               {"waiting", h.queue_depth, h.queue_depth > 0 ? p.warn : p.text},
               {"refused", h.failed_permanently, h.failed_permanently > 0 ? p.warn : p.text},
               {"dropped", h.dropped, h.dropped > 0 ? p.bad : p.text}};
  const ImVec2 o = ImGui::GetCursorScreenPos();
  float bottom = o.y;
  for (std::size_t i = 0; i < std::size(cells); ++i) {
    ImGui::SetCursorScreenPos(ImVec2(o.x + inner / 4 * static_cast<float>(i), o.y));
    ImGui::BeginGroup();
    ImGui::PushFont(t.fonts.heading);
    ImGui::TextColored(cells[i].color, "%lld", static_cast<long long>(cells[i].value));
    ImGui::PopFont();
    ImGui::PushFont(t.fonts.small);
    ImGui::TextColored(p.text_muted, "%s", cells[i].title);
    ImGui::PopFont();
    ImGui::EndGroup();
    bottom = std::max(bottom, ImGui::GetItemRectMax().y);
  }
  ImGui::SetCursorScreenPos(ImVec2(o.x, bottom + ImGui::GetStyle().ItemSpacing.y));
}

void draw_webhooks(const OperatorState& s, const Theme& t, float inner) {
  const auto& p = t.palette;
  caps(t, "WEBHOOKS");
  if (!s.webhooks) {
    ImGui::TextColored(s.webhook_error.empty() ? p.text_muted : p.warn, "%s",
                       s.webhook_error.empty() ? "Loading\xE2\x80\xA6" : s.webhook_error.c_str());
    return;
  }
  const auto& h = *s.webhooks;
  const bool trouble = webhook_trouble(h);
  ImGui::PushFont(t.fonts.heading);
  status_dot(t, !h.configured ? p.text_muted : trouble ? p.warn : p.good);
  ImGui::TextUnformatted(webhook_headline(h).c_str());
  ImGui::PopFont();
  if (!h.configured && h.queue_depth == 0 && h.delivered == 0) {
    ImGui::TextColored(p.text_muted,
                       "Set webhook_url and webhook_secret in the server's config file to post every stored test to "
                       "your own system.");
    return;
  }
  webhook_figures(t, inner, h);
  ImGui::PushFont(t.fonts.small);
  if (h.queue_depth > 0 && h.oldest_waiting_age_s)
    ImGui::TextColored(trouble ? p.warn : p.text_muted, "Oldest waiting %.0f s, %lld attempts%s%s", *h.oldest_waiting_age_s,
                       static_cast<long long>(h.oldest_attempts), h.oldest_last_error.empty() ? "" : ": ",
                       h.oldest_last_error.c_str());
  ImGui::TextColored(p.text_muted, "Last success: %s", h.last_success.empty() ? "none yet" : (short_time(h.last_success) + " UTC").c_str());
  if (!h.last_failure.empty())
    ImGui::TextColored(trouble ? p.warn : p.text_muted, "Last failure: %s UTC%s%s", short_time(h.last_failure).c_str(),
                       h.last_failure_reason.empty() ? "" : ", ", h.last_failure_reason.c_str());
  ImGui::PopFont();
}

// Lays chips out left to right, wrapping at the column's edge; a group
// starts a new line when it does not fit on this one.
class ChipFlow {
 public:
  // `labels_above`: each group's name on a line of its own (phones).
  ChipFlow(const Theme& t, float width, bool labels_above)
      : t_(t), left_(ImGui::GetCursorScreenPos().x), right_(left_ + width), x_(left_), y_(ImGui::GetCursorScreenPos().y),
        above_(labels_above) {}
  // A group's name, then its chips; the group starts a new line when it
  // does not fit on this one.
  void group(const char* label, float chips_width) {
    ImGui::PushFont(t_.fonts.small);
    const float w = ImGui::CalcTextSize(label).x + t_.pt(10);
    const bool above = above_;
    if (x_ > left_ && (above || x_ + t_.pt(14) + w + chips_width > right_)) newline();
    else if (x_ > left_) x_ += t_.pt(14);
    ImGui::SetCursorScreenPos(ImVec2(x_, above ? y_ : y_ + (t_.pt(34) - ImGui::GetTextLineHeight()) * 0.5f));
    ImGui::TextColored(t_.palette.text_muted, "%s", label);
    if (above) y_ += ImGui::GetTextLineHeight() + t_.pt(6);
    else x_ += w;
    ImGui::PopFont();
  }
  bool chip(const char* label, bool selected) {
    const float w = chip_width(label, t_);
    if (x_ > left_ && x_ + w > right_) newline();
    ImGui::SetCursorScreenPos(ImVec2(x_, y_));
    const bool pressed = web::chip(label, selected, t_);
    x_ += w + t_.pt(6);
    return pressed;
  }
  void finish() {
    ImGui::SetCursorScreenPos(ImVec2(left_, y_ + t_.pt(34) + ImGui::GetStyle().ItemSpacing.y));
    ImGui::Dummy(ImVec2(0, 0));
  }

 private:
  void newline() {
    x_ = left_;
    y_ += t_.pt(34) + t_.pt(10);
  }
  const Theme& t_;
  float left_, right_, x_, y_;
  bool above_;
};

void draw_filters(const OperatorState& s, const Theme& t, float width, OperatorAction& action) {
  const auto& f = s.filter;
  ChipFlow flow(t, width, width < t.pt(600));
  const auto widths = [&](auto labels) {
    float w = 0;
    for (const char* l : labels) w += chip_width(l, t) + t.pt(6);
    return w;
  };
  ImGui::PushID("period");
  flow.group("PERIOD", widths(std::vector<const char*>{"All time", "24 h", "7 days", "30 days"}));
  for (const auto& o : kPeriodOptions)
    if (flow.chip(o.chip, f.period == o.period)) action = act(Kind::Period, static_cast<int>(o.period));
  if (f.period == PeriodFilter::OneDay) {
    const std::string label = day_label(f.day) + "  \xC3\x97";
    if (flow.chip(label.c_str(), true)) action = act(Kind::Period, static_cast<int>(PeriodFilter::All));
  }
  ImGui::PopID();
  ImGui::PushID("client");
  flow.group("CLIENT", widths(std::vector<const char*>{"Both", "Browser", "Command line"}));
  for (const auto& o : kClientOptions)
    if (flow.chip(o.chip, f.client_kind == o.kind)) action = act(Kind::Client, 0, o.kind);
  ImGui::PopID();
  ImGui::PushID("grade");
  flow.group("GRADE", widths(std::vector<const char*>{"All", "A+", "A", "B", "C", "D", "F"}));
  if (flow.chip("All", f.grade.empty())) action = act(Kind::Grade, 0, "");
  for (std::size_t i = 0; i + 1 < kGradeNames.size(); ++i) {
    const std::string g(kGradeNames[i]);
    if (flow.chip(g.c_str(), f.grade == g)) action = act(Kind::Grade, 0, g);
  }
  ImGui::PopID();
  flow.finish();
}

void draw_figures(const OperatorState& s, const Theme& t, float width) {
  const bool wide = width >= t.pt(640);
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float w = wide ? (width - 3 * gap) / 4 : (width - gap) / 2;
  std::int64_t aborted = 0;
  for (const auto& r : s.rows) aborted += r.aborted ? 1 : 0;
  const std::string count = std::to_string(s.rows.size()) + (s.more_rows ? "+" : "");
  metric_card("tests", t, w, "TESTS", count,
              s.more_rows ? "the newest " + std::to_string(s.rows.size()) + " shown"
                          : (aborted ? std::to_string(aborted) + " aborted" : "none aborted"),
              std::nullopt);
  ImGui::SameLine(0, gap);
  const auto increase = spread(figures(s.rows, RowFigure::Increase));
  std::optional<Grade> grade;
  if (increase.median) grade = grade_for_increase(*increase.median);
  metric_card("latency", t, w, wide ? "LATENCY UNDER LOAD" : "LATENCY", increase.median ? fmt("%+.0f ms", *increase.median) : "\xE2\x80\x93",
              increase.p90 ? fmt("median \xE2\x80\xA2 p90 %+.0f ms", *increase.p90) : "median", grade);
  if (wide) ImGui::SameLine(0, gap);
  const auto down = spread(figures(s.rows, RowFigure::Download));
  metric_card("down", t, w, "DOWNLOAD", down.median ? fmt("%.1f", *down.median) : "\xE2\x80\x93", "Mbit/s, median", std::nullopt);
  ImGui::SameLine(0, gap);
  const auto up = spread(figures(s.rows, RowFigure::Upload));
  metric_card("up", t, w, "UPLOAD", up.median ? fmt("%.1f", *up.median) : "\xE2\x80\x93", "Mbit/s, median", std::nullopt);
}

void draw_per_day(const OperatorState& s, const Theme& t, float width, OperatorAction& action) {
  const auto& p = t.palette;
  const int span = s.filter.period == PeriodFilter::Week || s.filter.period == PeriodFilter::Day ? 7 : kOperatorChartDays;
  const auto days = fill_days(s.days, s.today, span);
  StackedBarChart chart;
  chart.id = "per-day";
  std::vector<ChartSeries> legend_items;
  for (std::size_t g = 0; g < kGradeNames.size(); ++g) {
    const std::string name = g + 1 == kGradeNames.size() ? "No grade" : std::string(kGradeNames[g]);
    const ImVec4 color = g + 1 == kGradeNames.size() ? p.surface_hi : grade_colour(p, std::string(kGradeNames[g]));
    chart.layers.push_back({name, color});
    legend_items.push_back({name, color, {}});
  }
  for (std::size_t i = 0; i < days.size(); ++i) {
    StackedBar bar{day_label(days[i].day), days[i].day, {}};
    for (auto n : days[i].grades) bar.values.push_back(static_cast<float>(n));
    chart.bars.push_back(std::move(bar));
    if (s.filter.period == PeriodFilter::OneDay && days[i].day == s.filter.day) chart.selected = static_cast<int>(i);
  }
  section_title(t, "Tests per day");
  muted_small(t, "The last " + std::to_string(span) + " days (UTC) by grade. Tap a day to list its tests.", width);
  const int clicked = draw_stacked_bars(chart, t, ImVec2(width, t.pt(width < t.pt(520) ? 170 : 210)));
  if (clicked >= 0) {
    const auto& day = days[static_cast<std::size_t>(clicked)].day;
    action = s.filter.period == PeriodFilter::OneDay && s.filter.day == day ? act(Kind::Period, static_cast<int>(PeriodFilter::All))
                                                                          : act(Kind::Day, 0, day);
  }
  legend(t, legend_items, width);
}

void draw_latency_histogram(const OperatorState& s, const Theme& t, float width) {
  const auto& p = t.palette;
  const auto values = figures(s.rows, RowFigure::Increase);
  const auto sp = spread(values);
  section_title(t, "Latency under load");
  muted_small(t, sp.median ? fmt("Added by the load: median %+.0f ms", *sp.median) + fmt(", p90 %+.0f ms", sp.p90.value_or(0))
                           : std::string("No graded tests yet."),
              width);
  const Histogram h = histogram({values}, width < t.pt(420) ? 8 : 12, 50);
  HistogramChart chart;
  chart.id = "latency-histogram";
  chart.unit = "ms";
  chart.bin_width = static_cast<float>(h.width);
  chart.open_top = h.open_top;
  HistogramSeries series{"Tests", p.accent, {}, {}};
  for (std::size_t b = 0; b < h.bins(); ++b) {
    series.counts.push_back(static_cast<float>(h.counts[0][b]));
    series.bin_colors.push_back(grade_colour(p, std::string(to_string(grade_for_increase((static_cast<double>(b) + 0.5) * h.width)))));
  }
  chart.series.push_back(std::move(series));
  draw_histogram(chart, t, ImVec2(width, t.pt(180)));
  muted_small(t, "Coloured by the grade each increase earns.", width);
}

void draw_throughput_histogram(const OperatorState& s, const Theme& t, float width) {
  const auto& p = t.palette;
  const auto down = figures(s.rows, RowFigure::Download), up = figures(s.rows, RowFigure::Upload);
  const auto d = spread(down), u = spread(up);
  section_title(t, "Throughput");
  muted_small(t, d.median && u.median ? fmt("Median %.1f Mbit/s down", *d.median) + fmt(", %.1f up", *u.median)
                                      : std::string("No throughput measured yet."),
              width);
  const Histogram h = histogram({down, up}, width < t.pt(420) ? 6 : 10, 10);
  HistogramChart chart;
  chart.id = "throughput-histogram";
  chart.unit = "Mbit/s";
  chart.bin_width = static_cast<float>(h.width);
  chart.open_top = h.open_top;
  const char* names[] = {"Download", "Upload"};
  const ImVec4 colors[] = {p.accent, p.upload};
  std::vector<ChartSeries> legend_items;
  for (std::size_t i = 0; i < 2; ++i) {
    HistogramSeries series{names[i], colors[i], {}, {}};
    for (auto c : h.counts[i]) series.counts.push_back(static_cast<float>(c));
    chart.series.push_back(std::move(series));
    legend_items.push_back({names[i], colors[i], {}});
  }
  draw_histogram(chart, t, ImVec2(width, t.pt(180)));
  legend(t, legend_items, width);
}

OperatorAction draw_dashboard(const OperatorState& s, const Theme& t, float width, OperatorFields& fields) {
  OperatorAction action;
  const auto& p = t.palette;
  const bool wide = width >= t.pt(760);
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  draw_toolbar(s, t, width, action);
  if (!s.opening_id.empty()) ImGui::TextColored(p.text_muted, "Opening the result\xE2\x80\xA6");
  if (!s.open_error.empty()) wrapped(p.bad, width, s.open_error);
  if (!s.load_error.empty()) wrapped(p.warn, width, s.load_error);

  if (wide) {
    CardRow row(t, width, 2);
    const float inner = row.begin(0);
    draw_customer_search(s, t, inner, fields, action);
    row.end();
    row.begin(1);
    draw_webhooks(s, t, inner);
    row.end();
    row.finish();
  } else {
    CardRow search(t, width, 1);
    draw_customer_search(s, t, search.begin(0), fields, action);
    search.end();
    search.finish();
    CardRow hooks(t, width, 1);
    draw_webhooks(s, t, hooks.begin(0));
    hooks.end();
    hooks.finish();
  }

  section_title(t, "Tests on this server");
  draw_filters(s, t, width, action);
  draw_figures(s, t, width);
  draw_per_day(s, t, width, action);
  if (wide) {
    const float half = (width - 2 * gap) / 2;
    const ImVec2 top = ImGui::GetCursorScreenPos();
    ImGui::BeginGroup();
    draw_latency_histogram(s, t, half);
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::SetCursorScreenPos(ImVec2(top.x + half + 2 * gap, top.y));
    ImGui::BeginGroup();
    draw_throughput_histogram(s, t, half);
    ImGui::EndGroup();
  } else {
    draw_latency_histogram(s, t, width);
    draw_throughput_histogram(s, t, width);
  }

  section_title(t, "Recent tests");
  muted_small(t, s.rows.empty() ? std::string("No stored tests match these filters yet.")
                                 : "Throughput in Mbit/s. Tap a row to open its result; tap a heading to sort.",
              width);
  if (!s.rows.empty()) rows_table("recent", s.rows, s.rows_shown, &s.sort, t, width, action);
  if (s.rows_shown < s.rows.size()) {
    ImGui::Dummy(ImVec2(0, t.pt(2)));
    const std::string more = "Show more (" + std::to_string(s.rows_shown) + " of " + std::to_string(s.rows.size()) + ")";
    if (secondary_button(more.c_str(), t, std::min(width, t.pt(320)), 44)) action = act(Kind::ShowMore);
  }
  return action;
}

}  // namespace

OperatorAction draw_operator(const OperatorState& s, const Theme& t, float width, OperatorFields& fields) {
  if (s.stage != OperatorState::Stage::Ready) return draw_key_prompt(s, t, width, fields);
  return draw_dashboard(s, t, width, fields);
}

}  // namespace bloatmeter::web
