#include "ingest/demo_data.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "core/random.h"

namespace encore {
namespace {

// SplitMix64: a tiny generator whose output is the same on every platform and
// standard library (std:: distributions are not), so demo data is reproducible.
class DemoRng {
 public:
  explicit DemoRng(uint64_t seed) : state_(seed) {}
  uint64_t Next() { return SplitMix64Next(state_); }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  size_t Below(size_t n) { return static_cast<size_t>(Uniform() * static_cast<double>(n)) % n; }
  double Normal() {
    double u1 = std::max(Uniform(), 1e-300);
    double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }

 private:
  uint64_t state_;
};

struct GenreVocab {
  std::string name;
  std::vector<std::string> topics;  // "about ..." phrases
  std::vector<std::string> tags;
};

const std::vector<GenreVocab>& Genres() {
  static const std::vector<GenreVocab> kGenres = {
      {"action", {"a heist gone wrong", "a rogue agent", "a race against time"}, {"explosive", "fast-paced", "stunts"}},
      {"comedy", {"a wedding that goes sideways", "two hopeless roommates", "an office rivalry"}, {"funny", "feel-good", "witty"}},
      {"drama", {"a family reunion", "a small-town secret", "a second chance"}, {"emotional", "character-driven", "award-winning"}},
      {"documentary", {"life in the deep ocean", "a forgotten inventor", "the history of jazz"}, {"true-story", "educational", "nature"}},
      {"sci-fi", {"a colony on Mars", "a rogue AI", "a message from deep space"}, {"futuristic", "space", "mind-bending"}},
      {"horror", {"a house that remembers", "a cursed village", "something in the woods"}, {"scary", "creepy", "supernatural"}},
      {"romance", {"a summer in Lisbon", "letters never sent", "an unlikely match"}, {"romantic", "heartwarming", "love-story"}},
      {"jazz", {"late-night improvisation", "a smoky club in Harlem", "a trumpet solo"}, {"smooth", "instrumental", "live"}},
      {"electronic", {"a warehouse rave", "synthesizers at dawn", "a festival main stage"}, {"dance", "synth", "chill"}},
      {"rock", {"a garage band's first tour", "an arena anthem", "a reunion concert"}, {"guitar", "loud", "classic-rock"}},
      {"news", {"the week in politics", "markets and money", "technology headlines"}, {"current-affairs", "daily", "analysis"}},
      {"true-crime", {"an unsolved disappearance", "a con artist's trail", "a cold case reopened"}, {"investigation", "mystery", "dark"}},
  };
  return kGenres;
}

const std::vector<std::string> kMoods = {"gripping", "quiet", "playful", "haunting", "uplifting", "gritty",
                                         "dreamy", "tense", "warm", "bold"};
const std::vector<std::string> kAdjectives = {"Silent", "Golden", "Broken", "Midnight", "Hidden", "Electric",
                                              "Last", "Wild", "Distant", "Crimson", "Endless", "Paper"};
const std::vector<std::string> kNouns = {"Harbor", "Signal", "Garden", "Frontier", "Echo", "Empire", "River",
                                         "Machine", "Summer", "Letters", "Horizon", "Orchestra", "Alibi", "Lantern"};
const std::vector<std::string> kLanguages = {"en", "en", "en", "en", "en", "es", "fr", "de", "ja", "pt"};
const std::vector<std::string> kCountries = {"US", "GB", "DE", "FR", "ES", "BR", "JP", "IN", "CA", "AU"};
const std::vector<std::string> kAgeGroups = {"18-24", "25-34", "35-44", "45-54", "55+"};
const std::vector<std::string> kDevices = {"tv", "mobile", "web", "tablet"};

constexpr std::array<ItemKind, 5> kKinds = {ItemKind::kMovie, ItemKind::kEpisode, ItemKind::kClip,
                                            ItemKind::kTrack, ItemKind::kPodcast};
// Duration range in minutes per kind, in kKinds order.
constexpr std::array<std::pair<double, double>, 5> kDurationMinutes = {{{80, 150}, {20, 60}, {1, 10}, {2, 6}, {20, 90}}};
constexpr int64_t kSecondsPerDay = 86400;

std::string PaddedId(char prefix, int i, int width) {
  std::string digits = std::to_string(i);
  std::string out(1, prefix);
  if (static_cast<int>(digits.size()) < width) out.append(static_cast<size_t>(width) - digits.size(), '0');
  return out + digits;
}

int Digits(int n) { return static_cast<int>(std::to_string(n).size()); }

std::string Capitalised(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

}  // namespace

Status DemoDataOptions::Validate() const {
  if (n_users < 1 || n_users > 10'000'000) return InvalidArgument("demo data: users must be between 1 and 10,000,000");
  if (n_items < 1 || n_items > 1'000'000) return InvalidArgument("demo data: items must be between 1 and 1,000,000");
  if (n_plays < 0 || n_plays > 100'000'000) return InvalidArgument("demo data: plays must be between 0 and 100,000,000");
  if (span_days < 1) return InvalidArgument("demo data: span_days must be positive");
  return Status::Ok();
}

StatusOr<WriteBatch> GenerateDemoData(const DemoDataOptions& options) {
  ENCORE_RETURN_IF_ERROR(options.Validate());
  DemoRng rng(options.seed);
  const auto& genres = Genres();
  const size_t n_genres = genres.size();
  WriteBatch batch;

  // Items: one or two genres, a popularity and a latent genre profile.
  std::vector<std::vector<double>> item_profile(static_cast<size_t>(options.n_items), std::vector<double>(n_genres, 0));
  std::vector<double> popularity(static_cast<size_t>(options.n_items));
  for (int i = 0; i < options.n_items; ++i) {
    Item item;
    item.id = PaddedId('i', i + 1, std::max(4, Digits(options.n_items)));
    size_t g0 = rng.Below(n_genres);
    item_profile[i][g0] = 1.0;
    item.genres.push_back(genres[g0].name);
    if (rng.Uniform() < 0.4) {
      size_t g1 = rng.Below(n_genres);
      if (g1 != g0) {
        item_profile[i][g1] = 0.5;
        item.genres.push_back(genres[g1].name);
      }
    }
    size_t kind = rng.Below(kKinds.size());
    item.kind = kKinds[kind];
    // Every draw is its own statement: the operands of + are unsequenced, and
    // the data must not depend on the compiler's evaluation order.
    const std::string& mood = rng.Pick(kMoods);
    const std::string& adjective = rng.Pick(kAdjectives);
    const std::string& noun = rng.Pick(kNouns);
    item.title = "The " + adjective + " " + noun;
    if (rng.Uniform() < 0.3) {
      item.title += ' ';
      item.title += std::to_string(2 + rng.Below(3));
    }
    const std::string& topic = rng.Pick(genres[g0].topics);
    const std::string& mood2 = rng.Pick(kMoods);
    const std::string& mood3 = rng.Pick(kMoods);
    bool fan_line = rng.Uniform() < 0.5;
    std::string kind_name(ItemKindName(item.kind));
    item.description = Capitalised("a " + mood + " " + genres[g0].name + " " + kind_name + " about " + topic) +
                       ". " + Capitalised(mood2) + " and " + mood3 + ", it is " +
                       (fan_line ? "a favourite of " + genres[g0].name + " fans." : "made for a " + mood + " evening.");
    const std::string& tag1 = rng.Pick(genres[g0].tags);
    const std::string& tag2 = rng.Pick(genres[g0].tags);
    item.tags = {mood, tag1};
    if (tag2 != tag1) item.tags.push_back(tag2);
    item.language = rng.Pick(kLanguages);
    auto [lo, hi] = kDurationMinutes[kind];
    item.duration_s = std::round((lo + (hi - lo) * rng.Uniform()) * 60.0);
    item.created_at = options.start_time - static_cast<int64_t>(rng.Below(730)) * kSecondsPerDay;
    popularity[i] = std::exp(rng.Normal());
    batch.items.push_back(std::move(item));
  }

  // Users: two favourite genres plus a little interest in everything; activity varies.
  std::vector<std::vector<double>> taste(static_cast<size_t>(options.n_users), std::vector<double>(n_genres, 0));
  std::vector<double> activity(static_cast<size_t>(options.n_users));
  double total_activity = 0;
  for (int u = 0; u < options.n_users; ++u) {
    for (double& t : taste[u]) t = 0.1 * rng.Uniform();
    taste[u][rng.Below(n_genres)] += 1.0;
    taste[u][rng.Below(n_genres)] += 0.6;
    activity[u] = std::exp(0.7 * rng.Normal());
    total_activity += activity[u];
    User user;
    user.id = PaddedId('u', u + 1, std::max(4, Digits(options.n_users)));
    const std::string& country = rng.Pick(kCountries);
    const std::string& age_group = rng.Pick(kAgeGroups);
    user.attributes = {{"country", country}, {"age_group", age_group}};
    batch.users.push_back(std::move(user));
  }

  // Plays: items drawn by popularity^0.6 * exp(3 * affinity); more of a matching item is watched.
  std::vector<double> cdf(static_cast<size_t>(options.n_items));
  std::vector<double> affinity(static_cast<size_t>(options.n_items));
  const int64_t span = static_cast<int64_t>(options.span_days) * kSecondsPerDay;
  for (int u = 0; u < options.n_users; ++u) {
    double sum = 0;
    for (int i = 0; i < options.n_items; ++i) {
      double a = 0;
      for (size_t g = 0; g < n_genres; ++g) a += taste[u][g] * item_profile[i][g];
      affinity[i] = a;
      sum += std::pow(popularity[i], 0.6) * std::exp(3.0 * a);
      cdf[i] = sum;
    }
    auto n_plays = static_cast<int>(std::lround(options.n_plays * activity[u] / total_activity));
    std::vector<int64_t> times(static_cast<size_t>(std::max(n_plays, 0)));
    for (int64_t& t : times) t = options.start_time + static_cast<int64_t>(rng.Uniform() * static_cast<double>(span));
    std::sort(times.begin(), times.end());
    const std::string& device = rng.Pick(kDevices);
    for (int k = 0; k < n_plays; ++k) {
      double r = rng.Uniform() * sum;
      auto i = static_cast<size_t>(std::lower_bound(cdf.begin(), cdf.end(), r) - cdf.begin());
      i = std::min(i, cdf.size() - 1);
      double z = 2.5 * (affinity[i] - 0.5) + 0.8 * rng.Normal();
      double ratio = std::clamp(1.0 / (1.0 + std::exp(-z)), 0.01, 1.0);
      ratio = std::round(ratio * 1000.0) / 1000.0;
      Event play;
      play.user = batch.users[u].id;
      play.item = batch.items[i].id;
      play.type = EventType::kPlay;
      play.value = ratio;
      play.timestamp = times[k];
      play.device = device;
      play.session = play.user + "-" + std::to_string((times[k] - options.start_time) / kSecondsPerDay);
      Event follow = play;
      follow.value = 0;
      follow.timestamp += 1;
      batch.events.push_back(play);
      if (ratio > 0.8 && rng.Uniform() < 0.35) {
        follow.type = EventType::kLike;
        batch.events.push_back(follow);
      } else if (ratio < 0.15) {
        follow.type = rng.Uniform() < 0.1 ? EventType::kDislike : EventType::kSkip;
        batch.events.push_back(follow);
      }
    }
  }
  return batch;
}

}  // namespace encore
