#include "store/dataset.h"

#include <algorithm>
#include <utility>

namespace encore {

StatusOr<Dataset> LoadDataset(const Store& store, const DatasetOptions& options) {
  ENCORE_RETURN_IF_ERROR(options.weighting.Validate());
  Dataset data;
  ENCORE_ASSIGN_OR_RETURN(data.user_ids, store.UserIds());
  ENCORE_ASSIGN_OR_RETURN(data.item_ids, store.ItemIds());
  if (options.load_items) {
    ENCORE_ASSIGN_OR_RETURN(data.items, store.AllItems(&data.item_deleted));
    // Items may have been added between the two reads; keep the tables aligned.
    data.items.resize(data.item_ids.size());
    data.item_deleted.resize(data.item_ids.size(), false);
  } else {
    data.item_deleted.assign(data.item_ids.size(), false);
  }
  if (options.load_analyses) {
    ENCORE_ASSIGN_OR_RETURN(data.item_analyses, store.AllItemData(kMediaAnalysisKey));
    data.item_analyses.resize(data.item_ids.size());
    if (std::all_of(data.item_analyses.begin(), data.item_analyses.end(), [](const std::string& a) { return a.empty(); })) {
      data.item_analyses.clear();
    }
  }
  ENCORE_ASSIGN_OR_RETURN(std::vector<EventRow> events, store.ReadEvents());
  auto n_users = static_cast<idx_t>(data.user_ids.size());
  auto n_items = static_cast<idx_t>(data.item_ids.size());
  // Events written after the id tables were read would be out of range: drop them.
  std::erase_if(events, [&](const EventRow& e) {
    return e.user < 0 || e.user >= n_users || e.item < 0 || e.item >= n_items;
  });
  std::vector<Interaction> pairs = AggregateEvents(events, options.weighting);
  data.interactions = Interactions::FromTriplets(n_users, n_items, pairs);
  if (options.keep_events) data.events = std::move(events);
  return data;
}

}  // namespace encore
