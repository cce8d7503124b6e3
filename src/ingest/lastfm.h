// Last.fm HetRec 2011 (2K users) importer.
#pragma once

#include <string>

#include "ingest/options.h"

namespace encore {

// `dir` holds user_artists.dat and artists.dat (required), tags.dat with
// user_taggedartists.dat, and user_friends.dat (optional). Tab-separated with a
// header line. user_artists.dat rows become `play_count` events (value = plays,
// timestamp 0); artists become items of kind artist; tag assignments become item
// tags (most used first) and `tag` events dated by their day; friends become
// user links. Assignments naming artists missing from artists.dat (the published
// files have some) are ignored and counted in a report note. Text fields are
// decoded as UTF-8 when valid, else latin-1, unless options say otherwise.
Status ParseLastfm2k(const std::string& dir, const ImportOptions& options, ParsedImport* out);

}  // namespace encore
