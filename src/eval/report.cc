#include "eval/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "eval/svg.h"

namespace encore {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;
// The curves plotted by WriteReportDir, one file each.
const char* const kPlottedCurves[] = {"ndcg", "recall", "precision", "hit"};

std::string Fixed(double v, int digits = 4) {
  if (!std::isfinite(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

std::string Pvalue(double p) {
  char buf[32];
  if (p < 1e-4) std::snprintf(buf, sizeof(buf), "%.1e", p);
  else std::snprintf(buf, sizeof(buf), "%.4f", p);
  return buf;
}

double MetricOf(const ModelEvaluation& m, const std::string& name) {
  auto it = m.metrics.find(name);
  return it == m.metrics.end() ? std::nan("") : it->second;
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  if (!out) return IoError("cannot write " + path + " (check the directory exists and is writable)");
  out << text;
  out.flush();
  if (!out) return IoError("error while writing " + path);
  return Status::Ok();
}

nlohmann::json Number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

std::string RatiosText(const std::vector<double>& ratios) {
  std::ostringstream s;
  for (size_t i = 0; i < ratios.size(); ++i) s << (i ? ":" : "") << ratios[i];
  return ratios.empty() ? "-" : s.str();
}

}  // namespace

std::vector<std::string> DefaultReportColumns(const std::vector<int>& ks) {
  std::vector<std::string> cols;
  for (int k : ks) {
    for (const char* m : {"ndcg", "precision", "recall", "map", "mrr", "hit"}) {
      cols.push_back(std::string(m) + "@" + std::to_string(k));
    }
  }
  cols.push_back("auc");
  if (!ks.empty()) {
    const std::string k = std::to_string(*std::max_element(ks.begin(), ks.end()));
    for (const char* m : {"coverage", "gini", "novelty", "longtail"}) cols.push_back(std::string(m) + "@" + k);
  }
  return cols;
}

Status CheckReportColumns(const EvalReport& report, const std::vector<std::string>& columns) {
  for (const std::string& c : columns) {
    ENCORE_RETURN_IF_ERROR(ParseMetric(c).status());
    for (const ModelEvaluation& m : report.models) {
      if (!m.metrics.count(c)) {
        return InvalidArgument("metric '" + c + "' was not computed (its K must be among --k, and ild needs item "
                               "genres/tags, ild-emb a model with item vectors)");
      }
    }
  }
  return Status::Ok();
}

std::string FormatTable(const EvalReport& report, const std::vector<std::string>& columns) {
  std::vector<std::string> header = {"model"};
  header.insert(header.end(), columns.begin(), columns.end());
  header.push_back("train_s");
  header.push_back("peak_MiB");
  std::vector<std::vector<std::string>> rows;
  for (const ModelEvaluation& m : report.models) {
    std::vector<std::string> row = {m.label};
    for (const std::string& c : columns) row.push_back(Fixed(MetricOf(m, c)));
    row.push_back(Fixed(m.fit_seconds, 2));
    row.push_back(Fixed(static_cast<double>(m.peak_rss_bytes) / kMiB, 0));
    rows.push_back(std::move(row));
  }
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& row : rows) width[c] = std::max(width[c], row[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(width[c] - cells[c].size(), ' ');
      out += c == 0 ? cells[c] + pad : "  " + pad + cells[c];  // names left, numbers right
    }
    return out + "\n";
  };
  std::string out = line(header);
  size_t total = 0;
  for (size_t w : width) total += w + 2;
  out += std::string(total - 2, '-') + "\n";
  for (const auto& row : rows) out += line(row);
  return out;
}

std::string FormatComparisons(const EvalReport& report) {
  std::string out;
  for (const PairedComparison& c : report.comparisons) {
    char ci[96] = "no bootstrap CI";
    if (c.has_ci) std::snprintf(ci, sizeof(ci), "%.0f%% CI [%+.4f, %+.4f]", (1 - c.alpha) * 100, c.ci_low, c.ci_high);
    char buf[512];
    std::snprintf(buf, sizeof(buf), "%s: %s - %s = %+.4f, %s, paired t p = %s (n = %lld): %s\n", c.metric.c_str(),
                  c.model_a.c_str(), c.model_b.c_str(), c.mean_diff, ci, Pvalue(c.p_value).c_str(),
                  static_cast<long long>(c.n), c.significant ? "significant" : "not significant");
    out += buf;
  }
  return out;
}

std::string ReportJson(const EvalReport& r, const std::string& command_line, int indent) {
  nlohmann::json j;
  j["command"] = command_line;
  j["protocol"] = {{"name", r.protocol},       {"ratios", r.ratios},
                   {"seed", r.seed},           {"filters", r.filters},
                   {"fit_on_valid", r.fit_on_valid}, {"exclude_valid", r.exclude_valid},
                   {"ranking", "full: all candidate items not in the user's training history"}};
  const FilterStats& f = r.filter_stats;
  const double cells = static_cast<double>(f.users_out) * static_cast<double>(f.items_out);
  j["dataset"] = {{"users", r.n_users},
                  {"items", r.n_items},
                  {"pairs_in", f.pairs_in},
                  {"pairs_after_rating_filter", f.pairs_after_rating},
                  {"pairs_positive", f.pairs_positive},
                  {"pairs_after_weight_filter", f.pairs_after_weight},
                  {"pairs_after_filters", f.pairs_out},
                  {"users_after_filters", f.users_out},
                  {"items_after_filters", f.items_out},
                  {"density", Number(cells > 0 ? static_cast<double>(f.pairs_out) / cells : std::nan(""))},
                  {"train_pairs", r.train_pairs},
                  {"valid_pairs", r.valid_pairs},
                  {"test_pairs", r.test_pairs},
                  {"test_users", r.test_users},
                  {"candidate_items", r.candidate_items},
                  {"pairs_dropped_cold_users", r.pairs_dropped_cold_users},
                  {"split_seconds", r.split_seconds}};
  j["ks"] = r.ks;
  j["models"] = nlohmann::json::array();
  for (const ModelEvaluation& m : r.models) {
    nlohmann::json jm;
    jm["label"] = m.label;
    jm["model"] = m.model;
    jm["params"] = m.params;
    jm["fit_seconds"] = m.fit_seconds;
    jm["eval_seconds"] = m.eval_seconds;
    jm["peak_rss_bytes"] = m.peak_rss_bytes;
    jm["peak_rss_mib"] = static_cast<double>(m.peak_rss_bytes) / kMiB;
    jm["peak_rss_scope"] = m.peak_rss_scope;
    jm["users_evaluated"] = m.users.size();
    jm["users_skipped_no_test"] = m.users_skipped;
    nlohmann::json metrics = nlohmann::json::object();
    for (const std::string& name : m.metric_names) metrics[name] = Number(m.metrics.at(name));
    jm["metrics"] = metrics;
    nlohmann::json curves = nlohmann::json::object();
    for (const auto& [name, values] : m.curves) {
      nlohmann::json arr = nlohmann::json::array();
      for (double v : values) arr.push_back(Number(v));
      curves[name] = arr;
    }
    jm["curves"] = curves;
    j["models"].push_back(jm);
  }
  j["comparisons"] = nlohmann::json::array();
  for (const PairedComparison& c : r.comparisons) {
    j["comparisons"].push_back({{"metric", c.metric},
                                {"model_a", c.model_a},
                                {"model_b", c.model_b},
                                {"n", c.n},
                                {"mean_a", Number(c.mean_a)},
                                {"mean_b", Number(c.mean_b)},
                                {"mean_diff", Number(c.mean_diff)},
                                {"t", Number(c.t)},
                                {"p_value", Number(c.p_value)},
                                {"ci_low", c.has_ci ? Number(c.ci_low) : nlohmann::json()},
                                {"ci_high", c.has_ci ? Number(c.ci_high) : nlohmann::json()},
                                {"alpha", c.alpha},
                                {"significant", c.significant}});
  }
  j["machine"] = {{"cpu_model", r.cpu_model}, {"cpus", r.cpus}, {"threads", r.threads}};
  return j.dump(indent) + "\n";
}

std::string ReportMarkdown(const EvalReport& r, const std::vector<std::string>& columns,
                           const std::string& command_line) {
  std::string md = "# Evaluation report\n\n";
  md += "Command: `" + command_line + "`\n\n";
  md += "Protocol: **" + r.protocol + "** (ratios " + RatiosText(r.ratios) + ", seed " + std::to_string(r.seed) +
        "), filters: " + r.filters + "; models fitted on " + (r.fit_on_valid ? "train + valid" : "train") +
        "; full ranking over all candidate items the user has not interacted with in training" +
        (r.exclude_valid && !r.fit_on_valid ? " (validation items excluded too)" : "") + ".\n\n";
  const FilterStats& f = r.filter_stats;
  md += "| dataset | value |\n|---|---:|\n";
  auto row = [&](const std::string& k, long long v) { md += "| " + k + " | " + std::to_string(v) + " |\n"; };
  row("pairs in the store", f.pairs_in);
  row("pairs after filters", f.pairs_out);
  row("users after filters", f.users_out);
  row("items after filters", f.items_out);
  row("train pairs", r.train_pairs);
  row("validation pairs", r.valid_pairs);
  row("test pairs", r.test_pairs);
  row("test users", r.test_users);
  row("candidate items", r.candidate_items);
  if (r.pairs_dropped_cold_users > 0) row("held-out pairs dropped (user not in training)", r.pairs_dropped_cold_users);
  md += "\n## Results\n\n| model |";
  for (const std::string& c : columns) md.append(" ").append(c).append(" |");
  md += " train s | peak MiB |\n|---|";
  for (size_t i = 0; i < columns.size() + 2; ++i) md += "---:|";
  md += "\n";
  for (const ModelEvaluation& m : r.models) {
    md += "| " + m.label + " |";
    for (const std::string& c : columns) md.append(" ").append(Fixed(MetricOf(m, c))).append(" |");
    md += " " + Fixed(m.fit_seconds, 2) + " | " + Fixed(static_cast<double>(m.peak_rss_bytes) / kMiB, 0) + " |\n";
  }
  md += "\nUsers evaluated: ";
  for (size_t i = 0; i < r.models.size(); ++i) {
    md += (i ? ", " : "") + r.models[i].label + " " + std::to_string(r.models[i].users.size()) + " (" +
          std::to_string(r.models[i].users_skipped) + " skipped: no test item)";
  }
  md += ".\n";
  if (!r.comparisons.empty()) {
    md += "\n## Paired comparisons\n\n```\n" + FormatComparisons(r) + "```\n";
  }
  md += "\n## Plots\n\n";
  for (const char* c : kPlottedCurves) md += "![" + std::string(c) + "@K](curve_" + c + ".svg)\n";
  md += "![popularity bias](popularity_bias.svg)\n";
  md += "\nMachine: " + r.cpu_model + ", " + std::to_string(r.cpus) + " CPUs, " + std::to_string(r.threads) +
        " threads. Metric definitions: docs/metrics.md.\n";
  return md;
}

Status WriteReportDir(const EvalReport& r, const std::vector<std::string>& columns, const std::string& command_line,
                      const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoError("cannot create directory " + dir + ": " + ec.message());
  const std::filesystem::path base(dir);
  ENCORE_RETURN_IF_ERROR(WriteFile((base / "report.json").string(), ReportJson(r, command_line)));
  ENCORE_RETURN_IF_ERROR(WriteFile((base / "report.md").string(), ReportMarkdown(r, columns, command_line)));

  // metric@K curves, one line per model.
  for (const char* curve : kPlottedCurves) {
    std::vector<SvgSeries> series;
    for (const ModelEvaluation& m : r.models) {
      SvgSeries s;
      s.name = m.label;
      auto it = m.curves.find(curve);
      if (it != m.curves.end()) {
        for (size_t k = 0; k < it->second.size(); ++k) {
          s.x.push_back(static_cast<double>(k + 1));
          s.y.push_back(it->second[k]);
        }
      } else {
        s.markers = true;
        for (int k : r.ks) {
          s.x.push_back(k);
          s.y.push_back(MetricOf(m, std::string(curve) + "@" + std::to_string(k)));
        }
      }
      series.push_back(std::move(s));
    }
    SvgChartOptions o;
    o.title = std::string(curve) + "@K (" + r.protocol + ")";
    o.x_label = "K";
    o.y_label = std::string(curve) + "@K";
    ENCORE_RETURN_IF_ERROR(
        WriteFile((base / ("curve_" + std::string(curve) + ".svg")).string(), LineChartSvg(series, o)));
  }

  // Popularity bias: cumulative share of recommendations (top max-K lists) taken by
  // the items up to each training-popularity rank, against the catalogue's own share
  // of training interactions.
  std::vector<ItemIdx> order;
  for (size_t i = 0; i < r.train_popularity.size(); ++i) {
    if (r.candidates.empty() || r.candidates[i]) order.push_back(static_cast<ItemIdx>(i));
  }
  std::sort(order.begin(), order.end(), [&](ItemIdx a, ItemIdx b) {
    return r.train_popularity[a] != r.train_popularity[b] ? r.train_popularity[a] > r.train_popularity[b] : a < b;
  });
  std::vector<size_t> sample_ranks;  // ~120 log-spaced ranks
  for (double x = 1; x <= static_cast<double>(order.size()); x *= 1.07) {
    const size_t rank = static_cast<size_t>(x);
    if (sample_ranks.empty() || sample_ranks.back() != rank) sample_ranks.push_back(rank);
  }
  if (!order.empty() && sample_ranks.back() != order.size()) sample_ranks.push_back(order.size());
  auto cumulative = [&](const std::string& name, auto value_of, bool dashed) {
    SvgSeries s;
    s.name = name;
    s.dashed = dashed;
    double total = 0;
    for (ItemIdx item : order) total += static_cast<double>(value_of(item));
    double acc = 0;
    size_t next = 0;
    for (size_t rank = 1; rank <= order.size() && next < sample_ranks.size(); ++rank) {
      acc += static_cast<double>(value_of(order[rank - 1]));
      if (rank == sample_ranks[next]) {
        s.x.push_back(static_cast<double>(rank));
        s.y.push_back(total > 0 ? acc / total : 0);
        ++next;
      }
    }
    return s;
  };
  std::vector<SvgSeries> bias;
  bias.push_back(cumulative("catalogue (training)", [&](ItemIdx i) { return r.train_popularity[i]; }, true));
  for (const ModelEvaluation& m : r.models) {
    bias.push_back(cumulative(m.label, [&](ItemIdx i) { return m.exposure[i]; }, false));
  }
  SvgChartOptions o;
  const int kmax = r.ks.empty() ? 0 : *std::max_element(r.ks.begin(), r.ks.end());
  o.title = "Popularity bias: share of top-" + std::to_string(kmax) + " recommendations";
  o.x_label = "items by training popularity rank (1 = most popular)";
  o.y_label = "cumulative share";
  o.log_x = true;
  ENCORE_RETURN_IF_ERROR(WriteFile((base / "popularity_bias.svg").string(), LineChartSvg(bias, o)));
  return Status::Ok();
}

Status DumpSplit(const Split& split, bool exclude_valid, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoError("cannot create directory " + dir + ": " + ec.message());
  const std::filesystem::path base(dir);
  auto dump = [&](const Interactions& m, const std::string& name) -> Status {
    std::string text = "user\titem\tweight\ttimestamp\n";
    for (const Interaction& p : m.ToTriplets()) {
      char buf[128];
      std::snprintf(buf, sizeof(buf), "%d\t%d\t%.9g\t%lld\n", p.user, p.item, static_cast<double>(p.weight),
                    static_cast<long long>(p.timestamp));
      text += buf;
    }
    return WriteFile((base / name).string(), text);
  };
  ENCORE_RETURN_IF_ERROR(dump(split.train, "train.tsv"));
  ENCORE_RETURN_IF_ERROR(dump(split.valid, "valid.tsv"));
  ENCORE_RETURN_IF_ERROR(dump(split.test, "test.tsv"));
  std::string cand = "item\n";
  for (size_t i = 0; i < split.test_candidates.size(); ++i) {
    if (split.test_candidates[i]) cand += std::to_string(i) + "\n";
  }
  ENCORE_RETURN_IF_ERROR(WriteFile((base / "candidates.tsv").string(), cand));
  nlohmann::json meta = {{"protocol", split.protocol},
                         {"n_users", split.test.n_users()},
                         {"n_items", split.test.n_items()},
                         {"fit_on_valid", split.fit_on_valid},
                         {"exclude_valid", exclude_valid}};
  return WriteFile((base / "split.json").string(), meta.dump(2) + "\n");
}

}  // namespace encore
