#!/usr/bin/env bash
# The main job behind `make run`: create the embedded store, load data, train the
# default model, print a short evaluation and a few example recommendations.
# It ends by serving the model over HTTP with the dashboard (Ctrl-C stops it).
# With ENCORE_DATA_DIR set it uses MovieLens 100K from there; otherwise it
# generates the built-in demo catalogue (`encore demo-data`).
set -euo pipefail
ENCORE="${1:-build/src/cli/encore}"
MODEL="${ENCORE_MODEL:-ease}"
mkdir -p var
MEDIA_ARGS=()

if [ -n "${ENCORE_DATA_DIR:-}" ]; then
  DB=var/ml-100k.db
  echo "== importing MovieLens 100K from $ENCORE_DATA_DIR/ml-100k into $DB"
  "$ENCORE" import --format movielens-100k --db "$DB" "$ENCORE_DATA_DIR/ml-100k"
  USERS=(1 2 3)
  ITEM=50
else
  DB=var/demo.db
  echo "== generating the demo catalogue into $DB (set ENCORE_DATA_DIR to use MovieLens 100K)"
  # A handful of short generated media files (flite/sox/ffmpeg) so analysis has something to show.
  if command -v flite >/dev/null && command -v sox >/dev/null && command -v ffmpeg >/dev/null; then
    MEDIA_ARGS=(--media var/demo-media --media-items 6)
  else
    echo "   (no demo media: flite, sox and ffmpeg are needed; apt-get install flite sox ffmpeg)"
  fi
  "$ENCORE" demo-data --db "$DB" --out var/demo-data "${MEDIA_ARGS[@]}"
  USERS=(u0001 u0002 u0003)
  ITEM=i0001
fi

echo; echo "== store"
"$ENCORE" stats --db "$DB"

if [ -z "${ENCORE_DATA_DIR:-}" ] && [ ${#MEDIA_ARGS[@]} -gt 0 ]; then
  echo; echo "== media understanding: tempo, key, transcript, shots, on-screen text (docs/media.md)"
  "$ENCORE" analyze --db "$DB" --jobs 2
fi

echo; echo "== evaluation (stratified 75/25 per user, full ranking)"
"$ENCORE" eval --db "$DB" --protocol stratified --models "popularity,$MODEL" --k 10 --out var/report

echo; echo "== cold start: items nobody has played yet (new-items protocol; hybrid = CF + content + fusion)"
"$ENCORE" eval --db "$DB" --protocol new-items --models popularity,content,hybrid --k 10 --bootstrap 0

echo; echo "== training $MODEL on all data"
"$ENCORE" train --db "$DB" --model "$MODEL" --out var/model.bin

for user in "${USERS[@]}"; do
  echo; "$ENCORE" recommend --db "$DB" --model var/model.bin --user "$user" -n 5
done
PORT="${ENCORE_PORT:-8080}"
echo
echo "== serving on http://127.0.0.1:$PORT/  (dashboard; Ctrl-C to stop)"
echo "   curl 'http://127.0.0.1:$PORT/api/recommend/${USERS[0]}?n=5&explain=true'"
echo "   curl http://127.0.0.1:$PORT/api/similar/$ITEM?n=5"
[ -z "${ENCORE_DATA_DIR:-}" ] && echo "   curl http://127.0.0.1:$PORT/api/items/$ITEM/analysis   (media analysis; dashboard: click an item)"
echo "   curl \"http://127.0.0.1:$PORT/api/search?q=space+adventure\""
echo "   curl -X POST http://127.0.0.1:$PORT/api/events -H 'Content-Type: application/json' \\"
echo "        -d '{\"user\":\"${USERS[0]}\",\"item\":\"$ITEM\",\"type\":\"play\",\"value\":1.0}'"
echo "   report of the evaluation: var/report/report.md"
exec "$ENCORE" serve --db "$DB" --model var/model.bin --port "$PORT" --report var/report
