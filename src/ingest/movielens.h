// MovieLens importers: the 100K folder (u.data, u.item, u.user, u.genre) and the
// "latest" CSV folders (ratings.csv, movies.csv, tags.csv, links.csv).
// Item and user external ids are the dataset's ids as text ("1".."1682").
#pragma once

#include <string>

#include "ingest/options.h"

namespace encore {

// `dir` holds u.data and u.item (required), u.user and u.genre (optional).
// Ratings become `rate` events; u.item's 19 genre flags become genres and the
// release date becomes created_at. Text is latin-1 unless options say otherwise.
Status ParseMovieLens100k(const std::string& dir, const ImportOptions& options, ParsedImport* out);

// `dir` holds ratings.csv and movies.csv (required), tags.csv and links.csv
// (optional). Tags become item tags plus `tag` events; links become attributes.
Status ParseMovieLensLatest(const std::string& dir, const ImportOptions& options, ParsedImport* out);

}  // namespace encore
