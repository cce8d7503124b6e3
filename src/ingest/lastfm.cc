#include "ingest/lastfm.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "ingest/text_file.h"

namespace encore {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

StatusOr<TextFile> OpenWithHeader(const std::string& dir, const std::string& name, std::string_view header,
                                  const ImportOptions& options) {
  std::string path = JoinPath(dir, name);
  if (!FileExists(path)) return NotFound(path + ": no such file (a Last.fm 2K folder holds it)");
  ENCORE_ASSIGN_OR_RETURN(TextFile file, TextFile::Open(path, options.max_line_bytes));
  ENCORE_RETURN_IF_ERROR(ExpectHeader(file, header));
  return file;
}

}  // namespace

Status ParseLastfm2k(const std::string& dir, const ImportOptions& options, ParsedImport* out) {
  Encoding enc = options.encoding;
  ErrorSink sink(options.on_error, &out->report);
  ImportReport& report = out->report;
  WriteBatch& batch = out->batch;
  std::vector<std::string_view> fields;

  std::unordered_map<std::string, size_t> item_pos;
  {
    ENCORE_ASSIGN_OR_RETURN(TextFile file, OpenWithHeader(dir, "artists.dat", "id\tname\turl\tpictureURL", options));
    ENCORE_RETURN_IF_ERROR(ForEachLine(file, sink, report, [&](std::string_view line) -> Status {
      SplitDelimited(line, '\t', &fields);
      FieldReader f(file, fields, enc);
      ENCORE_RETURN_IF_ERROR(f.ExpectCount(4, '\t'));
      ENCORE_ASSIGN_OR_RETURN(int64_t id, f.Int(0, "id"));
      ENCORE_ASSIGN_OR_RETURN(std::string name, f.Text(1, "name"));
      ENCORE_ASSIGN_OR_RETURN(std::string url, f.Text(2, "url"));
      ENCORE_ASSIGN_OR_RETURN(std::string picture, f.Text(3, "pictureURL"));
      Item item;
      item.id = std::to_string(id);
      if (item_pos.count(item.id)) return file.FieldError(0, "id", "artist " + item.id + " appears twice");
      item.kind = ItemKind::kArtist;
      item.title = std::move(name);
      if (!url.empty()) item.attributes["url"] = url;
      if (!picture.empty()) item.attributes["picture_url"] = picture;
      item_pos.emplace(item.id, batch.items.size());
      batch.items.push_back(std::move(item));
      return Status::Ok();
    }));
  }

  {
    ENCORE_ASSIGN_OR_RETURN(TextFile file, OpenWithHeader(dir, "user_artists.dat", "userID\tartistID\tweight", options));
    ENCORE_RETURN_IF_ERROR(ForEachLine(file, sink, report, [&](std::string_view line) -> Status {
      SplitDelimited(line, '\t', &fields);
      FieldReader f(file, fields, enc);
      ENCORE_RETURN_IF_ERROR(f.ExpectCount(3, '\t'));
      ENCORE_ASSIGN_OR_RETURN(int64_t user, f.Int(0, "userID"));
      ENCORE_ASSIGN_OR_RETURN(int64_t artist, f.Int(1, "artistID"));
      ENCORE_ASSIGN_OR_RETURN(double plays, f.Number(2, "weight"));
      if (plays < 0) return file.FieldError(2, "weight", "a play count cannot be negative");
      Event e;
      e.item = std::to_string(artist);
      if (!item_pos.count(e.item)) return file.FieldError(1, "artistID", "unknown artist " + e.item + " (not in artists.dat)");
      e.user = std::to_string(user);
      e.type = EventType::kPlayCount;
      e.value = plays;
      batch.events.push_back(std::move(e));
      return Status::Ok();
    }));
  }

  bool has_tags = FileExists(JoinPath(dir, "tags.dat"));
  bool has_assignments = FileExists(JoinPath(dir, "user_taggedartists.dat"));
  if (has_assignments && !has_tags) {
    return NotFound(JoinPath(dir, "tags.dat") + ": no such file (user_taggedartists.dat needs it for tag names)");
  }
  if (has_assignments) {
    std::unordered_map<int64_t, std::string> tag_names;
    {
      ENCORE_ASSIGN_OR_RETURN(TextFile file, OpenWithHeader(dir, "tags.dat", "tagID\ttagValue", options));
      ENCORE_RETURN_IF_ERROR(ForEachLine(file, sink, report, [&](std::string_view line) -> Status {
        SplitDelimited(line, '\t', &fields);
        FieldReader f(file, fields, enc);
        ENCORE_RETURN_IF_ERROR(f.ExpectCount(2, '\t'));
        ENCORE_ASSIGN_OR_RETURN(int64_t id, f.Int(0, "tagID"));
        ENCORE_ASSIGN_OR_RETURN(std::string value, f.Text(1, "tagValue", true));
        if (tag_names.count(id)) return file.FieldError(0, "tagID", "tag " + std::to_string(id) + " appears twice");
        tag_names.emplace(id, std::move(value));
        return Status::Ok();
      }));
    }
    // item position -> tag -> number of users who gave it.
    std::unordered_map<size_t, std::unordered_map<std::string, int64_t>> tag_counts;
    idx_t unknown_artist = 0;
    idx_t same_day = 0;
    // One `tag` event per (user, artist, day): the store would count the rest as duplicates.
    std::unordered_set<std::string> tag_event_keys;
    ENCORE_ASSIGN_OR_RETURN(TextFile file, OpenWithHeader(dir, "user_taggedartists.dat",
                                                          "userID\tartistID\ttagID\tday\tmonth\tyear", options));
    ENCORE_RETURN_IF_ERROR(ForEachLine(file, sink, report, [&](std::string_view line) -> Status {
      SplitDelimited(line, '\t', &fields);
      FieldReader f(file, fields, enc);
      ENCORE_RETURN_IF_ERROR(f.ExpectCount(6, '\t'));
      ENCORE_ASSIGN_OR_RETURN(int64_t user, f.Int(0, "userID"));
      ENCORE_ASSIGN_OR_RETURN(int64_t artist, f.Int(1, "artistID"));
      ENCORE_ASSIGN_OR_RETURN(int64_t tag, f.Int(2, "tagID"));
      ENCORE_ASSIGN_OR_RETURN(int64_t day, f.Int(3, "day"));
      ENCORE_ASSIGN_OR_RETURN(int64_t month, f.Int(4, "month"));
      ENCORE_ASSIGN_OR_RETURN(int64_t year, f.Int(5, "year"));
      if (day < 1 || day > 31) return file.FieldError(3, "day", "must be between 1 and 31");
      if (month < 1 || month > 12) return file.FieldError(4, "month", "must be between 1 and 12");
      auto name = tag_names.find(tag);
      if (name == tag_names.end()) return file.FieldError(2, "tagID", "unknown tag " + std::to_string(tag) + " (not in tags.dat)");
      Event e;
      e.item = std::to_string(artist);
      auto it = item_pos.find(e.item);
      if (it == item_pos.end()) {
        ++unknown_artist;
        return Status::Ok();
      }
      ++tag_counts[it->second][name->second];
      e.user = std::to_string(user);
      e.type = EventType::kTag;
      e.timestamp = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * kSecondsPerDay;
      if (!tag_event_keys.insert(e.user + '\t' + e.item + '\t' + std::to_string(e.timestamp)).second) {
        ++same_day;
        return Status::Ok();
      }
      batch.events.push_back(std::move(e));
      return Status::Ok();
    }));
    for (auto& [pos, counts] : tag_counts) {
      std::vector<std::pair<std::string, int64_t>> sorted(counts.begin(), counts.end());
      std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
      });
      for (auto& [tag, count] : sorted) batch.items[pos].tags.push_back(tag);
    }
    if (same_day > 0) {
      report.notes.push_back(std::to_string(same_day) +
                             " tag assignments repeat a (user, artist, day) already tagged; all their tags are kept "
                             "on the artist, with one tag event per (user, artist, day)");
    }
    if (unknown_artist > 0) {
      report.notes.push_back(std::to_string(unknown_artist) +
                             " tag assignments in user_taggedartists.dat name artists missing from artists.dat; "
                             "they were ignored");
    }
  }

  if (std::string path = JoinPath(dir, "user_friends.dat"); FileExists(path)) {
    ENCORE_ASSIGN_OR_RETURN(TextFile file, OpenWithHeader(dir, "user_friends.dat", "userID\tfriendID", options));
    ENCORE_RETURN_IF_ERROR(ForEachLine(file, sink, report, [&](std::string_view line) -> Status {
      SplitDelimited(line, '\t', &fields);
      FieldReader f(file, fields, enc);
      ENCORE_RETURN_IF_ERROR(f.ExpectCount(2, '\t'));
      ENCORE_ASSIGN_OR_RETURN(int64_t user, f.Int(0, "userID"));
      ENCORE_ASSIGN_OR_RETURN(int64_t friend_id, f.Int(1, "friendID"));
      batch.links.push_back({std::to_string(user), std::to_string(friend_id)});
      return Status::Ok();
    }));
  }
  return Status::Ok();
}

}  // namespace encore
