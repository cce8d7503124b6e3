// Rendering an EvalReport: the console table, JSON, Markdown, SVG plots, and a
// plain-TSV dump of a split (for independent re-computation, tests/reference/).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "eval/evaluator.h"
#include "eval/splitters.h"

namespace encore {

// The table columns used when none are asked for: for each K ndcg, precision,
// recall, map, mrr, hit; then auc, and coverage@K, gini@K, novelty@K, longtail@K at max K.
std::vector<std::string> DefaultReportColumns(const std::vector<int>& ks);

// Checks that every column names a metric the report has (InvalidArgument otherwise).
Status CheckReportColumns(const EvalReport& report, const std::vector<std::string>& columns);

// One aligned plain-text table: a row per model, `columns` then train seconds and peak MiB.
std::string FormatTable(const EvalReport& report, const std::vector<std::string>& columns);

// One line per paired comparison: difference, bootstrap interval, p-value, verdict.
std::string FormatComparisons(const EvalReport& report);

// The machine-readable report (see docs/metrics.md "JSON report"). Every metric
// is printed with full double precision; undefined values are null.
std::string ReportJson(const EvalReport& report, const std::string& command_line, int indent = 2);

// report.md with the table, dataset statistics, comparisons and links to the plots.
std::string ReportMarkdown(const EvalReport& report, const std::vector<std::string>& columns,
                           const std::string& command_line);

// Writes report.md, report.json, curve_<metric>.svg and popularity_bias.svg into
// `dir` (created if missing).
Status WriteReportDir(const EvalReport& report, const std::vector<std::string>& columns,
                      const std::string& command_line, const std::string& dir);

// Writes train.tsv, valid.tsv, test.tsv (user, item, weight, timestamp: internal
// indices, tab-separated, with a header), candidates.tsv (test candidate items) and
// split.json (shape, fit_on_valid, exclude_valid) into `dir`.
Status DumpSplit(const Split& split, bool exclude_valid, const std::string& dir);

}  // namespace encore
