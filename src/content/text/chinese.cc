#include "content/text/chinese.h"

#include <filesystem>

extern "C" {
#include <friso.h>
}

namespace encore::text {

struct ChineseSegmenter::Friso {
  friso_t friso = nullptr;
  friso_config_t config = nullptr;
  ~Friso() {
    if (config) friso_free_config(config);
    if (friso) friso_free(friso);
  }
};

ChineseSegmenter::~ChineseSegmenter() = default;

StatusOr<std::unique_ptr<ChineseSegmenter>> ChineseSegmenter::Load(const std::string& ini_path) {
  std::error_code ec;
  if (!std::filesystem::exists(ini_path, ec)) {
    return NotFound("friso configuration " + ini_path + " not found; install friso-dict (scripts/install-deps.sh)");
  }
  std::unique_ptr<ChineseSegmenter> seg(new ChineseSegmenter());
  seg->friso_ = std::make_unique<Friso>();
  seg->friso_->friso = friso_new();
  seg->friso_->config = friso_new_config();
  if (!seg->friso_->friso || !seg->friso_->config) return Internal("friso: out of memory");
  std::string path = ini_path;  // friso takes a non-const char*
  if (friso_init_from_ifile(seg->friso_->friso, seg->friso_->config, path.data()) != 1) {
    return Internal("friso could not initialise from " + ini_path + "; check friso.lex_dir in that file");
  }
  // Synonym expansion would inject words that are not in the text; stop words
  // are handled by the tokenizer's own list.
  seg->friso_->config->add_syn = 0;
  seg->friso_->config->clr_stw = 0;
  return seg;
}

StatusOr<const ChineseSegmenter*> ChineseSegmenter::Shared() {
  // Immutable after construction: the one process-wide instance (documented in the header).
  static const StatusOr<std::unique_ptr<ChineseSegmenter>> shared = Load(kFrisoIniPath);
  if (!shared.ok()) return shared.status();
  return shared->get();
}

std::vector<std::string> ChineseSegmenter::Segment(std::string_view text) const {
  std::vector<std::string> words;
  if (text.empty()) return words;
  std::string buffer(text);  // friso keeps a pointer to the text for the task's lifetime
  std::lock_guard<std::mutex> lock(mu_);
  friso_task_t task = friso_new_task();
  if (!task) return words;
  friso_set_text(task, buffer.data());
  while (friso_->config->next_token(friso_->friso, friso_->config, task) != nullptr) {
    if (task->token->type == __LEX_PUNC_WORDS__) continue;
    words.emplace_back(task->token->word);
  }
  friso_free_task(task);
  return words;
}

}  // namespace encore::text
