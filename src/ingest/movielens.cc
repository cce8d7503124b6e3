#include "ingest/movielens.h"

#include <algorithm>
#include <array>
#include <unordered_map>
#include <unordered_set>

#include "ingest/text_file.h"

namespace encore {
namespace {

constexpr size_t kMl100kGenres = 19;
constexpr size_t kMl100kItemFields = 5 + kMl100kGenres;
constexpr std::array<std::string_view, kMl100kGenres> kDefaultGenres = {
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
    "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
    "Romance", "Sci-Fi", "Thriller", "War", "Western"};
constexpr int64_t kSecondsPerDay = 86400;

std::string RequiredFileError(const std::string& dir, const std::string& name, const char* what) {
  return JoinPath(dir, name) + ": no such file (a " + std::string(what) + " folder holds it)";
}

StatusOr<TextFile> OpenRequired(const std::string& dir, const std::string& name, const char* what,
                                const ImportOptions& options) {
  std::string path = JoinPath(dir, name);
  if (!FileExists(path)) return NotFound(RequiredFileError(dir, name, what));
  return TextFile::Open(path, options.max_line_bytes);
}

// "01-Jan-1995" -> unix seconds (0 for an empty field).
StatusOr<int64_t> ParseMlDate(const TextFile& file, const FieldReader& f, size_t i, std::string_view name) {
  std::string_view raw = f.Raw(i);
  if (raw.empty()) return int64_t{0};
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t day = 0, year = 0;
  auto bad = [&] {
    std::string what(1, '\'');  // built step by step: GCC 12 warns (-Wrestrict) on "'" + std::string
    what.append(raw).append("' is not a date like 01-Jan-1995");
    return file.FieldError(i, name, what);
  };
  std::vector<std::string_view> parts;
  SplitDelimited(raw, '-', &parts);
  if (parts.size() != 3 || !ParseInt(parts[0], &day) || !ParseInt(parts[2], &year) || day < 1 || day > 31 ||
      parts[2].size() != 4) {
    return bad();
  }
  auto month = std::find(kMonths.begin(), kMonths.end(), parts[1]);
  if (month == kMonths.end()) return bad();
  auto m = static_cast<unsigned>(month - kMonths.begin() + 1);
  return DaysFromCivil(year, m, static_cast<unsigned>(day)) * kSecondsPerDay;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

// "Toy Story (1995)" -> "1995"; "" when the title carries no year.
std::string TitleYear(std::string_view title) {
  std::string t = Trim(title);
  if (t.size() < 6 || t.back() != ')') return {};
  std::string_view year = std::string_view(t).substr(t.size() - 5, 4);
  if (t[t.size() - 6] != '(') return {};
  int64_t y = 0;
  return ParseInt(year, &y) ? std::string(year) : std::string();
}

// Views over owned CSV fields, for FieldReader.
struct CsvRecord {
  std::vector<std::string> owned;
  std::vector<std::string_view> views;

  Status Parse(const TextFile& file, std::string_view line) {
    Status st = SplitCsv(line, &owned);
    if (!st.ok()) return file.LineError("malformed CSV: " + st.message());
    views.assign(owned.begin(), owned.end());
    return Status::Ok();
  }
};

}  // namespace

Status ParseMovieLens100k(const std::string& dir, const ImportOptions& options, ParsedImport* out) {
  constexpr const char* kWhat = "MovieLens 100K";
  Encoding enc = options.encoding == Encoding::kAuto ? Encoding::kLatin1 : options.encoding;
  ErrorSink sink(options.on_error, &out->report);
  ImportReport& report = out->report;
  WriteBatch& batch = out->batch;
  std::vector<std::string_view> fields;

  std::vector<std::string> genre_names(kDefaultGenres.begin(), kDefaultGenres.end());
  if (std::string path = JoinPath(dir, "u.genre"); FileExists(path)) {
    ENCORE_ASSIGN_OR_RETURN(TextFile file, TextFile::Open(path, options.max_line_bytes));
    ENCORE_RETURN_IF_ERROR(ForEachLine(file, sink, report, [&](std::string_view line) -> Status {
      SplitDelimited(line, '|', &fields);
      FieldReader f(file, fields, enc);
      ENCORE_RETURN_IF_ERROR(f.ExpectCount(2, '|'));
      ENCORE_ASSIGN_OR_RETURN(std::string name, f.Text(0, "genre", true));
      ENCORE_ASSIGN_OR_RETURN(int64_t index, f.Int(1, "index"));
      if (index < 0 || index >= static_cast<int64_t>(kMl100kGenres)) {
        return file.FieldError(1, "index", "must be between 0 and 18");
      }
      genre_names[static_cast<size_t>(index)] = name;
      return Status::Ok();
    }));
  }

  std::unordered_map<std::string, size_t> item_pos;
  {
    ENCORE_ASSIGN_OR_RETURN(TextFile file, OpenRequired(dir, "u.item", kWhat, options));
    ENCORE_RETURN_IF_ERROR(ForEachLine(file, sink, report, [&](std::string_view line) -> Status {
      SplitDelimited(line, '|', &fields);
      FieldReader f(file, fields, enc);
      ENCORE_RETURN_IF_ERROR(f.ExpectCount(kMl100kItemFields, '|'));
      ENCORE_ASSIGN_OR_RETURN(int64_t id, f.Int(0, "movie id"));
      ENCORE_ASSIGN_OR_RETURN(std::string title, f.Text(1, "title"));
      ENCORE_ASSIGN_OR_RETURN(int64_t released, ParseMlDate(file, f, 2, "release date"));
      ENCORE_ASSIGN_OR_RETURN(std::string video_date, f.Text(3, "video release date"));
      ENCORE_ASSIGN_OR_RETURN(std::string url, f.Text(4, "IMDb URL"));
      Item item;
      item.id = std::to_string(id);
      for (size_t g = 0; g < kMl100kGenres; ++g) {
        std::string_view flag = f.Raw(5 + g);
        if (flag == "1") item.genres.push_back(genre_names[g]);
        else if (flag != "0") return file.FieldError(5 + g, "genre " + genre_names[g], "expected 0 or 1, found '" + std::string(flag) + "'");
      }
      if (item_pos.count(item.id)) return file.FieldError(0, "movie id", "movie " + item.id + " appears twice");
      item.kind = ItemKind::kMovie;
      item.title = std::move(title);
      item.created_at = released;
      if (!f.Raw(2).empty()) item.attributes["release_date"] = std::string(f.Raw(2));
      if (!video_date.empty()) item.attributes["video_release_date"] = video_date;
      if (!url.empty()) item.attributes["imdb_url"] = url;
      if (std::string year = TitleYear(item.title); !year.empty()) item.attributes["year"] = year;
      item_pos.emplace(item.id, batch.items.size());
      batch.items.push_back(std::move(item));
      return Status::Ok();
    }));
  }

  std::unordered_map<std::string, size_t> user_pos;
  if (std::string path = JoinPath(dir, "u.user"); FileExists(path)) {
    ENCORE_ASSIGN_OR_RETURN(TextFile file, TextFile::Open(path, options.max_line_bytes));
    ENCORE_RETURN_IF_ERROR(ForEachLine(file, sink, report, [&](std::string_view line) -> Status {
      SplitDelimited(line, '|', &fields);
      FieldReader f(file, fields, enc);
      ENCORE_RETURN_IF_ERROR(f.ExpectCount(5, '|'));
      ENCORE_ASSIGN_OR_RETURN(int64_t id, f.Int(0, "user id"));
      ENCORE_ASSIGN_OR_RETURN(int64_t age, f.Int(1, "age"));
      ENCORE_ASSIGN_OR_RETURN(std::string gender, f.Text(2, "gender"));
      ENCORE_ASSIGN_OR_RETURN(std::string occupation, f.Text(3, "occupation"));
      ENCORE_ASSIGN_OR_RETURN(std::string zip, f.Text(4, "zip code"));
      User user;
      user.id = std::to_string(id);
      if (user_pos.count(user.id)) return file.FieldError(0, "user id", "user " + user.id + " appears twice");
      user.attributes = {{"age", std::to_string(age)}, {"gender", gender}, {"occupation", occupation}, {"zip", zip}};
      user_pos.emplace(user.id, batch.users.size());
      batch.users.push_back(std::move(user));
      return Status::Ok();
    }));
  }

  ENCORE_ASSIGN_OR_RETURN(TextFile file, OpenRequired(dir, "u.data", kWhat, options));
  batch.events.reserve(100000);
  ENCORE_RETURN_IF_ERROR(ForEachLine(file, sink, report, [&](std::string_view line) -> Status {
    SplitDelimited(line, '\t', &fields);
    FieldReader f(file, fields, enc);
    ENCORE_RETURN_IF_ERROR(f.ExpectCount(4, '\t'));
    ENCORE_ASSIGN_OR_RETURN(int64_t user, f.Int(0, "user id"));
    ENCORE_ASSIGN_OR_RETURN(int64_t item, f.Int(1, "item id"));
    ENCORE_ASSIGN_OR_RETURN(double rating, f.Number(2, "rating"));
    ENCORE_ASSIGN_OR_RETURN(int64_t ts, f.Int(3, "timestamp"));
    Event e;
    e.user = std::to_string(user);
    e.item = std::to_string(item);
    if (!item_pos.count(e.item)) return file.FieldError(1, "item id", "unknown movie " + e.item + " (not in u.item)");
    if (!user_pos.empty() && !user_pos.count(e.user)) {
      return file.FieldError(0, "user id", "unknown user " + e.user + " (not in u.user)");
    }
    e.type = EventType::kRate;
    e.value = rating;
    e.timestamp = ts;
    batch.events.push_back(std::move(e));
    return Status::Ok();
  }));
  return Status::Ok();
}

Status ParseMovieLensLatest(const std::string& dir, const ImportOptions& options, ParsedImport* out) {
  constexpr const char* kWhat = "MovieLens latest";
  Encoding enc = options.encoding;
  ErrorSink sink(options.on_error, &out->report);
  ImportReport& report = out->report;
  WriteBatch& batch = out->batch;
  CsvRecord rec;

  std::unordered_map<std::string, size_t> item_pos;
  {
    ENCORE_ASSIGN_OR_RETURN(TextFile file, OpenRequired(dir, "movies.csv", kWhat, options));
    ENCORE_RETURN_IF_ERROR(ExpectHeader(file, "movieId,title,genres"));
    ENCORE_RETURN_IF_ERROR(ForEachLine(file, sink, report, [&](std::string_view line) -> Status {
      ENCORE_RETURN_IF_ERROR(rec.Parse(file, line));
      FieldReader f(file, rec.views, enc);
      ENCORE_RETURN_IF_ERROR(f.ExpectCount(3, ','));
      ENCORE_ASSIGN_OR_RETURN(int64_t id, f.Int(0, "movieId"));
      ENCORE_ASSIGN_OR_RETURN(std::string title, f.Text(1, "title"));
      ENCORE_ASSIGN_OR_RETURN(std::string genres, f.Text(2, "genres"));
      Item item;
      item.id = std::to_string(id);
      if (item_pos.count(item.id)) return file.FieldError(0, "movieId", "movie " + item.id + " appears twice");
      item.kind = ItemKind::kMovie;
      item.title = Trim(title);
      if (std::string year = TitleYear(item.title); !year.empty()) item.attributes["year"] = year;
      std::vector<std::string_view> parts;
      SplitDelimited(genres, '|', &parts);
      for (std::string_view g : parts) {
        if (!g.empty() && g != "(no genres listed)") item.genres.emplace_back(g);
      }
      item_pos.emplace(item.id, batch.items.size());
      batch.items.push_back(std::move(item));
      return Status::Ok();
    }));
  }

  if (std::string path = JoinPath(dir, "links.csv"); FileExists(path)) {
    ENCORE_ASSIGN_OR_RETURN(TextFile file, TextFile::Open(path, options.max_line_bytes));
    ENCORE_RETURN_IF_ERROR(ExpectHeader(file, "movieId,imdbId,tmdbId"));
    ENCORE_RETURN_IF_ERROR(ForEachLine(file, sink, report, [&](std::string_view line) -> Status {
      ENCORE_RETURN_IF_ERROR(rec.Parse(file, line));
      FieldReader f(file, rec.views, enc);
      ENCORE_RETURN_IF_ERROR(f.ExpectCount(3, ','));
      ENCORE_ASSIGN_OR_RETURN(int64_t id, f.Int(0, "movieId"));
      auto it = item_pos.find(std::to_string(id));
      if (it == item_pos.end()) return file.FieldError(0, "movieId", "unknown movie " + std::to_string(id) + " (not in movies.csv)");
      if (!f.Raw(1).empty()) ENCORE_RETURN_IF_ERROR(f.Int(1, "imdbId").status());
      if (!f.Raw(2).empty()) ENCORE_RETURN_IF_ERROR(f.Int(2, "tmdbId").status());
      Item& item = batch.items[it->second];
      if (!f.Raw(1).empty()) item.attributes["imdb_id"] = std::string(f.Raw(1));
      if (!f.Raw(2).empty()) item.attributes["tmdb_id"] = std::string(f.Raw(2));
      return Status::Ok();
    }));
  }

  {
    ENCORE_ASSIGN_OR_RETURN(TextFile file, OpenRequired(dir, "ratings.csv", kWhat, options));
    ENCORE_RETURN_IF_ERROR(ExpectHeader(file, "userId,movieId,rating,timestamp"));
    std::vector<std::string_view> fields;
    ENCORE_RETURN_IF_ERROR(ForEachLine(file, sink, report, [&](std::string_view line) -> Status {
      // Ratings never need quoting: a plain split is much faster than the CSV parser.
      SplitDelimited(line, ',', &fields);
      FieldReader f(file, fields, enc);
      ENCORE_RETURN_IF_ERROR(f.ExpectCount(4, ','));
      ENCORE_ASSIGN_OR_RETURN(int64_t user, f.Int(0, "userId"));
      ENCORE_ASSIGN_OR_RETURN(int64_t item, f.Int(1, "movieId"));
      ENCORE_ASSIGN_OR_RETURN(double rating, f.Number(2, "rating"));
      ENCORE_ASSIGN_OR_RETURN(int64_t ts, f.Int(3, "timestamp"));
      Event e;
      e.item = std::to_string(item);
      if (!item_pos.count(e.item)) return file.FieldError(1, "movieId", "unknown movie " + e.item + " (not in movies.csv)");
      e.user = std::to_string(user);
      e.type = EventType::kRate;
      e.value = rating;
      e.timestamp = ts;
      batch.events.push_back(std::move(e));
      return Status::Ok();
    }));
  }

  if (std::string path = JoinPath(dir, "tags.csv"); FileExists(path)) {
    // One `tag` event per (user, movie, timestamp): the store would count the rest as duplicates.
    std::unordered_set<std::string> tag_event_keys;
    idx_t same_time = 0;
    ENCORE_ASSIGN_OR_RETURN(TextFile file, TextFile::Open(path, options.max_line_bytes));
    ENCORE_RETURN_IF_ERROR(ExpectHeader(file, "userId,movieId,tag,timestamp"));
    ENCORE_RETURN_IF_ERROR(ForEachLine(file, sink, report, [&](std::string_view line) -> Status {
      ENCORE_RETURN_IF_ERROR(rec.Parse(file, line));
      FieldReader f(file, rec.views, enc);
      ENCORE_RETURN_IF_ERROR(f.ExpectCount(4, ','));
      ENCORE_ASSIGN_OR_RETURN(int64_t user, f.Int(0, "userId"));
      ENCORE_ASSIGN_OR_RETURN(int64_t item, f.Int(1, "movieId"));
      ENCORE_ASSIGN_OR_RETURN(std::string tag, f.Text(2, "tag", true));
      ENCORE_ASSIGN_OR_RETURN(int64_t ts, f.Int(3, "timestamp"));
      auto it = item_pos.find(std::to_string(item));
      if (it == item_pos.end()) return file.FieldError(1, "movieId", "unknown movie " + std::to_string(item) + " (not in movies.csv)");
      std::vector<std::string>& tags = batch.items[it->second].tags;
      tag = Trim(tag);
      if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
      Event e;
      e.user = std::to_string(user);
      e.item = std::to_string(item);
      e.type = EventType::kTag;
      e.timestamp = ts;
      if (!tag_event_keys.insert(e.user + '\t' + e.item + '\t' + std::to_string(ts)).second) {
        ++same_time;
        return Status::Ok();
      }
      batch.events.push_back(std::move(e));
      return Status::Ok();
    }));
    if (same_time > 0) {
      report.notes.push_back(std::to_string(same_time) +
                             " tags in tags.csv share a (user, movie, timestamp) with another; all are kept as item "
                             "tags, with one tag event per (user, movie, timestamp)");
    }
  }
  return Status::Ok();
}

}  // namespace encore
