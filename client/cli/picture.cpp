#include "picture.h"

#include <chafa.h>

#include <memory>

#include "parley/client/media/thumbnail.h"

namespace parley::cli {

namespace {

// A terminal cell is about twice as tall as it is wide: chafa keeps the picture's proportions with it.
constexpr float kFontRatio = 0.5f;
// Ten times a preview's side (kThumbnailSide): a few thumbnails of other clients fit, a bomb does not.
constexpr std::uint32_t kMaxPictureSide = 10 * client::media::kThumbnailSide;

struct ChafaFree {
  void operator()(ChafaSymbolMap* m) const { chafa_symbol_map_unref(m); }
  void operator()(ChafaCanvasConfig* c) const { chafa_canvas_config_unref(c); }
  void operator()(ChafaCanvas* c) const { chafa_canvas_unref(c); }
  void operator()(GString* s) const { g_string_free(s, TRUE); }
};
template <typename T>
using Owned = std::unique_ptr<T, ChafaFree>;

}  // namespace

std::string render_picture(core::BytesView jpeg, int columns, bool colour, const std::string& indent) {
  // The thumbnail is small (spec §12.4), but it comes from another account: anything that is not a
  // readable JPEG, or claims to be far larger than a sender's preview, is not drawn.
  auto picture = client::media::decode_jpeg(jpeg, client::media::kThumbnailSide, kMaxPictureSide);
  if (!picture.ok() || columns <= 0) return {};
  gint width = columns, height = columns;  // the most cells; chafa shrinks one side to the aspect
  chafa_calc_canvas_geometry(static_cast<gint>(picture->width), static_cast<gint>(picture->height), &width, &height,
                             kFontRatio, FALSE, FALSE);

  Owned<ChafaSymbolMap> symbols(chafa_symbol_map_new());
  // Blocks and spaces only: every terminal font has them (wedges and sextants are newer).
  chafa_symbol_map_add_by_tags(symbols.get(), static_cast<ChafaSymbolTags>(CHAFA_SYMBOL_TAG_BLOCK | CHAFA_SYMBOL_TAG_SPACE));
  Owned<ChafaCanvasConfig> config(chafa_canvas_config_new());
  chafa_canvas_config_set_geometry(config.get(), width, height);
  chafa_canvas_config_set_symbol_map(config.get(), symbols.get());
  chafa_canvas_config_set_canvas_mode(config.get(), colour ? CHAFA_CANVAS_MODE_TRUECOLOR : CHAFA_CANVAS_MODE_FGBG);
  // Without colour each cell is ink or paper: ordered dithering keeps the shades apart.
  if (!colour) chafa_canvas_config_set_dither_mode(config.get(), CHAFA_DITHER_MODE_ORDERED);
  Owned<ChafaCanvas> canvas(chafa_canvas_new(config.get()));
  chafa_canvas_draw_all_pixels(canvas.get(), CHAFA_PIXEL_RGB8, picture->rgb.data(), static_cast<gint>(picture->width),
                               static_cast<gint>(picture->height), static_cast<gint>(picture->width * 3));
  Owned<GString> text(chafa_canvas_print(canvas.get(), nullptr));

  std::string out;
  std::string_view rest(text->str, text->len);
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    out += indent;
    out += rest.substr(0, end);
    out += colour ? "\x1b[0m\n" : "\n";
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  }
  return out;
}

}  // namespace parley::cli
